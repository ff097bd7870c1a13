"""The fuzz budget: fixed by default, raised by CERTKIT_FUZZ_EXAMPLES for long local runs."""

from __future__ import annotations

import pytest

from fuzz.budget import ENV, examples, fuzz


def test_the_budget_is_each_tests_own_unless_raised() -> None:
    assert examples(150, "") == 150
    assert examples(150, "20x") == 3000
    assert examples(150, "0.5x") == 75
    assert examples(150, "5000") == 5000


def test_the_environment_raises_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV, "3x")
    assert examples(100) == 300

    @fuzz(100)
    def probe() -> None:
        pass

    settings = probe._hypothesis_internal_use_settings  # type: ignore[attr-defined]
    assert settings.max_examples == 300
    assert settings.derandomize and settings.database is None and settings.deadline is None
