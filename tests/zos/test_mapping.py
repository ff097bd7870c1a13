"""Certificate name filters (issue 11, item 3): RACF's search order on the lab's certificates."""

from __future__ import annotations

import itertools
import time

import bad_inputs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from certkit.certificates.pki import Issued, Lab
from certkit.errors import MESSAGE_LIMIT, InputError
from certkit.zos.mapping import MapRule, map_commands, racf_dn, select
from certkit.zos.racf import RECORD_LIMIT
from certkit.zos.text.commands import check
from certkit.zos.text.tso import parse

LAB = Lab(seed="mapping")
PKI = LAB.pki()
ISSUER = "CN=certkit Lab Intermediate CA"


def _client(*rdns: tuple[x509.ObjectIdentifier, str], label: str = "") -> Issued:
    """A client certificate from the lab's intermediate CA, its subject given in DER order.

    The lab makes client certificates with a CN only; a request with a longer subject, signed
    by the same lab CA, gives the subjects a group filter needs.
    """
    label = label or "client:" + "/".join(value for _, value in rdns)
    key = LAB.key(label)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(oid, value) for oid, value in rdns]))
        .sign(key, hashes.SHA256())
    )
    return LAB.sign_request(PKI.intermediate, csr, usage="client", label=label)


AMY = _client(
    (NameOID.COUNTRY_NAME, "US"),
    (NameOID.ORGANIZATION_NAME, "certkit Lab"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Sales"),
    (NameOID.COMMON_NAME, "Amy"),
).certificate
BOB = _client(
    (NameOID.COUNTRY_NAME, "US"),
    (NameOID.ORGANIZATION_NAME, "certkit Lab"),
    (NameOID.ORGANIZATIONAL_UNIT_NAME, "Support"),
    (NameOID.COMMON_NAME, "Bob"),
).certificate
LAB_CLIENT = PKI.client.certificate


def _one_line(error: pytest.ExceptionInfo[InputError]) -> None:
    text = str(error.value)
    assert "\n" not in text and len(text) <= MESSAGE_LIMIT and text.isprintable()


def test_racf_writes_the_name_most_specific_rdn_first_joined_by_periods() -> None:
    assert racf_dn(AMY.subject) == "CN=Amy.OU=Sales.O=certkit Lab.C=US"
    assert racf_dn(AMY.issuer) == ISSUER
    assert racf_dn(LAB_CLIENT.subject) == "CN=certkit lab client"


def test_a_filter_on_the_full_subject_maps_that_certificate_only() -> None:
    rules = [MapRule("ZCAMY", sdn_filter="CN=Amy.OU=Sales.O=certkit Lab.C=US")]
    assert select(AMY, rules).user_id == "ZCAMY"
    assert select(BOB, rules).user_id is None


def test_a_group_filter_with_fewer_rdns_maps_everyone_under_it() -> None:
    rules = [MapRule("ZCSTAFF", sdn_filter="O=certkit Lab.C=US")]
    for certificate in (AMY, BOB):
        chosen = select(certificate, rules)
        assert chosen.user_id == "ZCSTAFF"
        assert chosen.attempts[-1].step == 4
    assert select(LAB_CLIENT, rules).user_id is None


def test_a_filter_matches_only_a_trailing_part_at_an_rdn_boundary() -> None:
    for inner in ("OU=Sales.O=certkit Lab", "O=certkit Lab", "C=U", "CN=Amy", "O=Lab.C=US"):
        assert select(AMY, [MapRule("ZCX", sdn_filter=inner)]).user_id is None, inner


def test_an_issuer_filter_maps_every_certificate_of_that_ca() -> None:
    rules = [MapRule("ZCLAB", idn_filter=ISSUER)]
    for certificate in (AMY, BOB, LAB_CLIENT):
        chosen = select(certificate, rules)
        assert chosen.user_id == "ZCLAB" and chosen.attempts[-1].step == 5


def test_the_most_specific_filter_wins_in_racfs_order() -> None:
    full = MapRule("ZCAMY", sdn_filter="CN=Amy.OU=Sales.O=certkit Lab.C=US")
    both = MapRule("ZCBOTH", sdn_filter=full.sdn_filter, idn_filter=ISSUER)
    group_both = MapRule("ZCGRPCA", sdn_filter="OU=Sales.O=certkit Lab.C=US", idn_filter=ISSUER)
    sales = MapRule("ZCSALES", sdn_filter="OU=Sales.O=certkit Lab.C=US")
    staff = MapRule("ZCSTAFF", sdn_filter="O=certkit Lab.C=US")
    country = MapRule("ZCUS", sdn_filter="C=US")
    issuer = MapRule("ZCLAB", idn_filter=ISSUER)
    order = [both, group_both, full, sales, staff, country, issuer]  # RACF's steps 1 to 5
    for start in range(len(order)):
        rules = order[start:][::-1]  # the rules' own order does not matter
        assert select(AMY, rules).rule is order[start]
    assert select(BOB, order).rule is staff  # Bob is in Support, not Sales


def test_subject_with_a_partial_issuer_is_never_searched() -> None:
    # CN=certkit Lab Intermediate CA has one RDN, so any shorter issuer filter is foreign
    rules = [MapRule("ZCX", sdn_filter="O=certkit Lab.C=US", idn_filter="CN=Other CA")]
    chosen = select(AMY, rules)
    assert chosen.user_id is None
    assert "IDNFILTER is no trailing part of the issuer's name" in chosen.explain()[-1]


def test_a_partial_issuer_filter_counts_alone_never_with_a_subject_filter() -> None:
    # the lab's CAs have a CN only; a CA name of three RDNs needs a certificate made here
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Example Issuing CA"),
        ]
    )
    key = LAB.key("mapping:example-ca")
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(AMY.subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(AMY.not_valid_before_utc)
        .not_valid_after(AMY.not_valid_after_utc)
        .sign(key, hashes.SHA256())
    )
    paired = MapRule("ZCPAIR", sdn_filter="CN=Amy.OU=Sales.O=certkit Lab.C=US", idn_filter="C=US")
    alone = MapRule("ZCORG", idn_filter="O=Example.C=US")
    chosen = select(certificate, [paired, alone])
    assert chosen.rule is alone and chosen.attempts[-1].step == 6
    assert [a.issuer for a in chosen.attempts if a.step == 6] == ["O=Example.C=US"]
    assert "IRRD146I" in chosen.explain()[-1]


def test_a_certificate_no_filter_names_maps_to_nothing_and_says_why() -> None:
    rules = [
        MapRule("ZCSALES", sdn_filter="OU=Sales.O=certkit Lab.C=US", label="Sales"),
        MapRule("ZCOTHER", idn_filter="CN=Other CA", label="Other CA"),
    ]
    chosen = select(BOB, rules)
    assert chosen.rule is None and chosen.user_id is None
    lines = chosen.explain()
    steps = [int(line.split(",")[0].split()[1]) for line in lines if line.startswith("step ")]
    assert steps == [1, 2, 3, 4, 5, 6]
    assert any("no filter matches" in line for line in lines)
    assert "'Sales' (ZCSALES): SDNFILTER is no trailing part of the subject's name" in lines
    assert "'Other CA' (ZCOTHER): IDNFILTER is no trailing part of the issuer's name" in lines
    tried = [a.subject for a in chosen.attempts if a.step == 4]
    assert tried == ["OU=Support.O=certkit Lab.C=US", "O=certkit Lab.C=US", "C=US"]


def test_every_subset_of_filters_gets_the_first_in_racfs_order() -> None:
    order = [
        MapRule("ZC1", sdn_filter="CN=Amy.OU=Sales.O=certkit Lab.C=US", idn_filter=ISSUER),
        MapRule("ZC2", sdn_filter="OU=Sales.O=certkit Lab.C=US", idn_filter=ISSUER),
        MapRule("ZC3", sdn_filter="C=US", idn_filter=ISSUER),
        MapRule("ZC4", sdn_filter="CN=Amy.OU=Sales.O=certkit Lab.C=US"),
        MapRule("ZC5", sdn_filter="O=certkit Lab.C=US"),
        MapRule("ZC6", sdn_filter="C=US"),
        MapRule("ZC7", idn_filter=ISSUER),
    ]
    for size in range(1, len(order) + 1):
        for subset in itertools.combinations(order, size):
            chosen = select(AMY, list(reversed(subset)))
            assert chosen.rule is subset[0]
            assert {rule for rule, _ in chosen.others} == set(subset[1:])


def test_the_explanation_stops_at_the_first_match_and_names_the_rest() -> None:
    rules = [
        MapRule("ZCLAB", idn_filter=ISSUER, label="Lab CA"),
        MapRule("ZCSTAFF", sdn_filter="O=certkit Lab.C=US", label="Staff"),
    ]
    lines = select(AMY, rules).explain()
    assert lines[-2] == "RACF stops at the first filter found: user ZCSTAFF"
    assert lines[-1] == "'Lab CA' (ZCLAB): would match at step 5; not reached"
    assert not any(line.startswith("step 5") for line in lines)


def test_a_notrust_filter_found_first_names_no_user() -> None:
    rules = [
        MapRule("ZCSTAFF", sdn_filter="O=certkit Lab.C=US", trust=False),
        MapRule("ZCLAB", idn_filter=ISSUER),
    ]
    chosen = select(AMY, rules)
    assert chosen.rule is rules[0] and chosen.user_id is None
    assert "NOTRUST" in "\n".join(chosen.explain())


@pytest.mark.parametrize(
    "value",
    [
        "",
        "CN=" + "x" * 253,
        "CN=a(b",
        "CN=a)b(",
        "CN=a\nb",
        "CN=\x1b[2J",
        "no prefix",
        "=x",
    ],
)
def test_hostile_filters_are_refused_in_one_line(value: str) -> None:
    for kwargs in ({"sdn_filter": value}, {"idn_filter": value}):
        with pytest.raises(InputError) as error:
            MapRule("ZCX", **kwargs)  # type: ignore[arg-type]
        _one_line(error)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"user_id": "TOOLONGID", "sdn_filter": "C=US"},
        {"user_id": "ZC X", "sdn_filter": "C=US"},
        {"user_id": "ZCX"},
        {"user_id": "ZCX", "sdn_filter": "C=US", "label": "x" * 33},
        {"user_id": "ZCX", "sdn_filter": "C=US", "label": "a\tb"},
        {"user_id": "ZCX", "sdn_filter": "C=US", "record": "TOOLONGID"},
    ],
)
def test_rules_racf_cannot_take_are_refused(kwargs: dict[str, str]) -> None:
    with pytest.raises(InputError) as error:
        MapRule(**kwargs)  # type: ignore[arg-type]
    _one_line(error)


def test_names_racf_writes_in_no_verified_way_are_refused() -> None:
    for rdns in (
        [(NameOID.STATE_OR_PROVINCE_NAME, "NY"), (NameOID.COMMON_NAME, "Cy")],
        [(NameOID.COMMON_NAME, "host.example.com")],
        [(NameOID.COMMON_NAME, "bad\x00name")],
    ):
        name = x509.Name([x509.NameAttribute(oid, value) for oid, value in rdns])
        with pytest.raises(InputError) as error:
            racf_dn(name)
        _one_line(error)
    multi = x509.Name(
        [
            x509.RelativeDistinguishedName(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, "Dee"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "X"),
                ]
            )
        ]
    )
    for name in (multi, x509.Name([])):
        with pytest.raises(InputError) as error:
            racf_dn(name)
        _one_line(error)


def test_a_certificate_whose_name_cannot_be_read_is_refused() -> None:
    damaged = bad_inputs.bad_subject_certificate()
    with pytest.raises(InputError) as error:
        select(damaged, [MapRule("ZCX", sdn_filter="C=US")])
    _one_line(error)


def test_the_same_filters_twice_are_refused() -> None:
    long = "O=" + "x" * 253
    rules = [
        MapRule("ZCA", sdn_filter=long, idn_filter=long),
        MapRule("ZCB", sdn_filter=long, idn_filter=long),
    ]
    for call in (lambda: select(AMY, rules), lambda: map_commands(rules)):
        with pytest.raises(InputError) as error:
            call()
        _one_line(error)


def test_racf_commands_pass_the_checker_and_fit_the_record() -> None:
    rules = [
        MapRule("zcamy", sdn_filter="CN=Amy.OU=Sales.O=certkit Lab.C=US", label="Amy's map"),
        MapRule("ZCGRP", sdn_filter="O=certkit Lab.C=US", idn_filter=ISSUER, trust=False),
        MapRule("ZCLAB", idn_filter=ISSUER),
    ]
    lines = map_commands(rules)
    assert check("\n".join(lines)) == []
    assert max(map(len, lines)) <= RECORD_LIMIT
    commands, problems = parse("\n".join(lines))
    assert problems == []
    assert [c.name for c in commands] == ["RACDCERT"] * 3 + ["SETROPTS"]
    first = commands[0]
    assert first.find("ID") is not None and first.find("ID").value == "ZCAMY"  # type: ignore[union-attr]
    assert first.find("WITHLABEL").value == "Amy's map"  # type: ignore[union-attr]
    assert first.find("SDNFILTER").value == rules[0].sdn_filter  # type: ignore[union-attr]
    assert commands[1].find("NOTRUST") is not None and commands[1].find("IDNFILTER")
    assert lines[-1] == "SETROPTS RACLIST(DIGTNMAP) REFRESH"


def test_top_secret_commands_and_acf2_refusal() -> None:
    rules = [
        MapRule("ZCSTAFF", sdn_filter="O=certkit Lab.C=US", label="Staff"),
        MapRule("ZCLAB", idn_filter=ISSUER, record="labca"),
    ]
    lines = map_commands(rules, product="tss")
    commands, problems = parse("\n".join(lines))
    assert problems == [] and max(map(len, lines)) <= RECORD_LIMIT
    assert [c.find("CERTMAP").value for c in commands] == ["MAP01", "LABCA"]  # type: ignore[union-attr]
    assert commands[0].find("SDNFILTR").value == "O=certkit Lab.C=US"  # type: ignore[union-attr]
    assert commands[1].find("IDNFILTR").value == ISSUER  # type: ignore[union-attr]
    for product in ("acf2", "RACF ", "sap"):
        with pytest.raises(InputError) as error:
            map_commands(rules, product=product)
        _one_line(error)


def test_a_filter_too_long_for_one_record_is_refused_not_split() -> None:
    for value in ("O=" + "x" * 80, "O=" + "x" * 253):
        with pytest.raises(InputError) as error:
            map_commands([MapRule("ZCX", sdn_filter=value, idn_filter=value)])
        _one_line(error)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("RACDCERT ID(ZCX) MAP WITHLABEL('x') TRUST", "MAP needs SDNFILTER"),
        ("RACDCERT ID(ZCX) MAP SDNFILTER('') TRUST", "it is empty"),
        ("RACDCERT ID(ZCX) MAP SDNFILTER('Sales')", "IRRD140I"),
        ("RACDCERT ID(ZCX) MAP IDNFILTER('O=" + "x" * 260 + "')", "IRRD142I"),
        ("RACDCERT ID(ZCX) MAP IDNFILTER('O=a(b')", "unbalanced"),
    ],
)
def test_the_checker_knows_the_map_rules(text: str, fragment: str) -> None:
    findings = check(text)
    assert len(findings) == 1 and findings[0].severity == "error"
    assert fragment in findings[0].message


def test_a_name_with_many_rdns_costs_little() -> None:
    rdns = [(NameOID.ORGANIZATIONAL_UNIT_NAME, f"U{n}") for n in range(2000)]
    big = _client(*rdns, label="client:big").certificate
    started = time.perf_counter()
    dn = racf_dn(big.subject)
    assert dn.startswith("OU=U1999.") and dn.endswith(".OU=U0")
    chosen = select(big, [MapRule("ZCX", sdn_filter="OU=U1.OU=U0")])
    assert chosen.user_id == "ZCX" and chosen.attempts[-1].step == 4
    assert len(chosen.attempts) < 200  # only partial names that fit a filter are tried
    assert time.perf_counter() - started < 5
