"""Shared code for the site tests (fixtures are in conftest.py)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
CONFIGS = {"online": ROOT / "mkdocs.yml", "offline": ROOT / "mkdocs-offline.yml"}
# mkdocs logs "WARNING -  ..." and "ERROR   -  ..." at the start of a line.
PROBLEM_LINE = re.compile(r"^\s*(?:WARNING|ERROR)\b.*$", re.MULTILINE)


def load_config(name: str) -> dict[str, Any]:
    """The raw configuration of an edition as MkDocs reads it (INHERIT merged, !ENV resolved)."""
    from mkdocs.utils.yaml import yaml_load

    with CONFIGS[name].open("rb") as f:
        return yaml_load(f)


@dataclass
class Build:
    """One ``mkdocs build`` of an edition."""

    edition: str
    command: list[str]
    root: Path  # what a web server would serve
    url_path: str  # where the site is under root: "" or e.g. "certkit/"
    returncode: int = -1
    output: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def site_dir(self) -> Path:
        return self.root / self.url_path

    def require_success(self) -> Path:
        if self.returncode != 0:
            pytest.fail(
                f"the {self.edition} edition did not build ({' '.join(self.command)}):\n"
                f"{self.output}",
                pytrace=False,
            )
        return self.site_dir

    def html_files(self) -> list[Path]:
        return sorted(self.site_dir.rglob("*.html"))


def site_path(site_url: str | None) -> str:
    """The URL path a site is published under ("certkit/" for https://x.github.io/certkit/)."""
    path = urlsplit(site_url or "/").path.strip("/")
    return f"{path}/" if path else ""


def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test run's base temporary directory, the same for every xdist worker of the run."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def page_weight_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser test writes each page's download (JSON): read by the terminal summary
    (the root conftest.py) and by bench/run.py."""
    return run_dir(tmp_path_factory) / "page-weight.json"
