"""Write a build into a staging folder beside ``output/``, then swap it in at once.

A failed or killed build leaves the last good ``output/`` as it was: everything is written
into ``.output.staging-<pid>/`` first, and only a complete build is swapped in, with one
atomic ``renameat2(RENAME_EXCHANGE)`` on Linux (two renames elsewhere, with recovery of an
interrupted swap on the next run). Files no longer produced disappear because every build
starts from an empty staging folder. Only one build runs at a time (``.build.lock``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from . import images
from .errors import BuildError, ContentError
from .images import ImageReport

LOCK_FILE = ".build.lock"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@contextmanager
def build_lock(root: Path, wait: float = 60.0) -> Iterator[None]:
    """Hold the project's build lock; raises ``BuildError`` if another build keeps it
    longer than ``wait`` seconds."""
    lock = FileLock(str(root / LOCK_FILE))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(f"another build of this project is running; waiting for it (at most {wait:.0f} s)…", file=sys.stderr, flush=True)
            lock.acquire(timeout=wait)
    except Timeout:
        raise BuildError([ContentError(LOCK_FILE, 0, 0, "", f"another build of this project has been running for over {wait:.0f} s", "wait for it to finish, or stop it")]) from None
    try:
        yield
    finally:
        lock.release()


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2); return False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        rc = libc.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    except (OSError, AttributeError):
        return False
    return rc == 0


def recover(output: Path) -> None:
    """Undo what an interrupted build left: restore ``output/`` if only its old copy exists,
    and remove staging folders. Call it while holding the build lock."""
    olds = sorted(output.parent.glob(f".{output.name}.old-*"))
    if not output.exists() and olds:
        os.replace(olds[-1], output)
    for path in [*output.parent.glob(f".{output.name}.staging-*"), *output.parent.glob(f".{output.name}.old-*")]:
        shutil.rmtree(path, ignore_errors=True)


def write_output(output: Path, files: dict[str, bytes], assets: dict[str, tuple[Path, str]], report: ImageReport, root: Path) -> int:
    """Write rendered files, assets and images, then swap them in as ``output``.

    Returns the number of files written. Raises ``OSError`` on disk problems; ``output``
    is then untouched. Call it while holding the build lock.
    """
    recover(output)
    staging = output.parent / f".{output.name}.staging-{os.getpid()}"
    staging.mkdir(parents=True)
    try:
        for rel_path, data in sorted(files.items()):
            target = staging / rel_path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for _name, (source, published) in sorted(assets.items()):
            target = staging / "assets" / published
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        images.publish(report, root, staging)
        count = sum(1 for p in staging.rglob("*") if p.is_file())
        if output.exists() and _exchange(staging, output):
            shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        else:
            old = output.parent / f".{output.name}.old-{os.getpid()}"
            if output.exists():
                os.replace(output, old)
            os.replace(staging, output)
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count
