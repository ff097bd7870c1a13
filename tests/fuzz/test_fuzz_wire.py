"""certkit.tls.wire on damaged TLS bytes from real recorded handshakes: parsed or WireError."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certkit.tls.wire import (
    Alert,
    Message,
    RecordSplitter,
    alerts_from_records,
    certificate_list,
    digitally_signed,
    extension_list,
    key_share_group,
    messages_from_records,
    parse_hello,
    parse_record,
    server_key_exchange_group,
    server_key_exchange_params,
    split_handshake,
    ticket_lifetime,
)
from fuzz.budget import fuzz
from fuzz.check import answer
from fuzz.corpus import MESSAGE_SEEDS, WIRE_SEEDS
from fuzz.mutations import apply_raw_edits, raw_edit

EDITS = st.lists(raw_edit, max_size=4)


def every_reader(data: bytes) -> None:
    """Each reader of handshake messages on ``data`` (a message, header included)."""
    hello = answer(parse_hello, data)
    if hello is not None:
        assert len(hello.random) == 32
        hello.extension(51)
        assert isinstance(hello.is_hello_retry_request, bool)
    answer(key_share_group, data)
    body = data[4:]
    for tls13 in (True, False):
        certificates = answer(certificate_list, body, tls13=tls13)
        assert certificates is None or all(isinstance(c, bytes) for c in certificates)
    answer(digitally_signed, body)
    for key_exchange in ("ECDHE", "DHE", "RSA"):
        answer(server_key_exchange_params, body, key_exchange)
    server_key_exchange_group(body)
    answer(ticket_lifetime, body)
    answer(extension_list, body)
    answer(Alert.parse, "server", body[:2])
    messages, rest = split_handshake(data)
    assert b"".join(messages) + rest == data


@fuzz(200)
@given(st.sampled_from(sorted(WIRE_SEEDS)), EDITS, st.lists(st.integers(1, 3000), max_size=6))
def test_damaged_records_split_however_they_arrive(
    name: str, edits: list[object], cuts: list[int]
) -> None:
    data = apply_raw_edits(WIRE_SEEDS[name], edits)  # type: ignore[arg-type]
    splitter = RecordSplitter("server" if name.endswith("server") else "client")
    records = []
    pos = 0
    for cut in [*cuts, len(data)]:
        records += splitter.feed(data[pos : pos + cut])
        pos += cut
    assert b"".join(r.data for r in records) + splitter.pending == data
    for record in records:
        assert parse_record(record.data, record.sender) == record
        assert record.name and record.payload == record.data[5:]
    answer(parse_record, data)
    alerts_from_records(records)
    for message in answer(messages_from_records, records) or []:
        assert isinstance(message, Message) and message.title
        assert isinstance(message.is_hello_retry_request, bool)
        every_reader(message.data)


@fuzz(300)
@given(st.sampled_from(sorted(MESSAGE_SEEDS)), EDITS)
def test_damaged_handshake_messages_are_read_or_refused(name: str, edits: list[object]) -> None:
    every_reader(apply_raw_edits(MESSAGE_SEEDS[name], edits))  # type: ignore[arg-type]
