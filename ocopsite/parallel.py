"""Worker processes: one way to start them, for the media jobs and the page renderer.

Workers are started from a fork server where the system has one (Linux, macOS): it imports
the rendering and imaging libraries once, and each worker forks from it in milliseconds
without inheriting the build's memory. Elsewhere (Windows) they are spawned.
"""

from __future__ import annotations

import functools
import multiprocessing
from multiprocessing.context import BaseContext

#: Modules the fork server imports once, so workers start with them loaded.
PRELOAD = ["ocopsite.render", "ocopsite.media"]


@functools.cache
def context() -> BaseContext:
    """Return the multiprocessing context workers are started with."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")
