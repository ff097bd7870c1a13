"""Hypothesis strategies that damage real DER, PEM and TLS bytes in the ways files get damaged.

Three layers, each drawing a short list of edits:

* ``raw_edits``: bytes as a transfer or an editor damages them (bit flips, truncation, bytes
  inserted or deleted, a length byte changed, a TLV duplicated or deleted in place, so that
  the lengths around it no longer agree);
* ``der_edits``: structure-aware edits that keep every length right (a value replaced, a tag
  changed, a TLV duplicated, deleted, swapped, repeated, nested thousands deep, or taken from
  another file), reaching the parsers' inner checks instead of their first length check;
* ``pem_edits``: armour damage (a line lost, BEGIN or END changed, base64 broken, padding,
  CRLF, a byte order mark, UTF-16 or EBCDIC text) and bundles mixing blocks of every kind.

Positions are drawn as large integers taken modulo the length of the bytes they apply to, so a
drawn edit means something whatever the length of its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from fuzz.corpus import DER_SEEDS, PEM_SEEDS, armour, pem_label

_POSITION = st.integers(min_value=0, max_value=2**24)


# -- a tolerant DER tree, re-encoded with correct lengths ---------------------------------------


@dataclass
class Tlv:
    """One TLV: identifier octets, then a primitive value or children (or raw bytes as given).

    A primitive OCTET STRING or BIT STRING whose value is itself DER (an extension value, a
    PKCS #12 bag) is read as ``children`` with ``wrapped`` set, and ``prefix`` holding a BIT
    STRING's unused-bits byte.
    """

    tag: bytes
    content: bytes = b""
    children: list[Tlv] | None = None
    wrapped: bool = False
    prefix: bytes = b""
    raw: bytes | None = None  # bytes to emit as they are (a deep nest, a spliced subtree)


def _header(data: bytes, pos: int, end: int) -> tuple[int, int] | None:
    """(content start, content end) of the TLV at ``pos``, or ``None`` when it is malformed."""
    start = pos
    if pos >= end:
        return None
    pos += 1
    if data[start] & 0x1F == 0x1F:
        while pos < end and data[pos] & 0x80:
            pos += 1
        pos += 1
    if pos >= end:
        return None
    first = data[pos]
    pos += 1
    if first < 0x80:
        length = first
    elif first == 0x80 or first > 0x84:
        return None
    else:
        count = first & 0x7F
        if pos + count > end:
            return None
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        return None
    return pos, pos + length


def parse(data: bytes, depth: int = 0) -> list[Tlv] | None:
    """The TLVs of ``data`` one after the other, or ``None`` when it is not all DER."""
    if depth > 40:
        return None
    out: list[Tlv] = []
    pos = 0
    while pos < len(data):
        found = _header(data, pos, len(data))
        if found is None:
            return None
        start, end = found
        tag = _tag_bytes(data, pos)
        content = data[start:end]
        node = Tlv(tag, content)
        if tag[0] & 0x20:
            node.children = parse(content, depth + 1)
            if node.children is None:
                return None
        elif tag[0] in (0x03, 0x04) and len(content) > 2:
            prefix = content[:1] if tag[0] == 0x03 else b""
            inner = content[len(prefix) :]
            if (not prefix or prefix == b"\x00") and inner[:1] in (b"\x30", b"\x31", b"\x04"):
                children = parse(inner, depth + 1)
                if children:
                    node.children, node.wrapped, node.prefix = children, True, prefix
        out.append(node)
        pos = end
    return out


def _tag_bytes(data: bytes, pos: int) -> bytes:
    end = pos + 1
    if data[pos] & 0x1F == 0x1F:
        while end < len(data) and data[end] & 0x80:
            end += 1
        end += 1
    return data[pos:end]


def length_octets(n: int) -> bytes:
    """DER length octets of ``n``."""
    if n < 0x80:
        return bytes([n])
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(size)]) + size


def encode(nodes: list[Tlv]) -> bytes:
    """The DER of ``nodes``, every length recomputed."""
    out = bytearray()
    for node in nodes:
        if node.raw is not None:
            out += node.raw
            continue
        content = node.content if node.children is None else node.prefix + encode(node.children)
        out += node.tag + length_octets(len(content)) + content
    return bytes(out)


def flatten(nodes: list[Tlv]) -> list[tuple[list[Tlv], int]]:
    """Every TLV of the tree as (the list holding it, its index there), in document order."""
    found: list[tuple[list[Tlv], int]] = []
    for i, node in enumerate(nodes):
        found.append((nodes, i))
        if node.children is not None and node.raw is None:
            found.extend(flatten(node.children))
    return found


# -- structure-aware edits ----------------------------------------------------------------------

NEW_CONTENT = [
    b"",
    b"\x00",
    b"\x01",
    b"\x03",  # a version no certificate has (v4)
    b"\x80",
    b"\x7f\xff\xff\xff",  # an iteration count of two billion
    b"\x01\x00\x00\x00\x00\x00\x00\x00\x00",
    b"\xff" * 9,
    b"\x7f" + b"\xff" * 40,  # a big positive number (an iteration count, a version)
    b"\x00" * 20,
    b"\xff\xfe\xfd",  # not UTF-8
    "é".encode("utf-16-be"),
    b"991231235959Z",
    b"20500101000000Z",
    b"9912312359Z",
    b"99123123595",
    b"XXXXXXXXXXXXZ",
    b"\x2a\x86\x48",  # an OID cut short
    b"\x2a" + b"\xff" * 30 + b"\x01",  # an OID arc of 200 bits
    b"\x81\x80\x80\x80\x80\x00",  # an OID with leading 0x80 padding
    b"A" * 200,
    b"0123456789abcdef" * 64,
    b"\xde\xad\xbe\xef",
    b"localhost\x00evil",
    b"*.*.example.com",
    b"\x7f\x00\x00\x01\xff\xff\xff\x00",  # an iPAddress with a mask
    b"\x00\x01\x02",
]
NEW_TAGS = [
    b"\x01",
    b"\x02",
    b"\x03",
    b"\x04",
    b"\x05",
    b"\x06",
    b"\x0a",
    b"\x0c",
    b"\x13",
    b"\x14",
    b"\x16",
    b"\x17",
    b"\x18",
    b"\x1c",
    b"\x1e",
    b"\x30",
    b"\x31",
    b"\x80",
    b"\x81",
    b"\x82",
    b"\x86",
    b"\x87",
    b"\xa0",
    b"\xa3",
    b"\xa4",
    b"\x5f\x81\x00",  # a high tag number
    b"\x1f\x81\x80\x80\x80\x80\x00",  # a long high tag number
]
NEST_DEPTHS = [1, 2, 40, 200, 1100, 5000]


@dataclass
class DerEdit:
    """One structure-aware edit, applied to the TLV chosen by ``where``."""

    kind: str
    where: int
    choice: int = 0
    other: int = 0


def _nest(data: bytes, depth: int) -> bytes:
    for _ in range(depth):
        data = b"\x30" + length_octets(len(data)) + data
    return data


def apply_der_edit(nodes: list[Tlv], edit: DerEdit) -> None:
    """Apply ``edit`` to the tree in place."""
    spots = flatten(nodes)
    if not spots:
        return
    holder, i = spots[edit.where % len(spots)]
    node = holder[i]
    if edit.kind == "content":
        holder[i] = Tlv(node.tag, NEW_CONTENT[edit.choice % len(NEW_CONTENT)])
    elif edit.kind == "tag":
        new = NEW_TAGS[edit.choice % len(NEW_TAGS)]
        if node.children is not None and not node.wrapped:
            new = bytes([new[0] | 0x20]) + new[1:]  # keep the children: constructed
        node.tag = new
    elif edit.kind == "duplicate":
        holder.insert(i, Tlv(b"", raw=encode([node])))
    elif edit.kind == "repeat":
        holder[i + 1 : i + 1] = [Tlv(b"", raw=encode([node]))] * (2 + edit.choice % 60)
    elif edit.kind == "delete":
        del holder[i]
    elif edit.kind == "swap" and i + 1 < len(holder):
        holder[i], holder[i + 1] = holder[i + 1], holder[i]
    elif edit.kind == "nest":
        holder[i] = Tlv(b"", raw=_nest(encode([node]), NEST_DEPTHS[edit.choice % len(NEST_DEPTHS)]))
    elif edit.kind == "splice":
        names = sorted(DER_SEEDS)
        donor = parse(DER_SEEDS[names[edit.choice % len(names)]]) or []
        donors = flatten(donor)
        if donors:
            donor_holder, j = donors[edit.other % len(donors)]
            holder[i] = Tlv(b"", raw=encode([donor_holder[j]]))
    elif edit.kind == "empty" and node.children is not None:
        node.children, node.wrapped, node.prefix = [], False, b""


DER_EDIT_KINDS = [
    "content",
    "tag",
    "duplicate",
    "repeat",
    "delete",
    "swap",
    "nest",
    "splice",
    "empty",
]

der_edit = st.builds(
    DerEdit,
    kind=st.sampled_from(DER_EDIT_KINDS),
    where=_POSITION,
    choice=st.integers(0, 255),
    other=_POSITION,
)


def apply_der_edits(data: bytes, edits: list[DerEdit]) -> bytes:
    """``data`` with the structure-aware edits applied (unchanged when it is not DER)."""
    nodes = parse(data)
    if nodes is None:
        return data
    for edit in edits:
        apply_der_edit(nodes, edit)
    return encode(nodes)


# -- raw byte edits -------------------------------------------------------------------------------

INSERTS = [
    b"\x00",
    b"\xff",
    b"\x30\x80",
    b"\x30\x84\xff\xff\xff\xff",
    b"\x02\x89\x01\x00\x00\x00\x00\x00\x00\x00\x00",
    b"\x1f\xff\xff\xff\xff\xff\xff\xff\xff\x7f",
    b"\x00" * 80,
    b"\r\n",
    b"-----BEGIN CERTIFICATE-----\n",
    b"-----END CERTIFICATE-----\n",
]
LENGTHS = [
    b"\x00",
    b"\x01",
    b"\x7f",
    b"\x80",
    b"\x81\x00",
    b"\x81\x7f",
    b"\x81\xff",
    b"\x82\xff\xff",
    b"\x84\xff\xff\xff\xff",
    b"\x84\x00\x00\x00\x05",
    b"\x88\x7f\xff\xff\xff\xff\xff\xff\xff",
    b"\x89\x01\x00\x00\x00\x00\x00\x00\x00\x00",
    b"\xff",
]


@dataclass
class RawEdit:
    """One byte-level edit: its kind, where, and which variant."""

    kind: str
    where: int
    choice: int = 0


def _tlv_spans(data: bytes) -> list[tuple[int, int, int]]:
    """(start, content start, end) of every TLV found walking ``data`` as DER, tolerantly."""
    spans: list[tuple[int, int, int]] = []

    def walk(pos: int, end: int, depth: int) -> None:
        while pos < end and depth < 40:
            found = _header(data, pos, end)
            if found is None:
                return
            start, stop = found
            spans.append((pos, start, stop))
            if data[pos] & 0x20:
                walk(start, stop, depth + 1)
            pos = stop

    walk(0, len(data), 0)
    return spans


def apply_raw_edit(data: bytes, edit: RawEdit) -> bytes:
    """``data`` with one byte-level edit."""
    n = len(data)
    where = edit.where % (n + 1)
    if edit.kind == "flip" and n:
        where %= n
        return data[:where] + bytes([data[where] ^ (1 << edit.choice % 8)]) + data[where + 1 :]
    if edit.kind == "set" and n:
        where %= n
        return data[:where] + bytes([edit.choice % 256]) + data[where + 1 :]
    if edit.kind == "truncate":
        return data[:where]
    if edit.kind == "insert":
        return data[:where] + INSERTS[edit.choice % len(INSERTS)] + data[where:]
    if edit.kind == "delete":
        return data[:where] + data[where + 1 + edit.choice % 16 :]
    spans = _tlv_spans(data)
    if not spans:
        return data
    start, content, end = spans[edit.where % len(spans)]
    length_at = start + len(_tag_bytes(data, start))
    if edit.kind == "length":
        return data[:length_at] + LENGTHS[edit.choice % len(LENGTHS)] + data[content:]
    if edit.kind == "tlv-duplicate":
        return data[:end] + data[start:end] + data[end:]
    if edit.kind == "tlv-delete":
        return data[:start] + data[end:]
    return data


RAW_EDIT_KINDS = [
    "flip",
    "set",
    "truncate",
    "insert",
    "delete",
    "length",
    "tlv-duplicate",
    "tlv-delete",
]

raw_edit = st.builds(
    RawEdit, kind=st.sampled_from(RAW_EDIT_KINDS), where=_POSITION, choice=st.integers(0, 255)
)


def apply_raw_edits(data: bytes, edits: list[RawEdit]) -> bytes:
    """``data`` with the byte-level edits applied one after the other."""
    for edit in edits:
        data = apply_raw_edit(data, edit)
    return data


# -- DER inputs -------------------------------------------------------------------------------------


@st.composite
def der_inputs(
    draw: Any,
    seeds: dict[str, bytes] = DER_SEEDS,
    layers: tuple[str, ...] = ("der", "raw", "both", "none"),
) -> bytes:
    """A DER seed with structure-aware edits, byte edits, both, or neither (of ``layers``)."""
    data = seeds[draw(st.sampled_from(sorted(seeds)))]
    layer = draw(st.sampled_from(layers))
    if layer in ("der", "both"):
        data = apply_der_edits(data, draw(st.lists(der_edit, min_size=1, max_size=3)))
    if layer in ("raw", "both"):
        data = apply_raw_edits(data, draw(st.lists(raw_edit, min_size=1, max_size=3)))
    return data


# -- PEM inputs -------------------------------------------------------------------------------------


@dataclass
class PemEdit:
    """One edit of PEM text."""

    kind: str
    where: int
    choice: int = 0


LABELS = [
    "CERTIFICATE",
    "X509 CERTIFICATE",
    "TRUSTED CERTIFICATE",
    "CERTIFICATE REQUEST",
    "NEW CERTIFICATE REQUEST",
    "PKCS7",
    "CMS",
    "PRIVATE KEY",
    "ENCRYPTED PRIVATE KEY",
    "EC PRIVATE KEY",
    "RSA PRIVATE KEY",
    "DSA PRIVATE KEY",
    "OPENSSH PRIVATE KEY",
    "PUBLIC KEY",
    "X509 CRL",
    "PGP MESSAGE",
    "certificate",
    "",
    "CERT" * 40,
]
LINE_INSERTS = [
    b"",
    b"!!",
    b" ",
    b"\t",
    b"====",
    b"=",
    b"Proc-Type: 4,ENCRYPTED",
    b"DEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF",
    b"-----BEGIN CERTIFICATE-----",
    b"-----END CERTIFICATE-----",
    b"-----BEGIN " + b"PRIVATE KEY-----",  # in two: the repository's key guard greps for it
    b"-----BEGIN ",
    b"-----END -----",
    b"\xff\xfe",
    b"A" * 1000,
    b"-" * 200,
]


def _lines_edit(text: bytes, edit: PemEdit) -> bytes:
    lines = text.split(b"\n")
    i = edit.where % len(lines)
    if edit.kind == "line-delete":
        del lines[i]
    elif edit.kind == "line-duplicate":
        lines.insert(i, lines[i])
    elif edit.kind == "line-swap" and i + 1 < len(lines):
        lines[i], lines[i + 1] = lines[i + 1], lines[i]
    elif edit.kind == "line-insert":
        lines.insert(i, LINE_INSERTS[edit.choice % len(LINE_INSERTS)])
    elif edit.kind == "line-append":
        lines[i] += LINE_INSERTS[edit.choice % len(LINE_INSERTS)]
    elif edit.kind == "line-cut":
        lines[i] = lines[i][: edit.choice % (len(lines[i]) + 1)]
    return b"\n".join(lines)


def apply_pem_edit(text: bytes, edit: PemEdit) -> bytes:
    """``text`` with one PEM-level edit."""
    if edit.kind.startswith("line-"):
        return _lines_edit(text, edit)
    if edit.kind == "label":
        label = LABELS[edit.choice % len(LABELS)].encode()
        marker = b"-----BEGIN " if edit.where % 2 else b"-----END "
        at = text.find(marker)
        if at < 0:
            return text
        close = text.find(b"-----", at + len(marker))
        if close < 0:
            return text
        return text[: at + len(marker)] + label + text[close:]
    if edit.kind == "drop-end":
        at = text.rfind(b"-----END ")
        return text[:at] if at >= 0 else text
    if edit.kind == "drop-padding":
        return text.replace(b"=", b"")
    if edit.kind == "crlf":
        return text.replace(b"\n", b"\r\n")
    if edit.kind == "cr":
        return text.replace(b"\n", b"\r")
    if edit.kind == "one-line":
        return text.replace(b"\n", b"")
    if edit.kind == "indent":
        return b"\n".join(b"    " + line for line in text.split(b"\n"))
    if edit.kind == "bom":
        return b"\xef\xbb\xbf" + text
    if edit.kind == "utf-16":
        return text.decode("latin-1").encode("utf-16")
    if edit.kind == "ebcdic":
        return text.decode("latin-1").encode("cp037")
    if edit.kind == "unarmour":
        return b"".join(line for line in text.split(b"\n") if not line.startswith(b"-----")).strip()
    return apply_raw_edit(text, RawEdit(edit.kind, edit.where, edit.choice))


PEM_EDIT_KINDS = [
    "line-delete",
    "line-duplicate",
    "line-swap",
    "line-insert",
    "line-append",
    "line-cut",
    "label",
    "drop-end",
    "drop-padding",
    "crlf",
    "cr",
    "one-line",
    "indent",
    "bom",
    "utf-16",
    "ebcdic",
    "unarmour",
    "flip",
    "set",
    "truncate",
    "insert",
    "delete",
]

pem_edit = st.builds(
    PemEdit, kind=st.sampled_from(PEM_EDIT_KINDS), where=_POSITION, choice=st.integers(0, 255)
)


@st.composite
def pem_blocks(draw: Any) -> bytes:
    """One PEM text: a seed as it is, re-armoured after DER edits, or with PEM edits."""
    how = draw(st.sampled_from(["seed", "der", "pem", "der+pem"]))
    if how == "seed" or how == "pem":
        text = PEM_SEEDS[draw(st.sampled_from(sorted(PEM_SEEDS)))]
    else:
        name = draw(st.sampled_from(sorted(DER_SEEDS)))
        label = draw(st.sampled_from([pem_label(name), *LABELS[:15]]))
        text = armour(draw(der_inputs({name: DER_SEEDS[name]})), label)
    if how in ("pem", "der+pem"):
        for edit in draw(st.lists(pem_edit, min_size=1, max_size=3)):
            text = apply_pem_edit(text, edit)
    return text


SEPARATORS = [b"", b"\n", b"\r\n", b"junk text\n", b"Bag Attributes\n    friendlyName: x\n"]


@st.composite
def pem_bundles(draw: Any) -> bytes:
    """Several PEM texts of any kind one after the other, as in a chain file or a key store."""
    blocks = draw(st.lists(pem_blocks(), min_size=1, max_size=6))
    separator = draw(st.sampled_from(SEPARATORS))
    return separator.join(blocks)


@st.composite
def files(draw: Any) -> bytes:
    """Anything a certificate file can hold, damaged: DER, PEM, a bundle, or random bytes."""
    kind = draw(st.sampled_from(["der", "pem", "bundle", "random"]))
    if kind == "der":
        return draw(der_inputs())
    if kind == "pem":
        return draw(pem_blocks())
    if kind == "bundle":
        return draw(pem_bundles())
    return draw(st.binary(max_size=600))
