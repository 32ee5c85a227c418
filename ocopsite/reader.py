"""Read content files into entries. Pure: a file goes in, an ``Entry`` or errors come out.

The front matter machinery (decoding, the ``---`` split, YAML with lines) is in
``frontmatter``; which folders hold which kind of entry is in ``kinds``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import posixpath
import typing
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from . import models
from .config import ImageSettings
from .errors import ContentError, Msg, msg, number, rel
from .frontmatter import (CONTROL, Problem, Problems, control_hint, control_message, decode, find_controls, load_yaml, position_of,
                          split_front_matter, validation_errors)
from .kinds import KINDS, LANGUAGES
from .new import PLACEHOLDERS
from .vietnamese import nfc, slugify

MAX_FILE_BYTES = 1_000_000
#: Files editors' tools leave behind; never content, never published.
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".bak")
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def read_entry(
    path: Path, root: Path, kind: str, max_bytes: int = MAX_FILE_BYTES, images: ImageSettings = ImageSettings(),
    listings: dict[Path, set[str]] | None = None,
) -> models.Entry | list[ContentError]:
    """Read one content file of ``kind`` into an ``Entry``, or return its errors (sorted by
    line) when it has any (its warnings stay on the entry)."""
    result = read_file(path, root, kind, max_bytes, images, listings)
    if isinstance(result, list) or not result.broken:
        return result
    return result.warnings


def read_file(
    path: Path, root: Path, kind: str, max_bytes: int = MAX_FILE_BYTES, images: ImageSettings = ImageSettings(),
    listings: dict[Path, set[str]] | None = None,
) -> models.Entry | list[ContentError]:
    """Read one content file of ``kind``; return its errors when it cannot be read at all,
    else an ``Entry`` whose ``warnings`` hold every problem found.

    An entry with errors is ``broken``: the fields that failed are left out (required ones
    stood in for), so its photos (checked against its folder: ``images`` gives the limits,
    ``listings`` the names in folders already listed), commune and references are still
    checked in the same run, but it is never published.
    """
    spec = KINDS[kind]
    where = rel(path, root)
    slug = slugify(path.parent.name if spec.bundle else path.stem)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Problem(0, "", _too_big(size, max_bytes), msg("split it or shorten it"))
        data = path.read_bytes()
        fm, body, body_line = split_front_matter(decode(data))
        values, lines, problems = load_yaml(fm, model=spec.model)
    except Problem as p:
        return [p.error(where)]
    except Problems as ps:
        return [p.error(where) for p in ps.problems] + _body_controls(where, body, body_line)
    except OSError as exc:
        return [ContentError(where, 0, 0, "", msg("cannot be read: {reason}", reason=exc.strerror))]
    errors = [p.error(where) for p in problems]
    errors += _body_controls(where, body, body_line)
    try:
        meta = spec.model.model_validate(values)
    except ValidationError as exc:
        reported = {p.field for p in problems}  # a refused tag is not also "must be text"
        errors += [e for e in validation_errors(exc, spec.model, where, lines) if e.field not in reported]
        meta = _salvage(spec.model, values, exc)
        if meta is None:
            return _as_notes(sorted(errors)) if _is_draft(values) else sorted(errors)
    for field_path, message, hint in models.label_notes(spec.model, values):  # `thưc phẩm`, as communes are checked
        errors.append(ContentError(where, *position_of(lines, field_path), ".".join(map(str, field_path)), message, hint, "warning"))
    entry = models.Entry(
        kind=kind, slug=slug, path=where, meta=meta, body=body, folder=path.parent, lines=lines,
        digest=hashlib.blake2b(data, digest_size=16).hexdigest(), body_line=body_line,
    )
    if isinstance(meta, models.Illustrated):
        photos, problems = check_photos(entry, images, spec.bundle, listings)
        entry.photos = photos
        errors += problems
    if "![" in body:
        errors.append(_problem(entry, (), msg("a picture written in the text (![…](…)) is not shown"), msg("list the photo under 'images:' instead"), "warning"))
    if (story := body.strip()) and story in PLACEHOLDERS.values():
        errors.append(ContentError(where, body_line + body[: body.index(story)].count("\n"), 0, "", msg("the text is still the placeholder of the new entry"),
                                   msg("write the real text in its place")))
    if _is_draft(values):  # unfinished by definition: its problems say what is left to do
        errors = _as_notes(errors)
    entry.broken = any(e.is_error for e in errors)
    entry.warnings = sorted(errors)
    return entry


def translation_language(name: str) -> str | None:
    """Return the language of a translation file's name (``index.en.md``, ``lien-he.en.md``
    → ``en``), or None for any other name."""
    parts = name.split(".")
    return parts[-2] if len(parts) >= 3 and parts[-1] == "md" and parts[-2] in LANGUAGES[1:] else None


def read_translation(path: Path, root: Path, lang: str, max_bytes: int = MAX_FILE_BYTES) -> models.Translation | list[ContentError]:
    """Read an entry's words in ``lang`` (``index.en.md``); return them, or their errors.
    A key that is not a word (``stars``, ``commune``…) is an error: facts are written once,
    in the entry's own file."""
    where = rel(path, root)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Problem(0, "", _too_big(size, max_bytes), msg("split it or shorten it"))
        data = path.read_bytes()
        fm, body, body_line = split_front_matter(decode(data))
        values, lines, problems = load_yaml(fm, model=models.TranslationMeta)
    except Problem as p:
        return [p.error(where)]
    except Problems as ps:
        return [p.error(where) for p in ps.problems]
    except OSError as exc:
        return [ContentError(where, 0, 0, "", msg("cannot be read: {reason}", reason=exc.strerror))]
    errors = [p.error(where) for p in problems] + _body_controls(where, body, body_line)
    allowed = ", ".join(sorted(models.TRANSLATION_FIELDS))
    for key in [k for k in values if k not in models.TRANSLATION_FIELDS]:
        errors.append(ContentError(where, *position_of(lines, (key,)), str(key),
                                   msg("is not a word to translate: a translation holds only {fields} and the story", fields=allowed),
                                   msg("write '{field}' once, in the entry's own file, and delete it here", field=key)))
        del values[key]
    try:
        meta = models.TranslationMeta.model_validate(values)
    except ValidationError as exc:
        return sorted(errors + validation_errors(exc, models.TranslationMeta, where, lines))
    if errors:
        return sorted(errors)
    return models.Translation(lang, where, meta, body, hashlib.blake2b(data, digest_size=16).hexdigest())


def _translations(entry: models.Entry, path: Path, root: Path, names: set[str] | None, max_bytes: int) -> list[ContentError]:
    """Attach the translations beside an entry's file; return their problems."""
    problems: list[ContentError] = []
    entry.translations = {}  # read afresh each time: the entry may come from the cache
    stem = path.name[: -len(".md")]
    for lang in LANGUAGES[1:]:
        other = path.with_name(f"{stem}.{lang}.md")
        if (other.name in names) if names is not None else other.is_file():
            result = read_translation(other, root, lang, max_bytes)
            if isinstance(result, list):
                problems += result
            else:
                entry.translations[lang] = result
    return problems


def _is_draft(values: dict) -> bool:
    return str(values.get("draft", "")).strip().lower() in ("true", "yes", "on", "1")


def _as_notes(errors: list[ContentError]) -> list[ContentError]:
    """Return a draft's problems as notes: listed, never failing a build."""
    return [dataclasses.replace(e, severity="note") for e in errors]


#: Values that stand in for required fields of an entry that failed to validate, so its
#: other fields (photos, commune, references) are still checked in the same run. An entry
#: with such stand-ins is never published.
_STAND_INS = {"name": "?", "title": "?", "recognitions": [{"stars": "3", "date": "unknown"}], "start": "2000-01-01"}


def _salvage(model: type, values: dict, exc: ValidationError) -> Any:
    """Return the entry's front matter without the fields that failed (required ones stood
    in for), or None when even that does not validate."""
    data = dict(values)
    for err in exc.errors(include_url=False):
        if err["loc"]:
            data.pop(err["loc"][0], None)
    for name, info in model.model_fields.items():
        if info.is_required() and name not in data:
            if name not in _STAND_INS:
                return None
            data[name] = _STAND_INS[name]
    try:
        return model.model_validate(data)
    except ValidationError:
        return None


def _body_controls(where: str, body: str, first_line: int) -> list[ContentError]:
    """Return an error for each control character in a Markdown body, at its real line, and
    for lists nested deeper than rendering can go (which would fail only when the page is made)."""
    from .markup import MAX_LIST_NESTING, too_deep

    found = [ContentError(where, line, column, "", control_message(char, in_text=True), control_hint(char))
             for line, column, char in find_controls(body, first_line)]
    if deep := too_deep(body):
        found.append(ContentError(where, first_line + deep[0] - 1, 0, "",
                                  msg("the text nests lists {levels} levels deep, more than {limit}", levels=number(deep[1]), limit=MAX_LIST_NESTING),
                                  msg("write the list out plainly: one '- ' at the start of each item")))
    return found


def _too_big(size: int, limit: int) -> Msg:
    return msg("the file is {size} bytes, over the limit of {limit}", size=number(size), limit=number(limit))


def _problem(entry: models.Entry, field_path: tuple, message: Msg, hint: Msg | str = "", severity: str = "error") -> ContentError:
    return ContentError(entry.path, *entry.position(*field_path), ".".join(map(str, field_path)), message, hint, severity)


def check_photos(entry: models.Entry, limits: ImageSettings, bundle: bool,
                 listings: dict[Path, set[str]] | None = None) -> tuple[tuple[models.Photo, ...], list[ContentError]]:
    """Check each ``images`` item names a photo file inside the entry's folder.

    Returns the photos to publish and the problems: unsafe or missing names, letter-case
    mismatches, files over ``limits.max_bytes``; in a page bundle, photos in the folder but
    not listed are warnings.
    """
    folder = Path(entry.folder)
    refs = entry.meta.images
    if len(refs) > limits.max_per_entry:
        return (), [_problem(entry, ("images",), msg("lists {count} photos, more than the limit of {limit}", count=len(refs), limit=limits.max_per_entry),
                             msg("keep the best ones; the limit is images.max_per_entry in site_config.yaml"))]
    listing = _Listing(listings)
    photos, problems, listed, found = [], [], set(), set()
    for i, ref in enumerate(refs):
        src, where = ref.src, ("images", i, "src")
        same = _same_file(src)
        if same in listed:
            problems.append(_problem(entry, where, msg("'{name}' is listed twice", name=src), msg("remove the repeated photo"), "warning"))
            continue
        listed.add(same)
        if CONTROL.search(src):  # reported where the YAML is read
            continue
        result, on_disk = _photo_path(folder, src, listing, limits, entry.path)
        if on_disk:  # the file is there (even if it cannot be used): not "unlisted" too
            found.add(on_disk)
        if isinstance(result, tuple):
            problems.append(_problem(entry, where, result[0], result[1]))
            continue
        photos.append(models.Photo(result.resolve(), ref.alt))
    if bundle:
        for name in sorted(listing.names(folder)):
            if os.path.splitext(name)[1].lower() in PHOTO_SUFFIXES and name not in found and not name.startswith("."):
                problems.append(_problem(entry, ("images",), msg("the photo '{name}' is in the folder but not listed", name=nfc(name)),
                                         msg("add it under 'images:' with an 'alt' text, or delete it"), "warning"))
    return tuple(photos), problems


class _Listing:
    """The names in each folder, listed once and looked up after Unicode normalisation
    (macOS and zip files write names in NFD; the text an editor types is NFC). Letter case
    is compared exactly: Windows and macOS ignore it when opening a file, the publishing
    server does not."""

    def __init__(self, known: dict[Path, set[str]] | None = None) -> None:
        self._seen: dict[Path, set[str]] = known if known is not None else {}
        self._nfc: dict[Path, dict[str, str]] = {}

    def names(self, folder: Path) -> set[str]:
        """Return the names in ``folder`` as they are on disk."""
        if folder not in self._seen:
            self._seen[folder] = set(os.listdir(folder)) if folder.is_dir() else set()
        return self._seen[folder]

    def find(self, folder: Path, name: str) -> str | None:
        """Return the name on disk that is ``name`` once both are NFC, or None."""
        if folder not in self._nfc:
            self._nfc[folder] = {nfc(n): n for n in self.names(folder)}
        return self._nfc[folder].get(nfc(name))

    def other_case(self, folder: Path, name: str) -> str | None:
        """Return a name on disk equal to ``name`` but for letter case, or None."""
        wanted = nfc(name).lower()
        return next((n for n in sorted(self.names(folder)) if nfc(n).lower() == wanted), None)


def _same_file(src: str) -> str:
    """Return the name ``src`` gives once written one way (``./anh.jpg`` and ``anh.jpg``,
    ``anh\\phu.jpg`` and ``anh/phu.jpg``), to find a photo listed twice."""
    return nfc(posixpath.normpath(src.replace("\\", "/")))


def _photo_path(folder: Path, src: str, listing: _Listing, limits: ImageSettings, entry_path: str) -> tuple[Path | tuple[Msg, Msg], str]:
    """Return ``(file, name on disk)`` for the photo ``src`` names in ``folder``, or
    ``((message, hint), name on disk)`` when it cannot be used. The name on disk (relative to
    ``folder``, as written there) is empty when no file answers to ``src``; it is the real
    name when only its letter case differs."""
    if "\x00" in src or src.startswith(("/", "\\")) or ":" in src or ".." in PurePosixPath(src.replace("\\", "/")).parts:
        return (msg("'{name}' is not a file name in this entry's folder", name=src),
                msg("put the photo next to index.md and write only its file name")), ""
    if os.path.splitext(src)[1].lower() not in PHOTO_SUFFIXES:
        return (msg("'{name}' is not a photo", name=src), msg("use a .jpg, .png, .webp or .gif file")), ""
    sub, _, name = _same_file(src).rpartition("/")
    parent = folder / sub if sub else folder
    actual = listing.find(parent, name)
    if actual is None:
        where = msg("'{name}' is not in the folder {folder}/", name=src, folder=entry_path.rsplit("/", 1)[0])
        if real := listing.other_case(parent, name):
            return (where, msg("did you mean '{name}'? Letter case matters once published: write it exactly", name=real)), f"{sub}/{real}" if sub else real
        return (where, msg("check the file name; letter case matters")), ""
    path, on_disk = parent / actual, f"{sub}/{actual}" if sub else actual
    if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
        return (msg("'{name}' points outside this entry's folder", name=src), msg("copy the photo into the folder instead of linking it")), on_disk
    if not path.is_file():
        return (msg("'{name}' is not a photo file", name=src), msg("use a .jpg, .png, .webp or .gif file")), on_disk
    if (size := path.stat().st_size) > limits.max_bytes:
        return (msg("'{name}' is {size} bytes, over the limit of {limit}", name=src, size=number(size), limit=number(limits.max_bytes)),
                msg("save a smaller copy of the photo; the limit is images.max_bytes in site_config.yaml")), on_disk
    return path, on_disk


_SYMLINK = (msg("is a symbolic link, which is not allowed in content"), msg("replace it with the real file"))


def iter_content_files(root: Path, listings: dict[Path, set[str]] | None = None) -> Iterator[tuple[str, Path | None, ContentError | None]]:
    """Yield ``(kind, path, problem)`` for every file under ``content/``.

    A misplaced file yields a problem instead of a path. Dotfiles and editor backups are
    skipped silently: they are never content. Each bundle folder is listed once; when
    ``listings`` is given, it receives ``{folder: names in it}`` for the photo checks.
    """
    content = root / "content"
    for kind, spec in KINDS.items():
        base = content / spec.folder
        try:
            with os.scandir(base) as it:
                items = sorted(it, key=lambda d: d.name)
        except (FileNotFoundError, NotADirectoryError):
            continue
        for item in items:
            if item.name.startswith(".") or item.name.endswith(IGNORED_SUFFIXES):
                continue
            path = Path(item.path)
            where = rel(path, root)
            if item.is_symlink():
                yield kind, None, ContentError(where, 0, 0, "", *_SYMLINK)
            elif spec.bundle:
                yield _bundle_item(kind, item, path, where, rel(base, root), listings)
            elif item.is_file() and item.name.endswith(".md"):
                lang = translation_language(item.name)
                if lang is None:
                    yield kind, path, None
                elif not path.with_name(item.name[: -len(f".{lang}.md")] + ".md").is_file():  # read with its entry
                    yield kind, None, ContentError(where, 0, 0, "", msg("is a translation ({lang}) of {name}.md, which does not exist",
                                                                        lang=lang, name=item.name[: -len(f".{lang}.md")]),
                                                   msg("rename it after the entry it translates, or delete it"))
            elif kind == "commune" and (item.is_dir() or path.suffix.lower() in PHOTO_SUFFIXES):
                continue  # photos of commune pages sit beside the files (or in sub-folders)
            else:
                yield kind, None, ContentError(where, 0, 0, "", msg("only .md files belong directly in {folder}/", folder=rel(base, root)))


def _bundle_item(kind: str, item: os.DirEntry, path: Path, where: str, base: str,
                 listings: dict[Path, set[str]] | None) -> tuple[str, Path | None, ContentError | None]:
    """Return what one item of a bundle kind's folder is: an ``index.md``, or a problem."""
    if not item.is_dir():
        if path.suffix == ".md":
            return kind, None, ContentError(where, 0, 0, "", _OWN_FOLDER[kind], msg("move it to {path}", path=f"{base}/{slugify(path.stem)}/index.md"))
        return kind, None, ContentError(where, 0, 0, "", msg("is not in an entry folder"), msg("put photos in the folder of the entry that shows them"))
    with os.scandir(path) as it:
        inside = {d.name: d for d in it}
    if listings is not None:
        listings[path] = set(inside)
    index = inside.get("index.md")
    if index is not None and index.is_symlink():
        return kind, None, ContentError(f"{where}/index.md", 0, 0, "", *_SYMLINK)
    if index is not None and index.is_file():
        return kind, path / "index.md", None
    return kind, None, ContentError(where, 0, 0, "", msg("this folder has no index.md"), msg("add {path} or remove the folder", path=f"{where}/index.md"))


#: What a file of a bundle kind put directly in the kind's folder is told, by kind.
_OWN_FOLDER = {
    "product": msg("a product must be in its own folder"),
    "producer": msg("a producer must be in its own folder"),
    "craft": msg("a craft must be in its own folder"),
    "fair": msg("a fair must be in its own folder"),
    "outlet": msg("a point of sale must be in its own folder"),
}


class ReadResult(typing.NamedTuple):
    """What reading ``content/`` gives: entries (broken ones included: see ``read_file``),
    problems, and the ``(kind, slug)`` of entries that exist but have errors (so references
    to them are not errors too). Each entry's own problems are in its ``warnings``."""

    entries: list[models.Entry]
    problems: list[ContentError]
    broken: set[tuple[str, str]]


class ReadCache:
    """Entries read before (with their translations), kept by the signature of their page
    bundle: the stat (size, modification time, inode) of ``index.md``, the names in its
    folder and the stat of the photos and translations there and of the photos in its
    sub-folders. An entry whose signature is unchanged is not parsed again (parsing is
    about 110 µs a file; the cache gives it back in about 20). Stored in 32 pickled shards
    under ``.cache/entries/`` so saving after one edit rewrites one small file; ``salt``
    (code version and settings) invalidates everything when the reader may have changed.
    """

    SHARDS = 32

    def __init__(self, folder: Path | None, salt: str) -> None:
        self.folder, self.salt = folder, salt
        self.shards: list[dict[str, tuple]] = [{} for _ in range(self.SHARDS)]
        self.dirty: set[int] = set()
        self.used: set[str] = set()
        if folder is not None:
            for n in range(self.SHARDS):
                try:
                    salt_, data = pickle.loads((folder / f"{n}.pickle").read_bytes())
                except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
                    continue
                if salt_ == salt and isinstance(data, dict):
                    self.shards[n] = data

    @staticmethod
    def signature(path: Path, names: set[str]) -> tuple:
        """Return what must be unchanged for a bundle's cached entry to hold: the stat of
        ``index.md``, the names in its folder, and the name, size and modification time of
        every translation (``index.en.md``) and photo in it or in its sub-folders
        (``images: - src: anh/phu.jpg``), whose listings count too."""
        st = os.stat(path)
        photos: list[tuple] = []
        folder = path.parent
        for name in sorted(names):
            full = os.path.join(folder, name)
            suffix = os.path.splitext(name)[1].lower()
            if suffix in PHOTO_SUFFIXES or (suffix == ".md" and name != "index.md"):  # photos, translations
                photos.append((name, *_stat(full)))
            elif name != "index.md" and os.path.isdir(full) and not os.path.islink(full):
                photos += _tree_signature(full, name)
        return (st.st_size, st.st_mtime_ns, st.st_ino, hashlib.blake2b("\0".join(sorted(names)).encode(), digest_size=8).digest(), tuple(photos))

    def _shard(self, key: str) -> int:
        return hashlib.blake2b(key.encode(), digest_size=1).digest()[0] % self.SHARDS

    def get(self, key: str, sig: tuple) -> Any:
        """Return the cached result for ``key`` if its signature is ``sig``, else None."""
        self.used.add(key)
        hit = self.shards[self._shard(key)].get(key)
        return hit[1] if hit is not None and hit[0] == sig else None

    def put(self, key: str, sig: tuple, result: Any) -> None:
        """Remember a freshly read result."""
        self.used.add(key)
        n = self._shard(key)
        self.shards[n][key] = (sig, result)
        self.dirty.add(n)

    def save(self) -> None:
        """Write the shards that changed (forgetting entries no longer there), atomically."""
        if self.folder is None:
            return
        for n, shard in enumerate(self.shards):
            gone = [k for k in shard if k not in self.used]
            for k in gone:
                del shard[k]
            if gone or n in self.dirty:
                self.folder.mkdir(parents=True, exist_ok=True)
                tmp = self.folder / f".tmp-{n}.pickle"
                tmp.write_bytes(pickle.dumps((self.salt, shard), protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, self.folder / f"{n}.pickle")
        self.dirty.clear()


def _stat(path: str) -> tuple[int, int]:
    """Return ``(size, modification time)`` of a file, not following a link; ``(-1, 0)`` if gone."""
    try:
        st = os.lstat(path)
    except OSError:
        return -1, 0
    return st.st_size, st.st_mtime_ns


def _tree_signature(top: str, name: str) -> list[tuple]:
    """Return the signature of a sub-folder of a bundle: each folder's listing, and the size
    and modification time of each photo, by path relative to the bundle (links not followed)."""
    out: list[tuple] = []
    for here, dirs, files in os.walk(top):
        dirs.sort()
        prefix = name + here[len(top):].replace(os.sep, "/")
        out.append((prefix + "/", hashlib.blake2b("\0".join(sorted(dirs + files)).encode(), digest_size=8).digest()))
        for file in sorted(files):
            if os.path.splitext(file)[1].lower() in PHOTO_SUFFIXES:
                out.append((f"{prefix}/{file}", *_stat(os.path.join(here, file))))
    return out


def read_content(root: Path, max_bytes: int = MAX_FILE_BYTES, images: ImageSettings = ImageSettings(),
                 cache: ReadCache | None = None) -> ReadResult:
    """Read every entry under ``root/content`` (page bundles through ``cache`` when given).

    An entry's slug is made from its folder (or file) name, so ``Cu đơ Thành Đạt/`` and
    ``cu-do-thanh-dat/`` are the same entry; two entries of a kind whose names give one
    slug (``Đồng``/``Đông`` → ``dong``) are an error naming both files.
    """
    entries: list[models.Entry] = []
    problems: list[ContentError] = []
    broken: set[tuple[str, str]] = set()
    found: dict[tuple[str, str], list[Path]] = {}
    listings: dict[Path, set[str]] = {}
    for kind, path, problem in iter_content_files(root, listings):
        if problem:
            problems.append(problem)
            continue
        assert path is not None
        name = path.parent.name if KINDS[kind].bundle else path.stem
        found.setdefault((kind, slugify(name)), []).append(path)
    for (kind, slug), paths in found.items():
        if not slug:  # every such entry: they share the empty slug, not a name
            problems += [ContentError(rel(p, root), 0, 0, "", msg("the name gives an empty slug"), msg("rename it with letters or digits")) for p in paths]
            continue
        if len(paths) > 1:
            names: str = rel(paths[0], root)
            for p in paths[1:]:
                names = msg("{first} and {second}", first=names, second=rel(p, root))
            for p in paths:
                problems.append(ContentError(rel(p, root), 0, 0, "", msg("{files} have the same slug '{slug}'", files=names, slug=slug), msg("rename one of them")))
            broken.add((kind, slug))
            continue
        result, translated = _read_cached(paths[0], root, kind, max_bytes, images, listings, cache)
        if isinstance(result, list):
            problems += result
            broken.add((kind, slug))
            continue
        result.slug = slug
        problems += translated
        if result.broken:  # still assembled, for its commune and references, never published
            broken.add((kind, slug))
        entries.append(result)
    return ReadResult(entries, problems, broken)


def _read_cached(path: Path, root: Path, kind: str, max_bytes: int, images: ImageSettings,
                 listings: dict[Path, set[str]], cache: ReadCache | None) -> tuple[models.Entry | list[ContentError], list[ContentError]]:
    """Read one entry with its translations, through the cache for page bundles; return it
    (or its errors) and the problems of its translations."""
    bundle = KINDS[kind].bundle
    if cache is None or not bundle or path.parent not in listings:
        return _read_with_translations(path, root, kind, max_bytes, images, listings)
    key, sig = f"{kind}:{path}", ReadCache.signature(path, listings[path.parent])
    result = cache.get(key, sig)
    if result is None:
        result = _read_with_translations(path, root, kind, max_bytes, images, listings)
        cache.put(key, sig, result)
    return result


def _read_with_translations(path: Path, root: Path, kind: str, max_bytes: int, images: ImageSettings,
                            listings: dict[Path, set[str]]) -> tuple[models.Entry | list[ContentError], list[ContentError]]:
    result = read_file(path, root, kind, max_bytes, images, listings)
    if isinstance(result, list):
        return result, []
    names = listings.get(path.parent) if KINDS[kind].bundle else None
    return result, _translations(result, path, root, names, max_bytes)
