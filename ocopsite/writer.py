"""Write a build into ``output/`` at once, writing only what changed.

Two folders take turns: ``output/`` (the live site) and ``.output.spare/`` beside it (the
site as it was one build ago). A build brings the spare up to date — unchanged files are
kept, files equal to a live one are hard-linked from it, only new content is written, files
no longer produced are deleted — and then swaps the two folders in one atomic
``renameat2(RENAME_EXCHANGE)`` on Linux (three renames elsewhere, with recovery of an
interrupted swap on the next run). The live folder is never written into, so a failed or
killed build leaves the last good ``output/`` as it was.

What each folder holds is recorded in a manifest (``.cache/outputs/``): for each file the
key it was made from, a hash of its bytes, and its size, modification time and inode.
Files are checked against it before they are kept or linked, so a file changed by hand is
replaced. A folder without a valid manifest is rebuilt whole. Only one build runs at a time
(``.build.lock``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import os
import pickle
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .errors import BuildError, ContentError, msg, translate

LOCK_FILE = ".build.lock"
MANIFESTS = Path(".cache") / "outputs"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_MANIFEST_VERSION = 2


@contextmanager
def build_lock(root: Path, wait: float = 60.0) -> Iterator[None]:
    """Hold the project's build lock; raises ``BuildError`` if another build keeps it
    longer than ``wait`` seconds."""
    lock = FileLock(str(root / LOCK_FILE))
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            print(translate(msg("another build of this project is running; waiting for it (at most {seconds} s)…", seconds=f"{wait:.0f}")),
                  file=sys.stderr, flush=True)
            lock.acquire(timeout=wait)
    except Timeout:
        raise BuildError([ContentError(LOCK_FILE, 0, 0, "", msg("another build of this project has been running for over {seconds} s", seconds=f"{wait:.0f}"),
                                       msg("wait for it to finish, or stop it"))]) from None
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class Item:
    """One file of the site to be: ``key`` names its content (a page's render key, or a
    hash of bytes), and exactly one of ``data`` (bytes), ``source`` (a file to link or copy)
    or ``page`` (something ``render`` turns into bytes) says where the content comes from."""

    key: bytes
    data: bytes | None = None
    source: str | None = None
    page: Any = None


#: path → (key, hash of bytes, size, mtime_ns, inode); keys and hashes are 16 bytes.
Manifest = dict[str, tuple[bytes, bytes, int, int, int]]


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
    and remove staging folders of older versions. Call it while holding the build lock."""
    olds = sorted(output.parent.glob(f".{output.name}.old-*"))
    if not output.exists() and olds:
        os.replace(olds[-1], output)
    for path in [*output.parent.glob(f".{output.name}.staging-*"), *output.parent.glob(f".{output.name}.old-*")]:
        shutil.rmtree(path, ignore_errors=True)


class Output:
    """The live output folder, its spare twin and their manifests."""

    def __init__(self, output: Path, root: Path) -> None:
        self.live = output
        self.spare = output.parent / f".{output.name}.spare"
        self.store = root / MANIFESTS

    def _manifest_path(self, folder: Path) -> Path | None:
        try:
            st = folder.stat()
        except FileNotFoundError:
            return None
        return self.store / f"{st.st_dev}-{st.st_ino}.pickle"

    def manifest(self, folder: Path) -> Manifest | None:
        """Return the manifest of ``folder``, or None when it is unknown."""
        return self.load(folder)[1]

    def load(self, folder: Path) -> tuple[dict, Manifest | None]:
        """Return ``(build facts, manifest)`` of ``folder`` (``({}, None)`` when unknown)."""
        path = self._manifest_path(folder)
        try:
            version, meta, data = pickle.loads(path.read_bytes()) if path else (None, None, None)
        except (OSError, ValueError, EOFError, TypeError, pickle.UnpicklingError):
            return {}, None
        if version != _MANIFEST_VERSION or not isinstance(data, dict):
            return {}, None
        return meta, data

    def forget(self, folder: Path) -> None:
        """Drop ``folder``'s manifest: it is about to change (a killed build leaves it unknown)."""
        if (path := self._manifest_path(folder)) is not None:
            path.unlink(missing_ok=True)

    def remember(self, folder: Path, manifest: Manifest, meta: dict | None = None) -> None:
        """Record ``folder``'s manifest and the facts of the build that made it, atomically."""
        self.store.mkdir(parents=True, exist_ok=True)
        path = self._manifest_path(folder)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((_MANIFEST_VERSION, meta or {}, manifest), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)

    def prune_manifests(self) -> None:
        """Delete manifests of folders that are neither the live one nor the spare."""
        keep = {p.name for p in (self._manifest_path(self.live), self._manifest_path(self.spare)) if p}
        if self.store.is_dir():
            for f in self.store.iterdir():
                if f.name not in keep:
                    f.unlink(missing_ok=True)


def up_to_date(output: Path, root: Path, stamp: str) -> dict | None:
    """Return the facts of the build that made ``output`` if it was made from inputs with
    this ``stamp`` and every file is still as recorded; else None."""
    meta, live = Output(output, root).load(output) if output.is_dir() else ({}, None)
    if live is None or meta.get("stamp") != stamp or len(verified(output, live)) != len(live):
        return None
    return {**meta, "files": len(live)}


def verified(folder: Path, manifest: Manifest, paths: Any = None) -> Manifest:
    """Return the records of ``manifest`` (only ``paths``, when given) whose file still has
    the recorded size, modification time and inode."""
    good: Manifest = {}
    for path in manifest if paths is None else paths:
        rec = manifest.get(path)
        if rec is None:
            continue
        try:
            st = os.lstat(os.path.join(folder, path))
        except OSError:
            continue
        if (st.st_size, st.st_mtime_ns, st.st_ino) == rec[2:]:
            good[path] = rec
    return good


class SpareWriter:
    """Puts rendered bytes into the spare folder; picklable, so render workers write directly.

    Given the path's ``key`` and the live and spare records it may reuse, equal bytes are
    kept (spare) or hard-linked (live) instead of written again.
    """

    def __init__(self, live: Path, spare: Path) -> None:
        self.live, self.spare = str(live), str(spare)

    def __call__(self, path: str, data: bytes, key: bytes, live_rec: Any, spare_rec: Any) -> tuple[bytes, bytes, int, int, int]:
        """Put ``data`` at ``path``; return its record ``(key, hash, size, mtime_ns, inode)``."""
        digest = hashlib.blake2b(data, digest_size=16).digest()
        target = os.path.join(self.spare, path)
        if spare_rec and spare_rec[1] == digest:
            return (key, *spare_rec[1:])
        if live_rec and live_rec[1] == digest and verified(self.live, {path: live_rec}):
            link(os.path.join(self.live, path), target)
            return (key, *live_rec[1:])
        _replace(target)
        with open(target, "xb") as f:
            f.write(data)
        return _record(key, digest, target)


def _replace(target: str) -> None:
    """Make room for a new file at ``target``: never write into an existing file, which may
    share its inode with the live site."""
    try:
        os.unlink(target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)


def link(source: str, target: str) -> None:
    """Hard-link ``source`` at ``target`` (copy where links are impossible)."""
    _replace(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        os.chmod(target, 0o644)


def _record(key: bytes, digest: bytes, target: str) -> tuple[bytes, bytes, int, int, int]:
    st = os.lstat(target)
    return (key, digest, st.st_size, st.st_mtime_ns, st.st_ino)


class Update:
    """One build's update of the output: fed every file of the new site, it keeps what is
    unchanged, brings the spare folder up to date with the rest, and swaps it in.

    Nothing is touched until the first file that differs from the live site; when none
    does (and the live files are as recorded), ``finish`` leaves everything as it was.
    Call it while holding the build lock.
    """

    def __init__(self, output: Path, root: Path, trust: bool = False) -> None:
        recover(output)
        self.out = Output(output, root)
        self.trust = trust
        self.live_meta, live = self.out.load(output) if output.is_dir() else ({}, None)
        self.live: Manifest = live or {}
        self.spare: Manifest | None = None
        self.manifest: Manifest = {}
        self.same: list[tuple[str, bytes]] = []
        self.changed = 0
        self.rendered_paths: list[str] = []  # pages rendered by this build (kept or written)
        self.live_ok: set[str] = set()  # live files checked against their records
        self.writer = SpareWriter(output, self.out.spare)

    def unchanged(self, path: str, key: bytes) -> bool:
        """Return True (and remember it) if the live site has ``path`` with this key, and
        the file is still as recorded (a file changed by hand is made again)."""
        rec = self.live.get(path)
        if rec is not None and rec[0] == key and (self.trust or verified(self.writer.live, {path: rec})):
            self.same.append((path, key))
            self.live_ok.add(path)
            return True
        return False

    def keep(self, pages: list[tuple[str, bytes]]) -> bool:
        """Keep every ``(path, key)`` of a unit of pages if the live site has them all, as
        recorded (``unchanged`` for each); else keep none and return False."""
        for path, key in pages:
            rec = self.live.get(path)
            if rec is None or rec[0] != key or not (self.trust or verified(self.writer.live, {path: rec})):
                return False
        self.same += pages
        self.live_ok.update(path for path, _key in pages)
        return True

    def _spare(self) -> Manifest:
        """Return the spare folder's manifest as recorded (``_spare_rec`` checks a file
        before it is reused), preparing the folder on first use (an unknown spare is
        emptied; its manifest is dropped while it changes)."""
        if self.spare is None:
            known = self.out.manifest(self.out.spare) if self.out.spare.is_dir() else None
            if known is None:
                shutil.rmtree(self.out.spare, ignore_errors=True)
                self.out.spare.mkdir(parents=True)
                known = {}
            self.spare = known
            self.out.forget(self.out.spare)
        return self.spare

    def _spare_rec(self, path: str) -> Any:
        """Return the spare's record of ``path`` if the file is still as recorded, else None.
        A spare file that is the same inode, size and time as a checked live file is that
        file (hard-linked); only the others are checked on disk."""
        rec = self._spare().get(path)
        if rec is None or self.trust:
            return rec
        live = self.live.get(path)
        if live is not None and live[2:] == rec[2:] and path in self.live_ok:
            return rec
        return rec if verified(self.out.spare, {path: rec}) else None

    def put(self, path: str, item: Item) -> None:
        """Bring ``path`` in the spare to ``item`` (bytes or a file to link)."""
        rec = self._spare_rec(path)
        if rec is not None and rec[0] == item.key:
            self.manifest[path] = rec
            return
        self.changed += 1
        if item.data is not None:
            self.manifest[path] = self.writer(path, item.data, item.key, None, rec)
        else:
            target = os.path.join(self.writer.spare, path)
            link(item.source, target)
            self.manifest[path] = _record(item.key, item.key, target)

    def page_target(self, path: str) -> tuple[Any, Any]:
        """Return the live and spare records a page about to be rendered may reuse."""
        return self.live.get(path), self._spare_rec(path)

    def rendered(self, path: str, record: tuple) -> None:
        """Record a page the renderer wrote (or kept, or linked) through ``writer``."""
        self.manifest[path] = record
        self.rendered_paths.append(path)
        self.changed += 1

    def finish(self, meta: dict | None = None) -> tuple[int, int]:
        """Complete the spare with the unchanged files, delete what is no longer produced,
        and swap it in; ``meta`` (facts of this build) is kept with the manifest. Returns
        ``(files in the site, files written or linked)``."""
        count = len(self.same) + len(self.manifest)
        if self.spare is None and count == len(self.live):  # every file is the live one
            if meta is not None and meta != self.live_meta:
                self.out.remember(self.out.live, self.live, meta)
            return count, 0
        spare = self._spare()
        for path, key in self.same:
            rec = self._spare_rec(path)
            if rec is not None and rec[0] == key:
                self.manifest[path] = rec
            else:
                link(os.path.join(self.writer.live, path), os.path.join(self.writer.spare, path))
                self.manifest[path] = self.live[path]
                self.changed += 1
        stale = set(spare) - set(self.manifest)
        for path in stale:
            try:
                os.unlink(os.path.join(self.writer.spare, path))
            except FileNotFoundError:  # gone from the spare since it was recorded
                pass
        _remove_empty_dirs(self.out.spare, stale)
        self.out.remember(self.out.spare, self.manifest, meta)
        _swap(self.out)
        self.out.prune_manifests()
        return count, self.changed


def _remove_empty_dirs(folder: Path, deleted: set[str]) -> None:
    """Remove the folders left empty by deleted files (deepest first)."""
    parents = {Path(p).parent for p in deleted}
    for d in sorted({a for p in parents for a in (p, *p.parents) if str(a) != "."}, key=lambda p: len(p.parts), reverse=True):
        try:
            (folder / d).rmdir()
        except OSError:
            pass  # not empty


def _swap(out: Output) -> None:
    """Swap the spare in as the live folder (the live one becomes the spare)."""
    if out.live.exists() and _exchange(out.spare, out.live):
        return
    old = out.live.parent / f".{out.live.name}.old-{os.getpid()}"
    if out.live.exists():
        os.replace(out.live, old)
    os.replace(out.spare, out.live)
    if old.exists():
        os.replace(old, out.spare)
