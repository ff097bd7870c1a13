"""What docproof needs from mkdocs.yml: the docs folder and the snippets settings."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markdown
import yaml


class _Loader(yaml.SafeLoader):
    """A YAML loader that reads mkdocs.yml, ignoring MkDocs' custom tags (!ENV, !!python/...)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_Loader.add_multi_constructor("!", _ignore_tag)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


@dataclass(frozen=True)
class SiteConfig:
    root: Path
    docs_dir: Path
    snippet_bases: tuple[Path, ...]
    check_paths: bool

    def expand_snippets(self, text: str) -> str:
        """Expand ``--8<--`` lines in ``text`` exactly as pymdownx.snippets does for the site.

        Raises:
            pymdownx.snippets.SnippetMissingError: If an included file does not exist.
        """
        md = markdown.Markdown(
            extensions=["pymdownx.snippets"],
            extension_configs={
                "pymdownx.snippets": {
                    "base_path": [str(p) for p in self.snippet_bases],
                    "check_paths": True,
                }
            },
        )
        lines = md.preprocessors["snippet"].run(text.split("\n"))
        return "\n".join(lines)


@functools.cache
def load(mkdocs_yml: Path) -> SiteConfig:
    """Read the parts of ``mkdocs_yml`` docproof needs."""
    data = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_Loader)
    root = mkdocs_yml.parent
    bases: list[str] = ["."]
    check_paths = False
    for entry in data.get("markdown_extensions", []):
        if isinstance(entry, dict) and "pymdownx.snippets" in entry:
            options = entry["pymdownx.snippets"] or {}
            raw = options.get("base_path", ["."])
            bases = [raw] if isinstance(raw, str) else list(raw)
            check_paths = bool(options.get("check_paths", False))
    return SiteConfig(
        root=root,
        docs_dir=root / data.get("docs_dir", "docs"),
        snippet_bases=tuple((root / b).resolve() for b in bases),
        check_paths=check_paths,
    )
