"""The figures ``make bench`` reports. Add one by writing a function with ``@figure(name, unit)``.

Rules the figures follow (–12.5): each variant runs in its own server from the
repo root (same config), variants that are compared are interleaved A B A B in one job, timings are
medians, and ratios against a trivial page are preferred over raw milliseconds, which move with the
machine. All websocket load comes from ``bench.wsclient`` (no browsers).
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass

from bench.registry import figure, median_in_fresh_processes
from bench.server import Server, streamlit
from bench.wsclient import RunResult, StSession

AREA = "E08000030"  # Walsall: the project's reference council
AREA_NAME = "Walsall"
QUERY = f"area={AREA}"
LOAD_RUNS = 5
COLD_RUNS = 3
RERUN_ROUNDS = 30
WARM_UP_RERUNS = 3
# A pause before each timed rerun, as a person's. A rerun requested within about 40 ms of the same
# session's last run finishing waits about 40 ms before its script starts (seen on the one-title page:
# 44 ms back to back, 3-8 ms after a 50 ms pause); without the pause that stall, not the pages, would
# decide the ratio, because interleaving makes the gaps depend on the other variants' run times.
THINK_S = 0.1
BURST_SESSIONS = 10
BURST_ROUNDS = 5
CPU_REPEATS = 3
RERUN_VARIANTS = {"overview": "app.py", "empty": "bench/empty_page.py", "baseline": "bench/baseline_app.py"}

_LOAD_SNIPPET = """
import time
from lupcore import load_dataset
start = time.perf_counter()
load_dataset()
print((time.perf_counter() - start) * 1000)
"""


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _check_overview(result: RunResult) -> None:
    """A figure for the wrong page (say, the 'choose a council' fallback) would be meaningless."""
    if AREA_NAME not in result.headings:
        raise RuntimeError(f"expected the {AREA_NAME} overview, got headings {result.headings[:3]}")


# ----- data --------------------------------------------------------------------------------

@figure("data_load_time", "ms")
def data_load_time() -> float:
    """Median of 5 ``load_dataset()`` calls, each in a fresh subprocess (imports excluded, OS file cache warm)."""
    return median_in_fresh_processes(_LOAD_SNIPPET, LOAD_RUNS, "data_load_time")


# ----- start-up ------------------------------------------------------------------------------

async def _first_render(port: int) -> RunResult:
    session = await StSession(port, query_string=QUERY).connect()
    try:
        result = await session.first_run()
    finally:
        await session.close()
    _check_overview(result)
    return result


@functools.cache
def _cold_starts() -> dict[str, tuple[float, float]]:
    """(seconds, CPU seconds) from launch to the first ``?area=`` run finished, medians of ``COLD_RUNS``,
    for ``streamlit run`` and for a replica (``lupserve.replica``), alternated so drift hits both."""
    runs: dict[str, list[tuple[float, float]]] = {"streamlit": [], "replica": []}
    for i in range(COLD_RUNS):
        for name in runs:
            with streamlit("app.py", wait=False, preload=name == "replica") as server:
                server.wait_healthy(poll=0.01)
                asyncio.run(_first_render(server.port))
                runs[name].append((_elapsed(server), server.cpu_seconds()))
            progress(f"cold start {name} run {i + 1}/{COLD_RUNS}: {runs[name][-1][0]:.2f} s, "
                     f"{runs[name][-1][1]:.2f} s of CPU")
    return {name: (statistics.median(r[0] for r in v), statistics.median(r[1] for r in v)) for name, v in runs.items()}


@figure("cold_start_to_first_render", "s")
def cold_start_to_first_render() -> float:
    """Median of 3: from launching ``streamlit run app.py`` to the first ``?area=`` run finishing (websocket client)."""
    return _cold_starts()["streamlit"][0]


@figure("cold_start_to_first_render_replica", "s")
def cold_start_to_first_render_replica() -> float:
    """The same from launching ``python -m lupserve.replica app.py`` (data loaded before the port opens)."""
    return _cold_starts()["replica"][0]


@figure("cold_start_cpu_replica", "s")
def cold_start_cpu_replica() -> float:
    """CPU the replica spends from launch to its first page drawn: its wall time on a free core."""
    return _cold_starts()["replica"][1]


def _elapsed(server: Server) -> float:
    return time.perf_counter() - server.started


# ----- reruns on a warm server, as ratios ----------------------------------------------------

@dataclass(frozen=True)
class Variant:
    """One server's page in an interleaved rerun comparison, with a check that it drew the right thing."""

    script: str
    page: str = ""  # URL path of a pages/ page; "" for the main script
    query: str = ""
    check: Callable[[RunResult], None] | None = None


async def _interleaved_reruns(ports: dict[str, int], variants: dict[str, Variant]) -> dict[str, list[float]]:
    sessions = {}
    for name, port in ports.items():
        v = variants[name]
        session = await StSession(port, query_string=v.query, page_name=v.page).connect()
        first = await session.first_run()
        if v.check:
            v.check(first)
        for _ in range(WARM_UP_RERUNS):
            await session.rerun()
        sessions[name] = session
    times: dict[str, list[float]] = {name: [] for name in sessions}
    order = list(sessions)
    for round_no in range(RERUN_ROUNDS):
        for name in order[round_no % len(order):] + order[:round_no % len(order)]:  # rotate who goes first
            await asyncio.sleep(THINK_S)
            result = await sessions[name].rerun()
            if variants[name].check:
                variants[name].check(result)
            times[name].append(result.seconds * 1000)
    for session in sessions.values():
        await session.close()
    return times


def interleaved_medians(variants: dict[str, Variant]) -> dict[str, float]:
    """Median rerun time of each variant, each on its own server, reruns interleaved A B A B."""
    with ExitStack() as stack:
        ports = {name: stack.enter_context(streamlit(v.script)).port for name, v in variants.items()}
        progress(f"interleaving {RERUN_ROUNDS} reruns of {', '.join(variants)}")
        times = asyncio.run(_interleaved_reruns(ports, variants))
    medians = {name: statistics.median(values) for name, values in times.items()}
    progress("rerun medians: " + ", ".join(f"{k} {v:.1f} ms" for k, v in medians.items()))
    return medians


@functools.cache
def _rerun_medians() -> dict[str, float]:
    return interleaved_medians({
        "overview": Variant(RERUN_VARIANTS["overview"], query=QUERY, check=_check_overview),
        "empty": Variant(RERUN_VARIANTS["empty"]),
        "baseline": Variant(RERUN_VARIANTS["baseline"]),
    })


@figure("overview_rerun", "ms")
def overview_rerun() -> float:
    """Median time of a plain rerun of the Walsall overview on a warm server, one session."""
    return _rerun_medians()["overview"]


@figure("overview_rerun_vs_empty_page", "x")
def overview_rerun_vs_empty_page() -> float:
    """Overview rerun ÷ rerun of a one-title page, interleaved on separate servers."""
    medians = _rerun_medians()
    return medians["overview"] / medians["empty"]


@figure("overview_rerun_vs_frame_baseline", "x")
def overview_rerun_vs_frame_baseline() -> float:
    """Overview rerun ÷ rerun of the shared frame without data (bench/baseline_app.py): the page content's cost."""
    medians = _rerun_medians()
    return medians["overview"] / medians["baseline"]


# ----- server CPU under a burst ---------------------------------------------------------------

async def _burst_cpu(server: Server) -> float:
    warm = await StSession(server.port, query_string=QUERY).connect()
    _check_overview(await warm.first_run())
    await warm.rerun()
    sessions = [await StSession(server.port, query_string=QUERY).connect() for _ in range(BURST_SESSIONS)]
    await asyncio.gather(*(s.first_run() for s in sessions))
    before = server.cpu_seconds()
    for _ in range(BURST_ROUNDS):
        await asyncio.gather(*(s.rerun() for s in sessions))  # everyone moves together
    used = server.cpu_seconds() - before
    for s in [warm, *sessions]:
        await s.close()
    return used / (BURST_SESSIONS * BURST_ROUNDS) * 1000


@functools.cache
def _cpu_per_rerun() -> dict[str, float]:
    """Both GC settings, alternated (off, on, off, on, …) so drift on a shared machine hits both; medians."""
    gc_on = ("--runner.postScriptGC=true",)
    variants = {"gc_off": ((), False), "gc_on": (gc_on, False), "replica_gc_off": ((), True),
                "replica_gc_on": (gc_on, True)}
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for repeat in range(CPU_REPEATS):
        for name, (options, preload) in variants.items():
            with streamlit("app.py", *options, preload=preload) as server:
                runs[name].append(asyncio.run(_burst_cpu(server)))
            progress(f"cpu per rerun {name} (repeat {repeat + 1}/{CPU_REPEATS}): {runs[name][-1]:.1f} ms")
    return {name: statistics.median(values) for name, values in runs.items()}


@figure("server_cpu_per_rerun", "ms")
def server_cpu_per_rerun() -> float:
    """Server CPU per rerun, 10 sessions x 5 reruns together, with the app's config (runner.postScriptGC = false)."""
    return _cpu_per_rerun()["gc_off"]


@figure("server_cpu_per_rerun_gc_on", "ms")
def server_cpu_per_rerun_gc_on() -> float:
    """The same burst with Streamlit's default ``--runner.postScriptGC=true``: the cost the config avoids."""
    return _cpu_per_rerun()["gc_on"]


@figure("server_cpu_per_rerun_replica", "ms")
def server_cpu_per_rerun_replica() -> float:
    """The same burst on a server started as ``make serve`` starts replicas (``lupserve.replica``, gc.freeze)."""
    return _cpu_per_rerun()["replica_gc_off"]


@figure("server_cpu_per_rerun_replica_gc_on", "ms")
def server_cpu_per_rerun_replica_gc_on() -> float:
    """A replica with ``postScriptGC`` on: what a full collection after every run costs once the data is frozen."""
    return _cpu_per_rerun()["replica_gc_on"]
