"""RACF commands generated from certkit's key ring model (work in progress for issue 11).

[`ring_commands`][certkit.zos.racf.ring_commands] writes the TSO commands that build a
[`KeyRing`][certkit.zos.keyring.KeyRing] on z/OS: ADDRING, one CONNECT per certificate and the
DIGTRING refresh. Facts used, from ../shared/reference/zos-syntax.md:

* ``RACDCERT ID(owner) ADDRING(ring)`` and ``CONNECT(owner LABEL('label') RING(ring)
  [DEFAULT] USAGE(...))``, where the owner inside CONNECT names whose certificate it is: a CA
  certificate is CERTAUTH's (section 1.5, 1.6, VERIFIED);
* ``SETROPTS RACLIST(DIGTRING) REFRESH`` after ring changes (section 1.12, VERIFIED);
* continuation with `` +`` at the end of a line, never inside a quoted value, and records of
  at most 71 characters (section 0; the limit is conservative product knowledge);
* labels quoted, an apostrophe doubled inside (section 0).

Every command it writes passes [`certkit.zos.text.commands.check`][certkit.zos.text.commands.check].
"""

from __future__ import annotations

from certkit.certificates.verify import check_ring
from certkit.errors import InputError, quote
from certkit.zos.keyring import KeyRing, Usage
from certkit.zos.text.commands import LABEL_LIMIT

__all__ = [
    "RECORD_LIMIT",
    "connect_command",
    "quoted",
    "ring_access_commands",
    "ring_commands",
    "wrap",
]

RECORD_LIMIT = 71
"""The longest line written (SYSTSIN records; zos-syntax.md section 0)."""


def quoted(value: str) -> str:
    """A TSO quoted value: in apostrophes, an apostrophe inside doubled.

    Examples:
        >>> quoted("Frank's CA")
        "'Frank''s CA'"
    """
    return "'" + value.replace("'", "''") + "'"


def wrap(words: list[str], *, indent: int = 2) -> list[str]:
    """One command's words as lines of at most `RECORD_LIMIT`, continued with `` +``.

    A word (a keyword with its parenthesised value) is never split, so a quoted value never
    spans lines.

    Examples:
        >>> wrap(["RACDCERT", "ID(ZCSRV1)", "ADDRING(ZCEE.Ring)"])
        ['RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)']
    """
    lines: list[str] = []
    current = words[0]
    for word in words[1:]:
        if len(current) + 1 + len(word) + 2 <= RECORD_LIMIT:
            current = f"{current} {word}"
        else:
            lines.append(f"{current} +")
            current = " " * indent + word
    lines.append(current)
    return lines


def ring_commands(ring: KeyRing) -> list[str]:
    r"""The commands that build ``ring`` on z/OS, one line each (continued lines end in `` +``).

    Args:
        ring: The ring, its owner and its connected certificates.

    Returns:
        The lines: ADDRING, a CONNECT per certificate in the ring's order, the refresh.

    Raises:
        InputError: If the owner is not a RACF user ID, the ring name not a ring name, or a
            label longer than 32 characters.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> pki = Lab(seed="racf").pki()
        >>> ring = KeyRing.for_lab(pki, name="ZCEE.Ring", owner="ZCSRV1")
        >>> print("\n".join(ring_commands(ring)))
        RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)
        RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH LABEL('Lab Root CA') +
          RING(ZCEE.Ring) USAGE(CERTAUTH))
        RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH LABEL('Lab Intermediate CA') +
          RING(ZCEE.Ring) USAGE(CERTAUTH))
        RACDCERT ID(ZCSRV1) CONNECT(ID(ZCSRV1) LABEL('Liberty server') +
          RING(ZCEE.Ring) DEFAULT USAGE(PERSONAL))
        SETROPTS RACLIST(DIGTRING) REFRESH
    """
    owner, name = check_ring(ring.owner, ring.name)
    for entry in ring:
        if len(entry.label) > LABEL_LIMIT:
            raise InputError(
                f"label {quote(entry.label)}: {len(entry.label)} characters; RACF takes at "
                f"most {LABEL_LIMIT}"
            )
    lines = wrap(["RACDCERT", f"ID({owner})", f"ADDRING({name})"])
    for entry in ring:
        lines += connect_command(owner, name, entry.label, entry.usage, default=entry.default)
    lines.append("SETROPTS RACLIST(DIGTRING) REFRESH")
    return lines


def connect_command(
    owner: str, ring: str, label: str, usage: Usage, *, default: bool = False
) -> list[str]:
    r"""One ``RACDCERT CONNECT``: a certificate onto ``owner``'s ring, wrapped.

    A CERTAUTH connection names a CA certificate (CERTAUTH's); any other names the ring
    owner's own certificate (zos-syntax.md section 1.6, VERIFIED).

    Examples:
        >>> lines = connect_command("ZCSRV1", "ZCEE.Ring", "Server", Usage.PERSONAL)
        >>> print("\n".join(lines))
        RACDCERT ID(ZCSRV1) CONNECT(ID(ZCSRV1) LABEL('Server') +
          RING(ZCEE.Ring) USAGE(PERSONAL))
    """
    cert_owner = "CERTAUTH" if usage is Usage.CERTAUTH else f"ID({owner})"
    words = ["RACDCERT", f"ID({owner})", f"CONNECT({cert_owner}", f"LABEL({quoted(label)})"]
    words.append(f"RING({ring})")
    if default:
        words.append("DEFAULT")
    words.append(f"USAGE({usage.value}))")
    return wrap(words)


def ring_access_commands(ring: KeyRing, user: str, *, granular: bool = False) -> list[str]:
    r"""The commands that let ``user`` (a server's started task) read ``ring`` and its key.

    Two ways, both from zos-syntax.md section 2 (VERIFIED against IBM's R_datalib pages and
    Zowe's ZWEKRING and ZWEIKRR1):

    * global (FACILITY): ``IRR.DIGTCERT.LISTRING`` and ``IRR.DIGTCERT.LIST``, READ to read
      your own ring, UPDATE to read another user's; a private key comes back only from your own
      certificate connected as PERSONAL;
    * granular (RDATALIB): ``<OWNER>.<RING>.LST`` (owner and ring name in upper case), READ to
      read the ring and your own private key; RDATALIB active and RACLISTed.

    The RDEFINE commands fail harmlessly with a message when the profile exists already. A
    server that reads another user's ring this way gets its certificates but not the owner's
    private keys: a server's own certificate belongs on a ring the server's user ID owns.

    Args:
        ring: The ring (its owner and name).
        user: The user ID that reads it (the Liberty or z/OS Connect server's).
        granular: Use an RDATALIB profile for this ring instead of the FACILITY profiles.

    Returns:
        The lines, the refresh last.

    Raises:
        InputError: If ``user``, the owner or the ring name cannot be what RACF takes.

    Examples:
        >>> ring = KeyRing(name="ZCEE.Ring", owner="ZCSRV1")
        >>> print("\n".join(ring_access_commands(ring, "zcsrv1", granular=True)))
        SETROPTS CLASSACT(RDATALIB) RACLIST(RDATALIB)
        RDEFINE RDATALIB ZCSRV1.ZCEE.RING.LST UACC(NONE)
        PERMIT ZCSRV1.ZCEE.RING.LST CLASS(RDATALIB) ID(ZCSRV1) ACCESS(READ)
        SETROPTS RACLIST(RDATALIB) REFRESH
    """
    owner, name = check_ring(ring.owner, ring.name)
    reader, _ = check_ring(user, name)
    if granular:
        profile = f"{owner}.{name.upper()}.LST"
        return [
            "SETROPTS CLASSACT(RDATALIB) RACLIST(RDATALIB)",
            *wrap(["RDEFINE", "RDATALIB", profile, "UACC(NONE)"]),
            *wrap(["PERMIT", profile, "CLASS(RDATALIB)", f"ID({reader})", "ACCESS(READ)"]),
            "SETROPTS RACLIST(RDATALIB) REFRESH",
        ]
    access = "READ" if reader == owner else "UPDATE"
    lines: list[str] = []
    for profile in ("IRR.DIGTCERT.LISTRING", "IRR.DIGTCERT.LIST"):
        lines += wrap(["RDEFINE", "FACILITY", profile, "UACC(NONE)"])
    for profile in ("IRR.DIGTCERT.LISTRING", "IRR.DIGTCERT.LIST"):
        lines += wrap(["PERMIT", profile, "CLASS(FACILITY)", f"ID({reader})", f"ACCESS({access})"])
    lines.append("SETROPTS RACLIST(FACILITY) REFRESH")
    return lines
