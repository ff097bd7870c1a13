"""One place for the z/OS defaults: no module of src/certkit but certkit.defaults spells them."""

from __future__ import annotations

import ast
from pathlib import Path

from certkit import defaults

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "certkit"

WRITTEN_ONCE = (defaults.RING_OWNER, defaults.RING_NAME, "LIBSRV", "Keyring.ZCEE")
"""Only certkit.defaults may write these, in code or in a docstring (the last two are the ring
owner and ring that certkit.certificates.verify used to default to)."""

LABELS = (
    defaults.ROOT_CA_LABEL,
    defaults.INTERMEDIATE_CA_LABEL,
    defaults.SERVER_LABEL,
    defaults.CLIENT_LABEL,
)
"""Only certkit.defaults may have a string that is one of these labels."""


def spellings(path: Path, within: tuple[str, ...], whole: tuple[str, ...] = ()) -> list[str]:
    """String constants of a module that contain a value of ``within`` or are one of ``whole``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"{node.lineno}: {v!r}" for v in within if v in node.value]
            found += [f"{node.lineno}: {v!r}" for v in whole if v == node.value]
    return found


def test_only_certkit_defaults_spells_the_zos_defaults() -> None:
    problems = [
        f"{path.relative_to(ROOT)}:{hit}"
        for path in sorted(SRC.rglob("*.py"))
        if path != SRC / "defaults.py"
        for hit in spellings(path, WRITTEN_ONCE, LABELS)
    ]
    assert not problems, "use certkit.defaults:\n" + "\n".join(problems)


def test_the_check_finds_a_spelled_default(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Owned by LIBSERV."""\nRING = "Liberty.KeyRing"\nCN = "certkit Lab Root CA"\n'
        'LABEL = "Lab Root CA"\n',
        "utf-8",
    )
    assert spellings(sample, WRITTEN_ONCE, LABELS) == [
        "1: 'LIBSERV'",
        "2: 'Liberty.KeyRing'",
        "4: 'Lab Root CA'",
    ]


def test_defaults_imports_nothing() -> None:
    tree = ast.parse((SRC / "defaults.py").read_text("utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [getattr(n, "module", None) for n in imports] == ["__future__"]
