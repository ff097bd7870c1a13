"""Collects every course page (docs/**/*.md) as Sybil tests through docproof."""

from __future__ import annotations

from pathlib import Path

from docproof import make_sybil
from docproof.guard import summary_lines
from sybil import Sybil
from sybil.parsers.rest import DocTestParser

ROOT = Path(__file__).parent

# The docproof machinery tests build throwaway sites and run pytest on them.
pytest_plugins = ["pytester"]

# The course pages, and the examples in certkit's docstrings (the API reference page shows them).
pytest_collect_file = (
    make_sybil(ROOT / "mkdocs.yml")
    + Sybil(parsers=[DocTestParser()], patterns=["*.py"], path="src/certkit", name="docstrings")
).pytest()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if getattr(config.option, "collectonly", False):
        return
    terminalreporter.section("docproof: fenced blocks on the course pages")
    for line in summary_lines(ROOT / "mkdocs.yml"):
        terminalreporter.write_line(line)
