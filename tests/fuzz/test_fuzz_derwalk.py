"""certkit.certificates.derwalk on damaged DER: it walks what it can, or raises DerError."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from certkit.certificates.derwalk import (
    MAX_DEPTH,
    children,
    der_walk,
    detect_kind,
    hex_view,
    key_derivation_rounds,
    read_tlv,
)
from fuzz.budget import fuzz
from fuzz.check import answer
from fuzz.mutations import der_inputs

KINDS = st.sampled_from(["auto", "certificate", "csr", "crl", "generic"])


def walk_and_show(data: bytes, kind: str) -> None:
    nodes = answer(der_walk, data, kind)  # type: ignore[arg-type]
    if nodes is None:
        return
    assert nodes[0].offset == 0 and nodes[0].end == len(data)
    assert all(0 <= n.offset <= n.content_offset <= n.end <= len(data) for n in nodes)
    assert all(n.depth <= MAX_DEPTH for n in nodes)
    json.dumps([n.to_dict() for n in nodes])
    assert hex_view(nodes, data).count("\n") >= len(nodes)
    hex_view(nodes, data, width=8, max_lines=2, paths=False, columns=40)


@fuzz(300)
@given(der_inputs(), KINDS)
def test_the_walk_of_damaged_der_is_shown_or_refused(data: bytes, kind: str) -> None:
    walk_and_show(data, kind)
    assert detect_kind(data) in ("certificate", "csr", "crl", "generic")


@fuzz(100)
@given(st.binary(max_size=300), KINDS)
def test_the_walk_of_any_bytes_is_shown_or_refused(data: bytes, kind: str) -> None:
    walk_and_show(data, kind)
    answer(hex_view, data)


@fuzz(200)
@given(der_inputs(), st.integers(0, 2**16))
def test_the_tlv_readers_read_or_refuse(data: bytes, where: int) -> None:
    offset = where % (len(data) + 1)
    header = answer(read_tlv, data, offset)
    if header is not None:
        _, hl, length = header
        assert offset + hl + length <= len(data)
    found = answer(children, data, 0, len(data))
    if found is not None:
        assert sum(t.hl + t.length for t in found) == len(data)
    assert key_derivation_rounds(data) >= 0
