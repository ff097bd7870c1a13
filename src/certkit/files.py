"""Reading the files a user names, and writing files safely: the one place for both.

Reading. [`read_file`][certkit.files.read_file] reads a regular file, or standard input for
``-``, and nothing else: a FIFO, a device or a socket would make a command wait forever or read
without end, so it is refused before a byte is read (the file is opened without blocking and
checked with ``fstat``, so a FIFO swapped in after a check cannot make it hang). The size is
bounded, and every message names the file, escaped (a file name can hold a newline).

Writing. [`write_file`][certkit.files.write_file] writes a whole file or nothing: the bytes go
to a temporary file beside the target, created with ``O_EXCL | O_NOFOLLOW`` and its final mode
at open (0600 for a private key or key store: never readable by others, not even for a moment),
then renamed over the target. It refuses to follow or replace a symbolic link, and to replace
an existing file unless asked (``force``). [`write_files`][certkit.files.write_files] does the
same for a set of files in a directory: a new directory is built beside the target and renamed
into place, so a reader sees no directory or a complete one.

Write errors (a read-only file system, a full disk, a target that is a file) become one
[`InputError`][certkit.errors.InputError] naming the path. Imports only the standard library and
`certkit.errors`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import shutil
import stat
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from certkit.errors import InputError, shown

__all__ = [
    "MAX_FILE_BYTES",
    "PRIVATE_MODE",
    "PUBLIC_MODE",
    "name_of",
    "read_file",
    "write_file",
    "write_files",
]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files larger than this (16 MiB) are refused before any byte is read."""

PRIVATE_MODE = 0o600
"""The mode of a private key or key store: its owner reads and writes it, no one else."""

PUBLIC_MODE = 0o644
"""The mode of a certificate or a README: anyone may read it."""

_KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a directory",
}


def _size_text(size: int) -> str:
    return f"{size // (1024 * 1024)} MiB" if size >= 1024 * 1024 else f"{size} bytes"


def _os_problem(exc: OSError) -> str:
    return {
        errno.ENOENT: "no such file",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.ENOTDIR: "a part of the path is not a directory",
        errno.ENAMETOOLONG: "the name is too long",
        errno.ELOOP: "too many symbolic links",
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EEXIST: "already exists",
        errno.EISDIR: "is a directory",
    }.get(exc.errno or 0, exc.strerror or type(exc).__name__)


def name_of(path: str | os.PathLike[str], limit: int = 60) -> str:
    """A file's name as messages show it: escaped and bounded; ``standard input`` for ``-``.

    A report that names the file on each line (``certkit zos lint``) gives a larger ``limit``
    so that an editor can open the file it names.

    Examples:
        >>> name_of("-"), name_of("lab/server.pem")
        ('standard input', 'lab/server.pem')
    """
    text = os.fspath(path)
    return "standard input" if text == "-" else shown(text, limit)


def read_file(
    path: str | os.PathLike[str],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    what: str = "certificate file",
) -> bytes:
    """Read a regular file, or standard input for ``-``, up to ``max_bytes``.

    Args:
        path: The file, or ``-`` for standard input.
        max_bytes: The largest size accepted.
        what: What the file should be, for messages (``"certificate file"``).

    Returns:
        The bytes.

    Raises:
        InputError: If the file does not exist, is not a regular file (a directory, FIFO,
            device or socket), cannot be read or is larger than ``max_bytes``.

    Examples:
        >>> import tempfile
        >>> with tempfile.NamedTemporaryFile() as handle:
        ...     _ = handle.write(b"PEM text")
        ...     handle.flush()
        ...     read_file(handle.name)
        b'PEM text'
    """
    name = name_of(path)
    too_big = InputError(
        f"{name}: more than the {_size_text(max_bytes)} a {what} can be; "
        "check that this is the right file"
    )
    if os.fspath(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputError(
                f"standard input: more than the {_size_text(max_bytes)} a {what} can be; "
                "check what is piped in"
            )
        return data
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except ValueError:  # a NUL byte in the name
        raise InputError(f"{name}: a file name cannot hold a NUL byte") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device with no driver behind it
            with contextlib.suppress(OSError):
                kind = _KINDS.get(stat.S_IFMT(os.stat(path).st_mode))
                if kind is not None:
                    raise InputError(
                        f"{name}: is {kind}, not a file; give a {what} (or - for standard input)"
                    ) from None
        raise InputError(f"{name}: {_os_problem(exc)}") from None
    try:
        info = os.fstat(fd)
        kind = _KINDS.get(stat.S_IFMT(info.st_mode))
        if kind is not None:
            raise InputError(
                f"{name}: is {kind}, not a file; give a {what} (or - for standard input)"
            )
        if info.st_size > max_bytes:
            raise InputError(
                f"{name}: {info.st_size} bytes is more than the {_size_text(max_bytes)} a "
                f"{what} can be; check that this is the right file"
            )
        os.set_blocking(fd, True)
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({_os_problem(exc)})") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise too_big
    return data


def _refuse_link(path: Path) -> os.stat_result | None:
    """The target's ``lstat``, or ``None`` if it does not exist; refuse a symbolic link."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"{shown(path)}: cannot be written ({_os_problem(exc)})") from None
    if stat.S_ISLNK(info.st_mode):
        raise InputError(
            f"{shown(path)}: is a symbolic link; certkit does not write through links: "
            "remove it or choose another place"
        )
    return info


def _create(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` (which must not exist) with ``mode`` at open, write it, sync it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask took away or left
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _temporary_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")


def write_file(
    path: str | os.PathLike[str],
    content: str | bytes,
    *,
    private: bool = False,
    force: bool = True,
) -> Path:
    """Write a whole file or nothing, never through a symbolic link.

    The bytes go to a temporary name beside ``path`` (created with ``O_EXCL | O_NOFOLLOW``,
    with its final mode at open), which is then renamed over ``path``: a reader sees the old
    file or the whole new one.

    Args:
        path: Where the file goes.
        content: Text (written as UTF-8) or bytes.
        private: Mode 0600 (a private key or key store) instead of 0644.
        force: Replace an existing file; when ``False``, an existing file is refused.

    Returns:
        The path written.

    Raises:
        InputError: If ``path`` is a symbolic link or a directory, exists and ``force`` is
            ``False``, or cannot be written (read-only, full, no such directory).

    Examples:
        >>> import stat, tempfile
        >>> from pathlib import Path
        >>> folder = Path(tempfile.mkdtemp())
        >>> key = write_file(folder / "server-key.pem", b"a key", private=True)
        >>> oct(stat.S_IMODE(key.stat().st_mode))
        '0o600'
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    info = _refuse_link(target)
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown(target)}: is a directory; give a file name")
    if info is not None and not force:
        raise InputError(f"{shown(target)}: already exists; remove it, or use --force")
    temporary = _temporary_name(target)
    try:
        _create(temporary, data, PRIVATE_MODE if private else PUBLIC_MODE)
        os.replace(temporary, target)
    except BaseException as exc:  # nothing half-written stays behind, whatever happened
        with contextlib.suppress(OSError):
            temporary.unlink()
        if isinstance(exc, OSError):
            raise InputError(f"{shown(target)}: cannot be written ({_os_problem(exc)})") from None
        raise
    return target


def write_files(
    directory: str | os.PathLike[str],
    files: Mapping[str, bytes],
    *,
    private: Callable[[str], bool] = lambda name: False,
    force: bool = False,
) -> list[Path]:
    """Write a set of files into a directory: all of them or none.

    The files are written into a new directory beside ``directory`` (mode 0700 while it is
    built), each with its final mode at open. When ``directory`` does not exist, or is empty,
    the new one is renamed into its place: one step, so nothing half-made is ever seen there.
    When it exists with files in it, each file is renamed in after all were written, and one
    that is already there is only replaced with ``force``. Missing folders above
    ``directory`` are made first, as ``mkdir -p`` would.

    Args:
        directory: The target directory.
        files: File names (no path separators) and their bytes.
        private: Which names are private (mode 0600, e.g. keys and key stores).
        force: Replace files that are already there.

    Returns:
        The paths written, in the order of ``files``.

    Raises:
        InputError: If ``directory`` (or a file in it) is a symbolic link, ``directory`` is
            not a directory, a file exists and ``force`` is ``False``, or anything cannot be
            written (nothing is left behind then).
    """
    target = Path(directory)
    absolute = Path(os.path.abspath(target))
    if not absolute.name:
        raise InputError(f"{shown(target)}: give a directory to create or fill, not the root")
    for name in files:
        if not name or "/" in name or name in (".", ".."):
            raise ValueError(f"not a plain file name: {name!r}")
    info = _refuse_link(target)
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise InputError(f"{shown(target)}: exists and is not a directory; give a directory")
    existing = []
    if info is not None:
        for name in files:
            found = _refuse_link(target / name)
            if found is not None:
                existing.append(name)
    if existing and not force:
        which = ", ".join(existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise InputError(
            f"{shown(target)}: already holds {which}; choose another directory, or use --force "
            "to replace them"
        )
    parent = absolute.parent
    building = _temporary_name(absolute)
    try:
        parent.mkdir(parents=True, exist_ok=True)  # the folders above it, as mkdir -p
        building.mkdir(mode=0o700)
        for name, content in files.items():
            _create(building / name, content, PRIVATE_MODE if private(name) else PUBLIC_MODE)
        if info is None:
            building.chmod(0o755)
            os.rename(building, target)
        elif not any(target.iterdir()):
            building.chmod(stat.S_IMODE(info.st_mode))
            os.replace(building, target)  # replaces an empty directory in one step
        else:
            for name in files:
                os.replace(building / name, target / name)
            building.rmdir()
    except BaseException as exc:  # nothing half-made stays behind, whatever happened
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, OSError):
            raise InputError(f"{shown(target)}: cannot be written ({_os_problem(exc)})") from None
        raise
    return [target / name for name in files]
