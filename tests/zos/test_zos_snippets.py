"""snippets/zos/ is the copy-paste shelf: each file is what its certkit command writes.

snippets/zos/sources.toml names the command of each file. This test runs it and compares, so a
snippet can never drift from its generator; tests/test_snippets.py checks each file with its
validator. ``CERTKIT_REGEN_SNIPPETS=1`` (``make zos-snippets``) writes the files instead.
"""

from __future__ import annotations

import io
import os
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from certkit.cli.app import main
from certkit.cli.commands.zos import check_text
from certkit.zos.check import kind_of

SHELF = Path(__file__).parents[2] / "snippets" / "zos"
SOURCES = tomllib.loads((SHELF / "sources.toml").read_text(encoding="utf-8"))["snippet"]


def generated(argv: list[str]) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(argv)
    assert status == 0, argv
    return out.getvalue()


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s["file"])
def test_the_snippet_is_what_its_command_writes(source: dict[str, object]) -> None:
    path = SHELF / str(source["file"])
    text = generated([str(a) for a in source["argv"]])  # type: ignore[attr-defined]
    if os.environ.get("CERTKIT_REGEN_SNIPPETS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, (
        f"{path} differs from what its command writes: run `make zos-snippets`"
    )


def test_every_file_on_the_shelf_has_a_source() -> None:
    named = {s["file"] for s in SOURCES} | {"sources.toml"}
    on_shelf = {p.relative_to(SHELF).as_posix() for p in SHELF.rglob("*") if p.is_file()}
    assert on_shelf == named


@pytest.mark.parametrize("source", SOURCES, ids=lambda s: s["file"])
def test_the_snippet_passes_the_validator_of_its_kind(source: dict[str, object]) -> None:
    # What `certkit zos lint` runs on the file: the kind it detects, then that kind's validator.
    text = (SHELF / str(source["file"])).read_text(encoding="utf-8")
    kind = kind_of(text)
    expected = {".xml": "server.xml", ".jcl": "jcl", ".attls": "attls"}
    assert kind == expected.get(Path(str(source["file"])).suffix, "racf")
    assert [str(f) for f in check_text(kind, text)] == []
