"""Replace the volatile values of a captured trace with placeholders, by one set of rules.

What curl, openssl ``s_client`` and JSSE print for the same handshake differs from run to run
only in values that are random or local: hello randoms, key shares, signatures, Finished MACs,
tickets, session IDs, times, thread IDs, file descriptors, the port and the temporary
directory. [`normalise`][certkit.traces.text.normalise.normalise] replaces exactly those, so
that two captures of the same handshake are equal byte for byte, on any machine, day or time
zone, and a real difference (another message, another extension, another length) still
shows. Placeholders are ``<NAME>`` in angle brackets.

The rules, in the order they apply:

1. **Exact values** (given by the caller): the client files' directory becomes ``<DIR>``;
   the server's port, where it follows ``127.0.0.1:``, ``localhost:``, ``localhost/`` or
   ``port ``, becomes ``<PORT>``.
2. **Line rules** (the table in ``data/trace_normalisation.json``, each with an example):
   one anchored pattern for one kind of line of one tool, e.g. s_client's
   ``session_id (len=32): F982...`` becomes ``session_id (len=<LEN>): <HEX>`` and JSSE's
   ``javax.net.ssl|DEBUG|0E|main|2026-12-07 02:50:00.123 UTC|`` becomes
   ``javax.net.ssl|DEBUG|<TID>|main|<TIME>|``.
3. **Block rules** (here, by the structure of each tool's output):

   * *Random messages*: in a byte dump (``curl --trace-ascii``, ``s_client -msg``) the bytes
     of a message that carries random values (the table's ``random_messages``: hellos, key
     exchanges, CertificateVerify, Finished, NewSessionTicket) become ``xx`` (hex) or ``#``
     (text), keeping offsets and line lengths (``--trace-ascii`` breaks a line after each
     CR LF in the data, so its masked dumps are laid out again, 64 bytes a line). Other
     messages' bytes (certificates, CertificateRequest, EncryptedExtensions, alerts, HTTP)
     are kept as printed.
   * *Signed messages*: an ECDSA signature is 70 to 72 bytes, so the length of
     ServerKeyExchange and CertificateVerify, and of the record that holds one, becomes
     ``<LEN>`` (``[<LEN> bytes data]``, ``[length <LEN>]``, ``Length=<LEN>``), and their
     dump (whose line count follows the length) becomes one line, ``<SIGNED>``.
   * *Java's threads and stacks*: lines JSSE logs from the ``Finalizer`` thread (closing a
     socket the garbage collector found; when it runs is the JVM's choice) are dropped (with
     the JSON lines after them); a run of stack frames (``at ...``), whose depth depends on
     which thread or task ran the handshake, becomes one ``at <FRAMES>`` line, and
     ``... 12 more`` becomes ``... <N> more``. A received close_notify is dropped (its
     ``Received alert message`` line with its JSON block; with ``all`` also its ``READ:``
     line and plaintext ``01 00``, or a last ``READ:`` line the JVM ended before handling):
     whether Java reads the server's before it closes depends on timing. In JSSE's message
     fields, the hex dumps under ``key_exchange``, ``ecdh public``, ``verify data`` and
     ``ticket`` (and ``key_share (51)``, the raw extension a TLS 1.2 server lists among the
     ClientHello extensions it ignores) keep their offsets with ``xx`` for each byte; a
     ``signature`` dump becomes one ``<SIGNED>`` line. The same rules serve a JSSE client
     and a JSSE server (``certkit.traces.capture.java_server``).
   * *JSSE's records* (``javax.net.debug=all``): a ``Raw read`` block is dropped (it shows
     what one socket read returned, which depends on how TCP delivered the bytes); a ``Raw
     write`` dump (encrypted, or a hello) becomes one ``<BYTES>`` line, and so does a
     plaintext dump that holds a signed message (read message by message: type ``0C`` or
     ``0F``) or HTTP (it holds the port); a plaintext dump of another random message (``01``,
     ``02``, ``04``, ``10``, ``14``) keeps its offsets with ``xx`` bytes (an alert JSSE writes,
     after its ``WRITE: ... alert(NAME)`` line, is kept as printed); the
     ``length = N`` of a ``READ:`` or ``WRITE:`` line becomes ``<LEN>`` when its record
     holds a CertificateVerify or ServerKeyExchange (both ``READ:`` lines, when an
     ``SSLSocket`` reads the record in two steps, header then body).
   * *Ticket dumps*: the hex dump under s_client's ``TLS session ticket:`` becomes
     ``<TICKET>`` after each offset.
   * *curl's closing race*: after ``Closing connection``, whether curl reads the server's
     close_notify before it sends its own depends on timing, and so do the data lines
     around them: only curl's own ``(OUT), TLS alert, close notify`` line is kept (the
     received close_notify line and every ``[N bytes data]`` line or ``SSL data`` dump
     after ``Closing connection`` are dropped).

Examples:
    >>> normalise("*  CApath: /etc/ssl/certs", tool="curl")
    '*  CApath: <CAPATH>'
    >>> normalise("* Connected to localhost (127.0.0.1) port 4433 (#0)",
    ...           tool="curl", port=4433)
    '* Connected to localhost (127.0.0.1) port <PORT> (#0)'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from certkit.datafiles import read_json
from certkit.errors import InputError

__all__ = ["TOOLS", "Rule", "normalise", "rules"]

TOOLS = ("curl", "openssl", "java")
"""The tools whose output [`normalise`][certkit.traces.text.normalise.normalise] knows."""


@dataclass(frozen=True)
class Rule:
    """One line rule of ``data/trace_normalisation.json``.

    Attributes:
        id: Its name.
        tools: The tools whose lines it applies to.
        pattern: The anchored regular expression of the line (or its start).
        replacement: What replaces the match (``re.sub`` syntax).
        why: Why the value varies.
        before: An example line as printed.
        after: The same line normalised.
    """

    id: str
    tools: tuple[str, ...]
    pattern: re.Pattern[str]
    replacement: str
    why: str
    before: str
    after: str

    def apply(self, line: str) -> str:
        """The line with this rule applied (unchanged if it does not match)."""
        return self.pattern.sub(self.replacement, line, count=1)


@cache
def _table() -> dict[str, object]:
    table: dict[str, object] = read_json("trace_normalisation.json")
    return table


@cache
def rules() -> tuple[Rule, ...]:
    """The line rules, in the order they apply.

    Examples:
        >>> [rule.id for rule in rules()][:2]
        ['curl-capath', 's_client-random']
        >>> all(rule.apply(rule.before) == rule.after for rule in rules())
        True
    """
    found = []
    for item in _table()["rules"]:  # type: ignore[attr-defined]
        found.append(
            Rule(
                id=item["id"],
                tools=tuple(item["tools"]),
                pattern=re.compile(item["pattern"]),
                replacement=item["replacement"],
                why=item["why"],
                before=item["example"]["before"],
                after=item["example"]["after"],
            )
        )
    return tuple(found)


def _names(key: str, tool: str) -> frozenset[str]:
    group: dict[str, list[str]] = _table()[key]  # type: ignore[assignment]
    return frozenset(group.get(tool, ()))


_CURL_TLS = re.compile(
    r"^(?:\* |== Info: )TLSv1\.[0-3] \((?:IN|OUT)\), TLS handshake, (.+) \(\d+\):$"
)
_CURL_BYTES = re.compile(r"^([{}] \[)\d+( bytes data\])$")
_CURL_SSL_DATA = re.compile(r"^(<= Recv|=> Send) SSL data, (\d+) bytes \(0x[0-9a-f]+\)$")
_CURL_DUMP = re.compile(r"^([0-9a-f]{4}: )(.*)$")
_CURL_CLOSING = re.compile(r"^(?:\* |== Info: )Closing connection")
_CURL_IN_CLOSE = re.compile(r"^(?:\* |== Info: )TLSv1\.[0-3] \(IN\), TLS alert, close notify")
_MSG_HEAD = re.compile(r"^(>>>|<<<) ([^,]+), (\w+) \[length ([0-9a-f]{4})\](?:, (.*))?$")
_MSG_DUMP = re.compile(r"^    [0-9a-f]{2}(?: [0-9a-f]{2})*$")
_TRACE_RECORD_LEN = re.compile(r"^(  Length = )\d+$")
_TRACE_MESSAGE = re.compile(r"^(    )(\w+)(, Length=)\d+$")
_TICKET_DUMP = re.compile(r"^(    [0-9a-f]{4} - ).*$")


def normalise(text: str, *, tool: str, directory: str | None = None, port: int = 0) -> str:
    """The captured text with its volatile values replaced (see the module's rules).

    Args:
        text: What the tool printed.
        tool: ``curl``, ``openssl`` or ``java``.
        directory: The client files' directory, replaced by ``<DIR>``.
        port: The server's port (0: none), replaced by ``<PORT>`` where it is a port.

    Returns:
        The normalised text, with the same lines except where a block rule drops some.

    Raises:
        InputError: If ``tool`` is not one of [`TOOLS`][certkit.traces.text.normalise.TOOLS].
    """
    if tool not in TOOLS:
        raise InputError(f"tool {tool[:40]!r}: use one of {', '.join(TOOLS)}")
    if directory:
        text = text.replace(directory, "<DIR>")
    if port:
        text = re.sub(rf"(127\.0\.0\.1:|localhost:|localhost/|port ){port}\b", r"\1<PORT>", text)
    mine = [rule for rule in rules() if tool in rule.tools]
    lines = [_apply(mine, line) for line in text.split("\n")]
    if tool == "curl":
        lines = _curl_blocks(lines)
    elif tool == "openssl":
        lines = _openssl_blocks(lines)
    else:
        lines = _jsse_blocks(lines)
    return "\n".join(lines)


def _apply(mine: list[Rule], line: str) -> str:
    for rule in mine:
        line = rule.apply(line)
    return line


def _curl_blocks(lines: list[str]) -> list[str]:
    random, signed = _names("random_messages", "curl"), _names("signed_messages", "curl")
    out: list[str] = []
    current = ""
    masking = False
    closing = False
    dropping = False
    signed_dump = False
    for index, line in enumerate(lines):
        if _CURL_CLOSING.match(line):
            closing = True
        if closing:
            if _CURL_IN_CLOSE.match(line) or _CURL_BYTES.match(line):
                continue
            if _CURL_SSL_DATA.match(line):
                dropping = True
                continue
            if dropping and _CURL_DUMP.match(line):
                continue
            dropping = False
        if match := _CURL_TLS.match(line):
            current = match[1]
        elif (match := _CURL_BYTES.match(line)) and current in signed:
            line = f"{match[1]}<LEN>{match[2]}"
            current = ""
        elif match := _CURL_SSL_DATA.match(line):
            size = int(match[2])
            if size == 5:  # a record header: its length varies with a signed message in it
                masking = _record_holds(lines, index, signed)
                current = ""
            else:
                masking = current in random
                if current in signed:
                    line = f"{match[1]} SSL data, <LEN> bytes"
                    out.append(line)
                    out.append("0000: <SIGNED>")
                    signed_dump = True
                    current = ""
                    continue
                if size > 1:
                    current = ""
            out.append(line)
            if masking:
                out.extend(_masked_ascii_dump(size))
            continue
        elif _CURL_DUMP.match(line) and signed_dump:
            continue
        elif _CURL_DUMP.match(line) and masking:
            continue  # written whole by _masked_ascii_dump
        elif not _CURL_DUMP.match(line):
            masking = False
        signed_dump = False
        out.append(line)
    return out


def _masked_ascii_dump(size: int) -> list[str]:
    """A ``--trace-ascii`` dump of ``size`` masked bytes, 64 a line.

    curl starts a new line after each CR LF in the data, so where the lines of random bytes
    break is itself random: the masked dump is laid out again, as if there were none.
    """
    return [f"{at:04x}: " + "#" * min(64, size - at) for at in range(0, size, 64)]


def _record_holds(lines: list[str], index: int, signed: frozenset[str]) -> bool:
    """Whether the record whose header is at ``index`` holds a signed message (curl trace)."""
    for line in lines[index + 1 :]:
        if (match := _CURL_SSL_DATA.match(line)) and int(match[2]) == 5:
            return False
        if (match := _CURL_TLS.match(line)) and match[1] in signed:
            return True
    return False


def _openssl_blocks(lines: list[str]) -> list[str]:
    random, signed = _names("random_messages", "openssl"), _names("signed_messages", "openssl")
    out: list[str] = []
    masking: bool | str = False
    ticket = False
    for index, line in enumerate(lines):
        if match := _MSG_HEAD.match(line):
            kind, name = match[3], match[5] or ""
            masking = name in random
            if name in signed:
                out.append(line.replace(f"[length {match[4]}]", "[length <LEN>]"))
                out.append("    <SIGNED>")
                masking = "signed"
                continue
            if kind == "RecordHeader" and _msg_record_holds(lines, index, signed):
                out.append(line)
                dump = lines[index + 1] if index + 1 < len(lines) else ""
                if _MSG_DUMP.match(dump):
                    lines[index + 1] = dump[:12] + "xx xx"
                continue
        elif _MSG_DUMP.match(line):
            if masking == "signed":
                continue
            if masking:
                line = re.sub(r"[0-9a-f]{2}", "xx", line)
        elif match := _TRACE_RECORD_LEN.match(line):
            if _trace_record_holds(lines, index, signed):
                line = f"{match[1]}<LEN>"
        elif (match := _TRACE_MESSAGE.match(line)) and match[2] in signed:
            line = f"{match[1]}{match[2]}{match[3]}<LEN>"
        elif line == "    TLS session ticket:":
            ticket = True
        elif ticket and (match := _TICKET_DUMP.match(line)):
            line = f"{match[1]}<TICKET>"
        else:
            ticket = False
            masking = False
        out.append(line)
    return out


def _msg_record_holds(lines: list[str], index: int, signed: frozenset[str]) -> bool:
    for line in lines[index + 1 :]:
        if match := _MSG_HEAD.match(line):
            if match[3] == "RecordHeader":
                return False
            if (match[5] or "") in signed:
                return True
    return False


def _trace_record_holds(lines: list[str], index: int, signed: frozenset[str]) -> bool:
    for line in lines[index + 1 :]:
        if _TRACE_RECORD_LEN.match(line):
            return False
        if (match := _TRACE_MESSAGE.match(line)) and match[2] in signed:
            return True
    return False


_JSSE_KEY = re.compile(r'^\s*"([^"]+)"\s*:')
_JSSE_FINALIZER = re.compile(r"^javax\.net\.ssl\|[A-Z]+\|<TID>\|Finalizer\|")
_JSSE_FRAME = re.compile(r"^(\s*)at [\w$./<>-]+\(.*\)$")
_JSSE_MORE = re.compile(r"^(\s*)\.\.\. \d+ more$")
_JSON_CONTINUATION = (" ", "\t", '"', "{", "}", "(", ")", "[", "]")
_JSSE_DUMP = re.compile(r"^(\s+[0-9A-F]{4}: )(.*)$")


def _jsse_blocks(lines: list[str]) -> list[str]:
    group: dict[str, list[str]] = _table()["random_messages"]["java"]  # type: ignore[index]
    masked, signed = frozenset(group["masked"]), frozenset(group["signed"])
    out: list[str] = []
    key: str | None = None
    collapsed = False
    finalizer = False
    lines = _records(_drop_received_close_notify(lines), group)
    for line in lines:
        if line.startswith("javax.net.ssl|"):
            finalizer = _JSSE_FINALIZER.match(line) is not None
        elif not line.startswith(_JSON_CONTINUATION):
            finalizer = False
        if finalizer:
            continue
        if match := _JSSE_FRAME.match(line):
            if out and out[-1].endswith("at <FRAMES>"):
                continue
            line = f"{match[1]}at <FRAMES>"
        elif match := _JSSE_MORE.match(line):
            line = f"{match[1]}... <N> more"
        if match := _JSSE_DUMP.match(line):
            if key in signed:
                if not collapsed:
                    out.append(f"{match[1]}<SIGNED>")
                    collapsed = True
                continue
            if key in masked:
                line = match[1] + re.sub(r"[0-9A-F]{2}", "xx", match[2][:50]) + " " * 0
                line = line.rstrip()
            out.append(line)
            continue
        collapsed = False
        if match := _JSSE_KEY.match(line):
            key = match[1]
        elif line.strip() not in ("{", "}", "},", "]", "],", "[", '"'):
            key = None
        out.append(line)
    return out


def _drop_received_close_notify(lines: list[str]) -> list[str]:
    """Without the ``Received alert message`` blocks of a close_notify (a closing race)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("javax.net.ssl|") and line.endswith("|Received alert message ("):
            end = index + 1
            while end < len(lines) and lines[end] != ")" and end - index < 8:
                end += 1
            block = lines[index : end + 1]
            if any('"description": "close_notify"' in item for item in block):
                index = end + 1
                continue
        out.append(line)
        index += 1
    return out


_JSSE_RECORD = re.compile(
    r"^(javax\.net\.ssl\|.*\|(?:READ|WRITE): TLSv1\.[0-3] [a-z_]+, length = )\d+$"
)
_JSSE_SIGNED_LINE = re.compile(
    r"\|(?:Consuming|Produced) .*(?:CertificateVerify|ServerKeyExchange)"
)
_JSSE_DUMP_START = re.compile(
    r"\|(Raw read|Raw write|Plaintext before ENCRYPTION|Plaintext after DECRYPTION) \($"
)
_HTTP_START = ("47 45 54 20", "48 54 54 50")  # "GET ", "HTTP"


def _records(lines: list[str], group: dict[str, list[str]]) -> list[str]:
    """The rules for ``javax.net.debug=all``'s record lines (see the module's description)."""
    random = frozenset(group["plaintext_random_types"])
    signed = frozenset(group["plaintext_signed_types"])
    marks = [i for i, line in enumerate(lines) if _JSSE_RECORD.match(line)]
    masked_lengths: set[int] = set()
    for n, mark in enumerate(marks):
        reading = "|READ: " in lines[mark]
        if reading:
            region = lines[mark + 1 : marks[n + 1] if n + 1 < len(marks) else len(lines)]
        else:
            region = lines[(marks[n - 1] + 1 if n else 0) : mark]
        if any(_JSSE_SIGNED_LINE.search(line) for line in region):
            masked_lengths.add(mark)
            # SSLSocket reads a record in two steps, header then body, and logs READ: after
            # each: the first READ: line of the same record shows the same length.
            before = marks[n - 1] if n else -1
            if (
                reading
                and before >= 0
                and "|READ: " in lines[before]
                and lines[before].rsplit(" ", 1)[-1] == lines[mark].rsplit(" ", 1)[-1]
                and all(
                    "|Raw read (" in line or not line.startswith("javax.net.ssl|")
                    for line in lines[before + 1 : mark]
                )
            ):
                masked_lengths.add(before)
    logged = [i for i, line in enumerate(lines) if line.startswith("javax.net.ssl|")]
    unread = {logged[-1]} if logged and "|READ: " in lines[logged[-1]] else set()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if index in unread:  # the JVM ended before it read the record (the closing race)
            index += 1
            continue
        if index in masked_lengths and (match := _JSSE_RECORD.match(line)):
            line = f"{match[1]}<LEN>"
        start = _JSSE_DUMP_START.search(line)
        if not start:
            out.append(line)
            index += 1
            continue
        end = index + 1
        while end < len(lines) and _JSSE_DUMP.match(lines[end]):
            end += 1
        dump = lines[index + 1 : end]
        first = _JSSE_DUMP.match(dump[0])[2][:11] if dump else ""  # type: ignore[index]
        kinds = _handshake_types(dump)
        index = end
        if start[1] == "Raw read":
            # What one socket read returned: how TCP delivered the bytes.
            if index < len(lines) and lines[index] == ")":
                index += 1
            continue
        if start[1] == "Plaintext after DECRYPTION" and _is_close_notify(dump):
            # The received close_notify's record: part of the closing race.
            if out and "|READ: " in out[-1]:
                out.pop()
            if index < len(lines) and lines[index] == ")":
                index += 1
            continue
        # An alert JSSE writes (WRITE: ... alert(NAME)) is no handshake message: TLS 1.3 pads
        # it, and its level byte would be read as a message type.
        alert = bool(out) and "|WRITE: " in out[-1] and " alert(" in out[-1]
        out.append(line)
        if alert and start[1] == "Plaintext before ENCRYPTION":
            out.extend(dump)
        elif start[1] == "Raw write" or kinds & signed or first.startswith(_HTTP_START):
            out.append("  <BYTES>")
        elif kinds & random:
            out.extend(
                m[1] + re.sub(r"[0-9A-F]{2}", "xx", m[2][:50]).rstrip()
                for m in map(_JSSE_DUMP.match, dump)
                if m
            )
        else:
            out.extend(dump)
    return out


def _handshake_types(dump: list[str]) -> set[str]:
    """The handshake message types in a plaintext dump, read message by message (hex)."""
    data: list[str] = []
    for line in dump:
        match = _JSSE_DUMP.match(line)
        if match:
            data.extend(re.findall(r"\b[0-9A-F]{2}\b", match[2][:50]))
    types: set[str] = set()
    at = 0
    while at + 4 <= len(data) and len(types) < 64:
        types.add(data[at])
        at += 4 + int("".join(data[at + 1 : at + 4]), 16)
    return types


def _is_close_notify(dump: list[str]) -> bool:
    return len(dump) == 1 and re.fullmatch(r"\s+0000: 01 00\s+\.\.", dump[0]) is not None
