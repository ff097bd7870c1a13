"""A pytest plugin: in CI (``CI=true``), a skipped test fails.

CI installs every tool a test needs (.ci/system-deps), so a skip there is a check silently not
made: a tool went missing, or a condition no longer holds. A page's written opt-out
(``<!-- docproof: not-run reason="..." -->``, listed in the summary) is the one exception, and
an expected failure (xfail) is left alone.
"""

from __future__ import annotations

import os

import pytest

OPT_OUT = ": not run: "  # how docproof words the skip of an opted-out block


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    """Turn a skip into a failure when CI=true, unless it is a page's opt-out."""
    report: pytest.TestReport = yield
    if report.skipped and os.environ.get("CI") == "true" and not hasattr(report, "wasxfail"):
        reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
        if OPT_OUT not in reason:
            report.outcome = "failed"
            report.longrepr = f"skipped in CI, where nothing may be: {reason}"
    return report
