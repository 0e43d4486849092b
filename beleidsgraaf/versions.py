"""Which store versions are in use, so a build never deletes one a process still reads.

`beleidsgraaf build` writes each store as a new version folder and points the store link at
it. Every process that opens a version (the server, each query worker) holds a shared
flock on a small lock file next to it for as long as it lives; the kernel drops the lock
when the process ends, however it ends (a worker killed at its time limit included). A
build deletes an old version only while it holds that lock exclusively, that is, when no
process has the version open.

This module is imported by every worker process: it must stay light.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

_held: list[int] = []  # lock files this process keeps open (and so locked) until it exits


def lock_file(version: Path) -> Path:
    return version.with_name(f".{version.name}.in-use")


def hold_version(version: Path) -> int:
    """Mark `version` as in use by this process until it exits or calls release()."""
    fd = os.open(lock_file(Path(version)), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    _held.append(fd)
    return fd


def release(fd: int) -> None:
    if fd in _held:
        _held.remove(fd)
        os.close(fd)


def remove_if_unused(version: Path) -> bool:
    """Delete `version` unless a process holds it; True if it was deleted."""
    path = lock_file(version)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # someone reads it: it stays until a later build finds it free
        shutil.rmtree(version, ignore_errors=True)
        path.unlink(missing_ok=True)
        return True
    finally:
        os.close(fd)


def in_use(version: Path) -> bool:
    """Whether some process holds `version` (for tests and diagnostics)."""
    path = lock_file(version)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
