"""The security setup as RACF, ACF2 and Top Secret commands (certkit.zos.setup)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from certkit.certificates.pki import Lab
from certkit.errors import InputError
from certkit.zos.keyring import KeyRing
from certkit.zos.racf import RECORD_LIMIT
from certkit.zos.setup import PRODUCTS, Setup, job, sections, tso
from certkit.zos.text import jcl
from certkit.zos.text.commands import check
from certkit.zos.text.tso import parse

PKI = Lab(seed="setup").pki()
CA_UNTIL = dt.date(2035, 12, 31)
LEAF_UNTIL = dt.date(2030, 12, 31)


def lab_setup(**options: Any) -> Setup:
    settings: dict[str, Any] = {
        "server_user": "ZCSRV1",
        "ring": "ZCEE.Ring",
        "client_user": "FRED",
        "domain": "zcee.example.com",
        "ca_until": CA_UNTIL,
        "leaf_until": LEAF_UNTIL,
    }
    return Setup.for_lab(PKI, **(settings | options))


VARIANTS = {
    "2.0": lab_setup(),
    "3.0": lab_setup(generation="zosConnect-3.0", application="cicsAPI", roles=("Staff",)),
    "granular": lab_setup(granular=True, distributed_ca=("Partner CA", "ZCSRV1.PARTNER.PEM")),
    "acf2 role": lab_setup(acf2_role="STCGRP"),
    "partner": lab_setup(
        acf2_role="STCGRP",
        tss_owner="ZCDEPT",
        distributed_ca=("Partner CA", "ZCSRV1.PARTNER.PEM"),
        export_dsn="ZCSRV1.LABROOT.PEM",
    ),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_racf_commands_pass_the_validator(variant: str) -> None:
    text = tso(VARIANTS[variant])
    assert check(text) == []
    commands, problems = parse(text)
    assert problems == [] and len(commands) > 20


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_line_fits_a_systsin_record(product: str, variant: str) -> None:
    for text in (tso(VARIANTS[variant], product), job(VARIANTS[variant], product)):  # type: ignore[arg-type]
        assert max(len(line) for line in text.splitlines()) <= RECORD_LIMIT, text


def test_the_ring_is_the_one_the_lab_models() -> None:
    """Built both ways: the RACF ring holds the labels, usages and default of the lab's ring."""
    lab_ring = KeyRing.for_lab(PKI, name="ZCEE.Ring", owner="ZCSRV1")
    assert VARIANTS["2.0"].ring_model() == [(e.label, e.usage, e.default) for e in lab_ring]


def test_the_lab_names_reach_the_commands() -> None:
    text = tso(VARIANTS["2.0"])
    root = PKI.root.certificate.subject.rfc4514_string().removeprefix("CN=")
    assert f"SUBJECTSDN(CN('{root}'))" in text
    assert "ALTNAME(DOMAIN('zcee.example.com'))" in text
    assert "SIGNWITH(CERTAUTH LABEL('Lab Intermediate CA'))" in text
    assert "RACDCERT ID(FRED) GENCERT" in text  # the client's user owns it: it maps to FRED


def test_each_generation_gets_its_role_profiles() -> None:
    v2, v3 = tso(VARIANTS["2.0"]), tso(VARIANTS["3.0"])
    assert "BBGZDFLT.zos.connect.access.roles.zosConnectAccess" in v2
    assert "zosConnectAccess" not in v3
    assert "RDEFINE EJBROLE BBGZDFLT.cicsAPI.Staff UACC(NONE)" in v3
    for text in (v2, v3):
        assert "RDEFINE SERVER BBG.SECPFX.BBGZDFLT UACC(NONE)" in text
        assert "PERMIT BBGZDFLT CLASS(APPL) ID(WSGUEST) ACCESS(READ)" in text


def test_granular_access_and_a_distributed_ca() -> None:
    text = tso(VARIANTS["granular"])
    assert "PERMIT ZCSRV1.ZCEE.RING.LST CLASS(RDATALIB) ID(ZCSRV1) ACCESS(READ)" in text
    assert "ADD('ZCSRV1.PARTNER.PEM') WITHLABEL('Partner CA')" in text
    assert "CONNECT(CERTAUTH LABEL('Partner CA')" in text


def test_acf2_and_tss_write_zowes_forms_and_say_what_they_leave_out() -> None:
    acf2 = tso(VARIANTS["acf2 role"], "acf2")
    assert acf2.startswith("ACF\n//\n")
    assert "INSERT ZCSRV1.ZCRING RINGNAME(ZCEE.Ring)" in acf2
    assert "RECKEY IRR ADD(DIGTCERT.LISTRING ROLE(STCGRP) SERVICE(READ) ALLOW)" in acf2
    assert "* SAF profiles not written for ACF2" in acf2
    assert "EXPORT CERTAUTH.LABROOT DSNAME('ZCSRV1.ROOTCA.PEM') FORMAT(CERTB64)" in acf2
    tss = tso(VARIANTS["2.0"], "tss")
    assert "TSS ADD(ZCSRV1) KEYRING(ZCRING) LABLRING(ZCEE.Ring)" in tss
    assert "NADATE(12/31/30)" in tss and "SIGNWITH(CERTAUTH,LABINTER)" in tss
    assert "TSS EXPORT(CERTAUTH) DIGICERT(LABROOT) DCDSN(ZCSRV1.ROOTCA.PEM) +" in tss
    assert "/* SERVER, EJBROLE not written for TSS: no verified source */" in tss
    assert "/* give tss_owner (the ACID that owns APPL) for APPL access */" in tss
    assert "APPL(" not in tss.replace("owns APPL", "")


def test_acf2_exports_and_adds_a_ca_as_broadcom_and_zowe_write_it() -> None:
    """acf2-tss-facts.md E1-E3, D1-D2: EXPORT, INSERT CERTAUTH, rebuild, CONNECT."""
    steps = {s.title: s.lines for s in sections(VARIANTS["partner"], "acf2")}
    assert steps["The root CA certificate, exported for distributed clients"] == (
        "SET PROFILE(USER) DIVISION(CERTDATA)",
        "EXPORT CERTAUTH.LABROOT DSNAME('ZCSRV1.LABROOT.PEM') FORMAT(CERTB64)",
    )
    assert steps["A distributed CA, added and trusted"] == (
        "SET PROFILE(USER) DIVISION(CERTDATA)",
        "INSERT CERTAUTH.DISTCA DSNAME('ZCSRV1.PARTNER.PEM') -",
        "  LABEL('Partner CA') TRUST",
        "F ACF2,REBUILD(USR),CLASS(P),DIVISION(CERTDATA)",
        "CONNECT CERTDATA(CERTAUTH.DISTCA) RINGNAME(ZCEE.Ring) -",
        "  KEYRING(ZCSRV1.ZCRING) USAGE(CERTAUTH)",
        "F ACF2,REBUILD(USR),CLASS(P),DIVISION(KEYRING)",
    )
    ring = "\n".join(steps["The key ring ZCEE.Ring and its connections"])
    assert "DISTCA" not in ring  # connected only once it is inserted


def test_tss_exports_adds_a_ca_and_permits_appl_as_broadcom_writes_it() -> None:
    """acf2-tss-facts.md E4-E5, D3-D4, P1-P3."""
    steps = {s.title: s.lines for s in sections(VARIANTS["partner"], "tss")}
    assert steps["The root CA certificate, exported for distributed clients"] == (
        "TSS EXPORT(CERTAUTH) DIGICERT(LABROOT) DCDSN(ZCSRV1.LABROOT.PEM) +",
        "  FORMAT(CERTB64)",
    )
    assert steps["A distributed CA, added and trusted"] == (
        "TSS ADDTO(CERTAUTH) DIGICERT(DISTCA) DCDSN(ZCSRV1.PARTNER.PEM) +",
        "  LABLCERT('Partner CA') TRUST",
        "TSS ADD(ZCSRV1) KEYRING(ZCRING) LABLRING(ZCEE.Ring) +",
        "  RINGDATA(CERTAUTH,DISTCA) USAGE(CERTAUTH)",
    )
    assert steps["SAF profiles for the server and its callers"] == (
        "/* SERVER, EJBROLE not written for TSS: no verified source */",
        "TSS ADD(ZCDEPT) APPL(BBGZDFLT)",
        "TSS PERMIT(WSGUEST) APPL(BBGZDFLT)",
        "TSS PERMIT(FRED) APPL(BBGZDFLT)",
    )
    ring = "\n".join(steps["The key ring ZCEE.Ring and its connections"])
    assert "DISTCA" not in ring


def test_the_job_runs_the_commands_under_ikjeft01() -> None:
    text = job(VARIANTS["2.0"], name="ZCSEC1")
    lines = text.splitlines()
    assert lines[0].startswith("//ZCSEC1   JOB ")
    assert "//TSO      EXEC PGM=IKJEFT01,REGION=0M" in lines
    # DD DATA with a delimiter: a /* comment in column 1 would end DD * data
    start = lines.index("//SYSTSIN  DD DATA,DLM=$$") + 1
    assert lines[-2:] == ["PROFILE", "$$"]
    assert check("\n".join(lines[start:-1])) == []
    assert jcl.check(text) == []


@pytest.mark.parametrize("product", PRODUCTS)
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_job_passes_the_jcl_checks(product: str, variant: str) -> None:
    assert jcl.check(job(VARIANTS[variant], product)) == []  # type: ignore[arg-type]


def test_the_steps_come_in_the_order_they_must_run() -> None:
    titles = [s.title for s in sections(VARIANTS["granular"])]
    assert titles[0].startswith("The local certificate authority")
    assert titles[-1].startswith("SAF profiles")
    assert titles.index("The key ring ZCEE.Ring and its connections") < titles.index(
        "Let ZCSRV1 read its ring and its private key"
    )


@pytest.mark.parametrize(
    "change",
    [
        {"server_user": "TOOLONGID"},
        {"server_user": "ZC SRV"},
        {"ring": "has blank"},
        {"ring_record": "TOOLONGID"},
        {"client_users": ("FRED\x1b",)},
        {"profile_prefix": ""},
        {"generation": "zosConnect-4.0"},
        {"generation": "zosConnect-3.0", "application": None},
        {"generation": "zosConnect-3.0", "application": "app", "roles": ("a b",)},
        {"export_dsn": "NOQUALIFIER"},
        {"export_dsn": "A." + "B" * 9},
        {"distributed_ca": ("x" * 33, "A.B")},
        {"distributed_ca": ("Lab Root CA", "A.B")},
        {"distributed_ca": ("Partner CA", "A.B"), "distributed_record": "LABROOT"},
        {"distributed_ca": ("Partner CA", "A.B"), "distributed_record": "TOOLONGID"},
        {"tss_owner": "ZC DEPT"},
        {"server_label": "Lab Root CA"},
        {"server_label": "no such label"},
    ],
)
def test_what_cannot_be_set_up_is_refused_in_one_line(change: dict[str, Any]) -> None:
    with pytest.raises(InputError) as error:
        dataclasses.replace(VARIANTS["2.0"], **change)
    message = str(error.value)
    assert "\n" not in message and len(message) <= 200 and "\x1b" not in message


def test_a_leaf_outliving_its_ca_is_refused() -> None:
    """RACF marks such a certificate NOTRUST (zos-syntax.md section 1.1)."""
    with pytest.raises(InputError, match="NOTRUST"):
        lab_setup(leaf_until=dt.date(2036, 1, 1))


def test_dates_outside_acf2_and_tss_range_are_refused() -> None:
    late = lab_setup(ca_until=dt.date(2060, 1, 1))
    assert check(tso(late)) == []
    for product in ("acf2", "tss"):
        with pytest.raises(InputError, match="1950 to 2049"):
            tso(late, product)  # type: ignore[arg-type]


def test_an_unknown_product_is_refused() -> None:
    with pytest.raises(InputError, match="racf, acf2 or tss"):
        sections(VARIANTS["2.0"], "rscs")  # type: ignore[arg-type]


def test_name_filters_join_the_setup() -> None:
    from certkit.zos.mapping import MapRule

    rules = (MapRule("ZCUSERS", sdn_filter="CN=certkit lab client", label="Lab clients"),)
    setup = lab_setup(mappings=rules)
    racf = tso(setup)
    assert "RACDCERT ID(ZCUSERS) MAP WITHLABEL('Lab clients') TRUST +" in racf
    assert "SETROPTS RACLIST(DIGTNMAP) REFRESH" in racf and check(racf) == []
    assert "TSS ADD(ZCUSERS) CERTMAP(" in tso(setup, "tss")
    assert "* name filters not written for ACF2" in tso(setup, "acf2")


def test_the_generated_setup_builds_the_lab_ring_when_applied() -> None:
    """The whole RACF setup, run through certkit.zos.rings, builds the ring the lab models."""
    from certkit.zos.rings import apply, catalogue_for_lab

    partner = Lab(seed="partner").pki().root
    setup = VARIANTS["granular"]
    catalogue = catalogue_for_lab(
        PKI, server_user="ZCSRV1", client_user="FRED", cas={"Partner CA": partner}
    )
    applied = apply(tso(setup), catalogue)
    assert not applied.findings
    ring = applied.ring("ZCSRV1", "ZCEE.Ring")
    assert [(e.label, e.usage, e.default) for e in ring] == setup.ring_model()
    assert ring.default().certificate == PKI.server.certificate


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_distributed_ca_is_added_before_it_is_connected(product: str) -> None:
    text = tso(VARIANTS["granular"], product)  # type: ignore[arg-type]
    added = {
        "racf": "ADD('ZCSRV1.PARTNER.PEM')",
        "acf2": "INSERT CERTAUTH.",
        "tss": "ADDTO(CERTAUTH)",
    }
    connected = {
        "racf": "LABEL('Partner CA') +",
        "acf2": "CERTDATA(CERTAUTH.DISTCA)",
        "tss": "RINGDATA(CERTAUTH,DISTCA)",
    }
    assert text.index(added[product]) < text.index(connected[product]), text
