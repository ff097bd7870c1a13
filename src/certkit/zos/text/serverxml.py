"""Checks of a pasted Liberty ``server.xml`` (or a few of its elements): where, and what to do.

[`check`][certkit.zos.text.serverxml.check] reads a whole ``<server>`` document or a fragment
(several top-level elements, as a page shows them) and reports
[`Finding`][certkit.zos.text.findings.Finding] objects with the line and column a reader sees
in their editor. It checks more than well-formed XML:

* elements and attributes against the schema in ``certkit/data/liberty.json`` (names, value
  kinds such as booleans, enumerations, durations and ports), with a suggestion for a typo;
* references between ids (``keyStoreRef``, ``sslRef``, ``sslOptionsRef``, ``authFilterRef``,
  ``globalInterceptorsRef``...);
* a key store on a SAF key ring: the ``safkeyring``, ``safkeyringhw`` and ``safkeyringhybrid``
  schemes against the types ``JCERACFKS``, ``JCECCARACFKS`` and ``JCEHYBRIDRACFKS``,
  ``fileBased="false"``, a password, and a ring owner that is a RACF user ID
  (zos-syntax.md sections 4.2 and 7.1, VERIFIED);
* elements of the other z/OS Connect generation, when the generation is given;
* known sample defects: the WSC Topics Guide's ``Prefix=`` for ``profilePrefix``, and
  ``clientAuthentication="true"`` with ``allowFailOverToBasicAuth``, where the fail-over never
  happens because a client without a certificate fails the TLS handshake first
  (zosconnect-security.md sections 2.3 and 2.4).

Facts marked P (product knowledge) in the schema give warnings at most. Hostile text is safe:
a DOCTYPE or entity declaration is refused at its position, never expanded (the parser is
defusedxml's, over expat); the size and the nesting depth are bounded; nothing but
[`InputError`][certkit.errors.InputError] (for a bad ``generation``) is raised.

Text only (no ``cryptography``), so that it can run in a reader's browser.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import re
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.sax import SAXException, SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.expatreader import DefusedExpatParser  # type: ignore[import-untyped]

from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.zos.text.findings import Finding, Position, in_order

__all__ = [
    "MAX_DEPTH",
    "MAX_FINDINGS",
    "MAX_TEXT_BYTES",
    "Element",
    "Generation",
    "as_generation",
    "check",
    "elements",
    "schema",
]

MAX_TEXT_BYTES = 1024 * 1024
"""The largest text checked (1 MiB, below ``certkit.files.MAX_FILE_BYTES``): a server.xml is
rarely a tenth of that. Larger text gets one finding and is not parsed."""

MAX_DEPTH = 32
"""How deeply elements may nest (Liberty's security elements nest four deep at most)."""

MAX_FINDINGS = 100
"""The most findings reported; one more says how many were left out."""

Severity = Literal["error", "warning"]


class Generation(enum.StrEnum):
    """The z/OS Connect generation a server.xml is for (zosconnect-security.md, VERIFIED).

    ``zosConnect-2.0`` is z/OS Connect EE V3 (OpenAPI 2, ``zosconnect_*`` elements, the
    authorization interceptor); ``zosConnect-3.0`` is z/OS Connect for OpenAPI 3 (roles in
    the API document).
    """

    V2 = "zosConnect-2.0"
    V3 = "zosConnect-3.0"


def as_generation(value: Generation | str) -> Generation:
    """A generation from its feature name or its number (``"2.0"``, ``"zosConnect-3.0"``).

    Raises:
        InputError: If ``value`` names neither generation.

    Examples:
        >>> as_generation("3.0")
        <Generation.V3: 'zosConnect-3.0'>
    """
    text = str(value).strip()
    for member in Generation:
        if text in (member.value, member.value.removeprefix("zosConnect-")):
            return member
    raise InputError(
        f"z/OS Connect generation {quote(text)}: give zosConnect-2.0 (EE V3) or "
        "zosConnect-3.0 (OpenAPI 3)"
    )


def schema() -> dict[str, Any]:
    """The schema shared by this validator and `certkit.zos.liberty` (``liberty.json``)."""
    data: dict[str, Any] = read_json("liberty.json")
    return data


# -- the tree the parser builds ------------------------------------------------------------------


@dataclass
class _Node:
    tag: str
    attributes: dict[str, str]
    position: Position
    offset: int  # where "<tag" starts in the text parsed
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    offsets: dict[str, int] | None = None  # where each attribute's name starts, once asked


class _TooDeep(SAXException):
    def __init__(self, position: Position) -> None:
        super().__init__("too deep")
        self.position = position


class _Builder(ContentHandler):
    """Builds `_Node` objects with the position expat gives each start tag."""

    def __init__(self, parser: DefusedExpatParser, text: _Text) -> None:
        super().__init__()
        self.parser = parser
        self.source = text
        self.root: _Node | None = None
        self.open: list[_Node] = []
        self.stray: Position | None = None

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        line, column = self.parser.getLineNumber(), self.parser.getColumnNumber()
        position = self.source.position(line, column)
        if len(self.open) >= MAX_DEPTH + self.source.shift:  # a fragment's wrapper is free
            raise _TooDeep(position)
        parent = self.open[-1] if self.open else None
        node = _Node(
            name,
            {key: attrs.getValue(key) for key in attrs.getNames()},
            position,
            self.source.offset(line, column),
            parent,
        )
        if parent is None:
            self.root = node
        else:
            parent.children.append(node)
        self.open.append(node)

    def endElement(self, name: str) -> None:
        self.open.pop()

    def characters(self, content: str) -> None:
        if not self.open:
            return
        node = self.open[-1]
        if node.tag != "feature":
            if node.parent is None and self.stray is None and content.strip():
                # Text straight inside <server>: a paste that lost its tags, or prose.
                line, column = self.parser.getLineNumber(), self.parser.getColumnNumber()
                skipped = len(content) - len(content.lstrip())
                self.stray = self.source.at(self.source.offset(line, column) + skipped)
            return
        if len(node.text) < 64:
            node.text.append(content)


class _Text:
    """The text parsed (a fragment wrapped in ``<server>``) and the map back to the reader's."""

    def __init__(self, text: str, *, fragment: bool) -> None:
        self.fragment = fragment
        self.shift = 1 if fragment else 0  # the wrapper's "<server>" takes a line of its own
        self.parsed = f"<server>\n{text}\n</server>" if fragment else text
        self.starts = [0]
        for match in re.finditer("\n", self.parsed):
            self.starts.append(match.end())
        self.lines = text.count("\n") + 1
        self.last_length = len(text) - (text.rfind("\n") + 1)

    def position(self, line: int, column: int) -> Position:
        """A parser's position (line from 1, column from 0) as the reader counts it."""
        line -= self.shift
        if line < 1:
            return Position(1, 1)
        if line > self.lines:
            return Position(self.lines, self.last_length + 1)
        return Position(line, column + 1)

    def offset(self, line: int, column: int) -> int:
        if 1 <= line <= len(self.starts):
            return self.starts[line - 1] + column
        return len(self.parsed)

    def at(self, offset: int) -> Position:
        """The reader's position of an offset into the parsed text."""
        line = _bisect(self.starts, offset)
        return self.position(line, offset - self.starts[line - 1])


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts)
    while low < high:
        middle = (low + high) // 2
        if starts[middle] <= offset:
            low = middle + 1
        else:
            high = middle
    return max(low, 1)


# -- reading --------------------------------------------------------------------------------------

_PROLOG = re.compile(r"\s*(?:<\?[^?]*(?:\?(?!>)[^?]*)*\?>|<!--(?:[^-]|-(?!->))*-->)?")
_FIRST_TAG = re.compile(r"<([A-Za-z_][\w.\-:]*)")
_DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)")
_NAME = re.compile(r"[A-Za-z_][\w.\-:]*")


def _is_document(text: str) -> bool:
    """Whether the text is a whole ``<server>`` document (not a fragment to wrap)."""
    index = 0
    for _ in range(1000):  # the XML declaration, comments and processing instructions before
        match = _PROLOG.match(text, index)
        if match is None or match.end() == index:
            break
        index = match.end()
    first = _FIRST_TAG.match(text, index)
    return first is not None and first.group(1) == "server"


def _decode(text: str | bytes) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    if isinstance(text, bytes):
        text = text.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")
    bad = re.search("[\udc80-\udcff]", text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        code = ord(bad.group()) - 0xDC00
        findings.append(
            Finding(
                Position(line, column),
                "error",
                f"byte 0x{code:02x} is not UTF-8: save the file as UTF-8 (Liberty reads "
                "server.xml as UTF-8)",
            )
        )
        text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return text, findings


def _read(text: str) -> tuple[_Node | None, _Text | None, list[Finding]]:
    """Parse; a DOCTYPE or entity is refused before the parser sees the text."""
    declaration = _DECLARATION.search(text)
    if declaration is not None:
        line = text.count("\n", 0, declaration.start()) + 1
        column = declaration.start() - (text.rfind("\n", 0, declaration.start()) + 1) + 1
        return (
            None,
            None,
            [
                Finding(
                    Position(line, column),
                    "error",
                    f"<!{declaration.group(1)}> refused: certkit never reads DTDs or expands "
                    "entities, and server.xml needs neither; remove it",
                )
            ],
        )
    source = _Text(text, fragment=not _is_document(text))
    if source.fragment and text.lstrip().startswith("<?xml"):
        start = text.index("<?xml")
        end = text.find("?>", start)
        end = len(text) if end < 0 else end + 2
        blank = re.sub(r"[^\n]", " ", text[start:end])  # keep lines and columns where they are
        source = _Text(text[:start] + blank + text[end:], fragment=True)
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    builder = _Builder(parser, source)
    parser.setContentHandler(builder)
    try:
        parser.feed(source.parsed)
        parser.close()
    except _TooDeep as exc:
        message = f"elements nest more than {MAX_DEPTH} deep: server.xml never needs that"
        return None, None, [Finding(exc.position, "error", message)]
    except SAXParseException as exc:
        position = source.position(exc.getLineNumber() or 1, exc.getColumnNumber() or 0)
        return None, None, [Finding(position, "error", _syntax(exc, builder, source))]
    except (DefusedXmlException, SAXException, ValueError) as exc:
        # A second line of defence: the DOCTYPE check above should have caught these.
        position = source.position(parser.getLineNumber(), parser.getColumnNumber())
        message = f"refused: {type(exc).__name__}; server.xml needs no DTD or entities"
        return None, None, [Finding(position, "error", message)]
    found: list[Finding] = []
    if builder.stray is not None:
        message = "text outside any element: server.xml holds elements here, not text"
        found.append(Finding(builder.stray, "error", message))
    elif builder.root is not None and not builder.root.children and source.fragment:
        message = "no XML element here: paste a <server> document or server.xml elements"
        found.append(Finding(Position(1, 1), "error", message))
    return builder.root, source, found


def _syntax(exc: SAXParseException, builder: _Builder, source: _Text) -> str:
    """The message of expat (the parser) made into what happened and what to do."""
    reason = exc.getMessage()
    opened = builder.open[-1] if builder.open else None
    if opened is not None and opened.tag == "server" and source.fragment and opened.parent is None:
        opened = None  # the wrapper
    where = f"<{quote(opened.tag, 40)[1:-1]}> (opened at {opened.position})" if opened else ""
    offset = source.offset(exc.getLineNumber() or 1, exc.getColumnNumber() or 0)
    if source.fragment and offset >= len(source.parsed) - len("\n</server>"):
        # The error is in the wrapper's closing tag: the reader's text stopped too early.
        if opened is not None:
            return f"the text ends inside {where}: close it"
        return "the text ends inside a tag, a comment or a value: close it"
    if reason == "mismatched tag":
        closing = _NAME.match(source.parsed, offset)
        name = closing.group() if closing else "?"
        if opened is None:
            return f"closing tag </{quote(name, 40)[1:-1]}> has no opening tag; remove it"
        return f"closing tag </{quote(name, 40)[1:-1]}> does not match {where}; close that first"
    if reason == "no element found":
        if opened is None and builder.root is None:
            return "no XML element here: paste a <server> document or server.xml elements"
        return f"the text ends inside {where}: close it" if opened else "the text ends early"
    if reason == "junk after document element":
        return "text after </server>: a server.xml holds one <server> element"
    if reason == "undefined entity":
        return (
            "undefined entity: write &amp; &lt; &gt; &quot; &apos; or a character "
            "reference (&#38;); server.xml declares no others"
        )
    if reason == "duplicate attribute":
        return "an attribute is given twice in this tag; keep one"
    if reason.startswith("not well-formed"):
        return (
            "not well-formed XML here: a stray < or &, a quote missing around a value, or a "
            "character XML does not allow"
        )
    if reason.startswith("unclosed token"):
        return "a tag, comment or value starts here and is never closed"
    return f"not well-formed XML: {reason}"


# -- checking -------------------------------------------------------------------------------------


@dataclass
class _Context:
    data: dict[str, Any]
    source: _Text
    generation: Generation | None
    findings: list[Finding] = field(default_factory=list)
    ids: dict[str, dict[str, _Node]] = field(default_factory=dict)
    checked: list[tuple[_Node, dict[str, Any]]] = field(default_factory=list)
    tags: dict[str, list[str]] = field(default_factory=dict)

    def add(self, position: Position, severity: Severity, message: str) -> None:
        self.findings.append(Finding(position, severity, message))
        if len(self.findings) > 2 * MAX_FINDINGS:
            raise _Full  # bound the work: nobody reads further, fixing these comes first

    def attribute_position(self, node: _Node, name: str) -> Position:
        if node.offsets is None:
            node.offsets = _attribute_offsets(self.source.parsed, node.offset)
        found = node.offsets.get(name)
        return self.source.at(found) if found is not None else node.position


class _Full(Exception):
    """Enough findings: the check stops."""


def _attribute_offsets(text: str, start: int) -> dict[str, int]:
    """Where each attribute name of the start tag at ``start`` begins (a linear scan)."""
    found: dict[str, int] = {}
    index = start + 1
    length = len(text)
    while index < length and not (text[index].isspace() or text[index] in "/>"):
        index += 1  # the tag's name
    while index < length:
        char = text[index]
        if char in "/>":
            break
        if char.isspace() or char == "=":
            index += 1
            continue
        if char in "\"'":
            end = text.find(char, index + 1)
            if end < 0:
                break
            index = end + 1
            continue
        name_start = index
        while index < length and not (text[index].isspace() or text[index] in "=/>\"'"):
            index += 1
        found.setdefault(text[name_start:index], name_start)
    return found


@dataclass(frozen=True)
class Element:
    """One element of a parsed server.xml, for checks that compare it with other files.

    Attributes:
        tag: The element's name (``keyStore``).
        attributes: Its attributes as written.
        position: Where its start tag begins.
        where: Where each attribute's name begins.
        text: Its text, for ``feature`` elements only (stripped).
    """

    tag: str
    attributes: dict[str, str]
    position: Position
    where: dict[str, Position]
    text: str = ""

    def at(self, attribute: str) -> Position:
        """Where ``attribute`` is written, or where the element starts."""
        return self.where.get(attribute, self.position)


def elements(text: str) -> list[Element]:
    r"""Every element of a server.xml (or fragment) in document order; none if it is not XML.

    Examples:
        >>> [e.tag for e in elements('<ssl id="a"/><keyStore id="k"/>')]
        ['ssl', 'keyStore']
        >>> print(elements('<ssl id="a"\n  keyStoreRef="k"/>')[0].at("keyStoreRef"))
        line 2, column 3
    """
    if len(text) > MAX_TEXT_BYTES or not text.strip():
        return []
    root, source, problems = _read(text)
    if root is None or source is None or problems:
        return []
    found: list[Element] = []
    stack = list(reversed(root.children)) if source.fragment else [root]
    while stack:
        node = stack.pop()
        offsets = _attribute_offsets(source.parsed, node.offset)
        found.append(
            Element(
                node.tag,
                dict(node.attributes),
                node.position,
                {name: source.at(offset) for name, offset in offsets.items()},
                "".join(node.text).strip(),
            )
        )
        stack.extend(reversed(node.children))
    return found


def check(text: str | bytes, generation: Generation | str | None = None) -> list[Finding]:
    """Check a pasted server.xml, or a few of its elements, for Liberty and z/OS Connect.

    Args:
        text: A whole ``<server>`` document or a fragment (top-level elements without
            ``<server>``). Bytes are read as UTF-8; a byte that is not UTF-8 is a finding.
        generation: ``zosConnect-2.0`` or ``zosConnect-3.0`` (or ``"2.0"``, ``"3.0"``): then
            elements of the other generation are findings too.

    Returns:
        The findings in the order of the text; none for a correct configuration.

    Raises:
        InputError: If ``generation`` names neither generation.

    Examples:
        >>> good = '<ssl id="zcSSL" keyStoreRef="zcKeys"/>'
        >>> good += '<keyStore id="zcKeys" location="safkeyring://ZCSRV1/ZCEE.Ring"'
        >>> good += ' type="JCERACFKS" password="password" fileBased="false"'
        >>> good += ' readOnly="true"/>'
        >>> check(good)
        []
        >>> [finding] = check(good.replace("JCERACFKS", "JCECCARACFKS"))
        >>> print(finding.position)
        line 1, column 102
        >>> print(finding.message)
        a safkeyring:// location needs type="JCERACFKS", not "JCECCARACFKS"
    """
    wanted = as_generation(generation) if generation is not None else None
    size = len(text)  # a character is at least a byte: encode only text that may fit
    if isinstance(text, str) and size <= MAX_TEXT_BYTES:
        size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_TEXT_BYTES:
        message = (
            f"the text has more than {MAX_TEXT_BYTES} bytes, more than certkit checks: "
            "check the security part, or one include file, at a time"
        )
        return [Finding(Position(1, 1), "error", message)]
    decoded, findings = _decode(text)
    if not decoded.strip():
        return [
            Finding(
                Position(1, 1),
                "error",
                "the text is empty: paste a <server> document or server.xml elements",
            )
        ]
    root, source, problems = _read(decoded)
    findings.extend(problems)
    if root is not None and source is not None:
        context = _Context(schema(), source, wanted)
        with contextlib.suppress(_Full):  # enough findings: the rest is not looked at
            _check_tree(root, context)
        findings.extend(context.findings)
    return in_order(findings, MAX_FINDINGS)


def _check_tree(root: _Node, context: _Context) -> None:
    elements: dict[str, Any] = context.data["elements"]
    stack = [root]
    while stack:
        node = stack.pop()
        if node.parent is None:
            entry = elements["/server"]
        else:
            entry = elements.get(f"{node.parent.tag}/{node.tag}")
        if entry is None:
            _unknown_element(node, context)
            continue  # what is inside an unknown element is not judged
        context.checked.append((node, entry))
        _check_element(node, entry, context)
        stack.extend(reversed(node.children))
    _check_references(context)
    _check_rings(context)
    _check_client_authentication(context)
    _check_features(context)
    _check_zosconnect(context)


def _tags(context: _Context) -> dict[str, list[str]]:
    """Every known tag, with the parents it may stand in."""
    if not context.tags:
        for key in context.data["elements"]:
            parent, _, tag = key.rpartition("/")
            context.tags.setdefault(tag, []).append(parent or "(the root)")
    return context.tags


def _unknown_element(node: _Node, context: _Context) -> None:
    parent = node.parent.tag if node.parent is not None else ""
    name = quote(node.tag, 40)[1:-1]
    tags = _tags(context)
    if node.tag in tags:
        places = " or ".join(f"<{p}>" for p in tags[node.tag])
        # Liberty lets a top-level element stand nested in one that refers to it (product
        # knowledge, unverified here): a warning then; a child element elsewhere is wrong.
        nested = "server" in tags[node.tag]
        context.add(
            node.position,
            "warning" if nested else "error",
            f"<{name}> does not belong in <{parent}>; it goes in {places}",
        )
        return
    close = difflib.get_close_matches(node.tag, list(tags), n=1, cutoff=0.8)
    if close:
        context.add(node.position, "error", f"unknown element <{name}>: did you mean <{close[0]}>?")
        return
    context.add(
        node.position,
        "warning",
        f"<{name}> is not an element certkit knows (it checks Liberty's security elements); "
        "its content is not checked",
    )


def _severity(mark: str) -> Severity:
    """A fact marked V or V-wsc is an error when broken; product knowledge only warns."""
    return "error" if mark.startswith("V") else "warning"


def _check_element(node: _Node, entry: dict[str, Any], context: _Context) -> None:
    attributes: dict[str, Any] = entry["attributes"]
    name = node.tag
    generation = entry.get("generation")
    if context.generation is not None and generation and generation != context.generation:
        other = Generation(generation)
        reason = entry.get("generation_reason") or "check which generation the server runs"
        context.add(
            node.position,
            _severity(entry.get("generation_mark", "P")),
            f"<{name}> belongs to {other.value}, not {context.generation.value}: {reason}",
        )
    caution = entry.get("caution")
    if caution is not None:
        context.add(node.position, "warning", caution["message"])
    defects: dict[str, Any] = entry.get("defects", {})
    for attribute, value in node.attributes.items():
        where = context.attribute_position(node, attribute)
        shown_name = quote(attribute, 40)[1:-1]
        if attribute in defects:
            context.add(where, "error", f"{shown_name}=: {defects[attribute]['message']}")
            continue
        spec = attributes.get(attribute)
        if spec is None:
            close = difflib.get_close_matches(attribute, list(attributes), n=1, cutoff=0.8)
            if close and close[0].lower() == attribute.lower():
                # Whether Liberty matches attribute names without regard to case: unverified.
                context.add(where, "warning", f"write {shown_name} as {close[0]}")
            elif close:
                context.add(
                    where,
                    "error",
                    f"<{name}> has no attribute {shown_name}: did you mean {close[0]}?",
                )
            else:
                context.add(
                    where,
                    "warning",
                    f"{shown_name} is not an attribute certkit knows for <{name}>; "
                    "check the spelling",
                )
            continue
        if "${" in value:
            continue  # a Liberty variable: its value is known only on the server
        if spec["kind"] == "tracespec":
            _check_trace_spec(node, attribute, value, where, context)
            continue
        problem = _value_problem(spec, value)
        if problem is not None:
            severity: Severity = problem[0]
            if severity == "error":
                severity = _severity(spec.get("mark", entry["mark"]))
            context.add(where, severity, f"{name} {attribute}={quote(value)}: {problem[1]}")
    for attribute, spec in attributes.items():
        if spec.get("required") and attribute not in node.attributes:
            context.add(
                node.position,
                _severity(spec.get("mark", entry["mark"])),
                f'<{name}> needs {attribute}="..."',
            )
    if "id" in attributes:
        identifier = node.attributes.get("id", attributes["id"].get("default"))
        if identifier is not None:
            known = context.ids.setdefault(name, {})
            if identifier in known and node.parent is not None and node.parent.tag == "server":
                context.add(
                    node.position,
                    "error",
                    f'a second <{name}> with id="{quote(identifier)[1:-1]}" '
                    f"(the first is at {known[identifier].position}); give each its own id",
                )
            known.setdefault(identifier, node)
    if entry.get("text") == "feature":
        feature = "".join(node.text).strip()
        if not feature:
            context.add(node.position, "error", "<feature> is empty; name a feature")


def _check_trace_spec(
    node: _Node, attribute: str, value: str, where: Position, context: _Context
) -> None:
    """A ``traceSpecification`` value, as XML hands it to Liberty, through tracespec.check."""
    from certkit.zos.text import tracespec  # tracespec imports this module's Generation

    found = tracespec.check(value, context.generation, console=False)
    if not found:
        return
    first = found[0]
    more = f" (and {len(found) - 1} more: run certkit zos lint on the value)" if found[1:] else ""
    context.add(where, first.severity, f"{node.tag} {attribute}: {first.message}{more}")


_DURATION = re.compile(r"[0-9]{1,12}|(?:[0-9]{1,12}(?:ms|[dhms]))(?:[0-9]{1,12}(?:ms|[dhms])){0,4}")
_USER_ID = re.compile(r"[A-Z0-9$#@]{1,8}")  # zos-syntax.md section 0, VERIFIED


def _value_problem(spec: dict[str, Any], value: str) -> tuple[Severity, str] | None:
    """What is wrong with one attribute's value for its kind, or None."""
    kind = spec["kind"]
    if kind == "boolean" and value.lower() not in ("true", "false"):
        return "error", 'write "true" or "false" (Liberty reads anything else as false)'
    if kind == "enum":
        values: list[str] = spec["values"]
        if value in values:
            return None
        listed = ", ".join(values)
        if value.lower() in (v.lower() for v in values):
            return "warning", f"write it as listed: {listed}"
        if spec.get("open"):
            return "warning", f"certkit knows {listed}; check the value"
        return "error", f"give one of {listed}"
    if kind in ("int", "port"):
        low, high = (-1, 65535) if kind == "port" else (spec.get("min"), spec.get("max"))
        if not re.fullmatch(r"-?[0-9]{1,10}", value):
            return "error", "give a whole number"
        number = int(value)
        if (low is not None and number < low) or (high is not None and number > high):
            return "error", f"give a number from {low} to {high}" if high else f"at least {low}"
        return None
    if kind == "duration" and not _DURATION.fullmatch(value):
        return "error", "give a duration such as 500ms, 10s, 10m or 1h30m"
    if kind == "userid" and not _USER_ID.fullmatch(value):
        return "error", "give a RACF user ID: 1 to 8 of A-Z 0-9 $ # @"
    if kind == "id" and (not value or value != value.strip()):
        return "error", "give an id without blanks around it"
    if kind == "ref" and not value.strip():
        return "error", "name the id of an element"
    if kind == "ciphers" and "," in value:
        return "error", "separate cipher names with blanks, not commas (zos-syntax.md 4.3)"
    if kind == "protocols":
        return _protocols(spec, value)
    return None


def _protocols(spec: dict[str, Any], value: str) -> tuple[Severity, str] | None:
    items = [item.strip() for item in value.split(",")]
    allowed: list[str] = spec["values"]
    if len(items) > 1:
        bad = [item for item in items if item not in allowed]
        if bad:
            return "error", (
                f"in a list, give only {', '.join(allowed)} (Liberty says CWPKI0832E for "
                f"{quote(bad[0], 20)})"
            )
        return None
    if items[0] not in allowed and items[0] != "TLS":
        return "warning", f"certkit knows TLS and {', '.join(allowed)}; Liberty says CWPKI0831E"
    return None


def _nodes(context: _Context, tag: str) -> list[_Node]:
    return [node for node, _ in context.checked if node.tag == tag]


def _check_references(context: _Context) -> None:
    has_include = bool(_nodes(context, "include"))
    elsewhere = context.source.fragment or has_include
    for node, entry in context.checked:
        for attribute, spec in entry["attributes"].items():
            value = node.attributes.get(attribute)
            if spec["kind"] != "ref" or value is None or "${" in value:
                continue
            targets: list[str] = spec["to"]
            names = value.split(",") if spec.get("list") else [value]
            for name in (n.strip() for n in names):
                if not name or any(name in context.ids.get(t, {}) for t in targets):
                    continue
                kinds = " or ".join(f"<{t}>" for t in targets)
                where = context.attribute_position(node, attribute)
                if elsewhere:
                    context.add(
                        where,
                        "warning",
                        f'{attribute}="{quote(name)[1:-1]}": no {kinds} with that id here; '
                        "make sure another file of the server defines it",
                    )
                else:
                    context.add(
                        where,
                        "error",
                        f'{attribute}="{quote(name)[1:-1]}": no {kinds} has that id; '
                        "define it or fix the name",
                    )


_RING = re.compile(r"(safkeyring[a-z]*)://([^/]*)/(.*)", re.IGNORECASE | re.DOTALL)


def _check_rings(context: _Context) -> None:
    """A key store on a SAF key ring (zos-syntax.md 4.2 and 7.1, VERIFIED)."""
    rings: dict[str, Any] = context.data["rings"]
    schemes: dict[str, str] = rings["schemes"]
    for node in _nodes(context, "keyStore"):
        location = node.attributes.get("location", "")
        kind = node.attributes.get("type", "PKCS12")
        if "${" in location or "${" in kind:
            continue
        type_at = context.attribute_position(node, "type")
        if "type" not in node.attributes:
            type_at = node.position
        match = _RING.fullmatch(location)
        if match is None:
            if kind in schemes.values():
                scheme = next(s for s, t in schemes.items() if t == kind)
                context.add(
                    type_at,
                    "error",
                    f'type="{kind}" reads a SAF key ring: give location="{scheme}://OWNER/RING"',
                )
            continue
        scheme, owner, ring = match.groups()
        at = context.attribute_position(node, "location")
        if scheme not in schemes:
            context.add(
                at,
                "error",
                f"{quote(scheme + '://', 30)} is not a scheme Liberty reads: give "
                f"{', '.join(s + '://' for s in schemes)} ({scheme.lower()}jce:// and the like "
                "are for plain Java programs)",
            )
            continue
        wanted = schemes[scheme]
        if kind != wanted:
            said = f'not "{quote(kind, 30)[1:-1]}"' if "type" in node.attributes else "not PKCS12"
            context.add(type_at, "error", f'a {scheme}:// location needs type="{wanted}", {said}')
        if node.attributes.get("fileBased", "true").lower() != "false":
            context.add(
                context.attribute_position(node, "fileBased")
                if "fileBased" in node.attributes
                else node.position,
                "error",
                'a key ring is not a file: set fileBased="false"',
            )
        if node.attributes.get("readOnly", "false").lower() != "true":
            context.add(
                node.position,
                "warning",
                'Liberty cannot write into a key ring: set readOnly="true"',
            )
        if "password" not in node.attributes:
            context.add(
                node.position,
                "error",
                'a key ring still needs a password attribute; "password" is the convention',
            )
        if owner and not _USER_ID.fullmatch(owner.upper()):
            context.add(
                at,
                "error",
                f"ring owner {quote(owner, 20)}: a RACF user ID is 1 to 8 of A-Z 0-9 $ # @ "
                "(leave it empty for the server's own ID)",
            )
        elif owner != owner.upper():
            context.add(at, "warning", f"ring owner {quote(owner)}: RACF user IDs are upper case")
        if not ring:
            context.add(at, "error", f"{scheme}://{owner}/ names no ring: add the ring's name")


def _true(node: _Node, attribute: str) -> bool:
    return node.attributes.get(attribute, "").lower() == "true"


def _check_client_authentication(context: _Context) -> None:
    """Fail-over to basic authentication (zosconnect-security.md 2.4, VERIFIED)."""
    ssls = _nodes(context, "ssl")
    failover = [
        n for n in _nodes(context, "webAppSecurity") if _true(n, "allowFailOverToBasicAuth")
    ]
    if failover and ssls and all(_true(n, "clientAuthentication") for n in ssls):
        for node in ssls:
            context.add(
                context.attribute_position(node, "clientAuthentication"),
                "warning",
                'clientAuthentication="true" with allowFailOverToBasicAuth: a client without '
                "a certificate fails the TLS handshake, so it never reaches basic "
                'authentication; use clientAuthenticationSupported="true" (on an endpoint of '
                "its own) for password clients",
            )
    for node in _nodes(context, "webAppSecurity"):
        method = node.attributes.get("allowAuthenticationFailOverToAuthMethod")
        override = node.attributes.get("overrideHttpAuthMethod")
        if method == "APP_DEFINED" and override != "CLIENT_CERT":
            context.add(
                context.attribute_position(node, "allowAuthenticationFailOverToAuthMethod"),
                "warning",
                'APP_DEFINED works only with overrideHttpAuthMethod="CLIENT_CERT"',
            )
    for node in ssls:
        if "enabledCiphers" in node.attributes and "securityLevel" in node.attributes:
            context.add(
                context.attribute_position(node, "securityLevel"),
                "warning",
                "securityLevel is ignored when enabledCiphers is given; keep one",
            )


def _check_features(context: _Context) -> None:
    """Features named, and features the elements used need (zosconnect-security.md 2.1)."""
    features: dict[str, Any] = context.data["features"]
    prefixes: dict[str, Any] = context.data["feature_prefixes"]
    named: set[str] = set()
    for node in _nodes(context, "feature"):
        feature = "".join(node.text).strip()
        named.add(feature)
        fact = features.get(feature)
        other = fact.get("generation") if fact else None
        if fact and context.generation is not None and other and other != context.generation:
            context.add(
                node.position,
                _severity(fact["mark"]),
                f"feature {feature} belongs to {other}, not {context.generation.value}",
            )
    if not named:
        return  # a fragment without featureManager: the features are elsewhere
    for node, entry in context.checked:
        needed: list[str] = entry.get("features", [])
        if not needed or node.parent is None or node.parent.tag != "server":
            continue
        if any(
            f in named or (f in prefixes and any(n.startswith(f) for n in named)) for f in needed
        ):
            continue
        wanted = " or ".join(f + "*" if f in prefixes else f for f in needed)
        context.add(
            node.position,
            "warning",
            f"<{node.tag}> needs the feature {wanted}, which <featureManager> does not list "
            "here; add it unless another file of the server does",
        )


def _check_zosconnect(context: _Context) -> None:
    """The manager's requireAuth and requireSecure (zos-syntax.md 4.6, VERIFIED).

    And the zosConnectAccess role, which zosConnect-3.0 does not check: it checks the roles
    named in the API document (zosconnect-security.md 3.1 and 3.2, VERIFIED).
    """
    if context.generation is Generation.V3:
        for node in _nodes(context, "authorization-roles"):
            if node.attributes.get("id") == "zos.connect.access.roles":
                context.add(
                    context.attribute_position(node, "id"),
                    "warning",
                    "zos.connect.access.roles grants zosConnectAccess, a zosConnect-2.0 role; "
                    "zosConnect-3.0 checks the roles named in the API document",
                )
    # Behind inbound AT-TLS the endpoints define only httpPort and every request looks like
    # plain HTTP, so requireSecure="false" is meant (zosconnect-security.md 5.1, V-wsc).
    endpoints = _nodes(context, "httpEndpoint")
    behind_attls = bool(endpoints) and all(
        "httpsPort" not in e.attributes and e.attributes.get("httpPort", "-1").strip() != "-1"
        for e in endpoints
    )
    for node in _nodes(context, "zosconnect_zosConnectManager"):
        for attribute, what in (
            ("requireSecure", "plain HTTP is accepted"),
            ("requireAuth", "callers need no authentication and no zosConnectAccess role"),
        ):
            if attribute == "requireSecure" and behind_attls:
                continue
            if node.attributes.get(attribute, "true").lower() == "false":
                context.add(
                    context.attribute_position(node, attribute),
                    "warning",
                    f'{attribute}="false": {what}; remove it unless that is meant',
                )
