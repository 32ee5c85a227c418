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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from .errors import BuildError, ContentError

LOCK_FILE = ".build.lock"
MANIFESTS = Path(".cache") / "outputs"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_MANIFEST_VERSION = 1


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


@dataclass(frozen=True)
class Item:
    """One file of the site to be: ``key`` names its content (a page's render key, or a
    hash of bytes), and exactly one of ``data`` (bytes), ``source`` (a file to link or copy)
    or ``page`` (something ``render`` turns into bytes) says where the content comes from."""

    key: str
    data: bytes | None = None
    source: Path | None = None
    page: Any = None


#: path → (key, hash of bytes, size, mtime_ns, inode)
Manifest = dict[str, tuple[str, str, int, int, int]]


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
        path = self._manifest_path(folder)
        try:
            version, data = pickle.loads(path.read_bytes()) if path else (None, None)
        except (OSError, ValueError, EOFError, pickle.UnpicklingError):
            return None
        return data if version == _MANIFEST_VERSION and isinstance(data, dict) else None

    def forget(self, folder: Path) -> None:
        """Drop ``folder``'s manifest: it is about to change (a killed build leaves it unknown)."""
        if (path := self._manifest_path(folder)) is not None:
            path.unlink(missing_ok=True)

    def remember(self, folder: Path, manifest: Manifest) -> None:
        """Record ``folder``'s manifest, atomically."""
        self.store.mkdir(parents=True, exist_ok=True)
        path = self._manifest_path(folder)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps((_MANIFEST_VERSION, manifest), protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)

    def prune_manifests(self) -> None:
        """Delete manifests of folders that are neither the live one nor the spare."""
        keep = {p.name for p in (self._manifest_path(self.live), self._manifest_path(self.spare)) if p}
        if self.store.is_dir():
            for f in self.store.iterdir():
                if f.name not in keep:
                    f.unlink(missing_ok=True)


def verified(folder: Path, manifest: Manifest, paths: Any = None) -> Manifest:
    """Return the records of ``manifest`` (only ``paths``, when given) whose file still has
    the recorded size, modification time and inode."""
    good: Manifest = {}
    for path in manifest if paths is None else paths:
        rec = manifest.get(path)
        if rec is None:
            continue
        try:
            st = os.lstat(folder / path)
        except OSError:
            continue
        if (st.st_size, st.st_mtime_ns, st.st_ino) == rec[2:]:
            good[path] = rec
    return good


def _record(key: str, digest: str, target: Path) -> tuple[str, str, int, int, int]:
    st = os.lstat(target)
    return (key, digest, st.st_size, st.st_mtime_ns, st.st_ino)


class SpareWriter:
    """Writes files into the spare folder; picklable, so render workers write directly.

    ``known`` maps a path to its ``(key, live record, spare record)``: the records it may
    reuse when the bytes turn out equal.
    """

    def __init__(self, live: Path, spare: Path, known: dict[str, tuple[str, Any, Any]]) -> None:
        self.live, self.spare, self.known = live, spare, known

    def __call__(self, path: str, data: bytes) -> tuple[str, str, int, int, int]:
        """Put ``data`` at ``path`` in the spare (keep or link it when equal); return its record."""
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        key, live_rec, spare_rec = self.known.get(path, ("", None, None))
        target = self.spare / path
        if spare_rec and spare_rec[1] == digest:
            return (key, *spare_rec[1:])
        if live_rec and live_rec[1] == digest and verified(self.live, {path: live_rec}):
            link(self.live / path, target)
            return (key, *live_rec[1:])
        _replace(target)
        with open(target, "xb") as f:
            f.write(data)
        return _record(key, digest, target)


def _replace(target: Path) -> None:
    """Make room for a new file at ``target``: never write into an existing file, which may
    share its inode with the live site."""
    try:
        target.unlink()
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)


def link(source: Path, target: Path) -> None:
    """Hard-link ``source`` at ``target`` (copy where links are impossible)."""
    _replace(target)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
        os.chmod(target, 0o644)


def write_output(
    output: Path, root: Path, items: dict[str, Item],
    render: Callable[[list[Any], SpareWriter], dict[str, tuple]], trust: bool = False,
) -> tuple[int, int]:
    """Make ``output`` hold exactly ``items``, then swap it in. Returns ``(files in the site,
    files written or linked)``; ``(n, 0)`` when nothing changed (nothing is touched then).

    ``render(pages, writer)`` renders the ``page`` items still to make and writes each
    through ``writer``, returning ``{path: record}``. ``trust`` skips checking files against
    the manifests (the preview server, which wrote them itself). Raises ``OSError`` on
    disk problems and whatever ``render`` raises; ``output`` is then untouched.
    Call it while holding the build lock.
    """
    recover(output)
    out = Output(output, root)
    live = out.manifest(output) or {} if output.is_dir() else {}
    if live and set(live) == set(items) and all(live[p][0] == it.key for p, it in items.items()):
        if trust or len(verified(output, live)) == len(live):
            return len(items), 0
    spare = _prepare_spare(out, trust)
    reusable = [p for p, it in items.items() if p in live and live[p][0] == it.key and (p not in spare or spare[p][0] != it.key)]
    live_ok = live if trust else verified(output, live, reusable)
    out.forget(out.spare)
    for path in set(spare) - set(items):
        (out.spare / path).unlink(missing_ok=True)
    manifest, pages, changed = _fill_spare(out, items, spare, live_ok)
    if pages:
        known = {p.path: (items[p.path].key, live.get(p.path), spare.get(p.path)) for p in pages}
        manifest.update(render(pages, SpareWriter(output, out.spare, known)))
        changed += len(pages)
    _remove_empty_dirs(out.spare, set(spare) - set(items))
    out.remember(out.spare, manifest)
    _swap(out)
    out.prune_manifests()
    return len(items), changed


def _prepare_spare(out: Output, trust: bool) -> Manifest:
    """Return the spare folder's checked manifest; an unknown spare is emptied."""
    spare = out.manifest(out.spare) if out.spare.is_dir() else None
    if spare is None:
        shutil.rmtree(out.spare, ignore_errors=True)
        out.spare.mkdir(parents=True)
        return {}
    return spare if trust else verified(out.spare, spare)


def _fill_spare(out: Output, items: dict[str, Item], spare: Manifest, live: Manifest) -> tuple[Manifest, list[Any], int]:
    """Keep, link or write every item that is not a page to render; return the manifest so
    far, the pages still to render, and how many files were written or linked."""
    manifest: Manifest = {}
    pages, changed = [], 0
    for path, item in items.items():
        target = out.spare / path
        if path in spare and spare[path][0] == item.key:
            manifest[path] = spare[path]
        elif path in live and live[path][0] == item.key:
            link(out.live / path, target)
            manifest[path] = live[path]
            changed += 1
        elif item.page is not None:
            pages.append(item.page)
        elif item.data is not None:
            manifest[path] = SpareWriter(out.live, out.spare, {path: (item.key, live.get(path), None)})(path, item.data)
            changed += 1
        else:
            link(item.source, target)
            manifest[path] = _record(item.key, item.key, target)
            changed += 1
    return manifest, pages, changed


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
