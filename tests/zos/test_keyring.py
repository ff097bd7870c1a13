"""certkit.zos.keyring: a RACF-style ring gives ssl contexts that really handshake, and Java stores."""

from __future__ import annotations

import datetime as dt
import shutil
import ssl
import subprocess
from pathlib import Path

import clocks
import pytest
from cryptography.hazmat.primitives.serialization import pkcs12

from certkit import InputError
from certkit.certificates.pki import Lab, LabPKI
from certkit.zos.keyring import KeyRing, Usage


def pump(
    client: ssl.SSLContext, server: ssl.SSLContext, host: str = "localhost"
) -> tuple[Exception | None, Exception | None, ssl.SSLObject]:
    """A real TLS handshake in memory (MemoryBIO), then one application-data round trip."""
    c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
    c = client.wrap_bio(c_in, c_out, server_hostname=host)
    s = server.wrap_bio(s_in, s_out, server_side=True)
    errors: dict[str, Exception | None] = {"c": None, "s": None}
    done = {"c": False, "s": False}
    for _ in range(50):
        for name, obj in (("c", c), ("s", s)):
            if done[name] or errors[name]:
                continue
            try:
                obj.do_handshake()
                done[name] = True
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass
            except ssl.SSLError as exc:
                errors[name] = exc
        s_in.write(c_out.read())
        c_in.write(s_out.read())
        if (
            (done["c"] and done["s"])
            or (errors["c"] and errors["s"])
            or (any(errors.values()) and not c_out.pending and not s_out.pending)
        ):
            break
    if done["c"] and done["s"]:
        # TLS 1.3 reports a rejected client certificate only with the next read.
        try:
            c.write(b"ping")
            s_in.write(c_out.read())
            s.read(4)
            s.write(b"pong")
            c_in.write(s_out.read())
            c.read(4)
        except ssl.SSLError as exc:
            errors["c" if not errors["c"] else "s"] = exc
    return errors["c"], errors["s"], c


@pytest.fixture(scope="module")
def pki() -> LabPKI:
    # Python's ssl verifies against the real clock (OpenSSL's verification time is not exposed),
    # so a handshake needs certificates valid today: a seeded lab whose clock is now.
    return Lab(seed="keyring", now=dt.datetime.now(dt.UTC)).pki(["localhost", "127.0.0.1"])


def server_ring(pki: LabPKI, *, with_intermediate: bool = True) -> KeyRing:
    ring = KeyRing("Liberty.KeyRing", owner="LIBSERV")
    ring.connect(pki.root, label="Lab Root CA", usage="CERTAUTH")
    if with_intermediate:
        ring.connect(pki.intermediate, label="Lab Intermediate CA", usage="CERTAUTH")
    ring.connect(pki.server, label="Liberty server", default=True)
    return ring


def client_ring(pki: LabPKI, *, personal: bool = False) -> KeyRing:
    ring = KeyRing("Client.KeyRing", owner="CLIENT")
    ring.connect(pki.root, label="Lab Root CA", usage="CERTAUTH")
    if personal:
        ring.connect(pki.intermediate, label="Lab Intermediate CA", usage="CERTAUTH")
        ring.connect(pki.client, label="Client cert", default=True)
    return ring


def test_server_ring_handshakes_with_a_client_trusting_the_root(pki: LabPKI) -> None:
    client_error, server_error, conn = pump(
        client_ring(pki).ssl_context(server_side=False),
        server_ring(pki).ssl_context(server_side=True),
    )
    assert (client_error, server_error) == (None, None)
    assert conn.getpeercert(binary_form=True) == pki.server.der
    assert conn.version() == "TLSv1.3"


def test_missing_certauth_intermediate_breaks_the_chain(pki: LabPKI) -> None:
    ring = server_ring(pki, with_intermediate=False)
    assert [e.label for e in ring.chain_entries(ring.default())] == ["Liberty server"]
    client_error, _, _ = pump(
        client_ring(pki).ssl_context(server_side=False), ring.ssl_context(server_side=True)
    )
    assert isinstance(client_error, ssl.SSLCertVerificationError)
    assert "unable to get local issuer certificate" in str(client_error)


def test_intermediate_connected_as_certauth_is_a_trust_anchor(pki: LabPKI) -> None:
    # A client ring that trusts only the intermediate still verifies (as RACF rings do).
    ring = KeyRing("Partial.KeyRing")
    ring.connect(pki.intermediate, label="Lab Intermediate CA", usage="CERTAUTH")
    client_error, server_error, _ = pump(
        ring.ssl_context(server_side=False), server_ring(pki).ssl_context(server_side=True)
    )
    assert (client_error, server_error) == (None, None)


@pytest.mark.parametrize("version", [ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3])
def test_mutual_authentication(pki: LabPKI, version: ssl.TLSVersion) -> None:
    server = server_ring(pki).ssl_context(server_side=True, client_auth="required")
    server.maximum_version = version
    client_error, server_error, _ = pump(
        client_ring(pki, personal=True).ssl_context(server_side=False), server
    )
    assert (client_error, server_error) == (None, None)
    # Without a client certificate the server refuses (in 1.3 the client learns it late).
    client_error, server_error, _ = pump(client_ring(pki).ssl_context(server_side=False), server)
    assert server_error is not None
    assert "certificate" in str(server_error).lower()


def test_default_moves_and_labels_are_unique(pki: LabPKI) -> None:
    ring = server_ring(pki)
    other = Lab(seed="other").pki()
    ring.connect(other.server, label="Second server", default=True)
    assert ring.default().label == "Second server"
    assert [e.default for e in ring] == [False, False, False, True]
    with pytest.raises(InputError, match="already connected"):
        ring.connect(pki.server, label="Second server")
    with pytest.raises(InputError, match="needs its private key"):
        ring.connect(pki.server.certificate, label="no key")
    with pytest.raises(InputError, match="only a PERSONAL certificate can be the DEFAULT"):
        ring.connect(pki.root, label="root again", usage="CERTAUTH", default=True)
    with pytest.raises(InputError, match="use PERSONAL, CERTAUTH or SITE"):
        ring.connect(pki.root, label="x", usage="TRUSTED")
    ring.remove("Second server")
    with pytest.raises(InputError, match="no DEFAULT certificate"):
        ring.default()


def test_java_stores_load_and_keytool_lists_them(pki: LabPKI, tmp_path: Path) -> None:
    ring = server_ring(pki)
    keystore = ring.java_keystore("changeit")
    loaded = pkcs12.load_pkcs12(keystore, b"changeit")
    assert loaded.cert is not None and loaded.cert.friendly_name == b"Liberty server"
    assert [c.certificate for c in loaded.additional_certs] == [
        pki.intermediate.certificate,
        pki.root.certificate,
    ]
    truststore = ring.java_truststore("changeit")
    (tmp_path / "key.p12").write_bytes(keystore)
    (tmp_path / "trust.p12").write_bytes(truststore)
    keytool = shutil.which("keytool")
    assert keytool, "keytool (a JDK) is required: make system-deps installs it"
    listing = subprocess.run(
        [keytool, "-list", "-keystore", str(tmp_path / "key.p12"), "-storepass", "changeit"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "liberty server, " in listing and "PrivateKeyEntry" in listing
    listing = subprocess.run(
        [keytool, "-list", "-keystore", str(tmp_path / "trust.p12"), "-storepass", "changeit"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Your keystore contains 2 entries" in listing
    assert "lab root ca, " in listing and "lab intermediate ca, " in listing
    assert listing.count("trustedCertEntry") == 2
    assert Usage("CERTAUTH") is Usage.CERTAUTH


@pytest.mark.parametrize(
    ("clock", "shown"), [("2027-03-01", "Mar 1, 2027"), ("2031-07-15", "Jul 15, 2031")]
)
def test_keytool_dates_entries_with_the_day_it_reads_the_store(
    pki: LabPKI, tmp_path: Path, clock: str, shown: str
) -> None:
    """docs/pki.md shows keytool's entry dates as `...`: they follow the reader's clock."""
    ring = server_ring(pki)
    (tmp_path / "key.p12").write_bytes(ring.java_keystore("changeit"))
    (tmp_path / "trust.p12").write_bytes(ring.java_truststore("changeit"))
    keytool = shutil.which("keytool")
    assert keytool and clocks.available(), "keytool and faketime: make system-deps installs them"
    for store, entries in (("key.p12", 1), ("trust.p12", 2)):
        listing = subprocess.run(
            [keytool, "-list", "-storepass", "changeit", "-keystore", str(tmp_path / store)],
            capture_output=True,
            text=True,
            check=True,
            env={**clocks.at(f"@{clock} 12:00:00"), "LC_ALL": "C.UTF-8", "TZ": "UTC"},
        ).stdout
        dated = [line for line in listing.splitlines() if line.rstrip().endswith("Entry,")]
        assert len(dated) == entries and all(f", {shown}, " in line for line in dated), listing


def test_for_lab_connects_the_lab_under_the_default_labels() -> None:
    from certkit import defaults
    from certkit.zos import stores

    pki = Lab().pki()  # valid now
    ring = KeyRing.for_lab(pki, client=True)
    assert (ring.name, ring.owner) == (defaults.RING_NAME, defaults.RING_OWNER)
    assert [(e.label, e.usage, e.default) for e in ring] == [
        (defaults.ROOT_CA_LABEL, Usage.CERTAUTH, False),
        (defaults.INTERMEDIATE_CA_LABEL, Usage.CERTAUTH, False),
        (defaults.CLIENT_LABEL, Usage.PERSONAL, True),
    ]
    server = KeyRing.for_lab(pki)
    error = pump(
        stores.ssl_context(ring, server_side=False),
        stores.ssl_context(server, server_side=True, client_auth="required"),
    )[:2]
    assert error == (None, None)
