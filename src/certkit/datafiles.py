"""The one place that reads certkit's data files (``certkit/data``).

Facts live in data files, not in code: OID and extension names, lint rules, failure
explanations, cipher suites, handshake statements. Every module reads them through
[`read_json`][certkit.datafiles.read_json] or [`read_text`][certkit.datafiles.read_text],
which work from an installed wheel as well as from a source checkout. Imports nothing but the
standard library, so any wing may use it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

__all__ = ["data_file", "read_json", "read_text"]


def data_file(name: str) -> Traversable:
    """A data file by name, e.g. ``"ciphersuites.json"``."""
    return resources.files("certkit") / "data" / name


def read_text(name: str) -> str:
    """The text of a data file (UTF-8)."""
    return data_file(name).read_text(encoding="utf-8")


@functools.cache
def read_json(name: str) -> Any:
    """A JSON data file, parsed once per process. Treat the result as read-only."""
    return json.loads(read_text(name))
