"""Each message of a handshake, with the correct statement and the deck step it corrects."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cache
from typing import Any

from certkit.datafiles import read_json
from certkit.tls.recording import Recording
from certkit.tls.wire import Alert, Message, Side, WireError, certificate_list

__all__ = ["Correction", "Step", "deck", "steps", "steps_text"]


@dataclass(frozen=True)
class Correction:
    """A step of the course deck's 15-step handshake, and what certkit says of it.

    Attributes:
        step: The deck's step number, 1 to 15.
        says: What the deck says (paraphrased).
        verdict: ``OK``, ``Incomplete``, ``RSA-only``, ``Wrong``, ``Outdated`` or ``Missing``
            (the deck leaves this out), possibly more than one.
        note: A qualification of the verdict, or an empty string.
    """

    step: int
    says: str
    verdict: tuple[str, ...]
    note: str = ""

    @property
    def verdict_text(self) -> str:
        """The verdicts joined, with the note: ``Wrong (partly right; ...)``."""
        text = ", ".join(self.verdict)
        return f"{text} ({self.note})" if self.note else text


@dataclass(frozen=True)
class Step:
    """One message of a recording, with the correct statement about it.

    Attributes:
        number: The step's position, from 1.
        sender: Who sent the message.
        name: The message name (``server_key_exchange``), ``hello_retry_request`` or
            ``alert``.
        title: The RFC spelling: ``ServerKeyExchange``.
        encrypted: Whether the message travelled encrypted.
        statement: What really happens, in the negotiated version.
        rfc: The RFC sections that say so.
        corrections: The deck steps this message corrects, with their verdicts.
        message: The recorded message (``None`` for an alert).
        alert: The recorded alert, for an alert step.
    """

    # Deliberate boilerplate: a record's fields, one a line, like every dataclass here.
    number: int
    sender: Side
    name: str
    title: str
    encrypted: bool
    statement: str
    rfc: tuple[str, ...]
    corrections: tuple[Correction, ...]
    message: Message | None = None
    alert: Alert | None = None


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = read_json("handshake_steps.json")
    return data


def deck() -> list[Correction]:
    """The course deck's 15 steps with their verdicts, in order.

    Examples:
        >>> from certkit.traces.steps import deck
        >>> step = deck()[3]
        >>> step.step, step.verdict_text
        (4, 'Wrong, Outdated')
    """
    return [
        Correction(d["step"], d["says"], tuple(d["verdict"]), d.get("note", ""))
        for d in _data()["deck"]
    ]


def _entry(name: str, sender: str, version: str, kx: str | None) -> dict[str, Any] | None:
    best: tuple[int, dict[str, Any]] | None = None
    for entry in _data()["messages"]:
        if entry["name"] != name:
            continue
        if entry["sender"] not in (sender, "any") or entry["version"] not in (version, "any"):
            continue
        if "kx" in entry and entry["kx"] != kx:
            continue
        score = (entry["sender"] == sender) + (entry["version"] == version) + ("kx" in entry)
        if best is None or score > best[0]:
            best = (score, entry)
    return best[1] if best else None


def _corrections(entry: dict[str, Any]) -> tuple[Correction, ...]:
    table = {c.step: c for c in deck()}
    found = []
    for ref in entry["deck"]:
        if isinstance(ref, int):
            found.append(table[ref])
        else:
            base = table[ref["step"]]
            found.append(Correction(base.step, base.says, tuple(ref["verdict"]), ""))
    return tuple(found)


def steps(recording: Recording) -> list[Step]:
    """Each message (and alert) of the recording with the correct statement about it.

    The statements, RFC sections and deck verdicts come from certkit's data file
    ``handshake_steps.json``, chosen by message, sender, negotiated version and (for the TLS
    1.2 key exchange messages) the key exchange of the cipher suite: the ClientKeyExchange of
    an ECDHE suite gets the ECDHE statement, that of a static-RSA suite the RSA one.

    Args:
        recording: The handshake.

    Returns:
        One step per message, then one per alert.

    Examples:
        >>> from certkit.tls.handshake import Options, contexts, lab_pki, run
        >>> from certkit.traces.steps import steps
        >>> options = Options(tls="1.2")
        >>> recording = run(*contexts(lab_pki(), options), options)
        >>> step = next(s for s in steps(recording) if s.title == "ServerKeyExchange")
        >>> [(c.step, c.verdict_text) for c in step.corrections]
        [(4, 'Wrong, Outdated'), (7, 'OK, Incomplete')]
        >>> step.rfc[0]
        'RFC 5246 §7.4.3'
    """
    tls13 = recording.negotiated_version == "TLSv1.3"
    version = "1.3" if tls13 else "1.2"
    kx = recording.key_exchange
    notes = _data()["notes"]
    found: list[Step] = []
    for message in recording.messages:
        name = "hello_retry_request" if message.is_hello_retry_request else message.name
        entry = _entry(name, message.sender, version, kx)
        title = message.title
        statement, rfc, corrections = "", tuple[str, ...](), tuple[Correction, ...]()
        if entry is not None:
            statement = entry["statement"]
            rfc, corrections = tuple(entry["rfc"]), _corrections(entry)
            title = entry["title"]
        if name == "server_hello" and recording.resumed:
            statement = f"{statement} {notes['resumed']}".strip()
        if (
            name == "certificate"
            and message.sender == "client"
            and _empty_certificate(message, tls13=tls13)
        ):
            statement = f"{notes['empty_certificate']} {statement}".strip()
        found.append(
            Step(
                len(found) + 1,
                message.sender,
                name,
                title,
                message.encrypted,
                statement,
                rfc,
                corrections,
                message=message,
            )
        )
    for alert in recording.alerts:
        entry = _entry("alert", alert.sender, version, None)
        assert entry is not None
        extra = _data()["alerts"].get(alert.description, "")
        found.append(
            Step(
                len(found) + 1,
                alert.sender,
                "alert",
                f"Alert ({alert.level} {alert.description})",
                False,
                f"{extra} {entry['statement']}".strip(),
                tuple(entry["rfc"]),
                (),
                alert=alert,
            )
        )
    return found


def _empty_certificate(message: Message, *, tls13: bool) -> bool:
    try:
        return not certificate_list(message.body, tls13=tls13)
    except WireError:
        return False


def steps_text(recording: Recording, *, width: int = 100) -> str:
    """The steps as text: one paragraph per message, with the deck steps it corrects.

    Args:
        recording: The handshake.
        width: The line width to wrap to.

    Returns:
        The text.

    Examples:
        >>> from certkit.tls.handshake import Options, contexts, lab_pki, run
        >>> from certkit.traces.steps import steps_text
        >>> options = Options(tls="1.2")
        >>> recording = run(*contexts(lab_pki(), options), options)
        >>> print(steps_text(recording).splitlines()[0])
        1. ClientHello, client -> server
    """
    paragraphs = []
    indent = "   "
    for step in steps(recording):
        receiver = "server" if step.sender == "client" else "client"
        encrypted = ", encrypted" if step.encrypted else ""
        lines = [f"{step.number}. {step.title}, {step.sender} -> {receiver}{encrypted}"]
        for correction in step.corrections:
            lines += textwrap.wrap(
                f"Deck step {correction.step} ({correction.verdict_text}): {correction.says}",
                width,
                initial_indent=indent,
                subsequent_indent=indent + "  ",
            )
        if step.statement:
            lines += textwrap.wrap(
                step.statement, width, initial_indent=indent, subsequent_indent=indent
            )
        if step.rfc:
            lines += textwrap.wrap(
                ", ".join(step.rfc), width, initial_indent=indent, subsequent_indent=indent
            )
        paragraphs.append("\n".join(lines))
    outcome = (
        f"Negotiated {recording.version} with {recording.cipher}."
        if recording.ok
        else "The handshake failed."
    )
    return "\n\n".join([*paragraphs, outcome])
