"""ocopsite: a static site generator for OCOP products (Mỗi xã một sản phẩm)."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
from pathlib import Path

__version__ = "0.1.0"

#: Libraries whose upgrade may change what a build produces; their versions are part of
#: every cache key (pages and parsed entries).
LIBRARIES = ("jinja2", "markdown", "nh3", "babel", "markupsafe", "pyyaml", "pydantic", "vietnam-provinces", "python-slugify", "pyicu-wheels")


@functools.cache
def code_version() -> str:
    """Return a hash of the engine (every file of this package: code and data) and of the
    versions of the libraries that shape its output."""
    h = hashlib.blake2b(digest_size=16)
    here = Path(__file__).parent
    for path in sorted(here.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        try:
            h.update(f"{name}={importlib.metadata.version(name)}".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{name}=?".encode())
    return h.hexdigest()
