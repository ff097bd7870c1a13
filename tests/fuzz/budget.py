"""The example budget of the fuzz tests: fixed and deterministic, raised for long local runs.

Every test in tests/fuzz is decorated with ``fuzz(n)``: hypothesis runs ``n`` examples chosen
from a fixed seed (``derandomize``), with no deadline (nothing here is timed) and no example
database, so the suite runs the same examples on every machine and every day.

For a long local run, set ``CERTKIT_FUZZ_EXAMPLES``:

* ``CERTKIT_FUZZ_EXAMPLES=20x`` runs 20 times each test's budget;
* ``CERTKIT_FUZZ_EXAMPLES=5000`` runs 5000 examples in every test.

The examples stay derandomized, so a failure found in a long run repeats with the same setting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

ENV = "CERTKIT_FUZZ_EXAMPLES"

_F = TypeVar("_F", bound=Callable[..., Any])


def examples(budget: int, setting: str | None = None) -> int:
    """The number of examples a test with ``budget`` runs under ``setting`` (the environment's).

    >>> examples(100, None), examples(100, "20x"), examples(100, "5000")
    (100, 2000, 5000)
    """
    raw = os.environ.get(ENV) if setting is None else setting
    raw = (raw or "").strip().lower()
    if not raw:
        return budget
    if raw.endswith("x"):
        return max(1, round(budget * float(raw[:-1])))
    return max(1, int(raw))


def fuzz(budget: int) -> Callable[[_F], _F]:
    """Settings for a fuzz test: ``budget`` examples (see the module docstring), derandomized."""
    return settings(
        max_examples=examples(budget),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
