"""Checks of a ``javax.net.debug`` value, the JSSE debug switch of z/OS Connect's JVM.

The value turns on JSSE's own debug output. Which options exist depends on the Java runtime
(``ibm-java-8``: IBM Java 8 with IBMJSSE2; ``semeru-11+``: Semeru Runtime or OpenJDK 11 and
later with SunJSSE), and so does where the output lands: Semeru writes it to ``System.err``,
the ``STDERR`` DD of the BAQSTRT procedure. The facts, each with its mark and source, are in
``certkit/data/javax_net_debug.json`` (zosconnect-security.md section 4.5, zos-syntax.md
section 7.3, OpenJDK's ``SSLLogger.java``, and this module's tests on real JDKs).

* [`check`][certkit.zos.text.javadebug.check] reports what the runtime does not know, ``help``
  (it stops the JVM), ``true`` on Semeru, sub-options without ``ssl``, duplicates and
  separators, with columns counted in the value;
* [`explain`][certkit.zos.text.javadebug.explain] says what the value turns on and where the
  output lands;
* [`jvm_option`][certkit.zos.text.javadebug.jvm_option] writes the ``-Djavax.net.debug=`` option
  for the ``JVM_OPTIONS=`` line of BAQSTRT's ``STDENV`` DD, after checking.

Text only (no ``cryptography``).
"""

from __future__ import annotations

import difflib
from typing import Any, Literal

from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.zos.text.findings import Finding, Position

__all__ = ["RUNTIMES", "VALUE_LIMIT", "check", "explain", "jvm_option"]

_DATA = "javax_net_debug.json"  # zosconnect-security.md §4.5, zos-syntax.md §7.3

RUNTIMES = ("ibm-java-8", "semeru-11+")
"""The runtimes the data file describes: IBM Java 8 (IBMJSSE2), Semeru/OpenJDK 11+ (SunJSSE)."""

VALUE_LIMIT = 512
"""The longest value checked; a longer one is reported, not read."""

_SEPARATORS = ",:"  # (V) §4.5 / §7.3: the separators IBM's and OpenJDK's examples use
_PARENTS = ("ssl", "all", "true")  # what a sub-option is used with (V) §7.3, §4.5


def _runtime(runtime: str) -> dict[str, Any]:
    data: dict[str, Any] = read_json(_DATA)
    runtimes: dict[str, Any] = data["runtimes"]
    if runtime not in runtimes:
        raise InputError(
            f"unknown Java runtime {quote(runtime, 40)}: give one of {', '.join(RUNTIMES)}"
        )
    return runtimes[runtime]  # type: ignore[no-any-return]


def _known(facts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every name the runtime knows, with its facts."""
    names: dict[str, dict[str, Any]] = {}
    for group in ("options", "sub_options", "qualifiers"):
        names.update(facts[group])
    return names


def _tokens(value: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The words (runs of letters and digits) and the separator runs, with 0-based offsets."""
    words: list[tuple[int, str]] = []
    gaps: list[tuple[int, str]] = []
    start = 0
    while start < len(value):
        is_word = value[start].isascii() and value[start].isalnum()
        end = start + 1
        while end < len(value) and (value[end].isascii() and value[end].isalnum()) == is_word:
            end += 1
        (words if is_word else gaps).append((start, value[start:end]))
        start = end
    return words, gaps


def _split(word: str, names: dict[str, dict[str, Any]]) -> list[str] | None:
    """The word as known names written together (``sslhandshake``), or None. Linear-ish."""
    best: list[list[str] | None] = [None] * (len(word) + 1)
    best[0] = []
    for end in range(1, len(word) + 1):
        for name in names:
            begin = end - len(name)
            if begin >= 0 and best[begin] is not None and word[begin:end] == name:
                best[end] = [*best[begin], name]  # type: ignore[misc]
                break
    return best[len(word)]


def _check(value: str, runtime: str) -> tuple[list[Finding], bool]:
    """The findings, and whether the separators need rewriting before the value is used."""
    facts = _runtime(runtime)
    names = _known(facts)
    found: list[Finding] = []

    def report(offset: int, severity: Literal["error", "warning"], message: str) -> None:
        found.append(Finding(Position(1, offset + 1), severity, message))

    if len(value) > VALUE_LIMIT:
        report(VALUE_LIMIT, "error", f"the value is longer than {VALUE_LIMIT} characters")
        return found, True
    if not value.strip():
        if facts["empty"] is None:  # IBM's documentation gives no meaning to it (§4.5 "—")
            report(0, "warning", "an empty value is not in IBM's list: give ssl:handshake or all")
        else:  # (V) §4.5 [OJDK-SSLLOGGER]
            report(
                0,
                "warning",
                "an empty value sends the messages to System.getLogger(javax.net.ssl), "
                "not the debug console log: give ssl:handshake for that",
            )
        return found, False
    words, gaps = _tokens(value)
    if not words:
        report(0, "error", "the value names no option: give one such as ssl:handshake")
        return found, True
    rewrite = False
    for offset, gap in gaps:
        bad = [c for c in gap if c not in _SEPARATORS]
        if not bad:
            continue
        at = offset + next(i for i, c in enumerate(gap) if c not in _SEPARATORS)
        if "=" in gap or "-" in gap:
            report(at, "error", "give only the value, what follows -Djavax.net.debug=")
            return found, True
        if not all(c.isprintable() for c in gap):
            report(at, "error", f"{quote(bad[0])} cannot stand in the value: remove it")
            return found, True
        rewrite = True
        # (V) §4.5: SunJSSE ignores separators; that a blank splits JVM_OPTIONS is (P): a warning
        report(at, "warning", f"separate options with , or :, not {quote(bad[0])}")
    seen: dict[str, int] = {}
    present = {word.lower() for _, word in words}
    for offset, word in words:
        name = word.lower()
        if runtime == "ibm-java-8" and word != name:
            report(offset, "warning", f"IBM lists its options in lowercase: write {name}")
        if name in seen:
            report(offset, "warning", f"{name} is given twice (first at column {seen[name] + 1})")
            continue
        seen[name] = offset
        not_options: dict[str, Any] = facts.get("not_options", {})
        if name in not_options:  # (V) §4.5: true is not an option of SunJSSE
            report(offset, "error", f"{name} is not an option of Semeru 11+ (SunJSSE): use all")
            continue
        if name not in names:
            parts = _split(name, names) if len(name) <= 64 else None
            if parts is not None and runtime == "semeru-11+":
                rewrite = True  # (V) §4.5: found as substrings, so it works, unreadably
                report(offset, "warning", f"write the options apart: {':'.join(parts)}")
                present.update(parts)
                continue
            close = difflib.get_close_matches(name[:64], list(names), n=1)
            hint = f"did you mean {close[0]}?" if close else "see explain() for the list"
            report(
                offset, "error", f"{quote(word, 40)} is not an option of {_TITLE[runtime]}: {hint}"
            )
            continue
        entry = names[name]
        if entry.get("exits"):  # (V) §4.5 / §7.3: help prints the list and exits the JVM
            report(offset, "error", "help prints the options and exits the JVM: remove it")
        elif "parent" in entry and not present & set(_PARENTS):
            rule = facts["sub_option_needs_parent"]
            report(offset, rule["severity"], f"{name} is used with ssl: write ssl:{name}")
        elif "qualifies" in entry and "all" not in present and entry["qualifies"] not in present:
            parent = entry["qualifies"]
            report(offset, "warning", f"{name} only widens {parent}: write ssl:{parent}:{name}")
    subs = set(facts["sub_options"])
    if runtime == "semeru-11+" and "ssl" in present and not present & (subs | {"all"}):
        # (V) SSLLogger of jdk15u vs Temurin 25.0.3, and this module's tests on real JDKs
        column = seen.get("ssl", 0)
        report(
            column,
            "warning",
            "what ssl alone shows differs between JDK builds: name the "
            "sub-options, e.g. ssl:handshake",
        )
    found.sort(key=lambda f: f.position.column)
    return found, rewrite


_TITLE = {"ibm-java-8": "IBM Java 8", "semeru-11+": "Semeru 11+"}


def check(value: str, runtime: str) -> list[Finding]:
    """Check a ``javax.net.debug`` value for one Java runtime.

    Args:
        value: What follows ``-Djavax.net.debug=``.
        runtime: ``ibm-java-8`` or ``semeru-11+`` (see
            [`RUNTIMES`][certkit.zos.text.javadebug.RUNTIMES]).

    Returns:
        The findings, in the order of the value; positions are line 1 and the column in it.

    Raises:
        InputError: If the runtime is not one of ``RUNTIMES``.

    Examples:
        >>> check("ssl:handshake:verbose", "semeru-11+")
        []
        >>> for finding in check("true,ssl:handshake:handshke", "semeru-11+"):
        ...     print(finding.position.column, finding.severity, finding.message)
        1 error true is not an option of Semeru 11+ (SunJSSE): use all
        20 error 'handshke' is not an option of Semeru 11+: did you mean handshake?
        >>> check("true", "ibm-java-8")
        []
    """
    return _check(value, runtime)[0]


def explain(value: str, runtime: str) -> list[str]:
    """What a checked value turns on, and where the output lands on z/OS.

    Each line ends with the mark of its fact: (V) verified, with the source in the data file.

    Args:
        value: What follows ``-Djavax.net.debug=``.
        runtime: ``ibm-java-8`` or ``semeru-11+``.

    Returns:
        One line per option, then the output stream and where to set the option.

    Raises:
        InputError: If the value has an error (see [`check`][certkit.zos.text.javadebug.check]).

    Examples:
        >>> for line in explain("ssl:handshake", "semeru-11+"):
        ...     print(line[:72])
        ssl: SSL debugging; the sub-options say which (V)
        handshake: each handshake message (V)
        Output: System.err, which lands in the STDERR DD of BAQSTRT (V)
        Set it on the JVM_OPTIONS= line of the BAQSTRT procedure's STDENV DD (V)
    """
    facts = _refuse_errors(value, runtime)
    names = _known(facts)
    lines: list[str] = []
    if not value.strip():
        empty = facts["empty"]
        if empty is None:  # IBM's documentation gives no meaning to it (§4.5 "—")
            lines.append("(empty): not in IBM's list; what it turns on is not documented")
        else:
            lines.append(f"(empty): {empty['shows']} ({empty['mark']})")
    words, _ = _tokens(value)
    done: set[str] = set()
    for _, word in words:
        name = word.lower()
        parts = [name] if name in names else (_split(name, names) or [])
        for part in parts:
            if part in done:
                continue
            done.add(part)
            entry = names[part]
            widens = f"widens {entry['qualifies']}: " if "qualifies" in entry else ""
            lines.append(f"{part}: {widens}{entry['shows']} ({entry['mark']})")
    stream = facts["stream"]
    where = f"Output: {stream['java']}, which lands in the {stream['dd']} DD of BAQSTRT"
    if runtime == "ibm-java-8":
        where += ", as a tester using IBM Java 1.8 saw it; IBM does not document it"
    scope = f" {stream['scope']}" if "scope" in stream else ""
    lines.append(f"{where} ({stream['mark']}{scope})")
    place = read_json(_DATA)["where"]
    lines.append(f"Set it on {place['text']} ({place['mark']})")
    return lines


def jvm_option(value: str, runtime: str) -> str:
    """The ``-Djavax.net.debug=`` option for the ``JVM_OPTIONS=`` line, after checking.

    Args:
        value: What follows ``-Djavax.net.debug=``.
        runtime: ``ibm-java-8`` or ``semeru-11+``.

    Returns:
        The option as the ``JVM_OPTIONS=`` line of BAQSTRT's ``STDENV`` DD takes it.

    Raises:
        InputError: If the value has an error, separators other than ``,`` and ``:``, or is
            empty for IBM Java 8.

    Examples:
        >>> jvm_option("ssl:handshake", "semeru-11+")
        '-Djavax.net.debug=ssl:handshake'
        >>> jvm_option("ssl,keymanager,trustmanager", "ibm-java-8")
        '-Djavax.net.debug=ssl,keymanager,trustmanager'
    """
    facts = _refuse_errors(value, runtime)
    if _check(value, runtime)[1]:
        raise InputError(
            f"javax.net.debug {quote(value, 60)}: write the options apart, separated by , or :"
        )
    if not value.strip() and facts["empty"] is None:
        raise InputError("javax.net.debug: IBM Java 8 gives no meaning to an empty value")
    return f"-Djavax.net.debug={value.strip()}"


def _refuse_errors(value: str, runtime: str) -> dict[str, Any]:
    """The runtime's facts, or InputError naming the value's first error."""
    facts = _runtime(runtime)
    errors = [f for f in check(value, runtime) if f.severity == "error"]
    if errors:
        first = errors[0]
        raise InputError(f"javax.net.debug, column {first.position.column}: {first.message}")
    return facts
