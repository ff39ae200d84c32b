"""Nothing acknowledged is lost: a process writing answers is killed with SIGKILL mid-workshop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lupcore.workshop import participation as wp, results as wr, service as ws
from lupcore.workshop.store import close_store, open_store

WRITER = Path(__file__).with_name("_writer.py")


def test_sigkill_mid_workshop_loses_no_acknowledged_answer(workshop_db_url: str) -> None:
    proc = subprocess.Popen([sys.executable, str(WRITER), workshop_db_url], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        code = proc.stdout.readline().split()[1]
        acked: dict[int, int] = {}
        deadline = time.monotonic() + 60
        while len(acked) < 20 or sum(acked.values()) < 300:  # every person answered, several times over
            line = proc.stdout.readline()
            assert line, "the writer stopped before the kill"
            _, who, counter = line.split()
            acked[int(who)] = max(acked.get(int(who), 0), int(counter))
            assert time.monotonic() < deadline
        proc.send_signal(signal.SIGKILL)  # mid-write: threads are inside transactions right now
        for line in proc.stdout:  # acks already written to the pipe before the kill
            _, who, counter = line.split()
            acked[int(who)] = max(acked.get(int(who), 0), int(counter))
    finally:
        proc.kill()
        proc.wait(10)
    close_store(workshop_db_url)
    res = wr.results(open_store(workshop_db_url), code)
    stored = {int(p[1:]): int(text.split()[1]) for p, text, _ in res.ideas}
    assert set(stored) == set(acked)
    lost = {who: (acked[who], stored[who]) for who in acked if stored[who] < acked[who]}
    assert not lost, f"acknowledged answers missing after SIGKILL (participant: (acked, stored)): {lost}"


def test_sigkill_of_the_streamlit_server_loses_no_confirmed_answer(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """20 phones (protocol-level websocket clients) keep changing their points on a real ``streamlit run``;
    the server is killed with SIGKILL mid-workshop. Every answer a phone was shown as "saved" is stored."""
    import asyncio

    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    from bench.server import streamlit
    from bench.workshop import Client
    from bench.wsclient import StSession

    url = f"sqlite:///{tmp_path / 'workshop.sqlite3'}"
    store = open_store(url)
    room = ws.open_room(store, area_code="E08000030", title="Crash test", named=False)
    ws.set_state(store, room.code, room.admin_token, "priorities", "open")
    tokens = [wp.join(store, room.code)[0] for _ in range(20)]
    close_store(url)
    monkeypatch.setenv("LUPE_DATABASE_URL", url)
    sent: dict[int, list[dict[str, int]]] = {i: [] for i in range(20)}
    acked: dict[int, int] = {}  # participant -> index into sent[] of the last answer shown as saved

    def budget(step: int) -> dict[str, int]:
        return {"1": step, "2": 100 - step}

    async def phone(port: int, i: int, stop: asyncio.Event) -> None:
        c = Client(await StSession(port, query_string=f"join={room.code}&p={tokens[i]}").connect())
        from streamlit.proto.ClientState_pb2 import ClientState

        await c.run(ClientState(query_string=c.session.query_string))
        step = 0
        try:
            while not stop.is_set():
                step = step % 99 + 1
                points = budget(step)
                widgets = WidgetStates()
                for m in range(1, 13):
                    w = widgets.widgets.add()
                    w.id = c.session.widget_ids[f"ws_pts_{m}"]
                    w.int_value = points.get(str(m), 0)
                w = widgets.widgets.add()
                w.id = c.session.widget_ids["ws_send_priorities"]
                w.trigger_value = True
                sent[i].append(points)
                await c.run(c.state(widgets), timeout=20)
                if any("saved at" in a for a in c.alerts):
                    acked[i] = len(sent[i]) - 1
        except Exception:  # noqa: BLE001 - the server died under this request: it was never confirmed
            return

    async def workshop(server) -> None:  # noqa: ANN001
        stop = asyncio.Event()
        tasks = [asyncio.create_task(phone(server.port, i, stop)) for i in range(20)]
        deadline = time.monotonic() + 120
        while sum(acked.get(i, -1) + 1 for i in range(20)) < 100 or len(acked) < 20:
            assert time.monotonic() < deadline, f"only {len(acked)} phones confirmed"
            await asyncio.sleep(0.05)
        server.proc.send_signal(signal.SIGKILL)  # mid-workshop: requests are in flight right now
        stop.set()
        await asyncio.gather(*tasks)

    with streamlit("app.py") as server, ThreadPoolExecutor(1) as pool:
        # A thread of its own: after the browser tests, this thread already has Playwright's event loop.
        pool.submit(asyncio.run, workshop(server)).result()
        assert server.proc.wait(10) == -signal.SIGKILL
    res = wr.results(open_store(url), room.code)
    stored = {r.participant - 1: r.payload["points"] for r in res.rows if r.kind == "priorities"}
    for i, last in acked.items():
        later = [{k: v for k, v in b.items() if v} for b in sent[i][last:]]  # the confirmed one or a newer attempt
        assert stored.get(i) in later, f"phone {i}: confirmed {sent[i][last]} but stored {stored.get(i)}"
    close_store(url)
