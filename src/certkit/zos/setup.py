"""The security setup of a z/OS Connect server, as RACF, ACF2 or Top Secret commands.

A [`Setup`][certkit.zos.setup.Setup] describes what the server needs: a local certificate
authority (a root and the intermediate that signs the leaves, as in certkit's lab PKI), the
server's certificate with its host name in the subjectAltName, a client's personal
certificate, the server's key ring with its connections, access to the ring, the CA certificate
exported for distributed clients, a distributed CA added, and the SAF profiles the server and
its callers need. [`Setup.for_lab`][certkit.zos.setup.Setup.for_lab] takes the names from a lab
PKI, so that the same PKI can be built on a laptop (``certkit pki create``) and on z/OS.

[`sections`][certkit.zos.setup.sections] writes the commands for one security product,
[`tso`][certkit.zos.setup.tso] as lines to paste and [`job`][certkit.zos.setup.job] as a
batch job that runs them under the TSO terminal monitor program (IKJEFT01).

Only facts marked VERIFIED in ../shared/reference/ are written:

* RACF: zos-syntax.md sections 0 to 2 (GENCERT with SUBJECTSDN, SIZE(2048), NOTAFTER,
  WITHLABEL, KEYUSAGE, ALTNAME and SIGNWITH as in IBM's GENCERT page and Zowe's ZWEKRING;
  EXPORT and ADD; the refreshes of section 1.12), and zosconnect-security.md section 2.3 for the
  SERVER, APPL and EJBROLE profiles (as in IBM's WSC workshop jobs ZCEERACF and ZCEERSVR).
  RSA keys only: the sizes RACF takes for NISTECC keys are not verified.
* ACF2 and Top Secret: zos-syntax.md section 3, the forms of Zowe's ZWEKRING, for the
  certificates, the ring, its connections and ring access; EXPORT and adding a CA from a data
  set as in Broadcom's ACF2 and Top Secret documentation and Zowe's documentation; for Top
  Secret, the APPL profile as in Broadcom's knowledge base (../notes/acf2-tss-facts.md). What
  no verified source shows (the ACF2 SAF profiles, Top Secret's SERVER and EJBROLE profiles,
  ACF2 name filters) is not written for them; a comment in the output says so.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from cryptography import x509
from cryptography.x509.oid import NameOID

from certkit.certificates.pki import LabPKI
from certkit.certificates.verify import check_ring
from certkit.defaults import (
    CLIENT_LABEL,
    INTERMEDIATE_CA_LABEL,
    ROOT_CA_LABEL,
    SERVER_LABEL,
)
from certkit.errors import InputError, quote
from certkit.zos.keyring import KeyRing, Usage
from certkit.zos.mapping import MapRule, map_commands
from certkit.zos.racf import connect_command, quoted, ring_access_commands, wrap
from certkit.zos.text.commands import LABEL_LIMIT
from certkit.zos.text.serverxml import Generation, as_generation

__all__ = [
    "PRODUCTS",
    "NewCertificate",
    "Product",
    "Section",
    "Setup",
    "job",
    "sections",
    "tso",
]

Product = Literal["racf", "acf2", "tss"]
"""A z/OS external security manager: RACF, CA ACF2 or CA Top Secret."""

PRODUCTS: tuple[Product, ...] = ("racf", "acf2", "tss")


_ID = re.compile(r"[A-Z0-9$#@]{1,8}\Z")  # user IDs, groups, ACF2/TSS record IDs (zos-syntax 0, 3)
_PROFILE_PART = re.compile(r"[A-Za-z0-9$#@_-]{1,64}\Z")
_DSN_QUALIFIER = re.compile(r"[A-Z$#@][A-Z0-9$#@-]{0,7}\Z")
_DOMAIN = re.compile(r"[A-Za-z0-9.-]{1,253}\Z")
_IPV4 = re.compile(r"(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\Z")
# (V) zos-syntax 1.1: the RDNs SUBJECTSDN takes that the lab's names use, RACF's keyword each.
_RDN_KEYWORDS = {
    NameOID.COMMON_NAME: "CN",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "SP",
    NameOID.COUNTRY_NAME: "C",
}
_RSA_SIZE = 2048  # (V) zos-syntax 1.1 example and ZWEKRING; section 3 for ACF2 and TSS


def _user(value: str, what: str) -> str:
    upper = value.upper()
    if not _ID.match(upper):
        raise InputError(f"{what} {quote(value)}: give 1 to 8 characters of A-Z 0-9 $ # @")
    return upper


def _label(value: str) -> str:
    if not value or len(value) > LABEL_LIMIT or not value.isprintable():
        raise InputError(
            f"label {quote(value)}: give 1 to {LABEL_LIMIT} printable characters (RACF's limit)"
        )
    return value


def _dsn(value: str) -> str:
    upper = value.upper()
    parts = upper.split(".")
    if len(upper) > 44 or len(parts) < 2 or not all(_DSN_QUALIFIER.match(p) for p in parts):
        raise InputError(
            f"data set name {quote(value)}: give 2 or more qualifiers of 1 to 8 characters "
            "(A-Z 0-9 $ # @ -, not starting with a digit), 44 at most"
        )
    return upper


@dataclass(frozen=True)
class NewCertificate:
    """A certificate the security product creates (RACDCERT GENCERT).

    Attributes:
        label: Its label (at most 32 characters): what rings and ``serverKeyAlias`` name.
        record: Its record ID for ACF2 and Top Secret (1 to 8 characters, e.g. ``LABROOT``).
        owner: ``CERTAUTH`` for a certificate authority, or the user ID that owns it.
        subject: The subject's RDNs as (RACF keyword, value): ``(("CN", "zcee"),)``.
        signer: The label of the CA certificate that signs it; ``None`` for self-signed.
        not_after: The last day it is valid.
        domain: The DNS name for ALTNAME (RACDCERT takes one), or ``None``.
        ip: The IPv4 address for ALTNAME, or ``None``.
    """

    label: str
    record: str
    owner: str
    subject: tuple[tuple[str, str], ...]
    signer: str | None
    not_after: dt.date
    domain: str | None = None
    ip: str | None = None

    def __post_init__(self) -> None:
        _label(self.label)
        _user(self.record, "record ID")
        if self.owner != "CERTAUTH":
            _user(self.owner, "certificate owner")
        if not self.subject or any(k not in _RDN_KEYWORDS.values() for k, _ in self.subject):
            raise InputError(
                f"certificate {quote(self.label)}: give a subject of CN, OU, O, L, SP and C"
            )
        for keyword, value in self.subject:
            if not value or not value.isprintable() or len(value) > 64:
                raise InputError(
                    f"certificate {quote(self.label)}: {keyword} {quote(value)}: give 1 to 64 "
                    "printable characters"
                )
        if self.domain is not None and not _DOMAIN.match(self.domain):
            raise InputError(f"ALTNAME domain {quote(self.domain)}: give a DNS name")
        if self.ip is not None:
            match = _IPV4.match(self.ip)
            if not match or any(int(part) > 255 for part in match.groups()):
                raise InputError(f"ALTNAME IP {quote(self.ip)}: give an IPv4 address")

    @property
    def is_ca(self) -> bool:
        """Whether it is a certificate authority (owned by CERTAUTH)."""
        return self.owner == "CERTAUTH"


@dataclass(frozen=True)
class Section:
    """A step of the setup: a title and its commands, one line each."""

    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Setup:
    """What a z/OS Connect server's security needs, in one place.

    Attributes:
        server_user: The server's started task user ID; it owns the ring and its certificate.
        ring: The key ring's name (case sensitive).
        ring_record: The ring's record ID for ACF2 and Top Secret (1 to 8 characters).
        certificates: The certificates to create: the CAs first, each before what it signs.
        server_label: Which of them is the server's (connected PERSONAL and DEFAULT).
        client_users: User IDs allowed to call the server's APIs (APPL and EJBROLE access).
        generation: ``zosConnect-2.0`` (the ``zosConnectAccess`` role) or ``zosConnect-3.0``
            (one EJBROLE profile per role of ``application``).
        application: The OpenAPI 3 web application's name (zosConnect-3.0 only).
        roles: The roles its OpenAPI document names (zosConnect-3.0 only).
        profile_prefix: ``safCredentials profilePrefix``: the APPL profile and EJBROLE prefix.
        unauthenticated_user: ``safCredentials unauthenticatedUser``.
        export_dsn: Where the root CA certificate is exported for distributed clients.
        distributed_ca: A CA from outside to trust, as (label, data set name), or ``None``.
        granular: Give ring access with an RDATALIB profile for this ring, not FACILITY.
        acf2_role: The ACF2 role (group) of the server's started task, for ring access.
        distributed_record: The distributed CA's record ID for ACF2 and Top Secret.
        tss_owner: The Top Secret department ACID that owns the APPL profile (a resource is
            owned before it is permitted), or ``None``.
        mappings: Certificate name filters that map client certificates to user IDs
            ([`MapRule`][certkit.zos.mapping.MapRule]); a client certificate owned by a user
            maps to that user without one.
    """

    server_user: str
    ring: str
    ring_record: str
    certificates: tuple[NewCertificate, ...]
    server_label: str
    client_users: tuple[str, ...]
    generation: Generation | str = Generation.V2
    application: str | None = None
    roles: tuple[str, ...] = ()
    profile_prefix: str = "BBGZDFLT"  # (V-wsc) zosconnect-security 2.3, Liberty's default
    unauthenticated_user: str = "WSGUEST"  # (V) zosconnect-security 2.3
    export_dsn: str | None = None
    distributed_ca: tuple[str, str] | None = None
    granular: bool = False
    acf2_role: str | None = None
    mappings: tuple[MapRule, ...] = ()
    distributed_record: str = "DISTCA"
    tss_owner: str | None = None
    _labels: dict[str, NewCertificate] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _user(self.server_user, "server user ID")
        check_ring(self.server_user, self.ring)
        _user(self.ring_record, "ring record ID")
        for user in self.client_users:
            _user(user, "client user ID")
        _user(self.profile_prefix, "profile prefix")
        _user(self.unauthenticated_user, "unauthenticated user ID")
        if self.acf2_role is not None:
            _user(self.acf2_role, "ACF2 role")
        if self.tss_owner is not None:
            _user(self.tss_owner, "Top Secret owner ACID")
        object.__setattr__(self, "generation", as_generation(self.generation))
        if self.generation is Generation.V3:
            if self.application is None or not _PROFILE_PART.match(self.application):
                raise InputError(
                    "zosConnect-3.0: give the web application's name (letters, digits, _ -)"
                )
            for role in self.roles:
                if not _PROFILE_PART.match(role):
                    raise InputError(f"role {quote(role)}: give letters, digits, _ or -")
        labels: dict[str, NewCertificate] = {}
        records: set[str] = set()
        for cert in self.certificates:
            if cert.label in labels or cert.record in records:
                raise InputError(f"certificate {quote(cert.label)}: label or record ID repeated")
            if cert.signer is not None and not (
                cert.signer in labels and labels[cert.signer].is_ca
            ):
                raise InputError(
                    f"certificate {quote(cert.label)}: its signer {quote(cert.signer)} must "
                    "be a CA created before it"
                )
            if cert.signer is not None and cert.not_after > labels[cert.signer].not_after:
                raise InputError(  # (V) zos-syntax 1.1: RACF would mark it NOTRUST
                    f"certificate {quote(cert.label)}: NOTAFTER is later than its signer's; "
                    "RACF would mark it NOTRUST"
                )
            labels[cert.label] = cert
            records.add(cert.record)
        server = labels.get(self.server_label)
        if server is None or server.is_ca or server.owner != self.server_user.upper():
            raise InputError(
                f"server label {quote(self.server_label)}: give a certificate the server user owns"
            )
        if server.domain is None:
            raise InputError(
                "the server certificate needs a domain for ALTNAME: clients check the "
                "subjectAltName, not the CN"
            )
        if self.export_dsn is not None:
            _dsn(self.export_dsn)
        if self.distributed_ca is not None:
            if self.distributed_ca[0] in labels:
                raise InputError(
                    f"distributed CA {quote(self.distributed_ca[0])}: label already used"
                )
            _label(self.distributed_ca[0])
            _dsn(self.distributed_ca[1])
            _user(self.distributed_record, "distributed CA record ID")
            if self.distributed_record in records:
                raise InputError(
                    f"distributed CA record ID {quote(self.distributed_record)}: already used"
                )
        object.__setattr__(self, "_labels", labels)

    @classmethod
    def for_lab(
        cls,
        pki: LabPKI,
        *,
        server_user: str,
        ring: str,
        client_user: str,
        domain: str,
        ca_until: dt.date,
        leaf_until: dt.date,
        **options: object,
    ) -> Setup:
        """The setup that builds the lab PKI's names on z/OS.

        The subjects and labels are the lab's; the server's host name and the dates are given,
        because a lab certificate's dates are a laptop's (and a lab server is ``localhost``).

        Args:
            pki: The lab PKI.
            server_user: The server's started task user ID.
            ring: The key ring's name.
            client_user: The user ID that owns the client certificate (so it maps to it).
            domain: The server's host name, for its CN and ALTNAME.
            ca_until: The last day of the two CA certificates.
            leaf_until: The last day of the server and client certificates.
            **options: Any other [`Setup`][certkit.zos.setup.Setup] attribute.

        Examples:
            >>> import datetime as dt
            >>> from certkit.certificates.pki import Lab
            >>> setup = Setup.for_lab(
            ...     Lab(seed="setup").pki(), server_user="ZCSRV1", ring="ZCEE.Ring",
            ...     client_user="FRED", domain="zcee.example.com",
            ...     ca_until=dt.date(2035, 12, 31), leaf_until=dt.date(2030, 12, 31))
            >>> for cert in setup.certificates:
            ...     print(f"{cert.label:20} {cert.owner:8} {cert.signer}")
            Lab Root CA          CERTAUTH None
            Lab Intermediate CA  CERTAUTH Lab Root CA
            Liberty server       ZCSRV1   Lab Intermediate CA
            Liberty client       FRED     Lab Intermediate CA
        """
        server_user = _user(server_user, "server user ID")
        client_user = _user(client_user, "client user ID")
        certificates = (
            NewCertificate(
                ROOT_CA_LABEL, "LABROOT", "CERTAUTH", _subject(pki.root.certificate), None,
                ca_until,
            ),
            NewCertificate(
                INTERMEDIATE_CA_LABEL, "LABINTER", "CERTAUTH",
                _subject(pki.intermediate.certificate), ROOT_CA_LABEL, ca_until,
            ),
            NewCertificate(
                SERVER_LABEL, "ZCSERVER", server_user, (("CN", domain),),
                INTERMEDIATE_CA_LABEL, leaf_until, domain=domain,
            ),
            NewCertificate(
                CLIENT_LABEL, "ZCCLIENT", client_user, _subject(pki.client.certificate),
                INTERMEDIATE_CA_LABEL, leaf_until,
            ),
        )  # fmt: skip
        settings: dict[str, object] = {
            "server_user": server_user,
            "ring": ring,
            "ring_record": "ZCRING",
            "certificates": certificates,
            "server_label": SERVER_LABEL,
            "client_users": (client_user,),
        }
        settings.update(options)
        return cls(**settings)  # type: ignore[arg-type]

    def certificate(self, label: str) -> NewCertificate:
        """The certificate of that label."""
        return self._labels[label]

    def ring_model(self) -> list[tuple[str, Usage, bool]]:
        """The ring's connections, in the order the commands make them: (label, usage, default).

        The CAs as CERTAUTH, the server's certificate as PERSONAL DEFAULT, then the distributed
        CA as CERTAUTH: it is connected in the step that adds it, which comes after the ring's.
        """
        connections = [(c.label, Usage.CERTAUTH, False) for c in self.certificates if c.is_ca]
        connections.append((self.server_label, Usage.PERSONAL, True))
        if self.distributed_ca is not None:
            connections.append((self.distributed_ca[0], Usage.CERTAUTH, False))
        return connections


def _subject(certificate: x509.Certificate) -> tuple[tuple[str, str], ...]:
    """A lab certificate's subject as SUBJECTSDN's RDNs, most specific first (CN first)."""
    rdns: list[tuple[str, str]] = []
    for attribute in reversed(list(certificate.subject)):
        keyword = _RDN_KEYWORDS.get(attribute.oid)
        if keyword is None or not isinstance(attribute.value, str):
            raise InputError(
                f"subject {quote(certificate.subject.rfc4514_string())}: RACDCERT's SUBJECTSDN "
                "takes CN, OU, O, L, SP and C only"
            )
        rdns.append((keyword, attribute.value))
    return tuple(rdns)


def sections(setup: Setup, product: Product = "racf") -> list[Section]:
    """The setup's commands for one security product, step by step.

    Args:
        setup: What to set up.
        product: ``racf``, ``acf2`` or ``tss``.

    Returns:
        The steps in the order they must run: certificates, ring, ring access, export and
        distributed CA, SAF profiles. For ACF2 and Top Secret, a step their verified source
        does not cover holds one comment line saying so.

    Raises:
        InputError: If the product is not one of the three.
    """
    if product not in PRODUCTS:
        raise InputError(f"product {quote(product)}: give racf, acf2 or tss")
    writer = {"racf": _Racf, "acf2": _Acf2, "tss": _Tss}[product](setup)
    return writer.sections()


def tso(setup: Setup, product: Product = "racf") -> str:
    r"""The commands as lines to paste into TSO (or a batch job's SYSTSIN), each step titled.

    Examples:
        >>> import datetime as dt
        >>> from certkit.certificates.pki import Lab
        >>> setup = Setup.for_lab(
        ...     Lab(seed="setup").pki(), server_user="ZCSRV1", ring="ZCEE.Ring",
        ...     client_user="FRED", domain="zcee.example.com",
        ...     ca_until=dt.date(2035, 12, 31), leaf_until=dt.date(2030, 12, 31))
        >>> print(tso(setup).split("\n\n")[0])
        /* The local certificate authority: root and intermediate */
        RACDCERT CERTAUTH GENCERT SUBJECTSDN(CN('certkit Lab Root CA')) +
          SIZE(2048) NOTAFTER(DATE(2035-12-31)) WITHLABEL('Lab Root CA') +
          KEYUSAGE(CERTSIGN)
        RACDCERT CERTAUTH GENCERT +
          SUBJECTSDN(CN('certkit Lab Intermediate CA')) SIZE(2048) +
          NOTAFTER(DATE(2035-12-31)) WITHLABEL('Lab Intermediate CA') +
          KEYUSAGE(CERTSIGN) SIGNWITH(CERTAUTH LABEL('Lab Root CA'))
    """
    comment = "*" if product == "acf2" else "/*"
    # ACF2's commands run in its ACF subcommand mode, entered as Zowe's ZWEKRING does.
    blocks = ["ACF\n//"] if product == "acf2" else []
    for section in sections(setup, product):
        title = f"* {section.title}" if comment == "*" else f"/* {section.title} */"
        blocks.append("\n".join([title, *section.lines]))
    return "\n\n".join(blocks) + "\n"


def job(setup: Setup, product: Product = "racf", *, name: str = "ZCSECUR") -> str:
    """The commands as a complete batch job: IKJEFT01 with the commands in SYSTSIN.

    The JOB statement's accounting and classes differ from site to site: the job's comments
    say to adapt them. The terminal monitor program returns the last command's return code
    only, so the job ends with a harmless ``PROFILE`` and its comments say to read every
    command's output (zos-syntax.md section 0, VERIFIED in Zowe's ZWEKRING).

    Args:
        setup: What to set up.
        product: ``racf``, ``acf2`` or ``tss``.
        name: The job name (1 to 8 characters).
    """
    name = _user(name, "job name")
    if name[0].isdigit():
        raise InputError(f"job name {quote(name)}: must not start with a digit")
    header = [
        f"//{name:<8} JOB (ACCT),'CERTKIT SETUP',CLASS=A,MSGCLASS=H,",
        "//             NOTIFY=&SYSUID",
        f"//* z/OS Connect security setup for {setup.server_user} ({product.upper()}),",
        "//* written by certkit. Adapt the JOB statement to your site. Only",
        "//* the last command's return code is returned: read the output of",
        "//* every command in SYSTSPRT.",
        "//TSO      EXEC PGM=IKJEFT01,REGION=0M",
        "//SYSTSPRT DD SYSOUT=*",
        # In-stream data after DD * ends at a line starting /* (the comments) or // (ACF2's
        # input): a delimiter of its own, as Zowe's ZWEKRING does.
        "//SYSTSIN  DD DATA,DLM=$$",
    ]
    body = tso(setup, product).rstrip("\n").split("\n")
    if product == "acf2":  # ends with the data, leaving ACF mode (ZWEKRING's ACF2 steps)
        return "\n".join([*header, *body, "$$"]) + "\n"
    return "\n".join([*header, *body, "PROFILE", "$$"]) + "\n"


class _Writer:
    """What the three products share: the setup, and the order of the steps."""

    product: Product = "racf"

    def __init__(self, setup: Setup) -> None:
        self.setup = setup

    def sections(self) -> list[Section]:
        setup = self.setup
        steps = [
            ("The local certificate authority: root and intermediate", self.authority()),
            (f"The server's certificate, owned by {setup.server_user}", self.server()),
            ("Client certificates, each owned by the user it maps to", self.clients()),
        ]
        if setup.mappings:
            steps.append(("Certificate name filters: more certificates to user IDs", self.maps()))
        steps += [
            (f"The key ring {setup.ring} and its connections", self.ring()),
            (f"Let {setup.server_user} read its ring and its private key", self.access()),
            ("The root CA certificate, exported for distributed clients", self.export()),
        ]
        if setup.distributed_ca is not None:
            steps.append(("A distributed CA, added and trusted", self.distributed()))
        steps.append(("SAF profiles for the server and its callers", self.profiles()))
        return [Section(title, tuple(lines)) for title, lines in steps]

    def gencerts(self, certificates: Sequence[NewCertificate]) -> list[str]:
        return [line for cert in certificates for line in self.gencert(cert)]

    def authority(self) -> list[str]:
        return self.gencerts([c for c in self.setup.certificates if c.is_ca])

    def server(self) -> list[str]:
        return self.gencerts([self.setup.certificate(self.setup.server_label)])

    def clients(self) -> list[str]:
        setup = self.setup
        return self.gencerts(
            [c for c in setup.certificates if not c.is_ca and c.label != setup.server_label]
        )

    def gencert(self, cert: NewCertificate) -> list[str]:
        raise NotImplementedError

    def maps(self) -> list[str]:
        return map_commands(self.setup.mappings, self.product)

    def ring(self) -> list[str]:
        raise NotImplementedError

    def access(self) -> list[str]:
        raise NotImplementedError

    def export(self) -> list[str]:
        raise NotImplementedError

    def distributed(self) -> list[str]:
        raise NotImplementedError

    def profiles(self) -> list[str]:
        raise NotImplementedError


class _Racf(_Writer):
    def gencert(self, cert: NewCertificate) -> list[str]:
        owner = "CERTAUTH" if cert.is_ca else f"ID({cert.owner})"
        subject = " ".join(f"{k}({quoted(v)})" for k, v in cert.subject)
        words = [
            "RACDCERT",
            owner,
            "GENCERT",
            f"SUBJECTSDN({subject})",
            f"SIZE({_RSA_SIZE})",
            f"NOTAFTER(DATE({cert.not_after.isoformat()}))",
            f"WITHLABEL({quoted(cert.label)})",
            f"KEYUSAGE({'CERTSIGN' if cert.is_ca else 'HANDSHAKE'})",
        ]
        alternatives = []
        if cert.domain is not None:
            alternatives.append(f"DOMAIN({quoted(cert.domain)})")
        if cert.ip is not None:
            alternatives.append(f"IP({cert.ip})")
        if alternatives:
            words.append(f"ALTNAME({' '.join(alternatives)})")
        if cert.signer is not None:
            words.append(f"SIGNWITH(CERTAUTH LABEL({quoted(cert.signer)}))")
        return wrap(words)

    def ring(self) -> list[str]:
        setup = self.setup
        lines = wrap(["RACDCERT", f"ID({setup.server_user})", f"ADDRING({setup.ring})"])
        for label, usage, default in setup.ring_model():
            if setup.distributed_ca is not None and label == setup.distributed_ca[0]:
                continue  # connected once it is added (distributed)
            lines += connect_command(setup.server_user, setup.ring, label, usage, default=default)
        return [*lines, "SETROPTS RACLIST(DIGTCERT DIGTRING) REFRESH"]

    def access(self) -> list[str]:
        setup = self.setup
        ring = KeyRing(setup.ring, owner=setup.server_user)
        return ring_access_commands(ring, setup.server_user, granular=setup.granular)

    def export(self) -> list[str]:
        return wrap(
            [
                "RACDCERT",
                "CERTAUTH",
                f"EXPORT(LABEL({quoted(_root(self.setup).label)}))",
                f"DSN({quoted(_export_dsn(self.setup))})",
                "FORMAT(CERTB64)",
            ]
        )

    def distributed(self) -> list[str]:
        assert self.setup.distributed_ca is not None
        label, dsn = self.setup.distributed_ca
        return [
            *wrap(
                [
                    "RACDCERT",
                    "CERTAUTH",
                    f"ADD({quoted(_dsn(dsn))})",
                    f"WITHLABEL({quoted(label)})",
                    "TRUST",
                ]
            ),
            *connect_command(self.setup.server_user, self.setup.ring, label, Usage.CERTAUTH),
            "SETROPTS RACLIST(DIGTCERT DIGTRING) REFRESH",
        ]

    def profiles(self) -> list[str]:
        setup = self.setup
        server = setup.server_user
        prefix = setup.profile_prefix
        lines: list[str] = []
        # (V, V-wsc) zosconnect-security 2.3: the SERVER profiles the server ID reads.
        for profile in (
            "BBG.ANGEL",
            "BBG.AUTHMOD.BBGZSAFM",
            "BBG.AUTHMOD.BBGZSAFM.SAFCRED",
            f"BBG.SECPFX.{prefix}",
        ):
            lines += wrap(["RDEFINE", "SERVER", profile, "UACC(NONE)"])
            lines += wrap(["PERMIT", profile, "CLASS(SERVER)", f"ID({server})", "ACCESS(READ)"])
        lines.append("SETROPTS RACLIST(SERVER) REFRESH")
        # (V) zosconnect-security 2.3: APPL <prefix>, READ for the unauthenticated user and
        # every user that may authenticate (WSC job ZCEERACF).
        callers = [setup.unauthenticated_user, *setup.client_users]
        lines += wrap(["RDEFINE", "APPL", prefix, "UACC(NONE)"])
        for user in callers:
            lines += wrap(["PERMIT", prefix, "CLASS(APPL)", f"ID({user})", "ACCESS(READ)"])
        lines.append("SETROPTS RACLIST(APPL) REFRESH")
        # (V) 2.0: <prefix>.zos.connect.access.roles.zosConnectAccess; (V-wsc) 3.0:
        # <prefix>.<application>.<role>: zosconnect-security 3.1 and 3.2.
        if setup.generation is Generation.V2:
            roles = [f"{prefix}.zos.connect.access.roles.zosConnectAccess"]
        else:
            roles = [f"{prefix}.{setup.application}.{role}" for role in setup.roles]
        for profile in roles:
            lines += wrap(["RDEFINE", "EJBROLE", profile, "UACC(NONE)"])
            for user in setup.client_users:
                lines += wrap(["PERMIT", profile, "CLASS(EJBROLE)", f"ID({user})", "ACCESS(READ)"])
        if roles:
            lines.append("SETROPTS RACLIST(EJBROLE) REFRESH")
        return lines


def _mmddyy(day: dt.date) -> str:
    """ACF2's EXPIRE and Top Secret's NADATE: mm/dd/yy, years 1950 to 2049 (zos-syntax 0)."""
    if not 1950 <= day.year <= 2049:
        raise InputError(f"date {day.isoformat()}: ACF2 and Top Secret take 1950 to 2049")
    return day.strftime("%m/%d/%y")


_NOT_VERIFIED = "not written for {product}: no verified source; see RACF's"


def _root(setup: Setup) -> NewCertificate:
    """The self-signed CA: the certificate distributed clients trust."""
    return next(c for c in setup.certificates if c.is_ca and c.signer is None)


def _export_dsn(setup: Setup) -> str:
    return _dsn(setup.export_dsn or f"{setup.server_user}.ROOTCA.PEM")


def _acf2_label(label: str) -> str:
    """ACF2's LABEL(): as ZWEKRING writes it, quoted when it holds a blank (zos-syntax 0)."""
    return f"LABEL({label})" if " " not in label else f"LABEL({quoted(label)})"


class _Acf2(_Writer):
    """ACF2, in the forms of Zowe's ZWEKRING (zos-syntax.md section 3): ``-`` continues."""

    product: Product = "acf2"

    def maps(self) -> list[str]:
        return [f"* name filters {_NOT_VERIFIED.format(product='ACF2')}"]

    def wrap(self, words: list[str]) -> list[str]:
        return [line[:-1] + "-" if line.endswith(" +") else line for line in wrap(words)]

    def gencert(self, cert: NewCertificate) -> list[str]:
        owner = "CERTAUTH" if cert.is_ca else cert.owner
        subject = " ".join(f"{k}={quoted(v)}" for k, v in cert.subject)
        words = [
            "GENCERT",
            f"{owner}.{cert.record}",
            _acf2_label(cert.label),
            f"SIZE({_RSA_SIZE})",
            f"SUBJSDN({subject})",
            f"EXPIRE({_mmddyy(cert.not_after)})",
            f"KEYUSAGE({'CERTSIGN' if cert.is_ca else 'HANDSHAKE'})",
        ]
        alternatives = []
        if cert.ip is not None:
            alternatives.append(f"IP={cert.ip}")
        if cert.domain is not None:
            alternatives.append(f"DOMAIN={cert.domain}")
        if alternatives:
            words.append(f"ALTNAME({' '.join(alternatives)})")
        if cert.signer is not None:
            words.append(f"SIGNWITH(CERTAUTH.{self.setup.certificate(cert.signer).record})")
        return ["SET PROFILE(USER) DIVISION(CERTDATA)", *self.wrap(words)]

    def ring(self) -> list[str]:
        setup = self.setup
        lines = [
            "SET PROFILE(USER) DIVISION(KEYRING)",
            *self.wrap(["INSERT", self.ring_id, f"RINGNAME({setup.ring})"]),
            "F ACF2,REBUILD(USR),CLASS(P),DIVISION(KEYRING)",
            "SET PROFILE(USER) DIVISION(CERTDATA)",
        ]
        for label, usage, default in setup.ring_model():
            if setup.distributed_ca is not None and label == setup.distributed_ca[0]:
                continue  # connected once it is inserted (distributed)
            cert = setup.certificate(label)
            owner = "CERTAUTH" if cert.is_ca else cert.owner
            lines += self.connect(f"{owner}.{cert.record}", usage, default=default)
        return lines

    @property
    def ring_id(self) -> str:
        return f"{self.setup.server_user}.{self.setup.ring_record}"

    def connect(self, record: str, usage: Usage, *, default: bool = False) -> list[str]:
        words = ["CONNECT", f"CERTDATA({record})"]
        if usage is Usage.CERTAUTH:
            words.append(f"RINGNAME({self.setup.ring})")
        words += [f"KEYRING({self.ring_id})", f"USAGE({usage.value})"]
        if default:
            words.append("DEFAULT")
        return self.wrap(words)

    def access(self) -> list[str]:
        role = self.setup.acf2_role
        if role is None:
            return ["* give acf2_role (the started task's role) for ring access"]
        return [
            "SET RESOURCE(FAC)",
            *self.wrap(
                ["RECKEY", "IRR", f"ADD(DIGTCERT.LISTRING ROLE({role})", "SERVICE(READ)", "ALLOW)"]
            ),
            "F ACF2,REBUILD(FAC)",
        ]

    def export(self) -> list[str]:
        # (V) Broadcom's ACF2 EXPORT subcommand: the record key, a quoted (fully qualified)
        # DSNAME, FORMAT(CERTB64); acf2-tss-facts.md E1-E3.
        root = _root(self.setup)
        return [
            "SET PROFILE(USER) DIVISION(CERTDATA)",
            *self.wrap(
                [
                    "EXPORT",
                    f"CERTAUTH.{root.record}",
                    f"DSNAME({quoted(_export_dsn(self.setup))})",
                    "FORMAT(CERTB64)",
                ]
            ),
        ]

    def distributed(self) -> list[str]:
        # (V) INSERT CERTAUTH.record DSNAME('dsn') LABEL(..) TRUST and the rebuilds, as
        # Zowe's documentation writes them; CONNECT as ZWEKRING; acf2-tss-facts.md D1-D2.
        setup = self.setup
        assert setup.distributed_ca is not None
        label, dsn = setup.distributed_ca
        record = f"CERTAUTH.{setup.distributed_record}"
        insert = ["INSERT", record, f"DSNAME({quoted(_dsn(dsn))})", _acf2_label(label), "TRUST"]
        return [
            "SET PROFILE(USER) DIVISION(CERTDATA)",
            *self.wrap(insert),
            "F ACF2,REBUILD(USR),CLASS(P),DIVISION(CERTDATA)",
            *self.connect(record, Usage.CERTAUTH),
            "F ACF2,REBUILD(USR),CLASS(P),DIVISION(KEYRING)",
        ]

    def profiles(self) -> list[str]:
        # acf2-tss-facts.md P6-P8: no verified ACF2 form for these rules.
        return [f"* SAF profiles {_NOT_VERIFIED.format(product='ACF2')}"]


class _Tss(_Writer):
    """Top Secret, in the forms of Zowe's ZWEKRING (zos-syntax.md section 3)."""

    product: Product = "tss"

    def gencert(self, cert: NewCertificate) -> list[str]:
        owner = "CERTAUTH" if cert.is_ca else cert.owner
        subject = " ".join(f'{k}="{v}"' for k, v in cert.subject)
        words = [
            "TSS",
            f"GENCERT({owner})",
            f"DIGICERT({cert.record})",
            f"SUBJECTN({quoted(subject)})",
            f"KEYSIZE({_RSA_SIZE})",
            f"NADATE({_mmddyy(cert.not_after)})",
            f"LABLCERT({quoted(cert.label)})",
            f"KEYUSAGE('{'CERTSIGN' if cert.is_ca else 'HANDSHAKE'}')",
        ]
        if cert.domain is not None:
            words.append(f"ALTNAME('DOMAIN={cert.domain}')")
        if cert.signer is not None:
            words.append(f"SIGNWITH(CERTAUTH,{self.setup.certificate(cert.signer).record})")
        return wrap(words)

    def ring(self) -> list[str]:
        setup = self.setup
        user, record = setup.server_user, setup.ring_record
        lines = wrap(["TSS", f"ADD({user})", f"KEYRING({record})", f"LABLRING({setup.ring})"])
        for label, usage, default in setup.ring_model():
            if setup.distributed_ca is not None and label == setup.distributed_ca[0]:
                continue  # connected once it is added (distributed)
            cert = setup.certificate(label)
            owner = "CERTAUTH" if cert.is_ca else cert.owner
            lines += self.connect(owner, cert.record, usage, default=default)
        return lines

    def connect(self, owner: str, record: str, usage: Usage, *, default: bool = False) -> list[str]:
        setup = self.setup
        words = ["TSS", f"ADD({setup.server_user})", f"KEYRING({setup.ring_record})"]
        if usage is Usage.CERTAUTH:
            words.append(f"LABLRING({setup.ring})")
        words += [f"RINGDATA({owner},{record})", f"USAGE({usage.value})"]
        if default:
            words.append("DEFAULT")
        return wrap(words)

    def access(self) -> list[str]:
        user = self.setup.server_user
        return wrap(["TSS", f"PERMIT({user})", "IBMFAC(IRR.DIGTCERT.LISTRING)", "ACCESS(READ)"])

    def export(self) -> list[str]:
        # (V) Broadcom's TSS EXPORT with FORMAT: the ACID (CERTAUTH is one), DIGICERT, an
        # unquoted DCDSN; acf2-tss-facts.md E4-E5.
        root = _root(self.setup)
        return wrap(
            [
                "TSS",
                "EXPORT(CERTAUTH)",
                f"DIGICERT({root.record})",
                f"DCDSN({_export_dsn(self.setup)})",
                "FORMAT(CERTB64)",
            ]
        )

    def distributed(self) -> list[str]:
        # (V) Broadcom's Cookbook: ADDTO(CERTAUTH) DIGICERT DCDSN (unquoted) LABLCERT TRUST;
        # acf2-tss-facts.md D3-D4.
        setup = self.setup
        assert setup.distributed_ca is not None
        label, dsn = setup.distributed_ca
        record = setup.distributed_record
        add = [
            "TSS",
            "ADDTO(CERTAUTH)",
            f"DIGICERT({record})",
            f"DCDSN({_dsn(dsn)})",
            f"LABLCERT({quoted(label)})",
            "TRUST",
        ]
        return [*wrap(add), *self.connect("CERTAUTH", record, Usage.CERTAUTH)]

    def profiles(self) -> list[str]:
        setup = self.setup
        lines = ["/* SERVER, EJBROLE not written for TSS: no verified source */"]
        # (V) Broadcom KB 39863: the APPL profile owned, then permitted (READ is the default
        # access; no refresh is needed); acf2-tss-facts.md P1-P2.
        if setup.tss_owner is None:
            return [*lines, "/* give tss_owner (the ACID that owns APPL) for APPL access */"]
        prefix = setup.profile_prefix
        lines += wrap(["TSS", f"ADD({setup.tss_owner})", f"APPL({prefix})"])
        for user in (setup.unauthenticated_user, *setup.client_users):
            lines += wrap(["TSS", f"PERMIT({user})", f"APPL({prefix})"])
        return lines
