"""Liberty trace specifications: read, check, explain and build them.

A trace specification is the value of ``<logging traceSpecification="..."/>`` or of the
MVS command ``F server,LOGGING='...'``. Its grammar comes from Open Liberty's
``TraceSpecification.java`` (zos-syntax.md section 4.8, VERIFIED)::

    spec    := element ( ":" element )*
    element := component [ "=" level [ "=" setting ] ]

* Liberty splits on ``:`` and then on ``=``, skipping empty pieces (so ``::`` and ``a==all``
  are read as if the extra separator were not there), and trims blanks and control characters
  around each piece; a blank *inside* a piece stays, and breaks a level (``TRAS0034W``).
* Levels are case-insensitive; ``dump``, ``debug``, ``entryExit``, ``event`` and ``error`` are
  aliases of ``all``, ``finest``, ``finer``, ``fine`` and ``severe``. A missing level is
  ``info``. Settings are ``enabled``/``on`` (the default) or ``disabled``/``off``.
* Without a ``*`` element Liberty adds ``*=info``; an empty specification disables all trace.
* A component that matches no logger is only reported by ``TRAS0040I`` (informational), so a
  typo fails silently: [`check`][certkit.zos.text.tracespec.check] compares components with
  the ones that matter for TLS and security, per z/OS Connect generation
  (``certkit/data/liberty_trace.json``; zosconnect-security.md section 4.2).

Text only (no ``cryptography``). Hostile text is safe: the size is bounded and every step is
linear; [`check`][certkit.zos.text.tracespec.check] reports problems as findings and raises
only for a bad ``generation``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.zos.text.findings import Finding, Position, in_order
from certkit.zos.text.serverxml import Generation, as_generation

__all__ = [
    "CONSOLE_LIMIT",
    "MAX_SPEC_CHARS",
    "Element",
    "TraceSpec",
    "build",
    "check",
    "components",
    "explain",
    "level",
    "parse",
]

MAX_SPEC_CHARS = 65536
"""The longest specification read, in characters (real ones are a few hundred at most)."""

CONSOLE_LIMIT: int = read_json("liberty_trace.json")["console"]["limit"]
"""The longest MVS console command, in characters: product knowledge (P, zos-syntax.md
section 4.10), so exceeding it is a warning, never a refusal."""

_MAX_FINDINGS = 100
_JOB_ROOM = len("F ,LOGGING=''") + 8  # a MODIFY command around the spec, 8-character job name
_TRIM = "".join(chr(code) for code in range(33))  # what Java's String.trim() removes
_HELP = frozenset({"help", "?", "/?", "-h", "-help", "--help"})
_DATA = "liberty_trace.json"

Severity = Literal["error", "warning"]


def _data() -> dict[str, Any]:
    data: dict[str, Any] = read_json(_DATA)
    return data


def components() -> dict[str, dict[str, Any]]:
    """The components certkit knows, by name: kind, generation, mark, source, what it traces.

    Examples:
        >>> components()["SSLChannel"]["traces"]
        "the TLS handshake on Liberty's HTTPS channel (com.ibm.ws.channel.ssl)"
    """
    return {entry["name"]: entry for entry in _data()["components"]}


def level(name: str) -> str | None:
    """The canonical level for a level name or alias (any case), or None if Liberty has none.

    Examples:
        >>> level("FINEST"), level("entryExit"), level("verbose")
        ('finest', 'finer', None)
    """
    levels = _data()["levels"]  # zos-syntax.md 4.8 (V)
    key = name.lower()
    if key in levels["order"]:
        return key
    canonical: str | None = levels["aliases"].get(key)
    return canonical


def _setting(name: str) -> bool | None:
    settings = _data()["settings"]  # zos-syntax.md 4.8 (V)
    key = name.lower()
    if key in settings["enabled"]:
        return True
    if key in settings["disabled"]:
        return False
    return None


@dataclass(frozen=True)
class Element:
    """One ``component=level=setting`` element, as Liberty reads it.

    No public constructor: you get elements from [`parse`][certkit.zos.text.tracespec.parse].

    Attributes:
        text: The element as given, between its colons.
        component: The component (trimmed); ``*`` for every component.
        level: The canonical level (aliases resolved, lower case), or None if not valid.
        given_level: The level as given (trimmed), ``""`` when none was given.
        enabled: False for the setting ``disabled`` or ``off``.
        setting_valid: False when the setting is neither enabled/on nor disabled/off.
        given_setting: The setting as given (trimmed), ``""`` when none was given.
        ignored: Pieces after the setting, which Liberty ignores.
        collapsed: Whether empty pieces between ``=`` signs were skipped (``a==all``).
        position: Where the element starts.
    """

    text: str
    component: str
    level: str | None
    given_level: str
    enabled: bool
    setting_valid: bool
    given_setting: str
    ignored: tuple[str, ...]
    collapsed: bool
    position: Position

    @property
    def full(self) -> str:
        """The element as Liberty's messages show it: ``component=level=setting``."""
        level_text = self.given_level or "info"
        return f"{self.component}={level_text}={self.given_setting or 'enabled'}"


@dataclass(frozen=True)
class TraceSpec:
    """A parsed trace specification.

    No public constructor: you get one from [`parse`][certkit.zos.text.tracespec.parse].

    Attributes:
        text: The specification as given.
        elements: Its elements, in order (empty pieces between colons are skipped).
        empty_at: Where empty elements (``::``, a leading or trailing ``:``) are.
    """

    text: str
    elements: tuple[Element, ...]
    empty_at: tuple[Position, ...]

    @property
    def implied_default(self) -> bool:
        """Whether Liberty adds ``*=info`` because no element is for ``*``."""
        return not any(element.component == "*" for element in self.elements)


class _Lines:
    """Offsets to positions, in one pass over the line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        index = text.find("\n")
        while index >= 0:
            self.starts.append(index + 1)
            index = text.find("\n", index + 1)

    def at(self, offset: int) -> Position:
        low, high = 0, len(self.starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return Position(low + 1, offset - self.starts[low] + 1)


def parse(spec: str) -> TraceSpec:
    """Read a trace specification the way Liberty does (zos-syntax.md section 4.8).

    Args:
        spec: The value of ``traceSpecification`` (or of ``LOGGING=``), without quotes.

    Returns:
        The elements, each with its component, canonical level, setting and position.

    Raises:
        InputError: If ``spec`` is longer than ``MAX_SPEC_CHARS``.

    Examples:
        >>> parsed = parse("*=info:SSLChannel=ALL:SSL=debug=off")
        >>> [(e.component, e.level, e.enabled) for e in parsed.elements]
        [('*', 'info', True), ('SSLChannel', 'all', True), ('SSL', 'finest', False)]
        >>> print(parsed.elements[1].position)
        line 1, column 8
    """
    if len(spec) > MAX_SPEC_CHARS:
        raise InputError(
            f"the trace specification has {len(spec)} characters, more than "
            f"{MAX_SPEC_CHARS}: give the elements that matter, or split it"
        )
    lines = _Lines(spec)
    elements: list[Element] = []
    empty: list[Position] = []
    offset = 0
    for piece in spec.split(":"):
        if piece:
            elements.append(_element(piece, lines.at(offset)))
        else:
            empty.append(lines.at(max(offset - 1, 0)))
        offset += len(piece) + 1
    if not spec:
        empty.clear()
    return TraceSpec(spec, tuple(elements), tuple(empty))


def _element(piece: str, position: Position) -> Element:
    raw = piece.split("=")
    tokens = [token for token in raw if token]  # Java's StringTokenizer skips empty tokens
    collapsed = len(tokens) != len(raw)
    component = tokens[0].strip(_TRIM) if tokens else "*"
    given_level = tokens[1].strip(_TRIM) if len(tokens) > 1 else ""
    given_setting = tokens[2].strip(_TRIM) if len(tokens) > 2 else ""
    setting = _setting(given_setting) if given_setting else True
    return Element(
        text=piece,
        component=component,
        level=level(given_level) if len(tokens) > 1 else "info",
        given_level=given_level,
        enabled=setting is not False,
        setting_valid=setting is not None,
        given_setting=given_setting,
        ignored=tuple(tokens[3:]),
        collapsed=collapsed and bool(tokens),
        position=position,
    )


# -- check ---------------------------------------------------------------------------------------


def check(
    spec: str, generation: Generation | str | None = None, *, console: bool = True
) -> list[Finding]:
    """Check a pasted trace specification: what Liberty refuses, and what traces nothing.

    Errors: an unknown level (Liberty logs ``TRAS0034W``) or setting (``TRAS0035W``), a
    blank inside a level or component, a pasted command or attribute instead of the value.
    Warnings: empty elements, skipped ``=`` pieces, a component of the other z/OS Connect
    generation, a component certkit does not know (Liberty only logs ``TRAS0040I``), an
    element without a level, ``help``, a duplicate, and a specification too long for a
    ``LOGGING=`` console command (the 126-character limit is product knowledge).
    A missing ``*`` is not a finding: ``*=info`` is implied, which is what is wanted.

    Args:
        spec: The specification (the attribute value, without quotes).
        generation: ``zosConnect-2.0`` or ``zosConnect-3.0`` (or ``"2.0"``, ``"3.0"``):
            then components of the other generation are findings.
        console: Whether to warn about a specification too long for ``LOGGING=``; False
            for one that stays in a ``server.xml`` attribute.

    Returns:
        The findings in the order of the text; none for a clean specification.

    Raises:
        InputError: If ``generation`` names neither generation.

    Examples:
        >>> check("*=info:SSLChannel=all")
        []
        >>> [finding] = check("SSLChannel=all:SSL=verbose")
        >>> print(finding.position)
        line 1, column 16
        >>> print(finding.message[:66])
        level 'verbose' is not a Liberty level: Liberty logs TRAS0034W and
    """
    wanted = as_generation(generation) if generation is not None else None
    try:
        parsed = parse(spec)
    except InputError as exc:
        return [Finding(Position(1, 1), "error", str(exc))]
    findings: list[Finding] = []
    for position in dict.fromkeys(parsed.empty_at):
        findings.append(
            Finding(
                position,
                "warning",
                "an empty element (two ':' together, or one at an end):"
                " Liberty skips it; remove the extra ':'",
            )
        )
    seen: set[str] = set()
    for element in parsed.elements:
        findings.extend(_check_element(element, wanted, seen))
        if len(findings) > _MAX_FINDINGS:
            break
    room = CONSOLE_LIMIT - _JOB_ROOM
    # zos-syntax.md 4.10: the console limit is P, so a warning only
    if console and len(spec) > room:
        findings.append(
            Finding(
                Position(1, 1),
                "warning",
                f"{len(spec)} characters: F job,LOGGING='...' may exceed the console's "
                f"{CONSOLE_LIMIT} characters (product knowledge); use an include file",
            )
        )
    return in_order(findings, _MAX_FINDINGS)


def _check_element(element: Element, wanted: Generation | None, seen: set[str]) -> list[Finding]:
    out: list[Finding] = []

    def add(severity: Severity, message: str) -> None:
        out.append(Finding(element.position, severity, message))

    component = element.component
    if not element.text.strip("=" + _TRIM):
        add("warning", f"{quote(element.text, 20)} holds no component: Liberty reads it as *=info")
        return out
    if element.collapsed:
        add(
            "warning",
            f"{quote(element.text, 40)}: Liberty skips the empty piece between '=' signs and "
            f"reads {quote(_shown_element(element), 40)}; write it that way",
        )
    if element.ignored:
        add("warning", f"{quote(element.text, 40)}: Liberty ignores what follows the setting")
    if not element.setting_valid:
        add(
            "error",
            f"setting {quote(element.given_setting, 20)} is not enabled, on, disabled or off: "
            "Liberty logs TRAS0035W and ignores the specification",
        )
    if element.level is None:
        hint = (
            "a blank inside it (a line break in the attribute?); break lines only after a ':'"
            if any(char in _TRIM for char in element.given_level)
            else "use all, finest, finer, fine, detail, config, info, audit, warning, severe, "
            "fatal or off"
        )
        add(
            "error",
            f"level {quote(element.given_level, 20)} is not a Liberty level: Liberty logs "
            f"TRAS0034W and ignores the specification; {hint}",
        )
    out.extend(_check_component(element, wanted))
    if component in seen:
        add("warning", f"{quote(component)} is given more than once; give it once")
    seen.add(component)
    if not element.given_level and component != "*" and not out:
        add(
            "warning",
            f"{quote(component)} has no level, so Liberty uses info, which writes "
            "no trace; add =all (or another level finer than info)",
        )
    return out


def _check_component(element: Element, wanted: Generation | None) -> list[Finding]:
    component = element.component
    position = element.position

    def finding(severity: Severity, message: str) -> list[Finding]:
        return [Finding(position, severity, message)]

    if component == "*":
        return []
    if not component:
        return finding("error", f"{quote(element.text, 40)} has no component before '='")
    lowered = component.lower()
    if any(mark in component for mark in "'\",") or lowered.startswith(
        ("tracespecification", "logging", "f ", "modify ")
    ):
        return finding(
            "error",
            f"{quote(component, 40)} looks like part of a command or attribute: give only the "
            "specification, such as *=info:SSLChannel=all",
        )
    if any(char in _TRIM or not char.isprintable() for char in component):
        return finding(
            "error",
            f"component {quote(component, 40)} has a blank or control character inside, so it "
            "matches nothing; remove it (put the specification on one line)",
        )
    if lowered in _HELP:
        return finding(
            "warning",
            f"{quote(component)} is not a command here: Liberty reads it as a component name "
            "that matches nothing; give component=level elements",
        )
    known = components()
    entry = known.get(component)
    if entry is None:
        message = _unknown(component, known)
        return finding("warning", message) if message else []
    if entry["mark"] == "U":  # zosconnect-security.md 4.2: Security.Authorization
        return finding(
            "warning",
            f"{quote(component)}: no Open Liberty bundle declares this group, so it probably "
            "traces nothing (unverified)",
        )
    if wanted is not None and entry["generation"] not in (None, wanted.value):
        # zosconnect-security.md 4.2 and 4.3 (V): names of one generation match nothing in the other
        other = entry.get("v3" if wanted is Generation.V3 else "v2")
        if not other:  # zosConnectSaf, zosConnectPolicy: WSC files only (V-wsc), 3.0 U
            return finding(
                "warning",
                f"{quote(component)} appears only in {entry['generation']} files and no "
                f"{wanted.value} name is known for it: remove it",
            )
        return finding(
            "warning",
            f"{quote(component)} is a {entry['generation']} name and matches nothing on a "
            f"{wanted.value} server: use {other}",
        )
    return []


def _unknown(component: str, known: dict[str, dict[str, Any]]) -> str | None:
    # A package under a known package wildcard (com.ibm.ws.security.authentication under
    # com.ibm.ws.security.*) is plausible; anything else may be a typo (TRAS0040I only).
    for name in known:
        if name.endswith(".*") and component.startswith(name[:-1]):
            return None
    by_case = {name.lower(): name for name in known}
    if component.lower() in by_case:
        right = by_case[component.lower()]
        return f"{quote(component)}: trace groups are matched as written: use {right}"
    close = difflib.get_close_matches(component[:100], list(known), n=1, cutoff=0.8)
    hint = f"; did you mean {close[0]}?" if close else "; check its spelling"
    star = ""
    if component.endswith("*") and not component.endswith(".*"):
        star = "; whether a * without a '.' before it is a wildcard is unverified"
    return (
        f"{quote(component, 40)} is not a component certkit knows: Liberty only logs TRAS0040I "
        f"when it matches nothing{hint}{star}"
    )


def _shown_element(element: Element) -> str:
    parts = [element.component]
    if element.given_level:
        parts.append(element.given_level)
    if element.given_setting:
        parts.append(element.given_setting)
    return "=".join(parts)


# -- explain -------------------------------------------------------------------------------------


def explain(spec: str) -> list[str]:
    """One line per element saying what it will trace, then the implied ``*=info`` if any.

    Elements Liberty refuses are said to be refused; components certkit does not know are
    said to be unknown. The levels' meanings come from zos-syntax.md section 4.8.

    Raises:
        InputError: If ``spec`` is longer than ``MAX_SPEC_CHARS``.

    Examples:
        >>> lines = explain("SSLChannel=all:SSL=off")
        >>> print(lines[1])
        SSL=off: the key stores and SSL repertoires (com.ibm.ws.ssl), at off: nothing
        >>> print(lines[2])
        *=info (implied): all other components give messages only, no trace
    """
    parsed = parse(spec)
    meanings = _data()["levels"]["meaning"]
    known = components()
    lines: list[str] = []
    if not parsed.elements:
        return [f"{_data()['implied_default']['empty']}: no trace.log is written"]
    for element in parsed.elements:
        head = _shown_element(element) if element.text.strip("=" + _TRIM) else "*=info"
        head = quote(head) if not head.isprintable() or len(head) > 60 else head
        if element.level is None or not element.setting_valid:
            lines.append(f"{head}: refused by Liberty (TRAS0034W or TRAS0035W): traces nothing")
            continue
        what = _what(element.component, known)
        if not element.enabled:
            lines.append(f"{head}: {what}, level {element.level} and finer turned off")
        else:
            lines.append(f"{head}: {what}, at {element.level}: {meanings[element.level]}")
    if parsed.implied_default:
        lines.append("*=info (implied): all other components give messages only, no trace")
    return lines


def _what(component: str, known: dict[str, dict[str, Any]]) -> str:
    if component == "*":
        return "every component not named in another element"
    entry = known.get(component)
    if entry is None:
        for name in known:
            if name.endswith(".*") and component.startswith(name[:-1]):
                return f"part of {name} ({known[name]['traces']})"
        return "a component certkit does not know (TRAS0040I if it matches nothing)"
    traces: str = entry["traces"]
    if entry["mark"] == "U":
        return traces
    first = traces.split(" ", 1)[0]  # "the SSL channel", "Liberty's SSL code", "all of ..."
    what = traces if first in ("the", "all") or first.endswith("'s") else f"the {traces}"
    if entry["generation"]:
        what += f" ({entry['generation']} only)"
    return what


# -- build ---------------------------------------------------------------------------------------


def build(
    elements: Iterable[str | tuple[str, str]],
    generation: Generation | str | None = None,
) -> str:
    """A specification on one line, with no blanks: Liberty's grammar, as generators write it.

    Args:
        elements: Components, each a name (traced at ``all``), a ``name=level`` string or a
            ``(name, level)`` pair. Levels may be aliases; they are written as given, in lower
            case.
        generation: When given, a component of the other z/OS Connect generation is
            replaced by its equivalent (zosconnect-security.md section 4.2, VERIFIED), and
            refused when it has none.

    Returns:
        The specification, such as ``SSLChannel=all:SSL=all``; duplicates are written once.

    Raises:
        InputError: If a name is empty or holds a blank, ``:``, ``=`` or a quote, a level is
            not a Liberty level, or a component has no equivalent in ``generation``.

    Examples:
        >>> build(["SSLChannel", ("SSL", "all"), "zosConnect"], "3.0")
        'SSLChannel=all:SSL=all:zosConnectCore=all'
    """
    wanted = as_generation(generation) if generation is not None else None
    known = components()
    out: list[str] = []
    for item in elements:
        if isinstance(item, tuple):
            name, given = item
        elif "=" in item:
            name, _, given = item.partition("=")
        else:
            name, given = item, "all"
        if not name or any(c in _TRIM or c in ":='\"" or not c.isprintable() for c in name):
            raise InputError(
                f"component {quote(name, 40)}: give a name without blanks, ':', '=' or quotes"
            )
        if level(given) is None:
            raise InputError(
                f"level {quote(given, 20)} for {quote(name, 40)} is not a Liberty level: use "
                "all, finest, finer, fine, info or off"
            )
        entry = known.get(name)
        if (
            wanted is not None
            and entry is not None
            and entry["generation"]
            not in (
                None,
                wanted.value,
            )
        ):
            other = entry.get("v3" if wanted is Generation.V3 else "v2")
            if not other:
                raise InputError(
                    f"{quote(name)} is a {entry['generation']} component with no "
                    f"{wanted.value} equivalent: leave it out"
                )
            name = other
        element = f"{name}={given.lower()}"
        if element not in out:
            out.append(element)
    return ":".join(out)
