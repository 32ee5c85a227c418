"""Write a build into a staging folder beside ``output/``, then swap it in.

A failed or interrupted build leaves the last good ``output/`` as it was; files no longer
produced disappear because every build starts from an empty staging folder.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from . import images
from .images import ImageReport


def _debris(output: Path) -> list[Path]:
    return sorted(output.parent.glob(f".{output.name}.staging-*")) + sorted(output.parent.glob(f".{output.name}.old-*"))


def recover(output: Path) -> None:
    """Undo what an interrupted swap left: restore ``output/`` if only the old copy exists,
    and remove staging folders of builds that died."""
    olds = sorted(output.parent.glob(f".{output.name}.old-*"))
    if not output.exists() and olds:
        os.replace(olds[-1], output)
    for path in _debris(output):
        shutil.rmtree(path, ignore_errors=True)


def write_output(output: Path, files: dict[str, bytes], assets: dict[str, tuple[Path, str]], report: ImageReport, root: Path) -> int:
    """Write rendered files, assets and images, then swap them in as ``output``.

    Returns the number of files written. Raises ``OSError`` on disk problems; ``output``
    is then untouched.
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
        old = output.parent / f".{output.name}.old-{os.getpid()}"
        if output.exists():
            os.replace(output, old)
        os.replace(staging, output)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return count
