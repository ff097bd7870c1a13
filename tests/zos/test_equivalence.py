"""certkit.zos.rings: RACDCERT commands applied to the ring model, proven by real handshakes.

The server's ring commands come from certkit.zos.racf.ring_commands, go through
certkit.zos.rings.apply, and the ring that results serves a real in-memory TLS handshake
(certkit.tls.handshake.run, contexts from certkit.zos.stores) that requires a client
certificate. What OpenSSL reports is asserted as it is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import ssl

import pytest
from cryptography import x509

from certkit.certificates.pki import Issued, Lab, LabPKI
from certkit.defaults import CLIENT_LABEL, ROOT_CA_LABEL, SERVER_LABEL
from certkit.errors import InputError
from certkit.tls.handshake import Options, run
from certkit.tls.recording import Recording
from certkit.zos.keyring import KeyRing, Usage
from certkit.zos.racf import ring_access_commands, ring_commands
from certkit.zos.rings import (
    CLIENT_CA_LABEL,
    Applied,
    Catalogue,
    apply,
    catalogue_for_lab,
    equivalence,
)
from certkit.zos.stores import ssl_context

OWNER, RING = "ZCSRV1", "ZCEE.Ring"
HOST = "localhost"
VERSIONS = [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3]


@dataclasses.dataclass(frozen=True)
class World:
    lab: Lab
    pki: LabPKI
    client_ca: Issued
    client: Issued


@pytest.fixture(scope="module")
def world() -> World:
    # OpenSSL checks validity against the real clock: a seeded lab whose clock is now.
    lab = Lab(seed="equivalence", now=dt.datetime.now(dt.UTC))
    client_ca = lab.root_ca("Distributed Client CA")
    return World(lab, lab.pki((HOST,)), client_ca, lab.client(client_ca, "certkit lab client"))


def server_model(world: World) -> KeyRing:
    """The ring as the administrator means it: lab CAs and the client's CA CERTAUTH."""
    model = KeyRing.for_lab(world.pki, name=RING, owner=OWNER)
    model.connect(world.client_ca, label=CLIENT_CA_LABEL, usage=Usage.CERTAUTH)
    return model


def catalogue(world: World, pki: LabPKI | None = None) -> Catalogue:
    """The lab in RACF: its CAs, the server's certificate and the client's CA."""
    return catalogue_for_lab(
        pki or world.pki, server_user=OWNER, cas={CLIENT_CA_LABEL: world.client_ca}
    )


def applied_ring(lines: list[str], world: World, pki: LabPKI | None = None) -> KeyRing:
    applied = apply(lines, catalogue(world, pki))
    assert applied.errors == (), applied.findings
    return applied.ring(OWNER, RING)


def handshake(
    world: World,
    ring: KeyRing,
    version: ssl.TLSVersion,
    *,
    cn_fallback: bool = False,
) -> Recording:
    """A laptop client (its certificate from the client's CA, trusting the lab root)."""
    server = ssl_context(ring, server_side=True, client_auth="required")
    server.maximum_version = version
    laptop = KeyRing("Laptop.Ring", owner="LAPTOP")
    laptop.connect(world.pki.root, label=ROOT_CA_LABEL, usage=Usage.CERTAUTH)
    laptop.connect(world.client, label=CLIENT_LABEL, default=True)
    client = ssl_context(laptop, server_side=False)
    client.hostname_checks_common_name = cn_fallback
    return run(client, server, Options(client_auth="required", server_hostname=HOST))


def logical(lines: list[str]) -> list[list[str]]:
    """The generated lines grouped by command (a line ending in `` +`` goes on)."""
    groups: list[list[str]] = [[]]
    for line in lines:
        groups[-1].append(line)
        if not line.endswith(" +"):
            groups.append([])
    return [g for g in groups if g]


def rejected(recording: Recording, sender: str, alert: str, why: str) -> None:
    """``sender`` failed to verify its peer: it says ``why`` and sends the fatal ``alert``."""
    assert not recording.ok
    assert [(a.sender, a.level, a.description) for a in recording.alerts] == [
        (sender, "fatal", alert)
    ]
    error, reason = (
        (recording.server_error, recording.server_reason)
        if sender == "server"
        else (recording.client_error, recording.client_reason)
    )
    assert reason == "CERTIFICATE_VERIFY_FAILED"
    assert str(error).startswith(
        "SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
        f"failed: {why}"
    )


# -- (a) the client's CA connected as CERTAUTH ---------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_client_ca_connected_as_certauth_mutual_handshake_succeeds(
    world: World, version: ssl.TLSVersion
) -> None:
    commands = ring_commands(server_model(world))
    assert any("LABEL('Client CA')" in line for line in commands)
    recording = handshake(world, applied_ring(commands, world), version)
    assert recording.ok, (recording.client_error, recording.server_error)
    assert recording.version == version.name.replace("_", ".")
    assert list(recording.alerts) == []
    assert recording.client_chain[0] == world.client.certificate
    assert recording.server_chain[0] == world.pki.server.certificate


# -- (b) without it, the server rejects the client -----------------------------------------------


def without_client_ca_connect(world: World) -> list[str]:
    groups = logical(ring_commands(server_model(world)))
    kept = [g for g in groups if not any("LABEL('Client CA')" in line for line in g)]
    assert len(kept) == len(groups) - 1
    return [line for group in kept for line in group]


def with_remove(world: World) -> list[str]:
    return [
        *ring_commands(server_model(world)),
        f"RACDCERT ID({OWNER}) REMOVE(CERTAUTH LABEL('Client CA') RING({RING}))",
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    ]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("commands", [without_client_ca_connect, with_remove])
def test_without_the_client_ca_the_server_rejects_the_client(
    world: World, version: ssl.TLSVersion, commands: object
) -> None:
    lines = commands(world)  # type: ignore[operator]
    ring = applied_ring(lines, world)
    assert CLIENT_CA_LABEL not in [e.label for e in ring]
    recording = handshake(world, ring, version)
    rejected(recording, "server", "unknown_ca", "unable to get local issuer certificate")
    assert recording.client_reason == "TLSV1_ALERT_UNKNOWN_CA"
    assert "[SSL: TLSV1_ALERT_UNKNOWN_CA] tlsv1 alert unknown ca" in str(recording.client_error)
    # TLS 1.3: the client finished its handshake before the server read its certificate.
    assert recording.client_completed is (version is ssl.TLSVersion.TLSv1_3)
    assert not recording.server_completed


# -- (c) without the ALTNAME, the client rejects the server --------------------------------------


def without_altname(world: World, name: str = HOST) -> LabPKI:
    """The lab PKI with a server certificate as GENCERT makes it without ALTNAME."""
    leaf = world.lab.server(
        world.pki.intermediate,
        [name],
        label=f"no-altname:{name}",
        omit=[x509.SubjectAlternativeName],
    )
    with pytest.raises(x509.ExtensionNotFound):
        leaf.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return dataclasses.replace(world.pki, server=leaf)


@pytest.mark.parametrize("version", VERSIONS)
def test_without_altname_a_client_ignoring_the_cn_rejects_the_server(
    world: World, version: ssl.TLSVersion
) -> None:
    ring = applied_ring(ring_commands(server_model(world)), world, without_altname(world))
    assert ring.get(SERVER_LABEL).certificate.subject.rfc4514_string() == f"CN={HOST}"
    recording = handshake(world, ring, version)
    rejected(
        recording,
        "client",
        "bad_certificate",
        "Hostname mismatch, certificate is not valid for 'localhost'.",
    )
    assert recording.server_reason == "SSLV3_ALERT_BAD_CERTIFICATE"


def test_without_altname_a_client_falling_back_to_the_cn_accepts_the_server(
    world: World,
) -> None:
    # As anatomy.md measures: Python (by default), curl and Java still read the CN.
    ring = applied_ring(ring_commands(server_model(world)), world, without_altname(world))
    recording = handshake(world, ring, ssl.TLSVersion.TLSv1_3, cn_fallback=True)
    assert recording.ok, recording.client_error
    # ... but not a CN that is not the host name: then every client rejects the server.
    other = without_altname(world, "zcee.example.com")
    ring = applied_ring(ring_commands(server_model(world)), world, other)
    recording = handshake(world, ring, ssl.TLSVersion.TLSv1_3, cn_fallback=True)
    assert recording.client_reason == "CERTIFICATE_VERIFY_FAILED"
    assert "Hostname mismatch, certificate is not valid for 'localhost'." in (
        recording.client_error or ""
    )


def test_equivalence_tells_the_four_cases(world: World) -> None:
    outcomes = equivalence(world.lab, owner=OWNER, ring=RING, hostname=HOST)
    assert [o.recording.ok for o in outcomes] == [True, False, False, True]
    assert [str(o).partition(":")[0] for o in outcomes] == [
        "client CA connected as CERTAUTH",
        "client CA removed",
        "server certificate without ALTNAME, client ignoring the CN",
        "server certificate without ALTNAME, client falling back to the CN",
    ]
    assert str(outcomes[1]).endswith(
        "the server rejects the client (unknown_ca: unable to get local issuer certificate)"
    )


# -- (d) round trip ------------------------------------------------------------------------------


def entries(ring: KeyRing) -> list[tuple[object, ...]]:
    return [(e.label, e.certificate, e.usage, e.default, e.private_key) for e in ring]


@pytest.mark.parametrize("client", [False, True])
def test_round_trip_lab_ring(world: World, client: bool) -> None:
    ring = KeyRing.for_lab(world.pki, client=client, name=RING, owner=OWNER)
    cat = dict(catalogue_for_lab(world.pki, server_user=OWNER))
    if client:  # ring_commands names a PERSONAL certificate as the ring owner's
        cat[(OWNER, CLIENT_LABEL)] = world.pki.client
    applied = apply(ring_commands(ring), cat)
    assert applied.findings == ()
    back = applied.ring(OWNER, RING)
    assert (back.owner, back.name) == (ring.owner, ring.name)
    assert entries(back) == entries(ring)
    assert list(applied.rings) == [(OWNER, RING)]


def test_round_trip_odd_labels_and_usages(world: World) -> None:
    ring = KeyRing("Mixed.Case-ring", owner="zc$srv#1")
    ring.connect(world.client_ca, label="Frank's CA", usage="CERTAUTH")
    ring.connect(world.pki.root.certificate, label="site root", usage="SITE")
    ring.connect(world.pki.server, label="old server", default=True)
    ring.connect(world.pki.client, label="new server", default=True)
    cat = {
        ("CERTAUTH", "Frank's CA"): world.client_ca,
        ("ZC$SRV#1", "site root"): world.pki.root.certificate,
        ("zc$srv#1", "old server"): world.pki.server,
        ("ZC$SRV#1", "new server"): world.pki.client,
    }
    applied = apply(ring_commands(ring), cat)
    assert applied.findings == ()  # the model moved DEFAULT: the commands name one
    assert entries(applied.ring("ZC$SRV#1", "Mixed.Case-ring")) == entries(ring)


# -- what a RACF administrator meets ---------------------------------------------------------------


def run_text(world: World, text: str) -> Applied:
    return apply(text, catalogue_for_lab(world.pki, server_user=OWNER))


def said(applied: Applied) -> list[tuple[int, int, str, str]]:
    return [(f.position.line, f.position.column, f.severity, f.message) for f in applied.findings]


def test_connect_to_a_ring_that_does_not_exist_is_irrd114i(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING(zcee.ring)\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) "
        "USAGE(CERTAUTH))\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    assert said(applied) == [
        (
            2,
            59,
            "warning",
            "ring ZCEE.Ring is spelled zcee.ring at line 1, column 21; ring names are case "
            "sensitive, so these are two rings",
        ),
        (
            2,
            59,
            "error",
            "ring 'ZCEE.Ring' of ZCSRV1 does not exist (IRRD114I); ring names are case "
            "sensitive: add it with ADDRING first",
        ),
    ]
    assert len(applied.ring(OWNER.lower(), "zcee.ring")) == 0
    with pytest.raises(InputError, match=r"no ring 'ZCEE.Ring' .*first error: line 2"):
        applied.ring(OWNER, RING)


def test_a_label_the_catalogue_lacks_is_an_error(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('lab root ca') RING({RING}) "
        "USAGE(CERTAUTH))\n"
        f"RACDCERT ID({OWNER}) CONNECT(ID(FRED) LABEL('Liberty server') RING({RING}) "
        "USAGE(PERSONAL))\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    assert [(line, message) for line, _, _, message in said(applied)] == [
        (
            2,
            "no certificate 'lab root ca' of CERTAUTH in the catalogue (labels are case "
            "sensitive); create or add it first",
        ),
        (
            3,
            "no certificate 'Liberty server' of FRED in the catalogue (labels are case "
            "sensitive); create or add it first",
        ),
    ]
    assert len(applied.ring(OWNER, RING)) == 0


def test_certauth_or_site_owning_a_ring_is_irrd120i(world: World) -> None:
    # ADDRING: the command check refuses the text; nothing is applied.
    applied = run_text(world, f"RACDCERT CERTAUTH ADDRING({RING})")
    assert applied.rings == {}
    assert said(applied) == [
        (1, 10, "error", "CERTAUTH cannot own a key ring (IRRD120I); give ID(userid)")
    ]
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT SITE CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) USAGE(CERTAUTH))\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    assert said(applied) == [
        (2, 1, "error", "SITE cannot own a key ring (IRRD120I); give ID(userid)")
    ]


def test_remove_of_a_label_not_in_the_ring_is_irrd116i(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) "
        "USAGE(CERTAUTH))\n"
        f"RACDCERT ID({OWNER}) REMOVE(ID({OWNER}) LABEL('Lab Root CA') RING({RING}))\n"
        f"RACDCERT ID({OWNER}) REMOVE(CERTAUTH LABEL('Liberty server') RING({RING}))\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    assert [(line, message) for line, _, _, message in said(applied)] == [
        (3, "ZCSRV1's label 'Lab Root CA' is not in ring 'ZCEE.Ring' of ZCSRV1 (IRRD116I)"),
        (4, "CERTAUTH's label 'Liberty server' is not in ring 'ZCEE.Ring' of ZCSRV1 (IRRD116I)"),
    ]
    assert [e.label for e in applied.ring(OWNER, RING)] == ["Lab Root CA"]


def test_delring_deletes_and_a_second_addring_keeps_the_ring(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) "
        "USAGE(CERTAUTH))\n"
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) ADDRING(Other.Ring)\n"
        f"RACDCERT ID({OWNER}) DELRING(Other.Ring)\n"
        f"RACDCERT ID({OWNER}) DELRING(Other.Ring)\n"
        "SETROPTS RACLIST(DIGTCERT DIGTRING) REFRESH",
    )
    assert said(applied) == [
        (3, 21, "warning", "ring 'ZCEE.Ring' of ZCSRV1 exists already; it is kept as it is"),
        (
            6,
            21,
            "error",
            "ring 'Other.Ring' of ZCSRV1 does not exist (IRRD114I); ring names are case "
            "sensitive: add it with ADDRING first",
        ),
    ]
    assert list(applied.rings) == [(OWNER, RING)]
    assert len(applied.ring(OWNER, RING)) == 1


def test_what_the_commands_leave_out_is_not_guessed(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(LABEL('Lab Root CA') RING({RING}) USAGE(CERTAUTH))\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) TRUST)\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    assert said(applied) == [
        (
            1,
            1,
            "error",
            "ADDRING: give the ring owner, ID(userid); certkit does not assume the user ID "
            "that issues the command",
        ),
        (
            3,
            21,
            "error",
            "CONNECT: say whose certificate it is: ID(userid), SITE or CERTAUTH inside the "
            "parentheses",
        ),
        (4, 21, "error", "CONNECT takes no 'TRUST'"),
    ]


def test_usage_left_out_is_the_owner_kind_with_a_warning(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}))\n"
        f"RACDCERT ID({OWNER}) CONNECT(ID({OWNER}) LABEL('Liberty server') RING({RING}) "
        "DEFAULT)\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
    )
    assert [(line, severity) for line, _, severity, _ in said(applied)] == [
        (2, "warning"),
        (3, "warning"),
    ]
    assert said(applied)[0][3] == (
        "no USAGE: certkit takes CERTAUTH, the certificate owner's kind, as RACF is said to "
        "(not verified); write USAGE(CERTAUTH) to be sure"
    )
    ring = applied.ring(OWNER, RING)
    assert [(e.usage, e.default) for e in ring] == [
        (Usage.CERTAUTH, False),
        (Usage.PERSONAL, True),
    ]


def test_what_the_model_refuses_is_an_error_with_a_position(world: World) -> None:
    cat = {
        ("CERTAUTH", "Lab Root CA"): world.pki.root.certificate,  # no private key
        (OWNER, "Liberty server"): world.pki.server,
    }
    applied = apply(
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) "
        "USAGE(PERSONAL))\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA') RING({RING}) DEFAULT "
        "USAGE(CERTAUTH))\n"
        f"RACDCERT ID({OWNER}) CONNECT(ID({OWNER}) LABEL('Liberty server') RING({RING}) "
        "USAGE(PERSONAL))\n"
        f"RACDCERT ID({OWNER}) CONNECT(ID({OWNER}) LABEL('Liberty server') RING({RING}) "
        "USAGE(PERSONAL))\n"
        "SETROPTS RACLIST(DIGTRING) REFRESH",
        cat,
    )
    assert [(line, message) for line, _, _, message in said(applied)] == [
        (
            2,
            "'Lab Root CA': a PERSONAL certificate needs its private key in the ring; "
            "connect a CA certificate with usage CERTAUTH",
        ),
        (3, "'Lab Root CA': only a PERSONAL certificate can be the DEFAULT"),
        (5, "label 'Liberty server' is already connected to ring ZCEE.Ring"),
    ]
    assert [e.label for e in applied.ring(OWNER, RING)] == ["Liberty server"]


def test_gencert_of_a_label_the_catalogue_lacks_warns(world: World) -> None:
    applied = run_text(
        world,
        "RACDCERT CERTAUTH GENCERT SUBJECTSDN(CN('Lab Root CA')) WITHLABEL('Lab Root CA')\n"
        f"RACDCERT ID({OWNER}) GENCERT SUBJECTSDN(CN('zcee')) WITHLABEL('ZCEE server')",
    )
    assert said(applied) == [
        (
            2,
            52,
            "warning",
            "the catalogue has no certificate 'ZCEE server' of ZCSRV1: connecting it fails here",
        )
    ]
    assert applied.rings == {}


def test_text_the_command_check_refuses_is_not_applied(world: World) -> None:
    applied = run_text(
        world,
        f"RACDCERT ID({OWNER}) ADDRING({RING})\n"
        f"RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Lab Root CA'))",
    )
    assert applied.rings == {}
    assert [f.message for f in applied.errors] == [
        "CONNECT needs RING(ringname): RACF answers IRRD121I without it"
    ]


def test_a_refresh_is_expected_after_ring_changes(world: World) -> None:
    lines = ring_commands(server_model(world))
    assert lines[-1] == "SETROPTS RACLIST(DIGTRING) REFRESH"
    applied = apply(lines[:-1], catalogue(world))
    assert said(applied) == [
        (
            1,
            21,
            "warning",
            "no SETROPTS RACLIST(DIGTRING) REFRESH after the ring changes: if DIGTRING is "
            "RACLISTed, programs do not see them until then",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "RACDCERT",
        "RACDCERT ID() CONNECT()",
        "RACDCERT ID(A) CONNECT(ID() LABEL() RING())",
        "RACDCERT ID(A) CONNECT(ID(B C) CERTAUTH LABEL('x' 'y') RING(r) USAGE())",
        "RACDCERT ID(A) REMOVE(CERTAUTH DEFAULT LABEL('x') RING(r))",
        "RACDCERT ID(A) ADDRING(r) " + "(" * 50,
        "RACDCERT ID(A) CONNECT('CERTAUTH' LABEL('x') RING(r))\x00\u2028" * 200,
        "RACDCERT ID(A) DELRING(r) CONNECT(CERTAUTH LABEL('x') RING(r))",
    ],
)
def test_hostile_text_gives_findings_never_another_exception(world: World, text: str) -> None:
    applied = run_text(world, text)
    assert all(f.message.isprintable() and len(f.message) <= 200 for f in applied.findings)


def test_a_second_default_moves_it_with_a_warning(world: World) -> None:
    cat = {(OWNER, "old server"): world.pki.server, (OWNER, "new server"): world.pki.client}
    connect = f"RACDCERT ID({OWNER}) CONNECT(ID({OWNER}) RING({RING}) DEFAULT USAGE(PERSONAL)"
    applied = apply(
        [
            f"RACDCERT ID({OWNER}) ADDRING({RING})",
            f"{connect} LABEL('old server'))",
            f"{connect} LABEL('new server'))",
            "SETROPTS RACLIST(DIGTRING) REFRESH",
        ],
        cat,
    )
    assert said(applied) == [
        (
            3,
            21,
            "warning",
            "DEFAULT moves from 'old server' to 'new server': a ring has one DEFAULT certificate",
        )
    ]
    assert [(e.label, e.default) for e in applied.ring(OWNER, RING)] == [
        ("old server", False),
        ("new server", True),
    ]


def test_a_whole_setup_job_builds_the_ring_and_nothing_else(world: World) -> None:
    # Certificates made, the ring built, access given, the root exported: only the ring
    # commands change a ring; GENCERT names certificates the catalogue holds.
    model = server_model(world)
    text = [
        "/* the lab's CAs and the server's certificate */",
        "RACDCERT CERTAUTH GENCERT SUBJECTSDN(CN('certkit Lab Root CA')) +",
        "  SIZE(2048) WITHLABEL('Lab Root CA') KEYUSAGE(CERTSIGN)",
        "RACDCERT CERTAUTH GENCERT SUBJECTSDN(CN('certkit Lab Intermediate CA')) +",
        "  SIZE(2048) WITHLABEL('Lab Intermediate CA') KEYUSAGE(CERTSIGN) +",
        "  SIGNWITH(CERTAUTH LABEL('Lab Root CA'))",
        f"RACDCERT ID({OWNER}) GENCERT SUBJECTSDN(CN('{HOST}')) SIZE(2048) +",
        "  WITHLABEL('Liberty server') KEYUSAGE(HANDSHAKE) +",
        f"  ALTNAME(DOMAIN('{HOST}')) SIGNWITH(CERTAUTH LABEL('Lab Intermediate CA'))",
        "RACDCERT CERTAUTH ADD('ZCSRV1.CLIENTCA.PEM') WITHLABEL('Client CA') TRUST",
        "SETROPTS RACLIST(DIGTCERT) REFRESH",
        *ring_commands(model),
        *ring_access_commands(model, OWNER, granular=True),
        "RACDCERT CERTAUTH EXPORT(LABEL('Lab Root CA')) DSN('ZCSRV1.ROOTCA.PEM')",
    ]
    applied = apply(text, catalogue(world))
    assert applied.findings == ()
    assert list(applied.rings) == [(OWNER, RING)]
    assert entries(applied.ring(OWNER, RING)) == entries(model)
