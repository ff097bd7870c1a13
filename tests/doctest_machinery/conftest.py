from __future__ import annotations

from pathlib import Path

import pytest
from minisite import MiniSite


@pytest.fixture
def site(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> MiniSite:
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parents[1]))
    return MiniSite(pytester)
