"""Read content files into entries. Pure: a file goes in, an ``Entry`` or errors come out.

The front matter machinery (decoding, the ``---`` split, YAML with lines) is in
``frontmatter``; which folders hold which kind of entry is in ``kinds``.
"""

from __future__ import annotations

import hashlib
import os
import typing
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from . import models
from .config import ImageSettings
from .errors import ContentError, rel
from .frontmatter import Problem, decode, load_yaml, split_front_matter, validation_errors
from .kinds import KINDS
from .vietnamese import slugify

MAX_FILE_BYTES = 1_000_000
#: Files editors' tools leave behind; never content, never published.
IGNORED_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".bak")
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif"}


def read_entry(
    path: Path, root: Path, kind: str, max_bytes: int = MAX_FILE_BYTES, images: ImageSettings = ImageSettings()
) -> models.Entry | list[ContentError]:
    """Read one content file of ``kind`` into an ``Entry``, or return its errors (sorted by line).

    The photos it lists are checked against its folder (``images`` gives the limits); an
    entry with a bad photo reference is returned as errors too.
    """
    spec = KINDS[kind]
    where = rel(path, root)
    slug = slugify(path.parent.name if spec.bundle else path.stem)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Problem(0, "", f"the file is {size:,} bytes, over the limit of {max_bytes:,}", "split it or shorten it")
        data = path.read_bytes()
        fm, body, _body_line = split_front_matter(decode(data))
        values, lines, problems = load_yaml(fm)
    except Problem as p:
        return [p.error(where)]
    except OSError as exc:
        return [ContentError(where, 0, 0, "", f"cannot be read: {exc.strerror}")]
    errors = [p.error(where) for p in problems]
    try:
        meta = spec.model.model_validate(values)
    except ValidationError as exc:
        reported = {p.field for p in problems}  # a refused tag is not also "must be text"
        errors += [e for e in validation_errors(exc, spec.model, where, lines) if e.field not in reported]
        return sorted(errors)
    entry = models.Entry(
        kind=kind, slug=slug, path=where, meta=meta, body=body, folder=path.parent, lines=lines,
        digest=hashlib.blake2b(data, digest_size=16).hexdigest(),
    )
    if isinstance(meta, models.Illustrated):
        photos, problems = check_photos(entry, images, spec.bundle)
        entry.photos = photos
        errors += problems
    if "![" in body:
        errors.append(_problem(entry, (), "a picture written in the text (![…](…)) is not shown", "list the photo under 'images:' instead", "warning"))
    if any(e.is_error for e in errors):
        return sorted(errors)
    entry.warnings = sorted(errors)
    return entry


def _problem(entry: models.Entry, field_path: tuple, message: str, hint: str = "", severity: str = "error") -> ContentError:
    return ContentError(entry.path, *entry.position(*field_path), ".".join(map(str, field_path)), message, hint, severity)


def check_photos(entry: models.Entry, limits: ImageSettings, bundle: bool) -> tuple[tuple[models.Photo, ...], list[ContentError]]:
    """Check each ``images`` item names a photo file inside the entry's folder.

    Returns the photos to publish and the problems: unsafe or missing names, letter-case
    mismatches, files over ``limits.max_bytes``; in a page bundle, photos in the folder but
    not listed are warnings.
    """
    folder = Path(entry.folder)
    refs = entry.meta.images
    if len(refs) > limits.max_per_entry:
        return (), [_problem(entry, ("images",), f"lists {len(refs)} photos, more than the limit of {limits.max_per_entry}",
                             "keep the best ones; the limit is images.max_per_entry in site_config.yaml")]
    listing = _Listing()
    photos, problems, listed = [], [], set()
    for i, ref in enumerate(refs):
        src, where = ref.src, ("images", i, "src")
        if src in listed:
            problems.append(_problem(entry, where, f"'{src}' is listed twice", "remove the repeated photo", "warning"))
            continue
        listed.add(src)
        if message := _photo_problem(folder, src, listing, limits, entry.path):
            problems.append(_problem(entry, where, *message))
            continue
        photos.append(models.Photo((folder / src).resolve(), ref.alt))
    if bundle:
        for name in sorted(listing.names(folder)):
            if Path(name).suffix.lower() in PHOTO_SUFFIXES and name not in listed and not name.startswith("."):
                problems.append(_problem(entry, ("images",), f"the photo '{name}' is in the folder but not listed",
                                         "add it under 'images:' with an 'alt' text, or delete it", "warning"))
    return tuple(photos), problems


class _Listing:
    """The names in each folder, listed once (Windows and macOS ignore letter case when
    opening a file; the publishing server does not, so names are compared exactly)."""

    def __init__(self) -> None:
        self._seen: dict[Path, set[str]] = {}

    def names(self, folder: Path) -> set[str]:
        if folder not in self._seen:
            self._seen[folder] = set(os.listdir(folder)) if folder.is_dir() else set()
        return self._seen[folder]


def _photo_problem(folder: Path, src: str, listing: _Listing, limits: ImageSettings, entry_path: str) -> tuple[str, str] | None:
    """Return ``(message, hint)`` when ``src`` is not a usable photo of ``folder``, else None."""
    if "\x00" in src or src.startswith(("/", "\\")) or ":" in src or ".." in PurePosixPath(src.replace("\\", "/")).parts:
        return f"'{src}' is not a file name in this entry's folder", "put the photo next to index.md and write only its file name"
    path = folder / src
    if path.is_symlink() or not path.resolve().is_relative_to(folder.resolve()):
        return f"'{src}' points outside this entry's folder", "copy the photo into the folder instead of linking it"
    if path.suffix.lower() not in PHOTO_SUFFIXES:
        return f"'{src}' is not a photo", "use a .jpg, .png, .webp or .gif file"
    if not path.is_file():
        return f"'{src}' is not in the folder {entry_path.rsplit('/', 1)[0]}/", "check the file name; letter case matters"
    actual = listing.names(path.parent)
    if path.name not in actual:
        real = next((n for n in actual if n.lower() == path.name.lower()), "?")
        return f"'{src}' is written differently from the file '{real}'", f"write it exactly as '{real}'; letter case matters once published"
    if (size := path.stat().st_size) > limits.max_bytes:
        return f"'{src}' is {size:,} bytes, over the limit of {limits.max_bytes:,}", "save a smaller copy of the photo; the limit is images.max_bytes in site_config.yaml"
    return None


def iter_content_files(root: Path) -> Iterator[tuple[str, Path | None, ContentError | None]]:
    """Yield ``(kind, path, problem)`` for every file under ``content/``.

    A misplaced file yields a problem instead of a path. Dotfiles and editor backups are
    skipped silently: they are never content.
    """
    content = root / "content"
    for kind, spec in KINDS.items():
        base, bundle = content / spec.folder, spec.bundle
        if not base.is_dir():
            continue
        for item in sorted(base.iterdir()):
            if item.name.startswith(".") or item.name.endswith(IGNORED_SUFFIXES):
                continue
            where = rel(item, root)
            if item.is_symlink():
                yield kind, None, ContentError(where, 0, 0, "", "is a symbolic link, which is not allowed in content", "replace it with the real file")
                continue
            if bundle:
                if item.is_dir():
                    index = item / "index.md"
                    if index.is_symlink():
                        yield kind, None, ContentError(rel(index, root), 0, 0, "", "is a symbolic link, which is not allowed in content", "replace it with the real file")
                    elif index.is_file():
                        yield kind, index, None
                    else:
                        yield kind, None, ContentError(where, 0, 0, "", "this folder has no index.md", f"add {where}/index.md or remove the folder")
                elif item.suffix == ".md":
                    yield kind, None, ContentError(
                        where, 0, 0, "", f"a {kind} must be in its own folder",
                        f"move it to {rel(base, root)}/{slugify(item.stem)}/index.md",
                    )
                else:
                    yield kind, None, ContentError(where, 0, 0, "", "is not in an entry folder", "put photos in the folder of the entry that shows them")
            elif item.is_file() and item.suffix == ".md":
                yield kind, item, None
            elif kind == "commune" and (item.is_dir() or item.suffix.lower() in PHOTO_SUFFIXES):
                continue  # photos of commune pages sit beside the files (or in sub-folders)
            else:
                yield kind, None, ContentError(where, 0, 0, "", f"only .md files belong directly in {rel(base, root)}/")


class ReadResult(typing.NamedTuple):
    """What reading ``content/`` gives: entries, problems, and the ``(kind, slug)`` of
    entries that exist but failed to read (so references to them are not errors too)."""

    entries: list[models.Entry]
    problems: list[ContentError]
    broken: set[tuple[str, str]]


def read_content(root: Path, max_bytes: int = MAX_FILE_BYTES, images: ImageSettings = ImageSettings()) -> ReadResult:
    """Read every entry under ``root/content``.

    An entry's slug is made from its folder (or file) name, so ``Cu đơ Thành Đạt/`` and
    ``cu-do-thanh-dat/`` are the same entry; two entries of a kind whose names give one
    slug (``Đồng``/``Đông`` → ``dong``) are an error naming both files.
    """
    entries: list[models.Entry] = []
    problems: list[ContentError] = []
    broken: set[tuple[str, str]] = set()
    found: dict[tuple[str, str], list[Path]] = {}
    for kind, path, problem in iter_content_files(root):
        if problem:
            problems.append(problem)
            continue
        assert path is not None
        name = path.parent.name if KINDS[kind].bundle else path.stem
        found.setdefault((kind, slugify(name)), []).append(path)
    for (kind, slug), paths in found.items():
        if not slug:
            problems.append(ContentError(rel(paths[0], root), 0, 0, "", "the name gives an empty slug", "rename it with letters or digits"))
            continue
        if len(paths) > 1:
            names = " and ".join(rel(p, root) for p in paths)
            for p in paths:
                problems.append(ContentError(rel(p, root), 0, 0, "", f"{names} have the same slug '{slug}'", "rename one of them"))
            broken.add((kind, slug))
            continue
        result = read_entry(paths[0], root, kind, max_bytes, images)
        if isinstance(result, list):
            problems += result
            broken.add((kind, slug))
            continue
        result.slug = slug
        entries.append(result)
    return ReadResult(entries, problems, broken)
