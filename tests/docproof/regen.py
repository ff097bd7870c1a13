"""Rewrite the output a page shows with the output its blocks really print.

Usage: ``python -m docproof.regen docs/page.md [...]`` (``make regen PAGE=docs/page.md``).

Runs the page's blocks in order, exactly as the tests do, and replaces the body of every
``output`` fence and every ``console`` session with what was printed. A block that already
matches what was printed is left as it is, so its ``...`` placeholders stay; a block that
changed is rewritten whole, and a ``...`` it held is reported, to be put back by hand where it
stands for text that genuinely varies. Read the diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docproof import output, sybil_parser


def regenerate(mkdocs_yml: Path, page: Path) -> bool:
    """Rewrite ``page`` in place; return True when it changed."""
    sybil = sybil_parser.make_sybil(mkdocs_yml)
    document = sybil.parse(page.resolve())
    sybil_parser.RECORDER = {}
    try:
        assert sybil.setup is not None and sybil.teardown is not None
        sybil.setup(document.namespace)
        try:
            for example in document.examples():
                example.evaluate()
        finally:
            sybil.teardown(document.namespace)
        recorded = sybil_parser.RECORDER
    finally:
        sybil_parser.RECORDER = None
    text = document.text
    for (start, end), (prefix, body) in sorted(recorded.items(), reverse=True):
        old = text[start:end]
        shown = "".join(line.removeprefix(prefix) + "\n" for line in old.splitlines())
        if output.matches(shown, body if body.endswith("\n") else body + "\n"):
            continue  # unchanged, placeholders and all
        if "..." in shown:
            line = text.count("\n", 0, start) + 1
            print(f"{page}:{line}: rewritten; it held '...': put back what genuinely varies")
        lines = body.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        new = "".join((prefix + line if line else "") + "\n" for line in lines)
        text = text[:start] + new + text[end:]
    changed = text != document.text
    if changed:
        page.write_text(text, encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[2]
    if not argv:
        print(__doc__)
        return 2
    for name in argv:
        changed = regenerate(root / "mkdocs.yml", Path(name))
        print(f"{name}: {'rewritten' if changed else 'unchanged'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
