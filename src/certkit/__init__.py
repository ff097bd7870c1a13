"""certkit: build test PKIs, explain certificates and run real TLS handshakes.

The library behind the certkit course. Start with [`Lab`][certkit.certificates.pki.Lab], which
makes keys and certificates from a seed and a clock.

The common verbs are importable from here (``from certkit import Lab, run``); the rest lives
in the wings: `certkit.certificates`, `certkit.tls`, `certkit.traces`, `certkit.zos` and
`certkit.cli`. Names are imported on first use, so that ``import certkit.errors`` (or a module
that only reads text) does not load ``cryptography``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from certkit.certificates.pki import Issued, Lab, LabPKI
    from certkit.certificates.verify import verify_chain
    from certkit.errors import CertkitError, InputError
    from certkit.tls.handshake import Options, contexts, lab_pki, run
    from certkit.tls.serve import Server
    from certkit.traces.curl import curl_trace
    from certkit.traces.mermaid import mermaid
    from certkit.traces.steps import steps_text
    from certkit.zos.keyring import KeyRing

__version__ = "0.1.0"

_HOMES = {
    "CertkitError": "certkit.errors",
    "InputError": "certkit.errors",
    "Issued": "certkit.certificates.pki",
    "Lab": "certkit.certificates.pki",
    "LabPKI": "certkit.certificates.pki",
    "verify_chain": "certkit.certificates.verify",
    "Options": "certkit.tls.handshake",
    "contexts": "certkit.tls.handshake",
    "lab_pki": "certkit.tls.handshake",
    "run": "certkit.tls.handshake",
    "Server": "certkit.tls.serve",
    "curl_trace": "certkit.traces.curl",
    "mermaid": "certkit.traces.mermaid",
    "steps_text": "certkit.traces.steps",
    "KeyRing": "certkit.zos.keyring",
}

__all__ = [
    "CertkitError",
    "InputError",
    "Issued",
    "KeyRing",
    "Lab",
    "LabPKI",
    "Options",
    "Server",
    "__version__",
    "contexts",
    "curl_trace",
    "lab_pki",
    "mermaid",
    "run",
    "steps_text",
    "verify_chain",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'certkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
