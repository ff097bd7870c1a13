"""Handing a certificate chain and key that exist only in memory to Python's ``ssl``.

``ssl.SSLContext.load_cert_chain`` reads files only.
[`load_cert_chain`][certkit.certificates.files.load_cert_chain] gives it files that never touch
a disk where it can: on Linux, anonymous memory files (``memfd_create``) named through
``/proc/self/fd``, which vanish when closed, even if the process is killed. Elsewhere the key
goes to a private temporary directory, mode 0600 at open
([`write_file`][certkit.files.write_file]), removed at once.
"""

from __future__ import annotations

import os
import ssl
import tempfile
from pathlib import Path

from certkit.files import write_file

__all__ = ["load_cert_chain"]


def load_cert_chain(context: ssl.SSLContext, chain_pem: str, key_pem: str) -> None:
    """Load a certificate chain and its private key, both in memory, into an ``ssl`` context.

    Args:
        context: The context that will present the chain.
        chain_pem: The certificate first, then its intermediates, in PEM.
        key_pem: The certificate's private key in PEM (unencrypted).
    """
    if hasattr(os, "memfd_create") and Path("/proc/self/fd").is_dir():
        descriptors = []
        try:
            for content in (chain_pem, key_pem):
                fd = os.memfd_create("certkit-chain", os.MFD_CLOEXEC)
                descriptors.append(fd)
                os.write(fd, content.encode("ascii"))
            chain_fd, key_fd = descriptors
            context.load_cert_chain(f"/proc/self/fd/{chain_fd}", f"/proc/self/fd/{key_fd}")
        finally:
            for fd in descriptors:
                os.close(fd)
        return
    with tempfile.TemporaryDirectory(prefix="certkit-chain-") as folder:  # pragma: no cover
        chain_file = write_file(Path(folder) / "chain.pem", chain_pem)
        key_file = write_file(Path(folder) / "key.pem", key_pem, private=True)
        context.load_cert_chain(chain_file, key_file)
