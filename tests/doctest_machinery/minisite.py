"""A throwaway MkDocs site whose pages docproof tests (the machinery tests' `site` fixture).

A module of its own, not conftest.py: `from conftest import ...` resolves to whichever conftest
module pytest imported first, which depends on the order files are collected in.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

MKDOCS_YML = """\
site_name: mini
docs_dir: docs
markdown_extensions:
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - admonition
  - pymdownx.details
  - pymdownx.snippets:
      base_path: [snippets]
      check_paths: true
"""

CONFTEST = """\
from pathlib import Path
import pytest
from docproof import make_sybil
from docproof.ordering import in_document_order
pytest_collect_file = make_sybil(Path(__file__).parent / "mkdocs.yml").pytest()

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    in_document_order(items)
"""


class MiniSite:
    """A throwaway site (mkdocs.yml, docs/, snippets/) whose pages docproof tests."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.root = Path(pytester.path)
        (self.root / "mkdocs.yml").write_text(MKDOCS_YML)
        (self.root / "conftest.py").write_text(CONFTEST)
        (self.root / "docs").mkdir()
        (self.root / "snippets").mkdir()
        (self.root / "pytest.ini").write_text(
            "[pytest]\naddopts = -p no:doctest -p no:cacheprovider\n"
        )

    def page(self, name: str, text: str) -> Path:
        path = self.root / "docs" / name
        path.write_text(textwrap.dedent(text))
        return path

    def snippet(self, name: str, text: str) -> Path:
        path = self.root / "snippets" / name
        path.write_text(textwrap.dedent(text))
        return path

    def run(self, *args: str) -> pytest.RunResult:
        return self.pytester.runpytest_inprocess("docs", "-q", "-rs", *args)
