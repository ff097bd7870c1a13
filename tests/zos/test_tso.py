"""The TSO command reader: continuations, quotes, nesting and positions, and text that breaks."""

from __future__ import annotations

import pytest

from certkit.zos.text.findings import Position
from certkit.zos.text.tso import MAX_DEPTH, parse


def test_continuations_comments_and_quotes() -> None:
    text = (
        "/* the ring */\n"
        "RACDCERT ID(LIBSERV) ADDRING(Liberty.KeyRing)\n"
        "\n"
        "RACDCERT ID(LIBSERV) CONNECT(ID(LIBSERV) LABEL('Liberty Server') -\n"
        "   RING(Liberty.KeyRing) DEFAULT USAGE(PERSONAL))  /* the server */\n"
        "SETROPTS RACLIST(DIGTCERT DIGTRING) REFRESH\n"
    )
    commands, problems = parse(text)
    assert problems == []
    assert [c.name for c in commands] == ["RACDCERT", "RACDCERT", "SETROPTS"]
    assert commands[1].position == Position(4, 1)
    connect = commands[1].find("connect")
    assert connect is not None and connect.position == Position(4, 22)
    assert [(o.keyword, o.values) for o in connect.operands] == [
        ("ID", ("LIBSERV",)),
        ("LABEL", ("Liberty Server",)),
        ("RING", ("Liberty.KeyRing",)),
        ("USAGE", ("PERSONAL",)),
    ]
    assert connect.values == ("DEFAULT",)
    assert commands[2].find("RACLIST").values == ("DIGTCERT", "DIGTRING")  # type: ignore[union-attr]
    assert commands[2].find("REFRESH").parenthesised is False  # type: ignore[union-attr]


def test_plus_drops_the_next_lines_leading_blanks_and_minus_keeps_them() -> None:
    plus, _ = parse("RACDCERT WITHLABEL('a b') +\n      TRUST")
    minus, _ = parse("RACDCERT WITHLABEL('a b') -\n      TRUST")
    assert plus[0].text == "RACDCERT WITHLABEL('a b') TRUST"
    assert minus[0].text == "RACDCERT WITHLABEL('a b')       TRUST"


def test_a_doubled_apostrophe_is_one() -> None:
    commands, problems = parse("RACDCERT WITHLABEL('Frank''s cert')")
    assert problems == [] and commands[0].find("WITHLABEL").value == "Frank's cert"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "position", "fragment"),
    [
        ("RACDCERT ID(LIBSERV) ADDRING(Ring", Position(1, 29), "ADDRING( is not closed"),
        ("RACDCERT ID(X)) LIST", Position(1, 15), "a ) with no ( before it"),
        ("RACDCERT WITHLABEL('abc", Position(1, 20), "quoted value is not closed"),
        ("RACDCERT WITHLABEL('a +\nb')", Position(1, 23), "split across lines"),
        ("RACDCERT ID(A) +", Position(1, 1), "ends with a continuation mark"),
        ("(", Position(1, 1), "starts with its name"),
        ("RACDCERT /* open", Position(1, 1), "comment is not closed"),
    ],
)
def test_broken_text_is_a_problem_with_a_position(
    text: str, position: Position, fragment: str
) -> None:
    _, problems = parse(text)
    assert any(p.position == position and fragment in p.message for p in problems), problems


def test_hostile_text_costs_little_and_never_raises() -> None:
    deep = "RACDCERT " + "A(" * 10_000
    _, problems = parse(deep)
    assert any(f"nested more than {MAX_DEPTH}" in p.message for p in problems)
    for text in ("'" * 100_000, "(" * 100_000, ")" * 100_000, "+\n" * 50_000, "\x00\x1b" * 1000):
        parse(text)  # no exception, whatever the text
