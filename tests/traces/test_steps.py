"""certkit.traces.steps: each message with the correct statement and the deck step it corrects."""

from __future__ import annotations

import json
from importlib import resources

from lab_recordings import DECK_OPTIONS, record

from certkit.certificates.pki import LabPKI
from certkit.traces.steps import deck, steps, steps_text


def steps_data() -> dict[str, object]:
    text = resources.files("certkit").joinpath("data/handshake_steps.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_steps_data_is_consistent() -> None:
    data = steps_data()
    legend = set(data["verdicts"])  # type: ignore[arg-type]
    table = data["deck"]
    assert [d["step"] for d in table] == list(range(1, 16))  # type: ignore[index,union-attr]
    for d in table:  # type: ignore[union-attr]
        assert set(d["verdict"]) <= legend  # type: ignore[index]
    for entry in data["messages"]:  # type: ignore[union-attr]
        assert entry["statement"] and entry["rfc"], entry  # type: ignore[index]
        assert all(r.startswith("RFC ") for r in entry["rfc"])  # type: ignore[index]
        for ref in entry["deck"]:  # type: ignore[index]
            step = ref if isinstance(ref, int) else ref["step"]
            assert 1 <= step <= 15
            if not isinstance(ref, int):
                assert set(ref["verdict"]) <= legend
    assert [c.step for c in deck()] == list(range(1, 16))


def test_every_message_gets_a_statement_and_every_deck_step_is_covered(
    rsa_pki: LabPKI, ec_pki: LabPKI
) -> None:
    recordings = [
        record(rsa_pki, **vars(DECK_OPTIONS)),
        record(rsa_pki, tls="1.2", cipher="AES256-GCM-SHA384", client_cipher="AES256-GCM-SHA384"),
        record(ec_pki, tls="1.3", client_auth="required"),
        record(ec_pki, tls="1.3", curve="secp384r1"),
        record(ec_pki, tls="1.2", resume=True),
    ]
    covered: set[int] = set()
    for rec in recordings:
        found = steps(rec)
        assert len(found) == len(rec.messages) + len(rec.alerts)
        for step in found:
            assert step.statement and step.rfc, (rec.version, step.name, step.sender)
            covered |= {c.step for c in step.corrections}
    assert covered == set(range(1, 16))


def test_key_exchange_statements_follow_the_suite(rsa_pki: LabPKI) -> None:
    ecdhe = {s.title: s for s in steps(record(rsa_pki, **vars(DECK_OPTIONS)))}
    rsa = {
        s.title: s
        for s in steps(
            record(
                rsa_pki, tls="1.2", cipher="AES256-GCM-SHA384", client_cipher="AES256-GCM-SHA384"
            )
        )
    }
    assert "in clear" in ecdhe["ClientKeyExchange"].statement
    assert "Static RSA key transport" in rsa["ClientKeyExchange"].statement
    assert [(c.step, c.verdict_text) for c in ecdhe["ServerKeyExchange"].corrections] == [
        (4, "Wrong, Outdated"),
        (7, "OK, Incomplete"),
    ]
    assert "ServerKeyExchange" not in rsa
    assert [c.step for c in ecdhe["ClientKeyExchange"].corrections] == [9, 12, 14]


def test_tls13_steps(ec_pki: LabPKI) -> None:
    found = steps(record(ec_pki, tls="1.3", client_auth="required"))
    server_verify = next(
        s for s in found if s.title == "CertificateVerify" and s.sender == "server"
    )
    assert "missing from the deck" in server_verify.statement
    assert server_verify.encrypted
    ccs = [s for s in found if s.name == "change_cipher_spec"]
    assert ccs and all(c.corrections[0].verdict == ("Outdated",) for c in ccs)
    assert all(s.encrypted for s in found if s.title == "Certificate")


def test_an_empty_client_certificate_is_pointed_out(ec_pki: LabPKI) -> None:
    found = steps(record(ec_pki, tls="1.2", client_auth="optional", client_cert=False))
    client_cert = next(s for s in found if s.title == "Certificate" and s.sender == "client")
    assert client_cert.statement.startswith("This Certificate is empty")


def test_steps_text(rsa_pki: LabPKI) -> None:
    text = steps_text(record(rsa_pki, **vars(DECK_OPTIONS)), width=100)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "4. ServerKeyExchange, server -> client" in text
    assert "   Deck step 4 (Wrong, Outdated): " in text
    assert "   RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 2246 §7.4.3" in text
    assert text.endswith("Negotiated TLSv1.2 with ECDHE-RSA-AES256-GCM-SHA384.")


# -- Mermaid -----------------------------------------------------------------------------------
