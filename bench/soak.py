"""``make soak``: 50 simulated people for 10 minutes through HAProxy with two replicas on PostgreSQL.

Reports errors (aim: none) and each process's resident-memory growth after a warm-up (aim: under
10%; the median of the first minute after it against the median of the last minute), as
``name: value unit`` lines on stdout (progress on stderr). People act every 2-6 s on the page mix
of ``bench/crowd.py`` (half of them workshop participants in one room answering, with a projector
refreshing), and after each action one in twenty browsers closes the page and opens it
again later (a phone that sleeps), so sessions come and go and abandoned ones must be freed
(Streamlit keeps a disconnected session for ``server.disconnectedSessionTTL``, 120 s).
``LUPE_SOAK_S`` shortens the run (to try it); the warm-up is the first fifth of the run, at most 120 s.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from bench.crowd import crowd, open_rooms, percentile
from bench.figures import progress
from bench.scale import _warm
from lupserve.procs import process_rss_bytes
from lupserve.serve import Deployment

PEOPLE = 50
SOAK_S = float(os.environ.get("LUPE_SOAK_S", "600"))
WARM_UP_S = min(120.0, SOAK_S / 5)
SAMPLE_S = 10.0
REJOIN = 0.05
GROWTH_AIM_PERCENT = 10.0
OUT = Path(__file__).resolve().parent / "out"


async def _soak(d: Deployment) -> tuple[dict[str, list[tuple[float, int]]], object]:
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in d.servers}
    assert d.haproxy is not None and d.haproxy.proc is not None
    samples["haproxy"] = []
    start = time.perf_counter()
    ramp = PEOPLE / 10
    assert d.database_url is not None
    rooms = open_rooms(d.database_url, 1, PEOPLE // 2)
    load = asyncio.create_task(crowd(d.haproxy.port, PEOPLE, steady_s=SOAK_S - ramp, rejoin=REJOIN, rooms=rooms))
    while not load.done():
        now = time.perf_counter() - start
        for name, server in d.servers.items():
            samples[name].append((now, server.rss_bytes()))
        samples["haproxy"].append((now, process_rss_bytes(d.haproxy.proc.pid)))
        await asyncio.wait([load], timeout=SAMPLE_S)
        if int(now) // 60 != int(time.perf_counter() - start) // 60:
            progress(f"soak: {time.perf_counter() - start:.0f}/{SOAK_S:.0f} s")
    return samples, load.result()


def main() -> int:
    progress(f"soak: {PEOPLE} people for {SOAK_S:.0f} s through HAProxy, 2 replicas, PostgreSQL")
    with Deployment(replicas=2, grace_s=1.0) as d:
        asyncio.run(_warm(d))
        samples, tally = asyncio.run(_soak(d))
    print(f"soak_duration: {SOAK_S:.0f} s")
    print(f"soak_errors: {tally.error_count} count")
    for kind, count in sorted(tally.errors.items()):
        progress(f"soak error {kind}: {count}")
    print(f"soak_first_pages: {len(tally.first_page)} count")
    print(f"soak_interactions: {len(tally.interaction)} count")
    print(f"soak_first_page_p95: {percentile(tally.first_page, 95) * 1000:.0f} ms")
    print(f"soak_interaction_p50: {percentile(tally.interaction, 50) * 1000:.0f} ms")
    print(f"soak_interaction_p95: {percentile(tally.interaction, 95) * 1000:.0f} ms")
    print(f"soak_answers: {len(tally.answer)} count")
    print(f"soak_answer_p95: {percentile(tally.answer, 95) * 1000:.0f} ms")
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "soak-rss.csv").open("w") as f:  # every sample, to see whether growth levels off
        f.write("process,seconds,rss_mb\n")
        for name, series in samples.items():
            f.writelines(f"{name},{t:.0f},{rss / 2**20:.1f}\n" for t, rss in series)
    progress(f"samples written to {OUT / 'soak-rss.csv'}")
    worst = 0.0
    for name, series in samples.items():
        after_warm_up = [rss for t, rss in series if t >= WARM_UP_S]
        if len(after_warm_up) < 2:
            continue
        # A minute's median at each end: single samples catch a burst of concurrent runs (+30 MB for a moment).
        window = max(1, int(60 / SAMPLE_S))
        base, end = statistics.median(after_warm_up[:window]), statistics.median(after_warm_up[-window:])
        peak = max(after_warm_up)
        growth = (end - base) / base * 100
        worst = max(worst, growth) if name != "haproxy" else worst
        print(f"soak_rss_{name}_after_warm_up: {base / 2**20:.0f} MB")
        print(f"soak_rss_{name}_end: {end / 2**20:.0f} MB")
        print(f"soak_rss_{name}_peak: {peak / 2**20:.0f} MB")
        print(f"soak_rss_{name}_growth: {growth:.1f} %")
        second_half = [rss for t, rss in series if t >= SOAK_S / 2]
        if len(second_half) >= 2:  # near zero when the growth levels off (high-water marks, bounded caches)
            print(f"soak_rss_{name}_growth_second_half: {(second_half[-1] - second_half[0]) / base * 100:.1f} %")
    ok = tally.error_count == 0 and worst < GROWTH_AIM_PERCENT
    progress(f"soak {'met' if ok else 'DID NOT MEET'} its aims (no errors, replica growth under "
             f"{GROWTH_AIM_PERCENT:.0f}% after warm-up)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
