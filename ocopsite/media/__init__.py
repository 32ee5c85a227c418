"""The media stage: every derived file — photo derivatives, share cards, QR codes — as jobs.

A job has a key (a hash of its inputs, its settings and its code version) and a make step
that writes files named by that key into ``.cache/media/``. A job whose files are already
there is not run again; the others run in parallel across cores. Results are plain values
known before rendering (``Media``); nothing changes the site. Unused cache files are pruned
after a successful build (``prune``).

Photos are keyed by a hash of their bytes; ``hashes.json`` remembers that hash by the
file's size, modification time and inode, as git's index does, so an unchanged photo is not
read again on every build.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import ImageSettings
from ..errors import ContentError, Msg, msg, rel
from ..kinds import KINDS, digital_link
from ..models import Image, Photo
from ..vietnamese import format_date_range, slugify
from ..parallel import context
from . import cards, photos, qr

CACHE_DIR = Path(".cache") / "media"
OUTPUT_DIR = "anh"
HASHES_FILE = "hashes.json"
PHOTOS_FILE = "photos.json"
_BOOK = {HASHES_FILE, PHOTOS_FILE}
#: Small jobs (QR codes, cards) go to worker processes in batches of this many.
BATCH = 32
NOTE_HINT = msg("the photo is published without any of its metadata; save it again from a photo editor to silence this")


def _note_data(note: Msg) -> list:
    """Return a note about a photo as the book keeps it in JSON: ``[template, values]``."""
    return [note.template, note.params]


def _notes(data: list) -> list[Msg]:
    """Return the notes of a photo from the book (``_note_data``) as messages."""
    return [Msg(template, params) for template, params in data]


def _readable_notes(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(n, list) and len(n) == 2 and isinstance(n[0], str) and isinstance(n[1], dict)
                                           for n in value)


@dataclass(frozen=True)
class Picture:
    """A single published picture (a share card): URL path, size in pixels, alt text."""

    url: str
    width: int
    height: int
    alt: str


@dataclass(frozen=True)
class Media:
    """What the media stage made, by what it belongs to.

    ``images`` maps a photo's source path to its derivatives; ``cards`` and ``qr`` map an
    entry's ``(kind, slug)`` to its share card and to the URL path of its QR code;
    ``files`` maps each output path to publish (``anh/x-1a2b-640.webp``) to its cache file
    name; ``cache_files`` is every cache file this build uses (the rest is pruned);
    ``site_card`` is the card of the site itself.
    """

    images: Mapping[Path, Image]
    cards: Mapping[tuple[str, str], Picture]
    qr: Mapping[tuple[str, str], str]
    files: Mapping[str, str]
    cache_files: frozenset[str]
    made: int
    reused: int
    #: The site's own card, for the home page, lists and plain pages.
    site_card: Picture | None = None
    #: The own digests and context keys of the site's entries (``memo.Keys``), known once
    #: the photos are processed.
    keys: Any = None

    def cover(self, photos: Iterable[Photo]) -> Image | None:
        """Return the first of ``photos`` that was processed, or None."""
        return next((self.images[p.source] for p in photos if p.source in self.images), None)


@dataclass(frozen=True)
class Job:
    """One media job: ``make(*args)`` writes the files of ``key`` into the cache."""

    kind: str
    key: str
    make: Callable[..., Any]
    args: tuple
    owner: str


def _digest(*parts: str | bytes) -> str:
    h = hashlib.blake2b(digest_size=8)
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode())
        h.update(b"\0")
    return h.hexdigest()


class _Book:
    """The cache's two small indexes: photo content hashes by file stat, and the
    derivatives of each processed photo. Read once, written back only if changed."""

    def __init__(self, cache: Path) -> None:
        self.cache = cache
        self.hashes: dict[str, list] = self._load(HASHES_FILE)
        self.photos: dict[str, list] = self._load(PHOTOS_FILE)
        self.changed = False

    def _load(self, name: str) -> dict:
        try:
            data = json.loads((self.cache / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if name == PHOTOS_FILE and isinstance(data, dict):  # an index of an older layout is dropped
            data = {k: v for k, v in data.items() if isinstance(v, dict) and "d" in v and _readable_notes(v.get("n"))}
        return data if isinstance(data, dict) else {}

    def content_hash(self, path: Path) -> str:
        """Return the hash of a file's bytes, read again only when its stat changed."""
        st = path.stat()
        sig = [st.st_size, st.st_mtime_ns, st.st_ino]
        known = self.hashes.get(str(path))
        if known and known[:3] == sig:
            return known[3]
        digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
        self.hashes[str(path)] = [*sig, digest]
        self.changed = True
        return digest

    def save(self, keep_photos: set[str], keep_sources: set[str]) -> None:
        """Write both indexes (only entries still in use), atomically."""
        hashes = {k: v for k, v in self.hashes.items() if k in keep_sources}
        kept = {k: v for k, v in self.photos.items() if k in keep_photos}
        if not self.changed and hashes == self.hashes and kept == self.photos:
            return
        for name, data in ((HASHES_FILE, hashes), (PHOTOS_FILE, kept)):
            tmp = self.cache / f".tmp-{name}"
            tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.cache / name)


def run_media(site: Any, root: Path, workers: int | None = None,
              progress: Callable[[int, int], None] | None = None, memo: Any = None,
              data_key: str = "") -> tuple[Media, list[ContentError]]:
    """Make (or reuse) every derived file of an assembled site.

    Returns ``(media, problems)``: a photo that cannot be processed is a ``ContentError``
    naming the file, and never stops the other photos. With a ``memo`` (``memo.Memo``), an
    entry whose context key (under ``data_key``) is unchanged keeps its card and QR code
    without their being described again.
    """
    from ..memo import Keys, node_key

    cache = root / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    existing = set(os.listdir(cache))
    book = _Book(cache)
    shot = _photos(_all_photos(site), site.config.images, root, book, existing, workers, progress)
    keys = Keys(site, shot.images, data_key)
    out = _Jobs(root, shot, existing)
    for node in site.nodes():
        if memo is None:
            out.add(node, out.describe(site, node))
            continue
        # the card's name hashes the fonts, which are assets: they key the memo too
        key, context = node_key(node), keys.of(node) + out.fonts
        kept = memo.get("media", key, context)
        if kept is memo.MISSING or (kept[1] and kept[1][2] not in existing):  # a card to draw needs its spec
            kept = out.describe(site, node)
            memo.put("media", key, context, (kept[0], kept[1] and (None, *kept[1][1:])))
        out.add(node, kept)
    site_card = out.card("", cards.CardSpec(site.config.title, site.config.tagline, "", None, False, "", None, "site"), site.config.title)
    todo = out.jobs
    _results, failed = run_jobs(todo, workers)
    if failed:  # only a programming error can get here: fonts, URLs and texts are ours
        raise RuntimeError(f"media jobs failed: {failed}")
    used = set(out.files.values()) | _BOOK
    book.save({k for k in book.photos if any(n in used for n, *_ in book.photos[k]["d"])}, {str(p.source) for p in _all_photos(site)})
    made, reused = shot.made + len(todo), shot.reused + out.count - len(todo)
    return Media(shot.images, out.cards, out.qr, out.files, frozenset(used), made, reused, site_card, keys), shot.problems


class _Jobs:
    """Collects the QR code and share card jobs of a site, and the files they publish."""

    def __init__(self, root: Path, shot: PhotoResult, existing: set[str] = frozenset()) -> None:
        self.root, self.images, self.existing = root, shot.images, existing
        self.count = 0  # QR codes and cards, made or found in the cache
        self.cache = str(root / CACHE_DIR)
        self.fonts = _digest(*((root / "assets" / f).read_bytes() for f in (cards.FONT_REGULAR, cards.FONT_BOLD)))
        self.jobs: list[Job] = []
        self.cards: dict[tuple[str, str], Picture] = {}
        self.qr: dict[tuple[str, str], str] = {}
        self.files: dict[str, str] = dict(shot.files)

    def describe(self, site: Any, node: Any) -> tuple:
        """Return what one node's QR code and card are, as the kinds table asks:
        ``((url, title, file name) | None, (card spec, alt, file name) | None)``."""
        spec = KINDS[node.kind]
        code = card = None
        if spec.qr:  # a product with a GTIN: its GS1 Digital Link, which resolves to the page
            gtin = getattr(node.meta, "gtin", None)
            url = digital_link(site.config.base_url, gtin) if gtin else site.config.base_url + node.url.lstrip("/")
            code = (url, f"QR: {node.name}", f"qr-{_digest(qr.QR_VERSION, url, f'QR: {node.name}')}.svg")
        if spec.card:
            drawn = card_spec(node, site.config.title, media_cover(node, self.images))
            card = (drawn, node.name, self.card_name(drawn))
        return code, card

    def add(self, node: Any, described: tuple) -> None:
        """Add the jobs and files of one node's QR code and card (see ``describe``)."""
        code, card = described
        if code is not None:
            url, title, name = code
            self.qr[(node.kind, node.slug)] = node.url + "qr.svg"
            self.files[node.url.lstrip("/") + "qr.svg"] = name
            self.count += 1
            if name not in self.existing:
                self.jobs.append(Job("qr", name, qr.make_qr, (url, title, os.path.join(self.cache, name)), node.url))
        if card is not None:
            self.cards[(node.kind, node.slug)] = self.card(node.url, *card)

    def card_name(self, card: cards.CardSpec) -> str:
        """Return a card's file name: a hash of what it shows, so two entries whose cards
        are the same picture publish one file."""
        return f"the-{_digest(cards.CARD_VERSION, repr(card), self.fonts)}.{card.extension}"

    def card(self, owner: str, card: cards.CardSpec | None, alt: str, name: str | None = None) -> Picture:
        """Add one share card job (unless another entry has the same card, or the cache has
        it: ``card`` may then be None, with its ``name``); return the picture it publishes."""
        name = name or self.card_name(card)
        if f"{OUTPUT_DIR}/{name}" not in self.files:
            self.files[f"{OUTPUT_DIR}/{name}"] = name
            self.count += 1
            if name not in self.existing:
                self.jobs.append(Job("card", name, cards.render_card, (card, str(self.root / "assets"), self.cache, os.path.join(self.cache, name)), owner))
        return Picture(f"/{OUTPUT_DIR}/{name}", cards.WIDTH, cards.HEIGHT, alt)


def media_cover(node: Any, images: Mapping[Path, Image]) -> str | None:
    """Return the cache file name of the widest JPEG of a node's first processed photo."""
    for p in node.photos:
        if p.source in images:
            return images[p.source].variants["jpeg"][-1][0].rsplit("/", 1)[1]
    return None


def card_spec(node: Any, site_title: str, cover: str | None) -> cards.CardSpec:
    """Return what the share card of a node shows: its name, where it is, and its badge
    (products: the stars; fairs: the dates) on the colour of its group or kind."""
    where = node.commune.name if getattr(node, "commune", None) else ""
    if node.kind == "product":
        theme = node.meta.group.value if node.meta.group else "site"
        former = node.meta.former_address
        if former and former.commune:
            where += f" · trước đây: {former.commune}"
        if node.current:
            return cards.CardSpec(node.name, where, f"{node.current.stars} sao OCOP", node.current.stars, False, site_title, cover, theme)
        badge = {"upcoming": f"Chưa có hiệu lực · {node.badge.stars} sao", "unknown": f"Đạt {node.badge.stars} sao · chưa rõ năm"}
        return cards.CardSpec(node.name, where, badge.get(node.status, f"Hết hạn · từng đạt {node.badge.stars} sao"), None, True, site_title, cover, theme)
    if node.kind == "fair":
        when = format_date_range(node.start, node.end if node.meta.end else None)
        place = ", ".join(x for x in (node.meta.venue, node.meta.city) if x)
        return cards.CardSpec(node.name, f"{when} · {place}" if place else when, "Hội chợ", None, False, site_title, cover, "fair")
    if node.kind == "producer":
        kind = node.meta.type.label if node.meta.type else ""
        badge = f"{len(node.products)} sản phẩm OCOP" if node.products else ""
        return cards.CardSpec(node.name, " · ".join(x for x in (kind, where) if x), badge, None, False, site_title, cover, "producer")
    if node.kind == "craft":
        badge = node.meta.recognition_type.label if node.meta.recognition_type and node.meta.status == "recognised" else ""
        return cards.CardSpec(node.name, " · ".join(x for x in (node.meta.craft or "", where) if x), badge, None, False, site_title, cover, "craft")
    if node.kind == "commune":
        badge = f"{len(node.products)} sản phẩm OCOP" if node.products else ""
        return cards.CardSpec(node.name, site_title, badge, None, False, site_title, cover, "commune")
    return cards.CardSpec(node.name, where, "", None, False, site_title, cover, "site")


def _all_photos(site: Any) -> list[Photo]:
    """Return every photo of the site, each source once, in a stable order."""
    seen: dict[Path, Photo] = {}
    for node in site.nodes():
        for p in node.photos:
            seen.setdefault(p.source, p)
    return [seen[k] for k in sorted(seen)]


def process_photos(photo_list: list[Photo], settings: ImageSettings, root: Path, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None) -> PhotoResult:
    """Process every photo not yet cached (in parallel) into ``root/.cache/media/``.

    Returns the ``Image`` of each photo that could be processed, the files to publish,
    a ``ContentError`` naming each photo that could not, and how many were made/reused.
    """
    cache = root / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    book = _Book(cache)
    result = _photos(photo_list, settings, root, book, set(os.listdir(cache)), workers, progress)
    book.save(set(book.photos), {str(p.source) for p in photo_list} | set(book.hashes))
    return result


@dataclass(frozen=True)
class PhotoResult:
    """What processing photos gave: images by source, files to publish, problems, counts."""

    images: dict[Path, Image]
    files: dict[str, str]
    problems: list[ContentError]
    made: int
    reused: int


def photo_stem(source: Path) -> str:
    """Return the part of a photo's derivative names taken from its file name."""
    return (slugify(source.stem) or "anh")[:60]


def _photo_key(content: str, stem: str) -> str:
    """Return the key of a photo's job from ``content`` (the digest of its bytes and the
    settings) and its name: the published file names hold the name, so a renamed photo gets
    files under its new name, as a clean build would give it."""
    return _digest(content, stem)


def _photos(photo_list: list[Photo], settings: ImageSettings, root: Path, book: _Book, existing: set[str],
            workers: int | None, progress: Callable[[int, int], None] | None) -> PhotoResult:
    """Process every photo not yet cached; return images, files to publish, problems, counts.

    A photo whose bytes are cached under another name (it was renamed, or copied under
    another name) gets its derivatives linked under the new name instead of encoded again.
    """
    fingerprint = photos.settings_fingerprint(settings)
    cache = root / CACHE_DIR
    keys: dict[Path, str] = {}
    contents: dict[str, str] = {}  # job key → digest of the bytes and settings
    todo: dict[str, Job] = {}
    problems: list[ContentError] = []
    twins = {entry["c"]: entry for entry in book.photos.values() if entry.get("c") and all(d[0] in existing for d in entry["d"])}
    linked = 0
    for p in photo_list:
        stem = photo_stem(p.source)
        try:
            content = _digest(book.content_hash(p.source), fingerprint)
        except OSError as exc:  # gone since the entry was read: an error naming it, never a traceback
            problems.append(ContentError(rel(p.source, root), 0, 0, "", msg("the photo cannot be read ({reason})", reason=exc.strerror),
                                         msg("check that the file is still there, then build again")))
            continue
        key = keys[p.source] = _photo_key(content, stem)
        contents[key] = content
        known = book.photos.get(key)
        if known and all(d[0] in existing for d in known["d"]):
            continue
        if content in twins and key not in todo and (entry := _relink(twins[content], stem, key, cache)) is not None:
            book.photos[key] = entry
            book.changed = True
            existing.update(d[0] for d in entry["d"])
            linked += 1
        elif key not in todo:
            todo[key] = Job("photo", key, photos.process, (str(p.source), stem, key, settings, str(cache)), rel(p.source, root))
    results, failed = run_jobs(list(todo.values()), workers, progress)
    for key, (derivatives, notes) in results.items():
        book.photos[key] = {"d": [[d.name, d.fmt, d.width, d.height] for d in derivatives], "n": [_note_data(n) for n in notes], "c": contents[key]}
        book.changed = True
    images, files = {}, {}
    for p in photo_list:
        if p.source not in keys:
            continue
        key = keys[p.source]
        where = rel(p.source, root)
        if key in failed:
            problems.append(ContentError(where, 0, 0, "", failed[key], photos.image_hint(failed[key])))
            continue
        entry = book.photos[key]
        problems += [ContentError(where, 0, 0, "", note, NOTE_HINT, "warning") for note in _notes(entry["n"])]
        images[p.source] = _image(p.alt, entry["d"])
        files.update({f"{OUTPUT_DIR}/{name}": name for name, *_ in entry["d"]})
    return PhotoResult(images, files, problems, len(results) + linked, len(keys) - len(todo) - linked)


def _relink(twin: dict, stem: str, key: str, cache: Path) -> dict | None:
    """Return the book entry of ``key`` made by linking (or copying) the derivatives of a
    photo with the same bytes and settings under the names of ``stem``; None if that fails."""
    made = []
    try:
        for name, fmt, width, height in twin["d"]:
            new = photos.derivative_name(stem, key, width, fmt)
            if not (cache / new).exists():
                tmp = cache / f".tmp-{new}"
                tmp.unlink(missing_ok=True)
                try:
                    os.link(cache / name, tmp)
                except OSError:  # no hard links here (some file systems): a copy
                    shutil.copyfile(cache / name, tmp)
                os.replace(tmp, cache / new)
            made.append([new, fmt, width, height])
    except OSError:
        return None
    return {"d": made, "n": twin["n"], "c": twin["c"]}


def _image(alt: str, derivatives: list) -> Image:
    """Return the ``Image`` value of a processed photo (site-relative URLs)."""
    variants: dict[str, list[tuple[str, int]]] = {}
    for name, fmt, width, _height in sorted(derivatives, key=lambda d: (d[2], d[1])):
        variants.setdefault(fmt, []).append((f"/{OUTPUT_DIR}/{name}", width))
    widest = max(derivatives, key=lambda d: d[2])
    return Image(alt, widest[2], widest[3], variants["jpeg"][-1][0], variants)


def _run_batch(jobs: list[Job]) -> list[tuple[str, bool, Any]]:
    """Run jobs in one worker; a ``ValueError`` is that job's failure with its message, and
    any other exception too (a damaged photo must never stop the build)."""
    out = []
    for job in jobs:
        try:
            out.append((job.key, True, job.make(*job.args)))
        except ValueError as exc:
            out.append((job.key, False, photos.problem_message(exc)))
        except Exception as exc:  # noqa: BLE001 - reported as the photo's error, naming the file
            out.append((job.key, False, msg("the photo could not be processed ({detail})", detail=f"{type(exc).__name__}: {exc}")))
    return out


def run_jobs(jobs: list[Job], workers: int | None = None,
             progress: Callable[[int, int], None] | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    """Run jobs across all cores (photos one by one, small jobs in batches).

    Returns ``(results by key, failure messages by key)``; the output never depends on the
    number of workers.
    """
    batches = [[j] for j in jobs if j.kind == "photo"]
    small = [j for j in jobs if j.kind != "photo"]
    batches += [small[i : i + BATCH] for i in range(0, len(small), BATCH)]
    n = min(workers or os.cpu_count() or 1, len(batches))
    results: dict[str, Any] = {}
    failed: dict[str, str] = {}
    done = 0

    def collect(items: list[tuple[str, bool, Any]]) -> None:
        nonlocal done
        for key, ok, value in items:
            (results if ok else failed)[key] = value
        done += len(items)
        if progress:
            progress(done, len(jobs))

    if n > 1:
        with ProcessPoolExecutor(max_workers=n, mp_context=context()) as pool:
            for items in pool.map(_run_batch, batches):
                collect(items)
    else:
        for batch in batches:
            collect(_run_batch(batch))
    return results, failed


def inspect_photos(site: Any, root: Path) -> list[ContentError]:
    """Check every photo as the build will read it, without writing anything (``check``).

    A photo the cache already holds derivatives of (same bytes, same settings) is known to
    be good and is not decoded again.
    """
    cache = root / CACHE_DIR
    book = _Book(cache)
    fingerprint = photos.settings_fingerprint(site.config.images)
    existing = set(os.listdir(cache)) if cache.is_dir() else set()
    done = {entry["c"]: entry["n"] for entry in book.photos.values() if entry.get("c") and all(d[0] in existing for d in entry["d"])}
    problems = []
    for p in _all_photos(site):
        where = rel(p.source, root)
        try:
            content = _digest(book.content_hash(p.source), fingerprint)
        except OSError as exc:  # as the build says it
            problems.append(ContentError(where, 0, 0, "", msg("the photo cannot be read ({reason})", reason=exc.strerror),
                                         msg("check that the file is still there, then build again")))
            continue
        if content in done:  # these bytes were processed with these settings (under any name)
            message, notes = None, _notes(done[content])
        else:
            message, notes = photos.inspect(p.source, site.config.images)
        if message:
            problems.append(ContentError(where, 0, 0, "", message, photos.image_hint(message)))
        problems += [ContentError(where, 0, 0, "", note, NOTE_HINT, "warning") for note in notes]
    return problems


def prune(root: Path, media: Media) -> int:
    """Delete cache files this build did not use (and leftovers of killed builds).

    Returns how many were removed.
    """
    cache = root / CACHE_DIR
    removed = 0
    for name in os.listdir(cache):
        if name not in media.cache_files:
            (cache / name).unlink(missing_ok=True)
            removed += 1
    old = root / ".cache" / "images"  # the cache's folder before the media stage
    if old.is_dir():
        for f in old.iterdir():
            f.unlink(missing_ok=True)
        old.rmdir()
    return removed
