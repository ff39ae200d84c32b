"""Start a Streamlit server for one benchmark variant and read its CPU time and memory from /proc.

Every variant gets its own process (: never share a server between variants).
The server helper itself is ``lupserve.procs``, shared with the browser tests and ``make serve``;
this module keeps the benchmarks' names for it (logs under ``lupe-bench``, deleted after a clean run).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from lupserve.procs import ROOT, Server, free_port, streamlit as _streamlit

__all__ = ["ROOT", "Server", "free_port", "streamlit"]


@contextmanager
def streamlit(script: str = "app.py", *options: str, wait: bool = True, preload: bool = False) -> Iterator[Server]:
    """A headless server for ``script`` (relative to the repo root) with extra ``--option=value`` flags.

    ``preload``: started as a replica is (``lupserve.replica``: data loaded and frozen out of the collector's sight).
    """
    with _streamlit(script, *options, wait=wait, log_dir="lupe-bench", keep_log=False, preload=preload) as server:
        yield server
