"""Simulated people for the scale-out figures (``bench/scale.py``) and the soak (``bench/soak.py``).

Three kinds: people browsing the everyday pages (``person``), workshop participants on their phones
(``participant``: the ``/?join=CODE&p=TOKEN`` view, answering every 2-6 s and refreshing every 3 s
as the page's timed fragment makes a browser do) and one projector per room (``projector``: the
presenter view, refreshing every 2 s). Answers go through the page's own form, as a phone sends
them, and count only when the page says "saved at".

A person opens a page as a browser does, through the load balancer: an HTTP GET of the app's page
(HAProxy answers with its stickiness cookie), then the websocket with that cookie and the first
script run. The first-page time runs from the GET to the run's end. Then, every 2-6 s until the end,
an interaction: mostly a rerun of the page they are on (a click), sometimes a switch to another page
of the mix. Every timing is of a run that finished without an exception; anything else (a script
error, a closed connection, no answer within the timeout, an HTTP status other than 200) is an error,
counted by kind, and that person reconnects as a browser would.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

from streamlit.proto.WidgetStates_pb2 import WidgetStates

from bench.wsclient import StSession

AREA_QUERY = "area=E08000030"
# page_name -> weight: the Overview and Scorecard most, the other everyday pages less. The Map (67 KB
# per rerun) and the exports are left out: they are not what a room does all at once.
PAGE_MIX = {"": 3, "Scorecard": 3, "Peers": 1, "Progress": 1, "Compare": 1, "What_if": 1}
THINK_S = (2.0, 6.0)
SWITCH_PAGE = 0.25  # share of interactions that open another page
RUN_TIMEOUT_S = 30.0


@dataclass
class Tally:
    first_page: list[float] = field(default_factory=list)
    interaction: list[float] = field(default_factory=list)  # browsing: a rerun or a page switch
    answer: list[float] = field(default_factory=list)  # a participant's submit until the page says "saved at"
    refresh: list[float] = field(default_factory=list)  # a timed fragment's rerun (participants, projectors)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), inclusive method; NaN for no values."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if q < 100 else max(values)


async def http_get(port: int, path: str = "/", cookie: str = "", host: str = "127.0.0.1") -> tuple[int, list[str]]:
    """A minimal HTTP/1.1 GET: (status, Set-Cookie values); the body is read and dropped."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        request = f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
        if cookie:
            request += f"Cookie: {cookie}\r\n"
        writer.write((request + "\r\n").encode())
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        await reader.read()
    finally:
        writer.close()
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    cookies = [line.split(":", 1)[1].strip() for line in lines[1:] if line.lower().startswith("set-cookie:")]
    return status, cookies


def _cookie_pair(set_cookies: list[str], current: str) -> str:
    for value in set_cookies:
        return value.split(";")[0]
    return current


async def open_page(port: int, page: str, query: str = AREA_QUERY, cookie: str = "") -> tuple[StSession, float, str]:
    """A first page load through the balancer: (session, seconds from the GET to the drawn page, cookie)."""
    start = time.perf_counter()
    status, set_cookies = await http_get(port, "/" + page, cookie)
    if status != 200:
        raise ConnectionError(f"HTTP {status}")
    cookie = _cookie_pair(set_cookies, cookie)
    session = StSession(port, query_string=query, page_name=page, cookie=cookie)
    try:
        await session.connect()
        await session.first_run(timeout=RUN_TIMEOUT_S)
    except BaseException:
        await session.close()
        raise
    return session, time.perf_counter() - start, cookie


def _kind(exc: BaseException) -> str:
    return "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__


async def person(port: int, until: float, rng: random.Random, tally: Tally, measure_from: float = 0.0,
                 rejoin: float = 0.0) -> None:
    """One simulated person acting until ``until`` (perf_counter); timings before ``measure_from`` are not kept.

    ``rejoin``: the chance, after each interaction, that they close the page and open it again later
    (a phone that sleeps), so sessions come and go as at a real event.
    """
    pages, weights = list(PAGE_MIX), list(PAGE_MIX.values())
    cookie = ""
    session: StSession | None = None
    while time.perf_counter() < until:
        if session is None:
            page = rng.choices(pages, weights)[0]
            try:
                session, seconds, cookie = await open_page(port, page, cookie=cookie)
                tally.first_page.append(seconds)
            except (Exception, TimeoutError) as exc:  # every failure is a counted error
                tally.errors[f"first page: {_kind(exc)}"] += 1
                session = None
                await asyncio.sleep(rng.uniform(*THINK_S))
                continue
        await asyncio.sleep(rng.uniform(*THINK_S))
        if time.perf_counter() >= until:
            break
        start = time.perf_counter()
        try:
            if rng.random() < SWITCH_PAGE:
                await session.navigate(rng.choices(pages, weights)[0], timeout=RUN_TIMEOUT_S)
            else:
                await session.rerun(timeout=RUN_TIMEOUT_S)
            if start >= measure_from:
                tally.interaction.append(time.perf_counter() - start)
            if rng.random() < rejoin:
                await session.close()
                session = None
        except (Exception, TimeoutError) as exc:
            tally.errors[f"interaction: {_kind(exc)}"] += 1
            await session.close()
            session = None  # reconnect, as the browser does
    if session is not None:
        await session.close()


@dataclass(frozen=True)
class Room:
    code: str
    admin: str
    tokens: tuple[str, ...]


def open_rooms(database_url: str, rooms: int, people: int) -> list[Room]:
    """``rooms`` workshop rooms for Walsall in the deployment's database, each with its ideas activity
    open and ``people`` participants joined (tokens made through the service, as the join form does)."""
    from lupcore.workshop import participation as wp, service as ws
    from lupcore.workshop.store import open_store

    store = open_store(database_url)
    made = []
    for i in range(rooms):
        room = ws.open_room(store, area_code="E08000030", title=f"Bench room {i + 1}", named=False)
        ws.set_state(store, room.code, room.admin_token, "ideas", "open")
        tokens = tuple(wp.join(store, room.code, client_key=f"bench-{i}")[0] for _ in range(people))
        made.append(Room(room.code, room.admin_token, tokens))
    return made


async def _refresh_loop(session: StSession, lock: asyncio.Lock, until: float, tally: Tally, measure_from: float,
                        errors: Counter[str]) -> None:
    """What a browser does for ``st.fragment(run_every=...)``: rerun that fragment on its timer."""
    if not session.auto_reruns:
        errors["refresh: page has no timed fragment"] += 1
        return
    fragment, interval = min(session.auto_reruns.items(), key=lambda kv: kv[1])
    while True:
        await asyncio.sleep(interval)
        if time.perf_counter() >= until:
            return
        async with lock:
            start = time.perf_counter()
            await session.rerun(fragment_id=fragment, timeout=RUN_TIMEOUT_S)
            if start >= measure_from:
                tally.refresh.append(time.perf_counter() - start)


async def participant(port: int, room: Room, token: str, until: float, rng: random.Random, tally: Tally,
                      measure_from: float = 0.0) -> None:
    """A phone in a room: refreshes on the page's timer and sends a new idea every 2-6 s."""
    query = f"join={room.code}&p={token}"
    sent = 0
    while time.perf_counter() < until:
        try:
            session, seconds, _ = await open_page(port, "", query)
            tally.first_page.append(seconds)
        except (Exception, TimeoutError) as exc:  # every failure is a counted error
            tally.errors[f"first page: {_kind(exc)}"] += 1
            await asyncio.sleep(rng.uniform(*THINK_S))
            continue
        lock = asyncio.Lock()
        refresher = asyncio.create_task(_refresh_loop(session, lock, until, tally, measure_from, tally.errors))
        try:
            while time.perf_counter() < until:
                await asyncio.sleep(rng.uniform(*THINK_S))
                if time.perf_counter() >= until:
                    break
                sent += 1
                states = WidgetStates()
                text = states.widgets.add()
                text.id, text.string_value = session.widget_ids["ws_idea"], f"Idea {sent} from {token[:4]}"
                submit = states.widgets.add()
                submit.id, submit.trigger_value = session.button_ids["Send my idea"], True
                async with lock:
                    start = time.perf_counter()
                    result = await session.rerun(states, timeout=RUN_TIMEOUT_S)
                    if not any("saved at" in alert for alert in result.alerts):
                        tally.errors["answer: not acknowledged"] += 1
                    elif start >= measure_from:
                        tally.answer.append(time.perf_counter() - start)
                if refresher.done():
                    refresher.result()  # raise what stopped it
        except (Exception, TimeoutError) as exc:
            tally.errors[f"participant: {_kind(exc)}"] += 1
        finally:
            refresher.cancel()
            with contextlib.suppress(BaseException):
                await refresher
            await session.close()


async def projector(port: int, room: Room, until: float, tally: Tally, measure_from: float = 0.0) -> None:
    """The room's presenter view on the projector: refreshes on its timer until the end."""
    query = f"area=E08000030&room={room.code}&admin={room.admin}&present=1"
    while time.perf_counter() < until:
        try:
            session, seconds, _ = await open_page(port, "Workshop", query)
            tally.first_page.append(seconds)
            await _refresh_loop(session, asyncio.Lock(), until, tally, measure_from, tally.errors)
            await session.close()
        except (Exception, TimeoutError) as exc:
            tally.errors[f"projector: {_kind(exc)}"] += 1
            await asyncio.sleep(2)


async def crowd(port: int, people: int, steady_s: float, arrivals_per_s: float = 10.0, seed: int = 1,
                rejoin: float = 0.0, rooms: list[Room] | None = None) -> Tally:
    """``people`` arriving at ``arrivals_per_s``, then all acting for ``steady_s``; one Tally.

    With ``rooms``, each room's participants (its tokens) are among the people and each room has a
    projector; the others browse. Interactions, answers and refreshes are kept only once everyone has
    arrived (the steady part); every first page is kept.
    """
    tally = Tally()
    ramp = people / arrivals_per_s
    start = time.perf_counter()
    until = start + ramp + steady_s
    measure_from = start + ramp
    rng = random.Random(seed)
    seats = [(room, token) for room in rooms or [] for token in room.tokens][:people]

    async def arrive(i: int) -> None:
        await asyncio.sleep(i / arrivals_per_s)
        own = random.Random(rng.random())
        if i < len(seats):
            await participant(port, seats[i][0], seats[i][1], until, own, tally, measure_from)
        else:
            await person(port, until, own, tally, measure_from=measure_from, rejoin=rejoin)

    await asyncio.gather(*(arrive(i) for i in range(people)),
                         *(projector(port, room, until, tally, measure_from) for room in rooms or []))
    return tally


async def stampede(port: int, people: int, within_s: float = 1.0, query: str = AREA_QUERY, page: str = "",
                   seed: int = 2) -> Tally:
    """``people`` opening the same link within ``within_s`` seconds (uniformly spread); first pages only."""
    tally = Tally()
    rng = random.Random(seed)
    offsets = sorted(rng.uniform(0, within_s) for _ in range(people))
    sessions: list[StSession] = []

    async def one(offset: float) -> None:
        await asyncio.sleep(offset)
        try:
            session, seconds, _ = await open_page(port, page, query)
            sessions.append(session)
            tally.first_page.append(seconds)
        except (Exception, TimeoutError) as exc:
            tally.errors[f"first page: {_kind(exc)}"] += 1

    await asyncio.gather(*(one(o) for o in offsets))
    await asyncio.gather(*(s.close() for s in sessions))
    return tally
