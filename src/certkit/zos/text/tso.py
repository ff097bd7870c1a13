"""TSO command text as a reader pastes it: lines joined, operands parsed, positions kept.

RACDCERT, PERMIT, RDEFINE and SETROPTS are TSO commands. Their shape is shared: a command
name, then operands, each a keyword alone (``TRUST``) or a keyword with a value in parentheses
(``ID(ZCSRV1)``), where a value is words, quoted strings (``'Frank''s cert'``: an apostrophe
doubled inside) and further operands (``SUBJECTSDN(CN('zcee') O('Example'))``). A command goes
on over several lines when a line ends with ``+`` (the next line's leading blanks and commas are
dropped) or ``-`` (they are kept), and ``/* ... */`` is a comment (TSO/E "Continuation lines",
zos-syntax.md section 0, VERIFIED).

[`parse`][certkit.zos.text.tso.parse] turns text into [`Command`][certkit.zos.text.tso.Command]
objects and [`Problem`][certkit.zos.text.tso.Problem] objects, each with the line and column a
reader sees in their editor, so that a validator can say where and what to fix. It never
raises on bad text: an unbalanced parenthesis or quote is a problem with a position. Text only:
no ``cryptography`` (this module must run in a browser, under Pyodide).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from certkit.zos.text.findings import Position

__all__ = ["MAX_DEPTH", "Command", "Operand", "Problem", "parse"]

# Control characters other than tab (Windows line ends are made line feeds first).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

MAX_DEPTH = 8
"""How deeply operands may nest (RACDCERT nests three deep: ``SIGNWITH(CERTAUTH LABEL('x'))``)."""


@dataclass(frozen=True)
class Problem:
    """Something in the text that is not a well-formed TSO command, with where and how to fix."""

    position: Position
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.message}"


@dataclass(frozen=True)
class Operand:
    """A keyword, with the values in its parentheses if it has any.

    Attributes:
        keyword: The keyword as written, in upper case (``WITHLABEL``).
        values: The words and quoted strings inside its parentheses, in order (quoted strings
            without their quotes, doubled apostrophes made single).
        operands: Keywords with parentheses of their own inside it (``CN('x')`` in
            ``SUBJECTSDN(...)``).
        quoted: For each of ``values``, whether it was quoted.
        position: Where the keyword starts.
        parenthesised: Whether the keyword had parentheses at all (``TRUST`` has none).
        written: The keyword in the case it was written (a profile name keeps its case).
    """

    keyword: str
    position: Position
    values: tuple[str, ...] = ()
    quoted: tuple[bool, ...] = ()
    operands: tuple[Operand, ...] = ()
    parenthesised: bool = False
    written: str = ""

    @property
    def value(self) -> str | None:
        """The one value inside the parentheses, or ``None`` when there is not exactly one."""
        return self.values[0] if len(self.values) == 1 else None


@dataclass(frozen=True)
class Command:
    """One TSO command: its name, its first word's operands, and where it starts.

    Attributes:
        name: The command name in upper case (``RACDCERT``).
        operands: The operands in the order written.
        position: Where the command name starts.
        text: The command as one logical line (continuations joined, comments removed).
    """

    name: str
    operands: tuple[Operand, ...]
    position: Position
    text: str

    def find(self, keyword: str) -> Operand | None:
        """The first operand with this keyword (any case), or ``None``."""
        wanted = keyword.upper()
        return next((o for o in self.operands if o.keyword == wanted), None)


@dataclass
class _Char:
    char: str
    position: Position


@dataclass
class _Logical:
    chars: list[_Char] = field(default_factory=list)
    start: Position | None = None


def _logical_lines(text: str, problems: list[Problem]) -> list[_Logical]:
    """Join continued lines and drop comments, keeping each character's position."""
    commands: list[_Logical] = []
    current = _Logical()
    in_comment = False
    drop_leading = False
    for number, raw in enumerate(text.splitlines(), start=1):
        chars: list[_Char] = []
        column = 0
        in_quote = False
        while column < len(raw):
            char = raw[column]
            here = Position(number, column + 1)
            if in_comment:
                if raw.startswith("*/", column):
                    in_comment = False
                    column += 2
                    continue
                column += 1
                continue
            if not in_quote and raw.startswith("/*", column):
                in_comment = True
                column += 2
                continue
            if char == "'":
                in_quote = not in_quote
            chars.append(_Char(char, here))
            column += 1
        while chars and chars[-1].char in " \t":
            chars.pop()
        if in_quote and chars and chars[-1].char in "+-":
            problems.append(
                Problem(
                    chars[-1].position,
                    "a quoted value is split across lines; TSO cannot continue inside quotes: "
                    "close the quote on this line",
                )
            )
        continued = bool(chars) and chars[-1].char in "+-" and not in_quote
        mark = chars.pop().char if continued else ""
        if drop_leading:
            while chars and chars[0].char in " \t,":
                chars.pop(0)
        if chars and current.start is None:
            first = next((c for c in chars if c.char not in " \t"), None)
            current.start = first.position if first else None
        current.chars.extend(chars)
        if continued:
            drop_leading = mark == "+"
            continue
        drop_leading = False
        if current.start is not None:
            commands.append(current)
        current = _Logical()
    if in_comment:
        problems.append(
            Problem(
                Position(len(text.splitlines()) or 1, 1), "a comment is not closed; end it with */"
            )
        )
    if current.start is not None:
        problems.append(
            Problem(
                current.start,
                "the last command ends with a continuation mark (+ or -) and nothing follows; "
                "remove the mark or finish the command",
            )
        )
        commands.append(current)
    return commands


@dataclass
class _Token:
    kind: str  # "word", "quoted", "(", ")"
    text: str
    position: Position


def _tokens(line: _Logical, problems: list[Problem]) -> list[_Token]:
    tokens: list[_Token] = []
    chars = line.chars
    index = 0
    while index < len(chars):
        char = chars[index]
        if char.char in " \t,":
            index += 1
        elif char.char in "()":
            tokens.append(_Token(char.char, char.char, char.position))
            index += 1
        elif char.char == "'":
            start = char.position
            index += 1
            value = []
            closed = False
            while index < len(chars):
                if chars[index].char == "'":
                    if index + 1 < len(chars) and chars[index + 1].char == "'":
                        value.append("'")
                        index += 2
                        continue
                    closed = True
                    index += 1
                    break
                value.append(chars[index].char)
                index += 1
            if not closed:
                problems.append(Problem(start, "a quoted value is not closed; end it with '"))
            tokens.append(_Token("quoted", "".join(value), start))
        else:
            start = char.position
            word = []
            while index < len(chars) and chars[index].char not in " \t,()'":
                word.append(chars[index].char)
                index += 1
            tokens.append(_Token("word", "".join(word), start))
    return tokens


def _operands(
    tokens: list[_Token], index: int, problems: list[Problem], depth: int
) -> tuple[list[Operand], list[_Token], int, bool]:
    """Operands and loose values from ``index`` to the matching ``)`` or the end.

    Returns the operands, the loose values, the index after them, and whether a ``)`` closed
    them (always ``True`` at depth 0).
    """
    operands: list[Operand] = []
    loose: list[_Token] = []
    while index < len(tokens):
        token = tokens[index]
        if token.kind == ")":
            if depth == 0:
                problems.append(Problem(token.position, "a ) with no ( before it; remove it"))
                index += 1
                continue
            return operands, loose, index + 1, True
        if token.kind == "(":
            problems.append(
                Problem(token.position, "a ( with no keyword before it; write KEYWORD(value)")
            )
            if depth >= MAX_DEPTH:
                return operands, loose, len(tokens), True
            _, _, index, _ = _operands(tokens, index + 1, problems, depth + 1)
            continue
        if token.kind == "word" and index + 1 < len(tokens) and tokens[index + 1].kind == "(":
            if depth >= MAX_DEPTH:
                problems.append(
                    Problem(
                        token.position,
                        f"operands nested more than {MAX_DEPTH} deep; check the parentheses",
                    )
                )
                return operands, loose, len(tokens), True
            inner, values, end, closed = _operands(tokens, index + 2, problems, depth + 1)
            if not closed:
                problems.append(
                    Problem(
                        tokens[index + 1].position,
                        f"{token.text.upper()}( is not closed; add the missing )",
                    )
                )
            operands.append(
                Operand(
                    keyword=token.text.upper(),
                    position=token.position,
                    values=tuple(v.text for v in values),
                    quoted=tuple(v.kind == "quoted" for v in values),
                    operands=tuple(inner),
                    parenthesised=True,
                    written=token.text,
                )
            )
            index = end
            continue
        if depth == 0 and token.kind == "word":
            operands.append(
                Operand(keyword=token.text.upper(), position=token.position, written=token.text)
            )
        else:
            loose.append(token)
        index += 1
    return operands, loose, index, depth == 0


def parse(text: str) -> tuple[list[Command], list[Problem]]:
    """Parse pasted TSO commands.

    Args:
        text: One or more commands, as pasted (continuations, comments, blank lines).

    Returns:
        The commands, and the problems found (each with a position and what to do).

    Examples:
        >>> commands, problems = parse('''RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)
        ... RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH +
        ...          LABEL('Frank''s CA') RING(ZCEE.Ring) USAGE(CERTAUTH))''')
        >>> [c.name for c in commands], problems
        (['RACDCERT', 'RACDCERT'], [])
        >>> connect = commands[1].find("CONNECT")
        >>> connect.values
        ('CERTAUTH',)
        >>> [(o.keyword, o.value) for o in connect.operands]
        [('LABEL', "Frank's CA"), ('RING', 'ZCEE.Ring'), ('USAGE', 'CERTAUTH')]
    """
    problems: list[Problem] = []
    text = text.replace("\r\n", "\n")  # a Windows line end is a line end
    for number, physical in enumerate(text.split("\n"), start=1):
        control = _CONTROL.search(physical)
        if control is not None:
            problems.append(
                Problem(
                    Position(number, control.start() + 1),
                    f"a control character ({ascii(control.group())[1:-1]}) in the command: "
                    "remove it (pasted from a terminal?); TSO would read it as text",
                )
            )
    commands = []
    for line in _logical_lines(text, problems):
        tokens = _tokens(line, problems)
        if not tokens:
            continue
        first = tokens[0]
        if first.kind != "word":
            problems.append(
                Problem(first.position, "a command starts with its name (e.g. RACDCERT)")
            )
            continue
        operands, _, _, _ = _operands(tokens, 1, problems, 0)
        commands.append(
            Command(
                name=first.text.upper(),
                operands=tuple(operands),
                position=first.position,
                text="".join(c.char for c in line.chars).strip(),
            )
        )
    return commands, problems
