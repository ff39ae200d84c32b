"""Workshop figures: 50 protocol-level participants, a facilitator and a projector on one server process.

One ``streamlit run`` with its own SQLite workshop database. A room is opened and 50 people joined
through the core (the same database); then 52 websocket sessions open their real pages: 50 phones
at ``/?join=CODE&p=TOKEN``, the facilitator and the projector at the secret facilitator link. Every
session honours the ``auto_rerun`` messages of its timed fragments (the phones' 3 s watch, the
projector's 2 s live panel), as a browser would, so the polling load is real. Each phone sets its
twelve point steppers and presses "Send my points" at a random moment in a 20 s window.

- submit→ack: from sending the click to the end of the run that shows "saved at" (the answer is
  committed before that run starts);
- time to projector: from the click to the end of the first projector fragment run whose count
  includes the answer (answers are counted in the order they were acknowledged);
- CPU and memory per participant: the server's CPU seconds and its peak RSS growth from the moment the
  facilitator's and projector's pages are up (data loaded, caches warm) to the end, each divided
  by 50: what each person adds (their page, their 3 s polls, their submit).
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetStates

from bench.registry import figure
from bench.server import streamlit
from bench.wsclient import StSession

PEOPLE = 50
WINDOW_S = 20.0
AREA = "E08000030"
DONE = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")


@dataclass
class Client:
    """A websocket session plus what its runs drew: metric values, fragments on a timer, alerts."""

    session: StSession
    timers: dict[str, float] = field(default_factory=dict)  # fragment id -> interval (s)
    metrics: dict[str, str] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def run(self, state: ClientState, timeout: float = 120) -> float:
        """Send one rerun request; return when a run finished (a rerun it triggers is followed)."""
        async with self.lock:
            ws = self.session.ws
            msg = BackMsg()
            msg.rerun_script.CopyFrom(state)
            start = time.perf_counter()
            await ws.send(msg.SerializeToString())
            self.alerts = []
            while True:
                fm = ForwardMsg()
                fm.ParseFromString(await asyncio.wait_for(ws.recv(), timeout))
                kind = fm.WhichOneof("type")
                if kind == "new_session":
                    self.session.page_hash = fm.new_session.page_script_hash or self.session.page_hash
                elif kind == "navigation":
                    self.session.page_hash = fm.navigation.page_script_hash or self.session.page_hash
                elif kind == "page_info_changed":
                    self.session.query_string = fm.page_info_changed.query_string
                elif kind == "auto_rerun":
                    self.timers[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
                elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                    el = fm.delta.new_element
                    etype = el.WhichOneof("type")
                    if etype:
                        self.session._note_widget(getattr(el, etype), fm.delta.fragment_id)
                    if etype == "metric":
                        self.metrics[el.metric.label] = el.metric.body
                    elif etype == "alert":
                        self.alerts.append(el.alert.body)
                    elif etype == "exception":
                        raise RuntimeError(f"{el.exception.type}: {el.exception.message}")
                elif kind == "script_finished":
                    status = ForwardMsg.ScriptFinishedStatus.Name(fm.script_finished)
                    if status in DONE:
                        return time.perf_counter() - start
                    if status != "FINISHED_EARLY_FOR_RERUN":
                        raise RuntimeError(f"script ended {status}")

    def state(self, widgets: WidgetStates | None = None, fragment_id: str = "") -> ClientState:
        s = ClientState(page_script_hash=self.session.page_hash, query_string=self.session.query_string,
                        fragment_id=fragment_id)
        if widgets is not None:
            s.widget_states.CopyFrom(widgets)
        return s


def _peak_rss(server) -> int:  # noqa: ANN001
    """The server's peak resident memory so far (VmHWM), so a collection just before reading cannot hide growth."""
    for line in Path(f"/proc/{server.proc.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM line")


async def _poll(client: Client, stop: asyncio.Event, on_run=None) -> None:  # noqa: ANN001
    """Rerun each timed fragment at its interval until ``stop`` (what a browser's timer does)."""
    while not stop.is_set():
        if not client.timers:
            await asyncio.sleep(0.5)
            continue
        frag, interval = next(iter(client.timers.items()))
        try:
            await asyncio.wait_for(stop.wait(), interval)
            return
        except TimeoutError:
            pass
        await client.run(client.state(fragment_id=frag))
        if on_run is not None:
            on_run(client)


async def _scenario(port: int, code: str, admin: str, tokens: list[str], server) -> dict[str, float]:  # noqa: ANN001
    rng = random.Random(7)
    admin_query = f"area={AREA}&room={code}&admin={admin}"
    screens = [Client(await StSession(port, query_string=admin_query, page_name="Workshop").connect()) for _ in range(2)]
    for s in screens:
        await s.run(ClientState(query_string=s.session.query_string, page_name="Workshop"))
    rss0, cpu0 = server.rss_bytes(), server.cpu_seconds()  # data loaded and caches warm: what people add
    phones = [Client(await StSession(port, query_string=f"join={code}&p={t}").connect()) for t in tokens]
    for p in phones:  # one at a time: people arrive over a minute, not in the same millisecond
        await p.run(ClientState(query_string=p.session.query_string))
    stop = asyncio.Event()
    shown: list[tuple[float, int]] = []  # (time the projector run finished, count it showed)
    projector = screens[1]

    def seen(client: Client) -> None:
        shown.append((time.perf_counter(), int(client.metrics.get("Priorities", "0"))))

    pollers = [asyncio.create_task(_poll(screens[0], stop)), asyncio.create_task(_poll(projector, stop, seen))]
    pollers += [asyncio.create_task(_poll(p, stop)) for p in phones]
    acks: list[tuple[float, float]] = []  # (click sent, acknowledged)

    async def submit(p: Client) -> None:
        await asyncio.sleep(rng.uniform(0, WINDOW_S))
        budget = [0] * 12
        for _ in range(20):
            budget[rng.randrange(12)] += 5
        widgets = WidgetStates()
        for m, pts in enumerate(budget, start=1):
            w = widgets.widgets.add()
            w.id = p.session.widget_ids[f"ws_pts_{m}"]
            w.int_value = pts
        w = widgets.widgets.add()
        w.id = p.session.widget_ids["ws_send_priorities"]
        w.trigger_value = True
        sent = time.perf_counter()
        await p.run(p.state(widgets))
        done = time.perf_counter()
        if not any("saved at" in a for a in p.alerts):
            raise RuntimeError(f"no acknowledgement: {p.alerts}")
        acks.append((sent, done))

    await asyncio.gather(*(submit(p) for p in phones))
    deadline = time.perf_counter() + 30
    while (not shown or shown[-1][1] < PEOPLE) and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*pollers)
    cpu, rss = server.cpu_seconds() - cpu0, _peak_rss(server) - rss0
    for c in (*screens, *phones):
        await c.session.close()
    acks.sort(key=lambda a: a[1])
    ack_ms = sorted((d - s) * 1000 for s, d in acks)
    to_projector = []
    for k, (sent, _) in enumerate(acks, start=1):
        when = next((t for t, n in shown if n >= k and t >= sent), None)
        if when is None:
            raise RuntimeError(f"answer {k} never reached the projector (last count {shown[-1] if shown else None})")
        to_projector.append(when - sent)
    to_projector.sort()
    pct = lambda xs, q: xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]  # noqa: E731
    return {"ack_p50": statistics.median(ack_ms), "ack_p95": pct(ack_ms, 0.95),
            "projector_p50": statistics.median(to_projector), "projector_p95": pct(to_projector, 0.95),
            "projector_max": to_projector[-1],
            "cpu_ms_per_person": cpu * 1000 / PEOPLE, "rss_mb_per_person": rss / 1e6 / PEOPLE}


@functools.cache
def _measure() -> dict[str, float]:
    import sys

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from lupcore.workshop import participation as wp, service as ws
    from lupcore.workshop.store import close_store, open_store

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='lupe-bench-ws-')) / 'workshop.sqlite3'}"
    store = open_store(url)
    room = ws.open_room(store, area_code=AREA, title="Bench room", named=False)
    ws.set_state(store, room.code, room.admin_token, "priorities", "open")
    tokens = [wp.join(store, room.code)[0] for _ in range(PEOPLE)]
    close_store(url)
    old = os.environ.get("LUPE_DATABASE_URL")
    os.environ["LUPE_DATABASE_URL"] = url
    try:
        with streamlit("app.py") as server:
            return asyncio.run(_scenario(server.port, room.code, room.admin_token, tokens, server))
    finally:
        if old is None:
            os.environ.pop("LUPE_DATABASE_URL", None)
        else:
            os.environ["LUPE_DATABASE_URL"] = old


@figure("workshop_submit_ack_p50", "ms")
def workshop_submit_ack_p50() -> float:
    """50 phones + facilitator + projector on one process: median time from "Send my points" to "saved"."""
    return _measure()["ack_p50"]


@figure("workshop_submit_ack_p95", "ms")
def workshop_submit_ack_p95() -> float:
    """As above, 95th percentile (aim < 500 ms)."""
    return _measure()["ack_p95"]


@figure("workshop_time_to_projector_p50", "s")
def workshop_time_to_projector_p50() -> float:
    """Median time from a phone's click to the projector's live count including it (2 s refresh)."""
    return _measure()["projector_p50"]


@figure("workshop_time_to_projector_p95", "s")
def workshop_time_to_projector_p95() -> float:
    """As above, 95th percentile (aim < 3 s)."""
    return _measure()["projector_p95"]


@figure("workshop_server_cpu_per_participant", "ms")
def workshop_server_cpu_per_participant() -> float:
    """Server CPU over the whole session (joining pages, 3 s watch polls, one submit) per participant."""
    return _measure()["cpu_ms_per_person"]


@figure("workshop_server_memory_per_participant", "MB")
def workshop_server_memory_per_participant() -> float:
    """Server peak RSS once the facilitator and projector are up, minus RSS then, per participant."""
    return _measure()["rss_mb_per_person"]
