"""certkit.files: the one road by which a file is read, and by which anything is written."""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
import tracemalloc
from pathlib import Path

import pytest

from certkit.errors import InputError
from certkit.files import MAX_FILE_BYTES, read_file, write_file, write_files


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# -- reading ------------------------------------------------------------------------------------


def test_a_64_mib_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.pem"
    with huge.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024)  # sparse: no disk used
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match=r"67108864 bytes is more than the 16 MiB"):
            read_file(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024, f"read {peak} bytes of a file it should not have read"
    assert MAX_FILE_BYTES == 16 * 1024 * 1024


def test_the_limit_is_the_callers(tmp_path: Path) -> None:
    path = tmp_path / "grows.pem"
    path.write_bytes(b"x" * 2048)
    with pytest.raises(InputError, match=r"2048 bytes is more than the 1023 bytes"):
        read_file(path, max_bytes=1023)
    assert read_file(path, max_bytes=2048) == b"x" * 2048


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: os.mkfifo(p), "is a FIFO"),
        (lambda p: p.mkdir(), "is a directory"),
    ],
)
def test_only_regular_files_are_read(tmp_path: Path, make: object, kind: str) -> None:
    """A FIFO would block the open and then the read for ever: it is refused before either."""
    target = tmp_path / "odd.pem"
    make(target)  # type: ignore[operator]
    with pytest.raises(InputError, match=f"odd.pem: {kind}.*give a certificate file"):
        read_file(target)


def test_devices_are_refused() -> None:
    for device, kind in (("/dev/zero", "character device"), ("/dev/null", "character device")):
        with pytest.raises(InputError, match=f"{device}: is a {kind}, not a file"):
            read_file(device)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.pem"
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(path))
        with pytest.raises(InputError, match=r"s.pem: is a socket"):
            read_file(path)


def test_dash_is_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"PEM text")))
    assert read_file("-") == b"PEM text"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 11)))
    with pytest.raises(InputError, match=r"standard input: more than the 10 bytes"):
        read_file("-", max_bytes=10)


def test_file_errors_name_the_file_on_one_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope: no such file"):
        read_file(tmp_path / "nope")
    with pytest.raises(InputError, match=r"a file name cannot hold a NUL byte"):
        read_file("bad\0name")
    with pytest.raises(InputError) as caught:
        read_file(tmp_path / "evil\x1b[2J\nname")
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert str(caught.value).endswith("evil\\x1b[2J\\nname': no such file")
    with pytest.raises(InputError, match=r"the name is too long"):
        read_file("x" * 5000)


def test_a_read_error_is_one_line() -> None:
    """/proc/self/mem is a regular file whose first page cannot be read (even by root)."""
    with pytest.raises(InputError, match=r"/proc/self/mem: cannot be read \(.*\)$"):
        read_file("/proc/self/mem")


# -- writing one file ---------------------------------------------------------------------------


def test_a_new_key_file_is_0600_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        written = write_file(tmp_path / "key.pem", "secret\n", private=True)
        public = write_file(tmp_path / "cert.pem", "cert\n")
    finally:
        os.umask(old)
    assert written.read_text() == "secret\n" and mode(written) == 0o600
    assert mode(public) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cert.pem", "key.pem"]


def test_the_mode_is_set_at_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file never exists with a wider mode: os.open receives 0600 itself."""
    modes = []
    real_open = os.open

    def spy(path: object, flags: int, mode: int = 0o777, **kw: object) -> int:
        if flags & os.O_CREAT:
            modes.append((mode, bool(flags & os.O_EXCL), bool(flags & os.O_NOFOLLOW)))
        return real_open(path, flags, mode, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    write_file(tmp_path / "key.pem", b"k", private=True)
    assert modes == [(0o600, True, True)]


def test_a_symbolic_link_is_never_written_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    link = tmp_path / "client.p12"
    link.symlink_to(victim)
    with pytest.raises(InputError, match=r"client.p12: is a symbolic link"):
        write_file(link, b"\x30\x82", private=True)
    assert victim.read_text() == "keep me" and link.is_symlink()


def test_an_existing_file_is_replaced_only_with_force(tmp_path: Path) -> None:
    target = tmp_path / "key.pem"
    target.write_bytes(b"old")
    with pytest.raises(InputError, match=r"key.pem: already exists; remove it, or use --force"):
        write_file(target, b"new", force=False)
    assert target.read_bytes() == b"old"
    write_file(target, b"new", force=True)
    assert target.read_bytes() == b"new"


def test_a_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match=r"missing/key.pem: cannot be written \(no such file\)"):
        write_file(tmp_path / "missing" / "key.pem", b"x")
    real_write = os.write

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(InputError, match=r"no space left on the device"):
        write_file(tmp_path / "key.pem", b"x" * 100, private=True)
    monkeypatch.setattr(os, "write", real_write)
    assert list(tmp_path.iterdir()) == []


# -- writing a set of files ---------------------------------------------------------------------

FILES = {"a.pem": b"certificate", "a-key.pem": b"key"}


def is_private(name: str) -> bool:
    return name.endswith("-key.pem")


def test_a_new_directory_appears_whole(tmp_path: Path) -> None:
    written = write_files(tmp_path / "lab", FILES, private=is_private)
    assert [p.name for p in written] == ["a.pem", "a-key.pem"]
    assert mode(tmp_path / "lab" / "a-key.pem") == 0o600
    assert mode(tmp_path / "lab" / "a.pem") == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["lab"]  # no temporary directory left


def test_an_empty_directory_is_filled_and_a_full_one_needs_force(tmp_path: Path) -> None:
    (tmp_path / "lab").mkdir()
    write_files(tmp_path / "lab", FILES, private=is_private)
    with pytest.raises(InputError, match=r"lab: already holds a.pem, a-key.pem; .*--force"):
        write_files(tmp_path / "lab", {"a.pem": b"new", "a-key.pem": b"new"})
    assert (tmp_path / "lab" / "a.pem").read_bytes() == b"certificate"
    write_files(tmp_path / "lab", {"a.pem": b"new", "a-key.pem": b"new"}, force=True)
    assert (tmp_path / "lab" / "a.pem").read_bytes() == b"new"
    (tmp_path / "lab" / "other.txt").write_text("mine")  # a user's file beside the lab's
    write_files(tmp_path / "lab", {"b.pem": b"b"})
    assert (tmp_path / "lab" / "other.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lab"]


def test_a_planted_link_in_the_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "lab").mkdir()
    victim = tmp_path / "victim"
    victim.write_text("keep me")
    (tmp_path / "lab" / "a-key.pem").symlink_to(victim)
    for force in (False, True):
        with pytest.raises(InputError, match=r"a-key.pem: is a symbolic link"):
            write_files(tmp_path / "lab", FILES, private=is_private, force=force)
    assert victim.read_text() == "keep me"
    (tmp_path / "link").symlink_to(tmp_path / "lab")
    with pytest.raises(InputError, match=r"link: is a symbolic link"):
        write_files(tmp_path / "link", {"c.pem": b"c"})


def test_a_failure_half_way_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = os.write
    calls = []

    def fails_second(fd: int, data: object) -> int:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "write", fails_second)
    with pytest.raises(InputError, match=r"lab: cannot be written \(no space left on the device\)"):
        write_files(tmp_path / "lab", FILES, private=is_private)
    assert list(tmp_path.iterdir()) == []


def test_targets_that_are_not_directories(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match=r"file: exists and is not a directory"):
        write_files(tmp_path / "file", FILES)
    with pytest.raises(InputError, match=r"file/sub: cannot be written|not a directory"):
        write_files(tmp_path / "file" / "sub", FILES)
    with pytest.raises(InputError, match=r"not the root"):
        write_files("/", FILES)
    assert write_files(tmp_path / "new" / "deeper", FILES)[0].is_file()  # as mkdir -p


def test_a_directory_no_one_may_write() -> None:
    """sysfs refuses new directories to everyone, root included: a real refused write."""
    with pytest.raises(InputError, match=r"certkit-lab: cannot be written \((permission denied)\)"):
        write_files("/sys/certkit-lab", FILES)
