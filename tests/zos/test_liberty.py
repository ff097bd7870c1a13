"""server.xml generators (issue 11): every output passes the validator, for both generations."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import yaml

from certkit.defaults import RING_NAME, RING_OWNER, STORE_PASSWORD
from certkit.errors import InputError
from certkit.zos import liberty
from certkit.zos.keyring import ClientAuth
from certkit.zos.text.serverxml import Generation, check, schema

GENERATIONS = ["zosConnect-2.0", "zosConnect-3.0"]

FRAGMENTS: dict[str, Callable[[], str]] = {
    "ring": lambda: liberty.key_store("zcKeys", ring="ZCEE.Ring", owner="ZCSRV1"),
    "hybrid ring": lambda: liberty.key_store(ring="ZCEE.Ring", owner="ZCSRV1", keys="hybrid"),
    "hardware ring": lambda: liberty.key_store(ring="ZCEE.Ring", owner="ZCSRV1", keys="hardware"),
    "own ring": lambda: liberty.key_store(ring="ZCEE.Ring", owner=""),
    "default ring": lambda: liberty.key_store(),
    "PKCS #12 file": lambda: liberty.key_store(file="${server.config.dir}/resources/key.p12"),
    "ssl": lambda: liberty.ssl_config(protocols=("TLSv1.2", "TLSv1.3"), server_label="zcee"),
    "ssl required": lambda: liberty.ssl_config("m", client_auth=ClientAuth.REQUIRED),
    "ssl optional": lambda: liberty.ssl_config("o", trust_store="t", client_auth="optional"),
    "sslDefault": lambda: liberty.ssl_default("zcSSL"),
    "endpoint": lambda: liberty.http_endpoint(),
    "endpoint with its ssl": lambda: liberty.http_endpoint("admin", https_port=9445, ssl="b"),
    "basic registry": lambda: liberty.basic_registry({"Fred": "fredpwd", "O'Hara": 'a&b<c"d'}),
    "SAF registry": lambda: liberty.saf_registry(profile_prefix="ZCEEDFLT"),
    "client certificate": lambda: liberty.client_certificate(),
    "client certificate required": lambda: liberty.client_certificate(
        required=True, failover=False
    ),
    "openidConnectClient": lambda: liberty.token_auth(
        issuer="https://idp.example", signer_label="IdP signer", audiences=("zcee", "api")
    ),
    "openidConnectClient filtered": lambda: liberty.token_auth(
        issuer="https://idp.example", signer_label="IdP", url_pattern="/zosConnect/apis"
    ),
    "mpJwt": lambda: liberty.token_auth(
        "mpJwt", issuer="https://idp.example", signer_label="IdP", map_to_registry=False
    ),
    "ltpa": lambda: liberty.ltpa(),
    "ltpa filtered": lambda: liberty.ltpa(expiration="2h", url_pattern="/api", keys_file="/k"),
    "authorization 2.0": lambda: liberty.authorization(
        "2.0", users=["Fred"], groups=["ZCUSERS"], levels={lvl: "G" for lvl in liberty.LEVELS}
    ),
    "authorization 2.0 plain": lambda: liberty.authorization("zosConnect-2.0"),
}


def _elements(xml: str) -> list[tuple[str, ET.Element]]:
    """(parent tag, element) for every element of generated (trusted) XML."""
    root = ET.fromstring(f"<server>{xml}</server>")
    found: list[tuple[str, ET.Element]] = []
    for parent in root.iter():
        found.extend((parent.tag, child) for child in parent)
    return found


@pytest.mark.parametrize("name", sorted(FRAGMENTS))
@pytest.mark.parametrize("generation", GENERATIONS)
def test_every_fragment_passes_the_check(name: str, generation: str) -> None:
    xml = FRAGMENTS[name]()
    findings = check(xml, generation)
    if "2.0" in name and generation.endswith("3.0"):
        # zosConnect-2.0 authorization on a 3.0 server: the check names the generation
        assert any("belongs to zosConnect-2.0" in f.message for f in findings), findings
        return
    # A fragment may name ids another file defines (a warning); nothing else is reported.
    assert all("another file" in f.message for f in findings), [str(f) for f in findings]
    assert xml == FRAGMENTS[name]()  # deterministic
    assert max(len(line) for line in xml.splitlines()) <= liberty.WIDTH


@pytest.mark.parametrize("name", sorted(FRAGMENTS))
def test_only_verified_facts_are_generated(name: str) -> None:
    elements = schema()["elements"]
    for parent, element in _elements(FRAGMENTS[name]()):
        entry = elements[f"{parent}/{element.tag}"]
        assert entry["mark"] in ("V", "V-wsc"), element.tag
        for attribute in element.attrib:
            assert entry["attributes"][attribute]["mark"] in ("V", "V-wsc"), attribute


OPTIONS = list(
    itertools.product(
        GENERATIONS,
        ["saf", "basic"],
        list(ClientAuth),
        [None, "openidConnectClient", "mpJwt"],
        [False, True],
        list(liberty.Keys),
    )
)


@pytest.mark.parametrize(("generation", "registry", "auth", "token", "ltpa", "keys"), OPTIONS)
def test_every_whole_include_passes_the_check_without_a_finding(
    generation: str,
    registry: str,
    auth: ClientAuth,
    token: str | None,
    ltpa: bool,
    keys: liberty.Keys,
) -> None:
    xml = liberty.security_server_xml(
        generation,
        registry=registry,  # type: ignore[arg-type]
        users={"Fred": "fredpwd"} if registry == "basic" else None,
        client_auth=auth,
        token=token,  # type: ignore[arg-type]
        issuer="https://idp.example" if token else None,
        signer_label="IdP" if token else None,
        use_ltpa=ltpa,
        ring="ZCEE.Ring",
        owner="ZCSRV1",
        keys=keys,
        levels={"invoke": "ZCINVOKE"} if generation.endswith("2.0") else None,
    )
    assert check(xml) == [] and check(xml, generation) == []
    assert max(len(line) for line in xml.splitlines()) <= 78
    assert xml.startswith("<server>\n") and xml.endswith("</server>\n")
    has_manager = "zosconnect_zosConnectManager" in xml
    assert has_manager == generation.endswith("2.0")
    failover = 'allowFailOverToBasicAuth="true"' in xml
    assert failover == (auth is not ClientAuth.REQUIRED)


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("registry", ["saf", "basic"])
@pytest.mark.parametrize("ltpa", [False, True])
def test_the_attls_include_has_only_an_http_port_and_passes_the_check(
    generation: str, registry: str, ltpa: bool
) -> None:
    # zosconnect-security.md 5.1: behind inbound AT-TLS, no httpsPort, <ssl> or <keyStore>.
    xml = liberty.security_server_xml(
        generation,
        registry=registry,  # type: ignore[arg-type]
        users={"Fred": "fredpwd"} if registry == "basic" else None,
        use_ltpa=ltpa,
        tls="attls",
        http_port=9444,
    )
    assert check(xml) == [] and check(xml, generation) == []
    root = ET.fromstring(xml)
    assert root.find("keyStore") is None and root.find("ssl") is None
    assert root.find("sslDefault") is None
    features = [f.text for f in root.iter("feature")]
    assert "transportSecurity-1.0" not in features
    endpoint = root.find("httpEndpoint")
    assert endpoint is not None and endpoint.attrib == {
        "id": "defaultHttpEndpoint",
        "host": "*",
        "httpPort": "9444",
    }
    manager = root.find("zosconnect_zosConnectManager")
    if generation.endswith("2.0"):  # requests look like HTTP: WSC sets requireSecure="false"
        assert manager is not None and manager.attrib["requireSecure"] == "false"
    else:
        assert manager is None
    assert 'httpPort="9443"' in liberty.security_server_xml(generation, tls="attls")


def test_the_jsse_include_keeps_require_secure() -> None:
    xml = liberty.security_server_xml("2.0")
    assert 'requireSecure="true"' in xml and "httpsPort" in xml


def test_the_2_0_include_fails_the_3_0_check() -> None:
    xml = liberty.security_server_xml("2.0", levels={"admin": "ZCADMIN"})
    findings = check(xml, Generation.V3)
    assert any("no authorization interceptor" in f.message for f in findings)


def test_an_element_whose_z_os_connect_use_is_unverified_is_never_generated() -> None:
    assert schema()["elements"]["server/jwtConsumer"]["generate"] is False
    for kind in ("openidConnectClient", "mpJwt"):
        assert "<jwtConsumer" not in liberty.token_auth(kind, issuer="i", signer_label="s")  # type: ignore[arg-type]


def test_the_defaults_come_from_certkit_defaults() -> None:
    assert f"safkeyring://{RING_OWNER}/{RING_NAME}" in liberty.key_store()
    assert f'password="{STORE_PASSWORD}"' in liberty.key_store(file="key.p12")


@pytest.mark.parametrize(
    ("keys", "scheme", "kind"),
    [
        ("software", "safkeyring", "JCERACFKS"),
        ("HYBRID", "safkeyringhybrid", "JCEHYBRIDRACFKS"),
        (liberty.Keys.HARDWARE, "safkeyringhw", "JCECCARACFKS"),
    ],
)
def test_each_kind_of_ring_has_its_scheme_and_type(keys: str, scheme: str, kind: str) -> None:
    xml = liberty.key_store(ring="ZCEE.Ring", owner="zcsrv1", keys=keys)
    assert f'location="{scheme}://ZCSRV1/ZCEE.Ring"' in xml and f'type="{kind}"' in xml
    assert 'fileBased="false"' in xml and f'password="{liberty.RING_PASSWORD}"' in xml


def test_client_authentication_attributes() -> None:
    assert "clientAuthentication" not in liberty.ssl_config()
    optional = liberty.ssl_config(client_auth="optional")
    assert 'clientAuthenticationSupported="true"' in optional
    assert 'clientAuthentication="false"' in optional
    assert 'clientAuthentication="true"' in liberty.ssl_config(client_auth="required")


def test_the_3_0_roles_are_yaml_for_the_api_document() -> None:
    text = liberty.authorization(
        "3.0",
        roles=["Staff", "O'Brien's role"],
        operations={"get /employees/{id}": ["Manager"], "PUT /employees/{id}": ["Admin"]},
    )
    assert yaml.safe_load(text) == {
        "x-ibm-zcon-roles-allowed": ["Staff", "O'Brien's role"],
        "paths": {
            "/employees/{id}": {
                "get": {"x-ibm-zcon-roles-allowed": ["Manager"]},
                "put": {"x-ibm-zcon-roles-allowed": ["Admin"]},
            }
        },
    }


def test_user_text_is_escaped_not_injected() -> None:
    xml = liberty.basic_registry({'x"/><ssl id="evil': "p"})
    [(_, registry)] = [e for e in _elements(xml) if e[1].tag == "basicRegistry"]
    assert [u.get("name") for u in registry] == ['x"/><ssl id="evil']
    assert check(xml) == []


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: liberty.key_store(owner="TOOLONGID"), "RACF user ID"),
        (lambda: liberty.key_store(ring="two words"), "ring name"),
        (lambda: liberty.key_store(ring="a/b"), "'/'"),
        (lambda: liberty.key_store(keys="quantum"), "software, hybrid or hardware"),
        (lambda: liberty.key_store("bad id!"), "give an id"),
        (lambda: liberty.key_store(file=""), "empty"),
        (lambda: liberty.ssl_config(client_auth="sometimes"), "none, optional or required"),
        (lambda: liberty.ssl_config(protocols=("SSLv3",)), "TLSv1.2"),
        (lambda: liberty.ssl_config(server_label="x" * 33), "at most 32"),
        (lambda: liberty.http_endpoint(https_port=0), "port from 1"),
        (lambda: liberty.http_endpoint(http_port=70000), "port from -1"),
        (lambda: liberty.http_endpoint(host="a b"), "host"),
        (lambda: liberty.basic_registry({}), "at least one user"),
        (lambda: liberty.basic_registry({"Fred": "line\nbreak"}), "control characters"),
        (lambda: liberty.saf_registry(profile_prefix="TOOLONGPREFIX"), "profile_prefix"),
        (lambda: liberty.saf_registry(rac_route_log="LOUD"), "ASIS or NONE"),  # type: ignore[arg-type]
        (lambda: liberty.client_certificate(required=True), "never reaches basic"),
        (lambda: liberty.token_auth("jwtConsumer", issuer="i", signer_label="s"), "kind"),  # type: ignore[arg-type]
        (lambda: liberty.token_auth(issuer="i", signer_label="s", url_pattern="/a/*"), "'*'"),
        (lambda: liberty.ltpa(expiration="forever"), "duration"),
        (lambda: liberty.authorization("2.0", roles=["Staff"]), "zosConnect-3.0"),
        (lambda: liberty.authorization("3.0", users=["Fred"]), "zosConnect-2.0"),
        (lambda: liberty.authorization("3.0"), "give roles"),
        (lambda: liberty.authorization("3.0", operations={"fetch /x": ["R"]}), "method /path"),
        (lambda: liberty.authorization("2.0", levels={"root": "G"}), "admin, operations"),
        (lambda: liberty.authorization("4.0"), "generation"),
        (lambda: liberty.security_server_xml("2.0", registry="ldap"), "saf or basic"),  # type: ignore[arg-type]
        (lambda: liberty.security_server_xml("2.0", token="mpJwt"), "issuer"),
        (lambda: liberty.security_server_xml("2.0", users={"a": "b"}), "registry='basic'"),
        (lambda: liberty.security_server_xml("3.0", levels={"admin": "G"}), "zosConnect-2.0"),
        (lambda: liberty.security_server_xml("2.0", tls="quic"), "jsse or attls"),  # type: ignore[arg-type]
        (lambda: liberty.security_server_xml("2.0", http_port=80), "tls='attls'"),
        (
            lambda: liberty.security_server_xml("2.0", tls="attls", client_auth="optional"),
            "never sees a client certificate",
        ),
        (
            lambda: liberty.security_server_xml(
                "2.0", tls="attls", token="mpJwt", issuer="i", signer_label="s"
            ),
            "no key store",
        ),
        (lambda: liberty.security_server_xml("2.0", tls="attls", https_port=9445), "http_port"),
        (lambda: liberty.security_server_xml("2.0", tls="attls", http_port=0), "port from 1"),
        (lambda: liberty.http_endpoint(https_port=None), "needs http_port"),
        (lambda: liberty.http_endpoint(https_port=None, http_port=80, ssl="s"), "no ssl"),
        (lambda: liberty.authorization("3.0", require_secure=False), "zosConnect-2.0"),
    ],
)
def test_unusable_parameters_are_refused_in_one_line(
    call: Callable[[], str], fragment: str
) -> None:
    with pytest.raises(InputError) as caught:
        call()
    message = str(caught.value)
    assert fragment in message and "\n" not in message and len(message) <= 200, message
