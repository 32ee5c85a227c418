"""Incremental builds: what a build derives for each entry is kept with the key of what it
was derived from, so the next build derives again only what changed.

An entry's *own digest* hashes what its own files say: the entry file, its translations and
the identity of its processed photos (their derivatives are named by their bytes). Its
*context key* adds the own digests of the entries its pages show (a product's producer and
that producer's other products, its crafts, fairs and points of sale; a producer's products
and fairs; a commune's products, producers, crafts and fairs; a craft's, a fair's and a point
of sale's products; a fair's producers), in order, and the build's *data key* (engine code, config, build date, base
URL). What a build derives for one entry — its share card and QR jobs, its records, its
search record and catalogue rows, its pages — is a function of its context key (pages also
of the templates and the site-wide data, in the build's *page key*), so the same key gives
the same value: an incremental build equals a clean one by construction
(``tests/test_incremental.py`` checks it over random edits, additions and deletions).

The values are kept in ``.cache/memo/`` (pickled, in shards, so an edit rewrites a few
small files) for the command line, and in memory for the preview server.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

#: Where the memo is kept, from the project root.
MEMO_DIR = Path(".cache") / "memo"
SHARDS = 16
#: The relations whose entries an entry's pages show (besides a product's producer's products).
RELATIONS = ("producer", "products", "producers", "crafts", "fairs", "outlets")


def node_key(node: Any) -> str:
    """Return an entry's key, unique in a site: ``product/cu-do-thanh-dat``."""
    return f"{node.kind}/{node.slug}"


def _hash(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode(), digest_size=12).hexdigest()


class Keys:
    """The own digest and the context key of every entry of a site (see the module
    docstring); ``images`` maps a photo's source to its processed ``Image``."""

    def __init__(self, site: Any, images: Any, data_key: str) -> None:
        self.data = data_key
        self._own: dict[int, str] = {}
        self._relation: dict[tuple[int, str], str] = {}
        for node in site.nodes():
            entry = node.entry
            parts = [entry.digest if entry is not None else "-"]
            if entry is not None:
                parts += [f"{lang}:{t.digest}" for lang, t in sorted(entry.translations.items())]
            parts += [images[p.source].src if p.source in images else "?" for p in node.photos]
            self._own[id(node)] = _hash(*parts)
        self.context = {node_key(n): self._context(n) for n in site.nodes()}

    def own(self, node: Any) -> str:
        """Return an entry's own digest."""
        return self._own[id(node)]

    def related(self, node: Any, attr: str) -> str:
        """Return a hash of the entries of one relation of ``node`` (slugs, in order, and
        own digests)."""
        value = getattr(node, attr, None)
        if not value:
            return ""
        key = (id(node), attr)
        if (h := self._relation.get(key)) is None:
            items = value if isinstance(value, tuple) else (value,)
            own = self._own
            h = self._relation[key] = _hash(*(f"{n.kind}/{n.slug}:{own[id(n)]}" for n in items))
        return h

    def _context(self, node: Any) -> str:
        parts = [self.data, node.kind, node.slug, self._own[id(node)]]
        parts += [f"{attr}:{self.related(node, attr)}" for attr in RELATIONS if hasattr(node, attr)]
        if node.kind == "product" and node.producer is not None:
            parts.append("siblings:" + self.related(node.producer, "products"))
        return _hash(*parts)

    def of(self, node: Any) -> str:
        """Return an entry's context key."""
        return self.context[node_key(node)]

    def of_all(self, nodes: Iterable[Any]) -> str:
        """Return one hash of several entries' own digests, in order (a list page's rows)."""
        return _hash(*(f"{n.kind}/{n.slug}:{self._own[id(n)]}" for n in nodes))


class Memo:
    """Values derived for entries by the last build, each with the context key it was
    derived from: ``get(part, key, context)`` returns the value if the key matches, else
    ``MISSING``; ``put`` stores one. ``save()`` writes what changed and forgets entries no
    longer used. ``folder`` None keeps it in memory only (the preview server)."""

    MISSING = object()

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.shards: list[dict[tuple[str, str], tuple[str, Any]]] = [{} for _ in range(SHARDS)]
        self.used: set[tuple[str, str]] = set()
        self.dirty: set[int] = set()
        if folder is not None:
            for n in range(SHARDS):
                try:
                    data = pickle.loads((folder / f"{n}.pickle").read_bytes())
                except (OSError, ValueError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
                    continue
                if isinstance(data, dict):
                    self.shards[n] = data

    @staticmethod
    def _shard(key: str) -> int:
        return zlib.crc32(key.encode()) % SHARDS

    def get(self, part: str, key: str, context: str) -> Any:
        """Return the ``part`` value of entry ``key`` if it was derived from ``context``."""
        item = (part, key)
        self.used.add(item)
        hit = self.shards[self._shard(key)].get(item)
        return hit[1] if hit is not None and hit[0] == context else self.MISSING

    def put(self, part: str, key: str, context: str, value: Any) -> Any:
        """Remember a value; return it."""
        item = (part, key)
        self.used.add(item)
        n = self._shard(key)
        self.shards[n][item] = (context, value)
        self.dirty.add(n)
        return value

    def save(self) -> None:
        """Write the shards that changed, forgetting what this build did not use; start
        counting uses afresh."""
        for n, shard in enumerate(self.shards):
            gone = [k for k in shard if k not in self.used]
            for k in gone:
                del shard[k]
            if (gone or n in self.dirty) and self.folder is not None:
                self.folder.mkdir(parents=True, exist_ok=True)
                tmp = self.folder / f".tmp-{n}.pickle"
                tmp.write_bytes(pickle.dumps(shard, protocol=pickle.HIGHEST_PROTOCOL))
                os.replace(tmp, self.folder / f"{n}.pickle")
        self.dirty.clear()
        self.used = set()

    def cached(self, part: str, key: str, context: str, make: Any) -> Any:
        """Return the remembered value, or ``make()`` remembered."""
        value = self.get(part, key, context)
        return self.put(part, key, context, make()) if value is self.MISSING else value


__all__ = ["Keys", "Memo", "node_key"]
