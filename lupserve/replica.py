"""One app replica: load the data and what every page imports first, then open the port.

``streamlit run`` answers ``/_stcore/health`` half a second after it starts but loads the data on
its first page, seconds later, so a load balancer that trusts the health check sends people to a
replica that is not ready. ``python -m lupserve.replica app.py [streamlit options]`` loads them in
the same process before Streamlit starts, so "healthy" means ready: the first page is only the
page's own work. The shared caches filled here are the ones the pages read (``lupui.cache``).

Libraries that only some pages need (scipy.stats for trends, openpyxl, reportlab and python-pptx
for uploads and exports) are left to the first page that asks for them.

Two settings for a long-running process: at most two glibc memory arenas (``limit_memory_arenas``)
and the preloaded objects frozen out of the garbage collector's sight (``preload``).
"""

from __future__ import annotations

import ctypes
import gc
import importlib
import logging
import os
import sys
import time

# What a first page imports beyond the core (the pages' shared UI modules).
M_ARENA_MAX = -8  # glibc's malloc.h
PAGE_MODULES = ("lupui.frame", "lupui.view", "lupui.render", "lupui.tables", "lupui.headline", "lupui.vega",
                "lupui.place_search", "lupui.welcome")


def preload() -> float:
    """Import the page modules and fill the process-wide data caches; seconds it took.

    The 180,000 objects this creates live as long as the process, so they are moved out of the
    garbage collector's sight (``gc.freeze``): a full collection then looks only at what pages create
    (about 5 ms instead of 0.2-0.5 s with every session waiting), and the collector stays off while
    they are made (it would walk the growing heap again and again).
    """
    started = time.perf_counter()
    gc.disable()
    try:
        import streamlit  # noqa: F401  (before its logger is quietened: importing it sets its loggers' levels)

        # Outside a page run Streamlit warns that there is no script context; here that is expected.
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").setLevel(logging.ERROR)
        for name in PAGE_MODULES:
            importlib.import_module(name)
        from lupui import cache

        cache.dataset()
        cache.picker_options()
        gc.freeze()  # no collection first: it would cost 0.15 s to free about 2,000 objects of import-time garbage
    finally:
        gc.enable()
    return time.perf_counter() - started


def limit_memory_arenas(arenas: int = 2) -> bool:
    """Ask glibc for at most ``arenas`` memory arenas, as ``MALLOC_ARENA_MAX=2`` would; whether it was set.

    glibc gives new threads their own arenas (up to eight per core) and keeps what they free for
    reuse. Streamlit runs every page in a new thread, so a replica's resident memory grew 14-21%
    over a 10-minute soak; with two arenas it stayed within 3%. It must run before any thread
    starts. An operator's own ``MALLOC_ARENA_MAX`` is left alone, and so is a C library without
    ``mallopt`` (musl, macOS).
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0].startswith("-"):
        print("usage: python -m lupserve.replica app.py [streamlit run options]", file=sys.stderr)
        return 2
    limit_memory_arenas()
    from lupcore.workshop.store import pool_settings

    try:
        pool_settings()  # an operator's mistake is one sentence now, not a traceback on the first workshop page
    except ValueError as exc:
        print(f"[replica] {exc}", file=sys.stderr)
        return 2
    seconds = preload()
    print(f"[replica] data and page modules loaded in {seconds:.2f} s; starting the server", file=sys.stderr,
          flush=True)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", *args]
    return cli.main()


if __name__ == "__main__":
    raise SystemExit(main())
