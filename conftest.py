"""Collects every course page (docs/**/*.md) as Sybil tests through docproof.

Tests run in random order (pytest-randomly prints its seed in the header; ``-p randomly
--randomly-seed=N`` repeats an order, ``-p no:randomly`` turns it off), except the examples of
one page or of one module's docstrings, which share a namespace: `docproof.ordering` keeps
them in the order they are written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docproof import make_sybil
from docproof.guard import summary_lines
from docproof.ordering import in_document_order
from sybil import Sybil
from sybil.parsers.rest import DocTestParser

ROOT = Path(__file__).parent

# The docproof machinery tests build throwaway sites and run pytest on them; ci_skips makes a
# skip a failure in CI.
pytest_plugins = ["pytester", "ci_skips"]

# The course pages, and the examples in certkit's docstrings (the API reference page shows them).
pytest_collect_file = (
    make_sybil(ROOT / "mkdocs.yml")
    + Sybil(parsers=[DocTestParser()], patterns=["*.py"], path="src/certkit", name="docstrings")
).pytest()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    """The one Playwright of a test process (sync API): a second one started while the first
    runs fails ("use the Async API instead"), so every browser test shares this."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as started:
        yield started


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    in_document_order(items)
    # The files that build or serve the site take longest (tens of seconds on one worker):
    # hand them out first (xdist runs with --no-loadscope-reorder), the rest in shuffled order.
    slow = {item.path for item in items if item.get_closest_marker("site")}
    items.sort(key=lambda item: item.path not in slow)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if getattr(config.option, "collectonly", False):
        return
    terminalreporter.section("docproof: fenced blocks on the course pages")
    for line in summary_lines(ROOT / "mkdocs.yml"):
        terminalreporter.write_line(line)
    # Written by tests/site/test_site_browser.py into the run's base directory (all workers').
    record = config._tmp_path_factory.getbasetemp() / "page-weight.json"
    if record.is_file():
        terminalreporter.section("page weight: a first-time reader's download per page")
        for url, weight in json.loads(record.read_text()).items():
            diagrams = f", {weight['diagrams']} diagrams" if weight["diagrams"] else ""
            terminalreporter.write_line(
                f"{weight['transferred_bytes'] / 1000:8.0f} kB  {weight['requests']:2} requests"
                f"  {url}{diagrams}"
            )
