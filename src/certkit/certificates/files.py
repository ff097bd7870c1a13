"""Writing private keys and key stores to files that only their owner can read.

A private key (or a PKCS #12 file, which holds one) must never be readable by others, not even
for the moment between writing it and changing its mode.
[`write_private_key`][certkit.certificates.files.write_private_key] creates the file with mode
0600 when it opens it, under a temporary name that no one else can have made, and renames it into
place when it is complete: a reader sees the old file or the whole new one, never half a key.
[`load_cert_chain`][certkit.certificates.files.load_cert_chain] uses it to hand a chain and key
that exist only in memory to Python's ``ssl``, which reads them from files only.
"""

from __future__ import annotations

import os
import secrets
import ssl
import tempfile
from pathlib import Path

__all__ = ["load_cert_chain", "write_private_key"]


def write_private_key(path: str | os.PathLike[str], content: str | bytes) -> Path:
    """Write a private key (PEM) or a key store (PKCS #12) readable by its owner only.

    The file is created with mode 0600 at open (``O_CREAT | O_EXCL | O_NOFOLLOW``) under a
    temporary name in the same directory, written, then renamed over ``path``. An existing file
    at ``path`` is replaced; a symbolic link there is replaced, not followed.

    Args:
        path: Where the file goes.
        content: The PEM text (written as ASCII) or the bytes.

    Returns:
        The path written.

    Examples:
        >>> import stat, tempfile
        >>> from pathlib import Path
        >>> from certkit.certificates.files import write_private_key
        >>> folder = Path(tempfile.mkdtemp())
        >>> key = write_private_key(folder / "server-key.pem", b"a key")
        >>> oct(stat.S_IMODE(key.stat().st_mode))
        '0o600'
    """
    target = Path(path)
    data = content.encode("ascii") if isinstance(content, str) else content
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)  # whatever the umask took away or left
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def load_cert_chain(context: ssl.SSLContext, chain_pem: str, key_pem: str) -> None:
    """Load a certificate chain and its private key, both in memory, into an ``ssl`` context.

    ``ssl.SSLContext.load_cert_chain`` reads files only: the chain and the key are written into
    a private temporary directory (the key with
    [`write_private_key`][certkit.certificates.files.write_private_key]), loaded, and deleted.

    Args:
        context: The context that will present the chain.
        chain_pem: The certificate first, then its intermediates, in PEM.
        key_pem: The certificate's private key in PEM (unencrypted).
    """
    with tempfile.TemporaryDirectory(prefix="certkit-chain-") as folder:
        chain_file = Path(folder) / "chain.pem"
        chain_file.write_text(chain_pem, encoding="ascii")
        key_file = write_private_key(Path(folder) / "key.pem", key_pem)
        context.load_cert_chain(chain_file, key_file)
