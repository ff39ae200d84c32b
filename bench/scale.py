"""Scale-out figures: the app behind HAProxy with one and with two replicas, on PostgreSQL.

Each configuration is a real ``lupserve.serve.Deployment`` (the same code as ``make serve``): N
Streamlit replicas of ``app.py``, HAProxy with cookie stickiness, a throwaway PostgreSQL cluster.
Every replica is warmed first (each page of the mix opened twice on its own port), as a server is
before an event. Then 50, 100 and 200 simulated people (``bench/crowd.py``: arriving 10 a second,
then each acting every 2-6 s for ``STEADY_S``; half of them workshop participants answering in
rooms of up to 50, each room with a projector refreshing, the others browsing a mix of pages) give
p50/p95 of a first page load, of a browsing interaction and of an answer (submit to "saved at"),
with errors counted; 50 people opening the same join link within one second give the stampede
figure. With two replicas, one is restarted while 50 people act on the other: the time
from launching it to healthy, to its first page drawn and to HAProxy routing to it. Memory: a
replica's resident set after warm-up (at rest) and its growth per open session (50 held open).
Load generator and servers share the machine's cores; the figures include that contention.
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
import time

from bench.crowd import AREA_QUERY, PAGE_MIX, Tally, crowd, open_page, open_rooms, percentile, stampede
from bench.figures import progress
from bench.registry import figure
from bench.wsclient import StSession
from lupserve.serve import Deployment

# LUPE_SCALE_REPLICAS=2 LUPE_SCALE_PEOPLE=50 runs a part (e.g. to try the replica restart alone).
REPLICAS = tuple(int(n) for n in os.environ.get("LUPE_SCALE_REPLICAS", "1,2").split(","))
PEOPLE = tuple(int(n) for n in os.environ.get("LUPE_SCALE_PEOPLE", "50,100,200").split(","))
STEADY_S = 20.0
STAMPEDE_PEOPLE = 50
ROOM_SIZE = 50
HELD_SESSIONS = 50
P95_AIM_S = 1.0
CPU_BUDGET = 0.7  # a core kept 70% busy: beyond that, queueing makes p95 grow fast
CORES = os.cpu_count() or 1


async def _warm(d: Deployment) -> None:
    visits = [(page, AREA_QUERY) for page in PAGE_MIX] + [("", "join=ABCDEF"), ("Workshop", AREA_QUERY)]
    for server in d.servers.values():
        for _ in range(2):
            for page, query in visits:
                session = StSession(server.port, query_string=query, page_name=page)
                await session.connect()
                await session.first_run(timeout=120)
                await session.close()


async def _held_sessions_rss(d: Deployment) -> tuple[float, float]:
    """(resident MB at rest, MB per open Overview session) of the single replica.

    Per session is the slope between two batches of ``HELD_SESSIONS`` open sessions (after the first
    batch, not from rest: the first sessions reuse memory the warm-up left free, which would hide them).
    """
    server = next(iter(d.servers.values()))
    at_rest = server.rss_bytes()
    sessions = []
    marks = []
    for _ in range(2):
        for _ in range(HELD_SESSIONS):
            session, _, _ = await open_page(d.haproxy.port, "")
            sessions.append(session)
        await asyncio.sleep(1)
        marks.append(server.rss_bytes())
    per_session = (marks[1] - marks[0]) / HELD_SESSIONS
    for session in sessions:
        await session.close()
    return at_rest / 2**20, per_session / 2**20


def _record(results: dict[str, float], key: str, tally: Tally) -> None:
    results[f"scale_first_page_p50_{key}"] = percentile(tally.first_page, 50) * 1000
    results[f"scale_first_page_p95_{key}"] = percentile(tally.first_page, 95) * 1000
    for kind in ("interaction", "answer", "refresh"):
        values = getattr(tally, kind)
        if values:
            results[f"scale_{kind}_p50_{key}"] = percentile(values, 50) * 1000
            results[f"scale_{kind}_p95_{key}"] = percentile(values, 95) * 1000
    results[f"scale_errors_{key}"] = tally.error_count
    progress(f"{key}: " + ", ".join(
        f"{kind} p50/p95 {percentile(v, 50):.2f}/{percentile(v, 95):.2f} s ({len(v)})"
        for kind in ("first_page", "interaction", "answer", "refresh") if (v := getattr(tally, kind)))
        + f", errors {dict(tally.errors)}")


async def _steady_crowd(d: Deployment, people: int, rooms: list) -> tuple[Tally, float, float]:
    """Run the crowd; also the replicas' CPU (cores, summed) over the steady part, after everyone arrived,
    and that part's length in seconds."""
    task = asyncio.create_task(crowd(d.haproxy.port, people, STEADY_S, rooms=rooms))
    await asyncio.sleep(people / 10 + 1)  # the ramp (10 arrivals a second) and a second more
    cpu_before, wall = sum(s.cpu_seconds() for s in d.servers.values()), time.perf_counter()
    own = time.process_time()
    tally = await task
    wall = time.perf_counter() - wall
    cores = (sum(s.cpu_seconds() for s in d.servers.values()) - cpu_before) / wall
    progress(f"load generator used {(time.process_time() - own) / wall:.2f} cores")
    return tally, cores, wall


def _people_per_core(tally: Tally, cores: float, wall: float, people: int, rooms: int) -> float:
    """People one core serves at ``CPU_BUDGET`` busy: server CPU per action (steady part) times the
    actions the mix asks for when nobody waits (browsing every 4 s on average; a participant answers
    every 4 s and refreshes every 3 s; a projector refreshes every 2 s). Using CPU per action, not
    the CPU measured, keeps a saturated run (which completes fewer actions) from looking cheap."""
    actions = len(tally.interaction) + len(tally.answer) + len(tally.refresh)
    cpu_per_action = cores * wall / actions
    participants = min(people // 2, rooms * ROOM_SIZE)
    wanted = (people - participants) / 4 + participants * (1 / 4 + 1 / 3) + rooms / 2
    return CPU_BUDGET * people / (cpu_per_action * wanted)


async def _restart_under_load(d: Deployment) -> dict[str, float]:
    """Restart r2 gracefully while 50 people act: launch -> healthy -> first page -> in HAProxy's rotation."""
    assert d.database_url is not None
    rooms = open_rooms(d.database_url, 1, 25)
    load = asyncio.create_task(crowd(d.haproxy.port, 50, steady_s=20, rooms=rooms))
    await asyncio.sleep(8)
    await asyncio.to_thread(d.stop_replica, "r2")
    server = await asyncio.to_thread(d.launch_replica, "r2")  # still in maint since its graceful stop
    await asyncio.to_thread(server.wait_healthy, 60, 0.01)
    healthy = time.perf_counter() - server.started
    await asyncio.to_thread(d.warm, "r2")  # its first page, drawn directly, before it takes visitors
    drawn = time.perf_counter() - server.started
    cpu = server.cpu_seconds()  # what the start costs, whatever share of a core the machine gave it
    assert d.haproxy is not None
    await asyncio.to_thread(d.haproxy.set_state, "r2", "ready")
    await asyncio.to_thread(d.haproxy.wait_status, "r2", "UP")
    in_rotation = time.perf_counter() - server.started
    tally = await load
    moved = sum(n for kind, n in tally.errors.items() if "ConnectionClosed" in kind)
    progress(f"replica restart under load: healthy {healthy:.2f} s, first page {drawn:.2f} s ({cpu:.2f} s of CPU), "
             f"in rotation {in_rotation:.2f} s; meanwhile {moved} sessions were closed by the stopping replica and "
             f"reconnected, other errors {dict((k, n) for k, n in tally.errors.items() if 'ConnectionClosed' not in k)}")
    return {"scale_replica_start_to_healthy": healthy, "scale_replica_start_to_first_page": drawn,
            "scale_replica_start_cpu_to_first_page": cpu,
            "scale_replica_start_to_in_rotation": in_rotation,
            "scale_sessions_moved_during_replica_restart": moved,
            "scale_errors_during_replica_restart": tally.error_count - moved}


@functools.cache
def _results() -> dict[str, float]:
    results: dict[str, float] = {}
    for replicas in REPLICAS:
        progress(f"scale: starting {replicas} replica(s) behind HAProxy with PostgreSQL")
        with Deployment(replicas=replicas, grace_s=1.0) as d:
            asyncio.run(_warm(d))
            if replicas == 1:
                at_rest, per_session = asyncio.run(_held_sessions_rss(d))
                results["scale_rss_replica_at_rest"] = at_rest
                results["scale_rss_per_session"] = per_session
                progress(f"memory: {at_rest:.0f} MB at rest, {per_session:.2f} MB per open session")
            for people in PEOPLE:
                # half the people are workshop participants, in rooms of up to 50, each room with a projector
                assert d.database_url is not None
                rooms = open_rooms(d.database_url, math.ceil(people / 2 / ROOM_SIZE), min(ROOM_SIZE, people // 2))
                tally, cores, wall = asyncio.run(_steady_crowd(d, people, rooms))
                key = f"r{replicas}_n{people}"
                results[f"scale_cores_used_{key}"] = cores
                results[f"scale_people_per_core_by_cpu_{key}"] = _people_per_core(tally, cores, wall, people, len(rooms))
                progress(f"{key}: steady state used {cores:.2f} cores (replicas together); machine load average "
                         f"{os.getloadavg()[0]:.1f} on {CORES} cores")
                _record(results, f"r{replicas}_n{people}", tally)
            room = open_rooms(d.database_url, 1, 0)[0]
            tally = asyncio.run(stampede(d.haproxy.port, STAMPEDE_PEOPLE, query=f"join={room.code}"))
            _record(results, f"stampede{STAMPEDE_PEOPLE}_r{replicas}", tally)
            if replicas == 2:
                results.update(asyncio.run(_restart_under_load(d)))
    best = 0.0
    for replicas in REPLICAS:
        for people in PEOPLE:
            key = f"r{replicas}_n{people}"
            if max(results.get(f"scale_interaction_p95_{key}", math.inf), results.get(f"scale_answer_p95_{key}",
                   math.inf)) < P95_AIM_S * 1000 and not results[f"scale_errors_{key}"]:
                best = max(best, people / min(replicas, CORES))
    results["scale_people_per_core_p95_under_1s"] = best
    results["scale_people_per_core_by_cpu"] = min(v for k, v in results.items() if k.startswith(
        "scale_people_per_core_by_cpu_"))
    return results


def _register(name: str, unit: str, doc: str) -> None:
    def measure() -> float:
        return _results()[name]

    measure.__doc__ = doc
    figure(name, unit)(measure)


for _replicas in REPLICAS:
    for _people in (*PEOPLE, f"stampede{STAMPEDE_PEOPLE}"):
        _key = f"r{_replicas}_n{_people}" if isinstance(_people, int) else f"{_people}_r{_replicas}"
        _who = (f"{_people} people acting every 2-6 s" if isinstance(_people, int)
                else f"{STAMPEDE_PEOPLE} people opening one join link within 1 s")
        for _q in (50, 95):
            _register(f"scale_first_page_p{_q}_{_key}", "ms",
                      f"p{_q} of a first page load (GET + websocket + drawn), {_who}, {_replicas} replica(s)")
            if isinstance(_people, int):
                _register(f"scale_interaction_p{_q}_{_key}", "ms",
                          f"p{_q} of a browsing interaction (rerun or page switch), {_who} (half of them workshop "
                          f"participants), {_replicas} replica(s)")
                _register(f"scale_answer_p{_q}_{_key}", "ms",
                          f"p{_q} of a participant's answer, submit to 'saved at', {_who}, {_replicas} replica(s)")
        if isinstance(_people, int):
            _register(f"scale_cores_used_{_key}", "x", f"cores the replicas used together in the steady part, "
                                                      f"{_who}, {_replicas} replica(s)")
            _register(f"scale_people_per_core_by_cpu_{_key}", "count",
                      f"people one core serves at {CPU_BUDGET:.0%} busy, from server CPU per action, {_who}, "
                      f"{_replicas} replica(s)")
        _register(f"scale_errors_{_key}", "count", f"errors (script, connection, 30 s timeout), {_who}, "
                                                     f"{_replicas} replica(s)")
for _name, _doc in (("scale_replica_start_to_healthy", "a replica restarted while 50 people act: launch to healthy"),
                    ("scale_replica_start_to_first_page", "a replica restarted under load: launch to its first "
                                                          "page drawn (aim < 3 s)"),
                    ("scale_replica_start_to_in_rotation", "a replica restarted under load: launch to UP in HAProxy"),
                    ("scale_replica_start_cpu_to_first_page", "CPU time the restarted replica used from launch to "
                                                              "its first page drawn (its wall time on a free core)")):
    _register(_name, "s", _doc)
_register("scale_errors_during_replica_restart", "count", "errors of the 50 people while a replica restarts "
                                                          "(sessions the stopping replica closed are counted apart)")
_register("scale_sessions_moved_during_replica_restart", "count", "sessions the gracefully stopping replica closed "
                                                                  "(their pages reconnect to the other replica)")
_register("scale_rss_replica_at_rest", "MB", "resident memory of a warmed replica with no session open")
_register("scale_rss_per_session", "MB", f"resident memory per open Overview session (slope from {HELD_SESSIONS} to "
                                         f"{2 * HELD_SESSIONS} held)")


_register("scale_people_per_core_by_cpu", "count", f"people one core serves at {CPU_BUDGET:.0%} busy: the least "
                                                   "of the configurations (server CPU, so the machine's other load "
                                                   "matters less than for latencies)")


@figure("scale_people_per_core_p95_under_1s", "count")
def people_per_core() -> float:
    """Most people per core (of those tried) with p95 of browsing and of answering under 1 s, and no error."""
    return _results()["scale_people_per_core_p95_under_1s"]
