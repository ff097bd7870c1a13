"""Liberty trace for z/OS Connect: the include files, and the MODIFY commands around them.

[`include_file`][certkit.zos.trace.include_file] writes a trace include file: a complete
``<server>`` document (zos-syntax.md section 4.9, VERIFIED) whose ``<logging>`` element holds
the specification one element a line, each line break right after a ``:``. XML turns the line
break and indent into blanks before the next component name, and Liberty trims blanks around
each piece (section 4.8, VERIFIED from Liberty's source); the WSC files split their
specifications the same way (zosconnect-security.md section 4.3). A break anywhere else, such
as between ``=`` and a level, would break the level, so the generator never writes one. The
lines fit the course's page (78 columns). The zosConnect-2.0 files carry the specifications
of IBM's WSC workshop files (``safTrace.xml``, ``cicsTrace.xml``, ``imsTrace.xml``;
zosconnect-security.md section 4.3); the zosConnect-3.0 files put in the component names of
IBM's trace component table (section 4.2) and leave out what has no zosConnect-3.0 name. The
TLS file is IBM's TLS debugging specification, the same for both generations.

[`modify_commands`][certkit.zos.trace.modify_commands] gives the MVS commands that turn trace
on and off (``F job,LOGGING='...'``) and, only when the server's configuration has
``updateTrigger="mbean"``, ``F job,REFRESH,CONFIG`` after the include file is added or
removed: by default Liberty polls its configuration and needs no command (zosconnect-security
section 4.4).
"""

from __future__ import annotations

import re
import textwrap
from typing import Any, Literal
from xml.sax.saxutils import quoteattr

from certkit.certificates.verify import check_ring
from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.zos.text.serverxml import Generation, as_generation
from certkit.zos.text.tracespec import CONSOLE_LIMIT, check

__all__ = [
    "VARIANTS",
    "UpdateTrigger",
    "gsk_ctrace_commands",
    "include_file",
    "modify_commands",
    "mustgather_commands",
    "recipe",
]

VARIANTS = ("saf", "cics", "ims", "tls")
"""The include files: SAF security, CICS, IMS and TLS."""

UpdateTrigger = Literal["polled", "mbean"]
"""How the server notices configuration changes (``<config updateTrigger=...>``)."""

_WIDTH = 78  # the course's code column (CONTRIBUTING.md, house rule 4)
_NAME = re.compile(r"[A-Z$#@][A-Z0-9$#@]{0,7}")  # an MVS job or procedure name
_JOB = re.compile(rf"{_NAME.pattern}(\.{_NAME.pattern})?")  # jobname.identifier


def _data() -> dict[str, Any]:
    data: dict[str, Any] = read_json("liberty_trace.json")
    return data


def recipe(variant: str, generation: Generation | str) -> dict[str, Any]:
    """The recipe of an include file: file name, spec, mark, source, note, what was left out.

    Raises:
        InputError: If ``variant`` is not one of ``VARIANTS``, or ``generation`` names
            neither generation.

    Examples:
        >>> recipe("cics", "3.0")["spec"]
        'zosConnectCics=all:zosConnectCore=all'
    """
    wanted = as_generation(generation)
    if variant not in VARIANTS:
        raise InputError(f"trace include file {quote(variant, 20)}: give saf, cics, ims or tls")
    entry: dict[str, Any] = _data()["include_files"][wanted.value][variant]
    return entry


def include_file(variant: str, generation: Generation | str) -> str:
    """A trace include file: a ``<server>`` document, the specification one element a line.

    The zosConnect-2.0 SAF, CICS and IMS specifications are as in IBM's WSC workshop files;
    the zosConnect-3.0 ones use the zosConnect-3.0 component names (zosconnect-security.md
    sections 4.2 and 4.3); a comment says which, and what was left out.

    Args:
        variant: ``saf``, ``cics``, ``ims`` or ``tls``.
        generation: ``zosConnect-2.0`` or ``zosConnect-3.0`` (or ``"2.0"``, ``"3.0"``).

    Returns:
        The file's text, ending with a newline.

    Raises:
        InputError: If ``variant`` or ``generation`` is unknown.

    Examples:
        >>> for line in include_file("ims", "3.0").splitlines()[-3:-1]:
        ...     print(line)
            <logging traceSpecification="zosConnectIms=all:
                zosConnectCore=all"/>
    """
    entry = recipe(variant, generation)
    wanted = as_generation(generation)
    note = entry["note"].replace("--", "-")
    comment = textwrap.fill(
        f"{entry['file']} for {wanted.value}: {note}",
        width=_WIDTH - len(" -->"),
        initial_indent="    <!-- ",
        subsequent_indent="         ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    # zos-syntax.md 4.8 (V): blanks around a piece are trimmed, so a break after ":" is safe.
    value = quoteattr(entry["spec"])
    spec = value.replace(":", ":\n        ")
    return f"<server>\n{comment} -->\n    <logging traceSpecification={spec}/>\n</server>\n"


def _note(text: str) -> list[str]:
    """A note as ``/* ... */`` lines that fit the page, each closed on its own line."""
    pieces = textwrap.wrap(text, _WIDTH - len("/*  */"), break_long_words=False)
    return [f"/* {piece} */" for piece in pieces]


def modify_commands(
    server_job: str,
    spec: str | None = None,
    update_trigger: UpdateTrigger = "polled",
) -> list[str]:
    """The MVS commands that turn trace on and off, with notes (``/* ... */``) between them.

    With ``spec``: ``F job,LOGGING='spec'`` turns it on until the server restarts, and
    ``F job,LOGGING='*=info'`` turns it off (zos-syntax.md section 4.10). Without ``spec``
    the trace comes from an include file: with the default ``updateTrigger="polled"`` the
    configuration monitor picks the file up when it is added or removed and no command is
    needed; with ``updateTrigger="mbean"`` each change needs ``F job,REFRESH,CONFIG``
    (zosconnect-security.md section 4.4).

    Args:
        server_job: The server's job name, or ``jobname.identifier`` (1 to 8 of A-Z 0-9
            $ # @ each; lower case is folded).
        spec: A trace specification for ``LOGGING=``, or None for an include file.
        update_trigger: The ``<config updateTrigger=...>`` of the server.

    Returns:
        Lines: commands, and notes (``/* ... */``, each line closed, at most 78 columns) that
        are not to be entered.

    Raises:
        InputError: If the job name is not an MVS name, ``update_trigger`` is neither
            ``polled`` nor ``mbean``, or ``spec`` has errors or a quote. A command longer
            than a console is said to take (126 characters, product knowledge) is written
            with a note before it, not refused.

    Examples:
        >>> for line in modify_commands("zcsrv1", "SSLChannel=all"):
        ...     print(line)
        /* on until the server restarts; server.xml is not changed */
        F ZCSRV1,LOGGING='SSLChannel=all'
        /* off: */
        F ZCSRV1,LOGGING='*=info'
    """
    job = server_job.strip().upper()
    if not _JOB.fullmatch(job):
        raise InputError(
            f"server job {quote(server_job, 20)}: give a job name (or jobname.identifier), "
            "1 to 8 of A-Z 0-9 $ # @ each"
        )
    if update_trigger not in ("polled", "mbean"):
        raise InputError(
            f"updateTrigger {quote(update_trigger, 20)}: give polled (the default) or mbean"
        )
    refresh = _data()["refresh"]  # zosconnect-security.md 4.4, zos-syntax.md 4.10 (V)
    off = f"F {job},LOGGING='*=info'"
    if spec is None:
        lines = _note("add the <include> of the trace file to server.xml")
        if update_trigger == "mbean":
            lines += [*_note(refresh["mbean"].format(job=job)), f"F {job},REFRESH,CONFIG"]
            lines += ["/* off: remove the <include>, then */", f"F {job},REFRESH,CONFIG"]
        else:
            lines += [*_note(refresh["polled"]), "/* off: remove the <include> */"]
        return lines
    if not spec or "'" in spec or any(not char.isprintable() for char in spec):
        raise InputError(
            f"trace specification {quote(spec, 40)}: give elements such as SSLChannel=all, "
            "without quotes or line breaks"
        )
    errors = [finding for finding in check(spec) if finding.severity == "error"]
    if errors:
        raise InputError(f"trace specification: {errors[0].message[:120]}")
    command = f"F {job},LOGGING='{spec}'"
    lines = ["/* on until the server restarts; server.xml is not changed */"]
    if len(command) > CONSOLE_LIMIT:  # zos-syntax.md 4.10: the limit is P, so a note only
        lines.append(
            f"/* {len(command)} characters: consoles are said to take {CONSOLE_LIMIT} (not "
            "verified); if the command is cut, use an include file */"
        )
    return [*lines, command, "/* off: */", off]


def mustgather_commands(owner: str, ring: str, *, rdatalib: bool = False) -> list[str]:
    """The RACF commands whose output IBM's Liberty SSL MustGather asks for.

    The access profiles that let the server read its ring, then the ring's listing
    (zosconnect-security.md section 4.7, VERIFIED).

    Args:
        owner: The ring's owner, the server's user ID.
        ring: The ring's name.
        rdatalib: List the RDATALIB profile ``<OWNER>.<RING>.LST`` instead of the
            FACILITY profiles, for a system that uses RDATALIB.

    Returns:
        TSO commands, one a line.

    Raises:
        InputError: If the owner or the ring name cannot be what RACF takes.

    Examples:
        >>> for line in mustgather_commands("zcsrv1", "ZCEE.Ring"):
        ...     print(line)
        RLIST FACILITY IRR.DIGTCERT.LIST ALL
        RLIST FACILITY IRR.DIGTCERT.LISTRING ALL
        RACDCERT LISTRING(ZCEE.Ring) ID(ZCSRV1)
    """
    owner, ring = check_ring(owner, ring)
    if rdatalib:
        access = [f"RLIST RDATALIB {owner}.{ring.upper()}.LST ALL"]
    else:
        access = [f"RLIST FACILITY {p} ALL" for p in ("IRR.DIGTCERT.LIST", "IRR.DIGTCERT.LISTRING")]
    return [*access, f"RACDCERT LISTRING({ring}) ID({owner})"]


def gsk_ctrace_commands(tcpip_job: str = "TCPIP", *, writer: str = "GSKWTR") -> list[str]:
    """The console commands of a System SSL (GSKSRVR) component trace of AT-TLS handshakes.

    AT-TLS runs System SSL in the TCP/IP stack's address space, so the trace names the
    TCP/IP job; the ``GSK_TRACE`` variable must not be used with AT-TLS
    (zosconnect-security.md section 4.6, VERIFIED). ``R n`` answers the system's reply
    number ``n``; the writer procedure is a copy of ``GSK.SGSKSAMP(GSKWTR)``.

    Args:
        tcpip_job: The TCP/IP stack's job name.
        writer: The name of the external writer procedure.

    Returns:
        Console commands, with one ``/* ... */`` note where the failing connection is
        repeated.

    Raises:
        InputError: If a name is not an MVS job or procedure name.

    Examples:
        >>> print(gsk_ctrace_commands()[2])
        R n,JOBNAME=(TCPIP),OPTIONS=(LEVEL=255),WTR=GSKWTR,END
    """
    names = []
    for what, name in (("TCP/IP job", tcpip_job), ("writer procedure", writer)):
        upper = name.strip().upper()
        if not _NAME.fullmatch(upper):
            raise InputError(f"{what} {quote(name, 20)}: give 1 to 8 of A-Z 0-9 $ # @")
        names.append(upper)
    job, wtr = names
    return [
        f"TRACE CT,WTRSTART={wtr}",
        "TRACE CT,ON,COMP=GSKSRVR",
        f"R n,JOBNAME=({job}),OPTIONS=(LEVEL=255),WTR={wtr},END",
        "/* repeat the failing connection, then */",
        "TRACE CT,OFF,COMP=GSKSRVR",
        f"TRACE CT,WTRSTOP={wtr}",
    ]
