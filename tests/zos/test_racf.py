"""RACF commands from the key ring model (work in progress, issue 11): the validator accepts them."""

from __future__ import annotations

import pytest

from certkit.certificates.pki import Lab
from certkit.errors import InputError
from certkit.zos.keyring import KeyRing
from certkit.zos.racf import RECORD_LIMIT, ring_access_commands, ring_commands
from certkit.zos.text.commands import check
from certkit.zos.text.tso import parse

PKI = Lab(seed="racf").pki()


def test_the_lab_rings_commands_pass_the_validator_and_fit_the_record() -> None:
    for client in (False, True):
        lines = ring_commands(KeyRing.for_lab(PKI, client=client))
        assert check("\n".join(lines)) == []
        assert max(len(line) for line in lines) <= RECORD_LIMIT


def test_the_commands_say_what_the_model_holds() -> None:
    ring = KeyRing("ZCEE.Ring", owner="zcsrv1")
    ring.connect(PKI.root, label="Frank's Root", usage="CERTAUTH")
    ring.connect(PKI.server, label="Server", default=True)
    commands, problems = parse("\n".join(ring_commands(ring)))
    assert problems == []
    connects = [c.find("CONNECT") for c in commands]
    assert [o.values for o in connects if o] == [("CERTAUTH",), ("DEFAULT",)]
    owned = [o.operands[0] for o in connects if o and o.operands[0].keyword == "ID"]
    assert [o.value for o in owned] == ["ZCSRV1"]  # the server's certificate is the owner's
    labels = [next(i.value for i in o.operands if i.keyword == "LABEL") for o in connects if o]
    assert labels == ["Frank's Root", "Server"]


def test_what_racf_cannot_take_is_refused() -> None:
    for owner, name, label in (
        ("TOOLONGID", "R", "L"),
        ("ZCSRV1", "Odd's.Ring", "L"),
        ("ZCSRV1", "R", "x" * 33),
    ):
        ring = KeyRing(name, owner=owner)
        ring.connect(PKI.root, label=label, usage="CERTAUTH")
        with pytest.raises(InputError):
            ring_commands(ring)


def test_ring_access_commands_parse_and_say_who_may_read() -> None:
    ring = KeyRing("ZCEE.Ring", owner="ZCSRV1")
    own = ring_access_commands(ring, "zcsrv1")
    other = ring_access_commands(ring, "LIBSRV")
    granular = ring_access_commands(ring, "ZCSRV1", granular=True)
    for lines in (own, other, granular):
        commands, problems = parse("\n".join(lines))
        assert problems == [] and max(map(len, lines)) <= RECORD_LIMIT
        assert commands[-1].name == "SETROPTS" and commands[-1].find("REFRESH")
    assert "ACCESS(READ)" in " ".join(own) and "ACCESS(UPDATE)" in " ".join(other)
    assert "RDEFINE RDATALIB ZCSRV1.ZCEE.RING.LST UACC(NONE)" in granular
    with pytest.raises(InputError):
        ring_access_commands(ring, "NOT A USER")
