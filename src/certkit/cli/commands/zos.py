"""``certkit zos ...``: what a z/OS administrator pastes, generated and checked.

* ``certkit zos racf``: the security setup of a z/OS Connect server (certificates, key ring,
  ring access, SAF profiles) as RACF, ACF2 or Top Secret commands, or as a batch job;
* ``certkit zos liberty``: the security part of its ``server.xml``, for either generation;
* ``certkit zos lint FILE...``: check pasted RACF commands (RACDCERT, PERMIT, RDEFINE,
  SETROPTS), a batch job (its JCL, and the commands of its IKJEFT01 steps) or a server.xml
  (Liberty's elements, attributes and references). Exit status 0 when no finding is an error,
  1 when one is, 2 when a file cannot be read as text;
* ``certkit zos check FILE...``: where such files disagree with each other (exit status 0
  when they agree, 1 when they do not, 2 when a file cannot be read).
"""

from __future__ import annotations

import argparse
import datetime as dt
import textwrap
from collections.abc import Callable

from certkit import values
from certkit.certificates.pki import Lab
from certkit.cli.options import add_files, add_json
from certkit.cli.output import json_text, show
from certkit.defaults import RING_NAME, RING_OWNER
from certkit.errors import InputError, quote
from certkit.files import name_of, read_file
from certkit.zos import attls as attls_policy
from certkit.zos import check as consistency
from certkit.zos import liberty, trace
from certkit.zos.check import kind_of
from certkit.zos.keyring import ClientAuth
from certkit.zos.setup import PRODUCTS, Setup, job, tso
from certkit.zos.text import attls, commands, javadebug, jcl, serverxml, tracespec
from certkit.zos.text.findings import Finding, Report
from certkit.zos.text.serverxml import Generation

MAX_TEXT_BYTES = 1024 * 1024
"""The largest file ``certkit zos lint`` reads: a setup is a few hundred lines, not a megabyte."""

KINDS = ("racf", "jcl", "server.xml", "trace", "attls", "javadebug")
"""What ``--kind`` may name."""


def check_text(
    kind: str,
    text: str,
    *,
    generation: str | None = None,
    runtime: str = javadebug.RUNTIMES[1],
) -> list[Finding]:
    """Check a text of one of the ``KINDS`` as ``certkit zos lint`` does.

    Args:
        kind: One of ``KINDS``.
        text: The file's text.
        generation: server.xml and trace specifications: the z/OS Connect generation.
        runtime: javax.net.debug values: the Java runtime.
    """
    if kind == "server.xml":
        return serverxml.check(text, generation)
    if kind == "trace":
        return tracespec.check(text.strip(), generation)
    if kind == "javadebug":
        return javadebug.check(text.strip(), runtime)
    single: dict[str, Callable[[str], list[Finding]]] = {
        "racf": commands.check,
        "jcl": jcl.check,
        "attls": attls.check,
    }
    return single[kind](text)


# Deliberate boilerplate: registered in the shape of every command (see handshake).
def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the command."""
    zos = subparsers.add_parser("zos", help="generate and check what you paste into z/OS")
    sub = zos.add_subparsers(dest="zos_command", metavar="COMMAND", parser_class=type(zos))
    sub.required = True
    _add_racf(sub)
    _add_liberty(sub)
    _add_trace(sub)
    _add_attls(sub)
    _add_lint(sub)
    _add_check(sub)


def _add_racf(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    racf = sub.add_parser(
        "racf",
        help="a z/OS Connect server's security setup as RACF, ACF2 or Top Secret commands",
        description=(
            "Write the commands that build the lab PKI's certificates, the server's key ring, "
            "its access and the SAF profiles on z/OS, as lines to paste into TSO or, with "
            "--job, as a batch job."
        ),
    )
    racf.add_argument("--product", choices=PRODUCTS, default="racf", help="default: racf")
    racf.add_argument("--job", action="store_true", help="write a complete IKJEFT01 batch job")
    racf.add_argument("--job-name", default="ZCSECUR", help="the job's name (default ZCSECUR)")
    racf.add_argument(
        "--server-user",
        default=RING_OWNER,
        help=f"the server's started task user ID, the ring's owner (default {RING_OWNER})",
    )
    racf.add_argument("--ring", default=RING_NAME, help=f"the ring's name (default {RING_NAME})")
    racf.add_argument(
        "--client-user",
        required=True,
        help="the user ID that owns the client certificate (it maps to this user)",
    )
    racf.add_argument(
        "--host", required=True, help="the server's host name, for its CN and ALTNAME"
    )
    racf.add_argument("--ca-until", required=True, type=_date, help="the CAs' last day, yyyy-mm-dd")
    racf.add_argument(
        "--leaf-until",
        required=True,
        type=_date,
        help="the server's and client's last day, yyyy-mm-dd (not after --ca-until)",
    )
    racf.add_argument(
        "--generation", choices=[g.value for g in Generation], default=Generation.V2.value
    )
    racf.add_argument("--application", help="the OpenAPI 3 web application's name (3.0)")
    racf.add_argument(
        "--role", action="append", default=[], help="a role of the API document (3.0, repeatable)"
    )
    racf.add_argument(
        "--granular", action="store_true", help="ring access with an RDATALIB profile"
    )
    racf.add_argument("--export-dsn", help="where to export the root CA certificate")
    racf.add_argument(
        "--distributed-ca",
        metavar="LABEL=DSN",
        help="add and trust a CA certificate from this data set under this label",
    )
    racf.add_argument("--acf2-role", help="the ACF2 role of the server's started task")
    racf.add_argument(
        "--tss-owner", help="the Top Secret department ACID that owns the APPL profile"
    )
    racf.set_defaults(handler=run_racf)


def _add_liberty(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    xml = sub.add_parser(
        "liberty",
        help="the security part of a z/OS Connect server's server.xml",
        description=(
            "Write a server.xml include with the key ring, TLS, a registry, client "
            "certificates, tokens and authorization of a z/OS Connect server. Every element "
            "it writes passes `certkit zos lint`."
        ),
    )
    xml.add_argument(
        "--generation", choices=[g.value for g in Generation], default=Generation.V2.value
    )
    xml.add_argument("--registry", choices=["saf", "basic"], default="saf", help="default: saf")
    xml.add_argument(
        "--users-file",
        metavar="FILE",
        help="basic registry users, one NAME:PASSWORD a line (keeps passwords off the command "
        "line)",
    )
    xml.add_argument(
        "--client-auth",
        choices=[c.value for c in ClientAuth],
        default=ClientAuth.NONE.value,
        help="ask for a client certificate: none, optional or required (default none)",
    )
    xml.add_argument("--token", choices=["openidConnectClient", "mpJwt"], help="accept JWTs")
    xml.add_argument("--issuer", help="the tokens' issuer (with --token)")
    xml.add_argument("--signer-label", help="the token signer's label in the ring (with --token)")
    xml.add_argument(
        "--audience",
        action="append",
        default=[],
        help="an audience a token must name in its aud claim (with --token, repeatable)",
    )
    xml.add_argument("--ltpa", action="store_true", help="write an ltpa element")
    xml.add_argument("--ring", help=f"the key ring (default {RING_NAME})")
    xml.add_argument("--owner", help=f"the ring's owner (default {RING_OWNER})")
    xml.add_argument(
        "--keys",
        choices=[k.value for k in liberty.Keys],
        help=f"where the ring's keys are (default {liberty.Keys.SOFTWARE.value})",
    )
    xml.add_argument("--https-port", type=_port, help="default 9443")
    xml.add_argument(
        "--tls",
        choices=["jsse", "attls"],
        default="jsse",
        help="who ends TLS: Liberty (jsse, the default) or an inbound AT-TLS rule (attls: "
        "only httpPort, the ring is the policy's)",
    )
    xml.add_argument(
        "--http-port",
        type=_any_port,
        help="with --tls attls: the plain HTTP port the AT-TLS rule protects (default 9443)",
    )
    xml.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="LEVEL=GROUP",
        help="zosConnect-2.0: an authorization level (admin, operations, invoke, reader) and "
        "its group (repeatable)",
    )
    xml.set_defaults(handler=run_liberty)


def _port(text: str) -> int:
    return int(values.number(text, "--https-port", minimum=1, maximum=65535, integer=True))


def _add_trace(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tracing = sub.add_parser(
        "trace",
        help="Liberty trace: specifications, include files, MODIFY commands, MustGather, GSK",
    )
    verbs = tracing.add_subparsers(
        dest="trace_command", metavar="COMMAND", parser_class=type(tracing)
    )
    verbs.required = True
    include = verbs.add_parser("include", help="a trace include file (a whole <server>)")
    include.add_argument("variant", choices=trace.VARIANTS)
    include.add_argument(
        "--generation", choices=[g.value for g in Generation], default=Generation.V2.value
    )
    include.set_defaults(handler=run_trace_include)
    modify = verbs.add_parser("modify", help="the MODIFY commands that turn trace on and off")
    modify.add_argument("job", help="the server's job name (or jobname.identifier)")
    modify.add_argument("--spec", help="a trace specification (default: an include file)")
    modify.add_argument("--update-trigger", choices=["polled", "mbean"], default="polled")
    modify.set_defaults(handler=run_trace_modify)
    spec = verbs.add_parser(
        "spec",
        help="a trace specification from component names",
        description=(
            "Write a trace specification on one line, by Liberty's grammar: each COMPONENT "
            "is traced at all unless it says =LEVEL. With --generation, a component of the "
            "other z/OS Connect generation is replaced by its equivalent, or refused."
        ),
    )
    spec.add_argument("components", nargs="+", metavar="COMPONENT[=LEVEL]")
    spec.add_argument("--generation", choices=[g.value for g in Generation])
    spec.set_defaults(handler=run_trace_spec)
    gather = verbs.add_parser(
        "mustgather", help="the RACF commands whose output a TLS case with IBM needs"
    )
    gather.add_argument(
        "--owner", default=RING_OWNER, help=f"the ring's owner (default {RING_OWNER})"
    )
    gather.add_argument("--ring", default=RING_NAME, help=f"the key ring (default {RING_NAME})")
    gather.add_argument(
        "--rdatalib", action="store_true", help="list the RDATALIB profile, not FACILITY's"
    )
    gather.set_defaults(handler=run_trace_mustgather)
    gsk = verbs.add_parser("gsk", help="the GSKSRVR component trace of AT-TLS handshakes")
    gsk.add_argument("--tcpip-job", default="TCPIP", help="the TCP/IP job name (default TCPIP)")
    gsk.add_argument("--writer", default="GSKWTR", help="the writer procedure (default GSKWTR)")
    gsk.set_defaults(handler=run_trace_gsk)
    explain = verbs.add_parser("explain", help="what each part of a trace specification traces")
    explain.add_argument("spec", help="the specification (the traceSpecification value)")
    explain.add_argument(
        "--generation",
        choices=[g.value for g in Generation],
        help="also report components of the other z/OS Connect generation",
    )
    add_json(explain, "print JSON instead of text")
    explain.set_defaults(handler=run_trace_explain)


def _add_attls(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    at = sub.add_parser("attls", help="AT-TLS: a policy for a server, return codes explained")
    verbs = at.add_subparsers(dest="attls_command", metavar="COMMAND", parser_class=type(at))
    verbs.required = True
    policy = verbs.add_parser("policy", help="the AT-TLS policy statements for a server's port")
    policy.add_argument("--port", required=True, type=_any_port, help="the server's port")
    policy.add_argument("--jobname", required=True, help="the server's job name")
    policy.add_argument("--ring", default=RING_NAME, help=f"the key ring (default {RING_NAME})")
    policy.add_argument("--owner", default=RING_OWNER, help=f"its owner (default {RING_OWNER})")
    policy.add_argument(
        "--client-auth", choices=["PassThru", "Full", "Required", "SAFCheck"], help="ClientAuthType"
    )
    policy.add_argument("--outbound-port", type=_any_port, help="also an outbound rule")
    policy.set_defaults(handler=run_attls_policy)
    rc = verbs.add_parser("rc", help="what an EZD1286I/EZD1287I return code means")
    rc.add_argument("code")
    rc.add_argument(
        "--width",
        type=_width,
        help="wrap the explanation at this many columns (20 to 1000; default: one line)",
    )
    add_json(rc, "print JSON instead of text")
    rc.set_defaults(handler=run_attls_rc)


def _width(text: str) -> int:
    return int(values.number(text, "--width", minimum=20, maximum=1000, integer=True))


def _any_port(text: str) -> int:
    return int(values.number(text, "port", minimum=1, maximum=65535, integer=True))


def run_trace_include(args: argparse.Namespace) -> int:
    """Print the include file."""
    print(trace.include_file(args.variant, args.generation), end="")
    return 0


def run_trace_modify(args: argparse.Namespace) -> int:
    """Print the MODIFY commands."""
    print("\n".join(trace.modify_commands(args.job, args.spec, args.update_trigger)))
    return 0


def run_trace_mustgather(args: argparse.Namespace) -> int:
    """Print the MustGather's RACF commands."""
    print("\n".join(trace.mustgather_commands(args.owner, args.ring, rdatalib=args.rdatalib)))
    return 0


def run_trace_gsk(args: argparse.Namespace) -> int:
    """Print the GSKSRVR component trace commands."""
    print("\n".join(trace.gsk_ctrace_commands(args.tcpip_job, writer=args.writer)))
    return 0


def run_trace_spec(args: argparse.Namespace) -> int:
    """Print the specification built from the components."""
    print(tracespec.build(args.components, args.generation))
    return 0


def run_trace_explain(args: argparse.Namespace) -> int:
    """Explain a trace specification; exit 1 if it has an error."""
    findings = tracespec.check(args.spec, args.generation)
    lines = tracespec.explain(args.spec)
    if args.json:
        report = Report("specification", "trace", tuple(findings)).to_dict()
        print(json_text({"findings": report["findings"], "explanation": lines}))
    else:
        for finding in findings:
            print(f"{finding.severity}: column {finding.position.column}: {finding.message}")
        print("\n".join(lines))
    return 1 if any(f.severity == "error" for f in findings) else 0


def run_attls_policy(args: argparse.Namespace) -> int:
    """Print the policy."""
    print(
        attls_policy.policy(
            args.port,
            args.jobname,
            owner=args.owner,
            ring=args.ring,
            client_auth=args.client_auth,
            outbound_port=args.outbound_port,
        ),
        end="",
    )
    return 0


def run_attls_rc(args: argparse.Namespace) -> int:
    """Explain a return code."""
    explained = attls.explain_rc(args.code)
    if args.json:
        if args.width is not None:
            raise InputError("--width is for text; leave it out with --json")
        print(json_text({"rc": attls.rc_number(args.code), "explanation": explained}))
        return 0
    if args.width is not None:
        explained = textwrap.fill(explained, args.width, break_on_hyphens=False)
    print(explained)
    return 0


def _add_lint(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    lint = sub.add_parser(
        "lint",
        help="check pasted RACF commands, a batch job, server.xml, a trace specification, an "
        "AT-TLS policy or a javax.net.debug value",
        description=(
            "Check each FILE (or - for standard input): RACDCERT, PERMIT, RDEFINE and SETROPTS "
            "commands, a batch job running them, a server.xml, a Liberty trace specification, "
            "AT-TLS policy statements, or a javax.net.debug value (--kind javadebug). Each "
            "problem is reported with its line and column. Exit status 0 when no finding is "
            "an error, 1 when one is, 2 when a file cannot be read."
        ),
    )
    add_files(lint)
    lint.add_argument(
        "--kind",
        choices=["auto", *KINDS],
        default="auto",
        help="what the files hold (default: detect it)",
    )
    lint.add_argument(
        "--generation",
        choices=[g.value for g in Generation],
        help="server.xml: also report elements of the other z/OS Connect generation",
    )
    lint.add_argument(
        "--runtime",
        choices=javadebug.RUNTIMES,
        default=javadebug.RUNTIMES[1],
        help=f"javax.net.debug: the Java runtime (default {javadebug.RUNTIMES[1]})",
    )
    add_json(lint, "print JSON instead of text")
    lint.set_defaults(handler=run_lint)


# Deliberate boilerplate: registered in the shape of every command (see handshake).
def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = sub.add_parser(
        "check",
        help="compare RACF commands, server.xml, a trace specification and an AT-TLS policy",
        description=(
            "Report where the FILEs disagree: the ring's owner or name, labels not connected, "
            "no CA connected as CERTAUTH, no access to the ring, client certificates behind "
            "inbound AT-TLS, protocol or cipher lists with nothing in common, trace components "
            "of the other generation. Exit status 0 when they agree, 1 when they do not, 2 when "
            "a file cannot be read."
        ),
    )
    add_files(check)
    check.add_argument(
        "--generation",
        choices=[g.value for g in Generation],
        help="the z/OS Connect generation, when no server.xml shows it",
    )
    check.add_argument(
        "--server-user", help="the server's user ID (default: the ring owner in server.xml)"
    )
    add_json(check, "print JSON instead of text")
    check.set_defaults(handler=run_check)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"date {quote(text)}: give yyyy-mm-dd, such as 2030-12-31") from None


def run_racf(args: argparse.Namespace) -> int:
    """Print the setup's commands, or the batch job."""
    distributed = None
    if args.distributed_ca is not None:
        label, equals, dsn = args.distributed_ca.partition("=")
        if not equals:
            raise InputError(
                f"--distributed-ca {quote(args.distributed_ca)}: give LABEL=DSN, such as "
                "'Partner CA=ZCSRV1.PARTNER.PEM'"
            )
        distributed = (label, dsn)
    options: dict[str, object] = {
        "generation": args.generation,
        "granular": args.granular,
        "export_dsn": args.export_dsn,
        "distributed_ca": distributed,
        "acf2_role": args.acf2_role,
        "tss_owner": args.tss_owner,
    }
    if args.generation == "zosConnect-3.0":
        options.update(application=args.application, roles=tuple(args.role))
    elif args.application is not None or args.role:
        raise InputError("--application and --role are for --generation zosConnect-3.0")
    setup = Setup.for_lab(
        Lab(seed="certkit zos").pki(),  # the lab's names; its keys and dates are not used
        server_user=args.server_user,
        ring=args.ring,
        client_user=args.client_user,
        domain=args.host,
        ca_until=args.ca_until,
        leaf_until=args.leaf_until,
        **options,
    )
    text = job(setup, args.product, name=args.job_name) if args.job else tso(setup, args.product)
    print(text, end="")
    return 0


def run_liberty(args: argparse.Namespace) -> int:
    """Print the server.xml include."""
    users: dict[str, str] | None = None
    if args.users_file is not None:
        if args.registry != "basic":
            raise InputError("--users-file is for --registry basic")
        users = _users(args.users_file)
    elif args.registry == "basic":
        raise InputError("--registry basic needs its users: give --users-file FILE (NAME:PASSWORD)")
    if args.token is not None and (args.issuer is None or args.signer_label is None):
        raise InputError(
            "--token needs --issuer (the tokens' iss) and --signer-label (the signer's "
            "certificate label in the ring)"
        )
    if args.token is None and (args.issuer or args.signer_label or args.audience):
        raise InputError("--issuer, --signer-label and --audience are for --token")
    if args.level and args.generation != Generation.V2.value:
        raise InputError(
            "--level is for --generation zosConnect-2.0; zosConnect-3.0 names roles in the "
            "API document"
        )
    if args.tls == "attls":
        if args.client_auth != ClientAuth.NONE.value or args.token is not None:
            option = "--token" if args.token is not None else "--client-auth"
            raise InputError(
                f"{option} is for --tls jsse: behind inbound AT-TLS Liberty has no key ring and "
                "never sees a client certificate"
            )
        given = [
            name
            for name, value in (
                ("--ring", args.ring),
                ("--owner", args.owner),
                ("--keys", args.keys),
                ("--https-port", args.https_port),
            )
            if value is not None
        ]
        if given:
            raise InputError(
                f"{given[0]} is for --tls jsse: behind AT-TLS the ring is the policy's "
                "(certkit zos attls policy --owner --ring) and Liberty has only --http-port"
            )
    elif args.http_port is not None:
        raise InputError("--http-port is for --tls attls; Liberty's own TLS uses --https-port")
    levels = {}
    for item in args.level:
        level, equals, group = item.partition("=")
        if not equals:
            raise InputError(f"--level {quote(item)}: give LEVEL=GROUP, such as invoke=ZCINVOKE")
        levels[level] = group
    print(
        liberty.security_server_xml(
            args.generation,
            registry=args.registry,
            users=users,
            client_auth=args.client_auth,
            token=args.token,
            issuer=args.issuer,
            signer_label=args.signer_label,
            audiences=tuple(args.audience),
            use_ltpa=args.ltpa,
            ring=RING_NAME if args.ring is None else args.ring,
            owner=RING_OWNER if args.owner is None else args.owner,
            keys=args.keys or liberty.Keys.SOFTWARE,
            https_port=9443 if args.https_port is None else args.https_port,
            levels=levels or None,
            tls=args.tls,
            http_port=args.http_port,
        ),
        end="",
    )
    return 0


def _users(path: str) -> dict[str, str]:
    """NAME:PASSWORD lines of a users file (blank lines and # comments skipped)."""
    data = read_file(path, max_bytes=MAX_TEXT_BYTES, what="users file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{name_of(path)}: not UTF-8 text; save it as UTF-8") from None
    users: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, colon, password = line.partition(":")
        if not colon or not name.strip() or not password:
            raise InputError(f"{name_of(path)}, line {number}: give NAME:PASSWORD")
        users[name.strip()] = password
    if not users:
        raise InputError(f"{name_of(path)}: names no user; give NAME:PASSWORD lines")
    return users


def _read_texts(paths: list[str]) -> list[tuple[str, str]]:
    """Each file's path and UTF-8 text; all bad input is refused before any output."""
    texts = []
    for path in paths:
        data = read_file(path, max_bytes=MAX_TEXT_BYTES, what="z/OS text file")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                f"{name_of(path)}: byte {error.start + 1} is not UTF-8; save the file as UTF-8 "
                "text (transfer it from z/OS as text, not binary)"
            ) from None
        if not text.strip():
            raise InputError(
                f"{name_of(path)}: the file is empty; give RACF commands, a job or server.xml"
            )
        texts.append((path, text))
    return texts


def run_lint(args: argparse.Namespace) -> int:
    """Check every file; print a report per file."""
    texts = [
        (p, kind_of(t) if args.kind == "auto" else args.kind, t) for p, t in _read_texts(args.files)
    ]
    reports = [
        Report(
            name_of(p, 4096),
            k,
            tuple(check_text(k, t, generation=args.generation, runtime=args.runtime)),
        )
        for p, k, t in texts
    ]
    show(reports, as_json=args.json, separator="\n")
    return 1 if any(r.count("error") for r in reports) else 0


def run_check(args: argparse.Namespace) -> int:
    """Compare the files with each other; print a report per file."""
    texts = {name_of(p, 4096): t for p, t in _read_texts(args.files)}
    found = consistency.reports(texts, server_user=args.server_user, generation=args.generation)
    show(found, as_json=args.json, separator="\n")
    return 1 if any(r.findings for r in found) else 0
