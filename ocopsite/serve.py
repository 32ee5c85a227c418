"""Live preview: build, serve ``output/`` on 127.0.0.1, rebuild when a source changes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from livereload import Server

from .errors import BuildError

WATCHED = ("content", "templates", "assets", "site_config.yaml")


def serve(root: Path, today: dt.date | None, host: str, port: int, base_url: str | None) -> int:
    """Serve until interrupted. A failed rebuild prints its errors and keeps the last good
    site online. Returns the exit code."""
    from .pipeline import build, resolve_today

    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host} makes the preview reachable from other computers", file=sys.stderr)
    local = base_url or f"http://{'127.0.0.1' if host in ('127.0.0.1', 'localhost') else host}:{port}/"

    def rebuild() -> None:
        try:
            result = build(root, today or resolve_today(), local)
        except BuildError as exc:
            print(exc.report(), file=sys.stderr)
            print("rebuild failed; still serving the last good site", file=sys.stderr)
            return
        except Exception as exc:  # the preview must survive anything a rebuild throws
            print(f"rebuild crashed: {exc!r}; still serving the last good site", file=sys.stderr)
            return
        print(f"rebuilt {result.files} files ({len(result.warnings)} warnings)")

    rebuild()
    output = root / "output"
    output.mkdir(exist_ok=True)
    server = Server()
    for name in WATCHED:
        server.watch(str(root / name), rebuild, delay=0.3)
    server.serve(root=str(output), host=host, port=port, open_url_delay=None, default_filename="index.html")
    return 0
