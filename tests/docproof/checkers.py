"""Checkers for fences that are not run: each returns None when the block is valid,
or a one-line reason when it is not."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from collections.abc import Callable
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from certkit.zos.text import serverxml

Checker = Callable[[str], "str | None"]


def check_xml(source: str) -> str | None:
    # Liberty server.xml, a whole <server> or a fragment: certkit's validator checks elements,
    # attributes, values and references, not only well-formed XML (issue 11). Warnings pass.
    text = source.lstrip()
    skipped = source[: len(source) - len(text)].count("\n")
    errors = [f for f in serverxml.check(text) if f.severity == "error"]
    if not errors:
        return None
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return (
        f"server.xml check: line {first.position.line + skipped}, column "
        f"{first.position.column}: {first.message}{more}"
    )


_PEM = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----", re.DOTALL)
_PEM_LOADERS: dict[str, Callable[[bytes], object]] = {
    "CERTIFICATE": x509.load_pem_x509_certificate,
    "CERTIFICATE REQUEST": x509.load_pem_x509_csr,
    "X509 CRL": x509.load_pem_x509_crl,
    "PUBLIC KEY": serialization.load_pem_public_key,
}


def check_pem(source: str) -> str | None:
    blocks = list(_PEM.finditer(source))
    if not blocks:
        return "no PEM block (-----BEGIN ...----- / -----END ...-----) in a pem fence"
    for number, block in enumerate(blocks, 1):
        kind = block.group(1)
        if "PRIVATE KEY" in kind:
            return f"PEM block {number} is a private key: pages never show private keys"
        loader = _PEM_LOADERS.get(kind)
        if loader is None:
            return f"PEM block {number} has type {kind!r}, which docproof cannot check"
        try:
            loader(block.group(0).encode("ascii"))
        except ValueError as exc:
            return f"PEM block {number} ({kind}) does not load: {exc}"
    return None


def check_json(source: str) -> str | None:
    try:
        json.loads(source)
    except json.JSONDecodeError as exc:
        return f"JSON does not parse: {exc}"
    return None


_TRACE_LEAKS = re.compile(
    r"certkit-serve-|/tmp/|\|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} |^CONNECTED\(\d"
)


def check_trace(source: str) -> str | None:
    """A captured trace (snippets/traces/): normalised, so nothing local or timed is left."""
    if not source.strip():
        return "the trace is empty"
    for number, line in enumerate(source.splitlines(), 1):
        if _TRACE_LEAKS.search(line):
            return f"line {number} holds a value normalise should have replaced: {line[:80]!r}"
    return None


def check_yaml(source: str) -> str | None:
    from docproof.site_config import _Loader

    try:
        yaml.load(source, Loader=_Loader)
    except yaml.YAMLError as exc:
        return f"YAML does not parse: {' '.join(str(exc).split())}"
    return None


def check_toml(source: str) -> str | None:
    try:
        tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        return f"TOML does not parse: {exc}"
    return None


_MERMAID_TYPES = (
    "sequenceDiagram",
    "flowchart",
    "graph",
    "classDiagram",
    "stateDiagram",
    "stateDiagram-v2",
    "erDiagram",
    "gantt",
    "pie",
    "mindmap",
    "timeline",
    "journey",
    "block-beta",
    "gitGraph",
)


def check_mermaid(source: str) -> str | None:
    lines = [line.strip() for line in source.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("%%")]
    if not lines:
        return "empty Mermaid diagram"
    kind = lines[0].split()[0]
    if kind not in _MERMAID_TYPES:
        return f"Mermaid diagram type {kind!r} is not one of {', '.join(_MERMAID_TYPES)}"
    if len(lines) < 2:
        return "a Mermaid diagram needs at least one statement after its type"
    return None


def check_shell(source: str) -> str | None:
    result = subprocess.run(
        ["bash", "-n"], input=source, capture_output=True, text=True, check=False, timeout=30
    )
    if result.returncode:
        return f"shell syntax error: {' '.join(result.stderr.split())}"
    return None


def _zos(findings: list[Any], what: str) -> str | None:
    """The first finding of a certkit z/OS validator as a checker's reason (any severity: what a
    reader pastes into z/OS must be clean, not merely free of errors)."""
    if not findings:
        return None
    first = findings[0]
    more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
    return f"{what}: {first}{more}"


def check_racf(source: str) -> str | None:
    """TSO commands for RACF, ACF2 or Top Secret: certkit.zos.text.commands.check."""
    from certkit.zos.text.commands import check

    return _zos(check(source), "RACF/TSO commands")


def check_attls(source: str) -> str | None:
    """AT-TLS Policy Agent statements: certkit.zos.text.attls.check."""
    from certkit.zos.text.attls import check

    return _zos(check(source), "AT-TLS policy")


def check_jcl(source: str) -> str | None:
    """A batch job: certkit.zos.text.jcl.check (its JCL and its IKJEFT01 commands)."""
    from certkit.zos.text.jcl import check

    return _zos(check(source), "JCL")


# MVS operator commands a page shows (```mvs fences, snippets/**/*.mvs): the forms the course
# uses, each from a VERIFIED fact (zos-syntax.md 4.10: MODIFY for Liberty; zosconnect-security.md
# 4.6: the GSKSRVR component trace). Notes are /* ... */ lines, closed on their line.
_MVS_NAME = r"[A-Z$#@][A-Z0-9$#@]{0,7}"
_MVS_MODIFY = re.compile(rf"(?:F|MODIFY) ({_MVS_NAME}(?:\.{_MVS_NAME})?),(.+)")
_MVS_MODIFY_VERBS = re.compile(
    rf"REFRESH,(?:CONFIG|APPS|KEYSTORE(?:,ID={_MVS_NAME})?)|CACHE,CLEAR,AUTH"
    r"|ZCON,(?:REFRESH|CLEARTOKENCACHE|CLEARSAFCACHE)"
)
_MVS_OTHER = re.compile(
    rf"TRACE CT,(?:WTRSTART|WTRSTOP)={_MVS_NAME}"
    r"|TRACE CT,(?:ON|OFF),COMP=GSKSRVR"
    rf"|R (?:n|[0-9]{{1,4}}),JOBNAME=\({_MVS_NAME}(?:,{_MVS_NAME}){{0,15}}\)"
    rf",OPTIONS=\(LEVEL=[0-9]{{1,3}}\),WTR={_MVS_NAME},END"
)


def check_mvs(source: str) -> str | None:
    """MVS operator commands: MODIFY for Liberty (LOGGING= through tracespec.check), the
    GSKSRVR component trace, and /* notes */; any other line is refused."""
    from certkit.zos.text.tracespec import CONSOLE_LIMIT, check

    commands = 0
    for number, line in enumerate(source.splitlines(), 1):
        text = line.strip()
        if not text:
            continue
        if text.startswith("/*"):
            if not text.endswith("*/") or "*/" in text[2:-2]:
                return f"line {number}: close a note on its own line: /* ... */"
            continue
        if len(text) > CONSOLE_LIMIT:
            return f"line {number}: {len(text)} characters, more than the console's {CONSOLE_LIMIT}"
        commands += 1
        modify = _MVS_MODIFY.fullmatch(text)
        if modify is not None:
            verb = modify.group(2)
            if verb.startswith("LOGGING='") and verb.endswith("'") and len(verb) > 10:
                findings = check(verb[9:-1])
                if findings:
                    return f"line {number}: LOGGING= specification: {findings[0]}"
                continue
            if _MVS_MODIFY_VERBS.fullmatch(verb):
                continue
            return f"line {number}: a MODIFY command docproof does not know: {text[:60]!r}"
        if not _MVS_OTHER.fullmatch(text):
            return f"line {number}: not an MVS command docproof knows: {text[:60]!r}"
    return None if commands or source.strip() else "no command and no note"
