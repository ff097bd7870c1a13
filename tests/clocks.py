"""Programs at another clock: libfaketime (Debian's faketime package, see .ci/system-deps).

`at` gives the environment in which a program, and every program it starts, sees the wall
clock at another time. Only the wall clock moves; monotonic clocks stay real, so timeouts and
timed waits behave as usual. (libfaketime's default moves them too, and Debian 12's 0.9.10
does not intercept ``sem_clockwait``, so a Python ``thread.join(0.3)`` would wait until the
thread ends; tests/monotonic_sleep.c mends the one call that breaks when they stay real.)
scripts/matrix.py runs the page examples and library tests this way; tests use it to show
what a tool prints at a given date.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIM_SOURCE = Path(__file__).with_name("monotonic_sleep.c")
SHIM = ROOT / "build" / "clocks" / "monotonic_sleep.so"
#: ld.so expands $LIB to the multiarch library directory (lib/x86_64-linux-gnu, ...).
LIBFAKETIME = "/usr/$LIB/faketime/libfaketime.so.1"


def available() -> bool:
    """Whether libfaketime is installed and the shim builds (a C compiler is there)."""
    if not glob.glob("/usr/lib/*/faketime/libfaketime.so.1"):
        return False
    try:
        _shim()
    except (OSError, subprocess.CalledProcessError):
        return False
    return True


def _shim() -> Path:
    """Build tests/monotonic_sleep.c into build/clocks/ once (again when the source changes)."""
    if SHIM.is_file() and SHIM.stat().st_mtime >= SHIM_SOURCE.stat().st_mtime:
        return SHIM
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        raise OSError("no C compiler (make system-deps installs gcc)")
    SHIM.parent.mkdir(parents=True, exist_ok=True)
    partial = SHIM.with_name(f"{SHIM.name}.{os.getpid()}")
    flags = ["-shared", "-fPIC", "-O2", "-Wall", "-ldl"]
    subprocess.run(
        [compiler, *flags, "-o", str(partial), str(SHIM_SOURCE)],
        check=True,
        capture_output=True,
    )
    partial.replace(SHIM)  # atomic: parallel builders never see half a library
    return SHIM


def at(when: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment ``base`` (default: this process's) with the wall clock moved.

    Args:
        when: ``"@2028-02-29 12:00:00"`` (each program starts at that UTC time, and its clock
            runs on from there) or ``"+400d"`` / ``"-1d"`` (the real clock, shifted).
        base: The environment to start from; any FAKETIME settings in it are replaced.

    Returns:
        A new environment mapping.
    """
    source = os.environ if base is None else base
    env = {k: v for k, v in source.items() if not k.startswith("FAKETIME")}
    env.update(
        LD_PRELOAD=f"{_shim()}:{LIBFAKETIME}",
        FAKETIME=when,
        FAKETIME_DONT_FAKE_MONOTONIC="1",
        # Leave pthread_cond_timedwait deadlines alone: the monotonic clock is real (a JVM
        # spins through its timed waits otherwise).
        FAKETIME_FORCE_MONOTONIC_FIX="0",
    )
    return env
