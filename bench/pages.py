"""Page figures: the Scorecard's rerun against an empty page, the Map's per-rerun message and metric
switch, and the Compare page's area switch, all through the websocket client (no browser).

A page in ``pages/`` is opened by its URL path (``page_name="Scorecard"``), as a deep link opens
it, and every run is checked for that page's headings: a figure must never time the Overview or
the 'choose a council' fallback by mistake. Widget changes are sent as a browser sends them (a
selectbox or multiselect value is its formatted label), so the page's own callbacks and caches run.
The client never reports cached-message hashes, so byte counts are full messages: an upper bound
on what a browser receives when nothing else on the page changed.
"""

from __future__ import annotations

import asyncio
import functools
import statistics
from urllib.parse import parse_qs

from streamlit.proto.WidgetStates_pb2 import WidgetStates

from bench.figures import (
    AREA_NAME,
    QUERY,
    THINK_S,
    Variant,
    interleaved_medians,
    progress,
)
from bench.registry import figure
from bench.server import streamlit
from bench.wsclient import RunResult, StSession

MAP_DEFAULT_TITLE = "Overall Levelling Up score"
METRIC_KIND = "A metric's value"  # the label of kind "metric_value" in lupcore.mapview.LAYER_KINDS
# Consecutive entries differ, so every timed rerun is a real switch; the set mixes units, periods,
# a signed (diverging) metric and ones with missing areas.
MAP_METRICS = ("gross_weekly_pay", "employment_rate", "claimant_rate", "population_change_5y", "ks2_expected",
               "hle_female")
MAP_CYCLES = 5  # timed passes over MAP_METRICS, after one untimed pass
COMPARE_NAMES = {"E08000030": "Walsall", "E08000025": "Birmingham", "E08000026": "Coventry",
                 "W06000015": "Cardiff", "E08000034": "Kirklees", "E08000008": "Tameside",
                 "E06000021": "Stoke-on-Trent"}
COMPARE_SETS = (("E08000030", "E08000025"), ("E08000030", "E08000026", "W06000015"),
                ("E08000030", "E08000034", "E08000008", "E06000021"), ("E08000030", "W06000015"))
COMPARE_CYCLES = 6


def _expect(result: RunResult, page: str, *headings: str) -> None:
    """Stop the figure if the run drew another page: its time would be meaningless."""
    missing = [h for h in headings if not any(got.startswith(h) for got in result.headings)]
    if missing:
        raise RuntimeError(f"{page}: expected headings {missing}, got {result.headings[:4]}")


def _widget_states(session: StSession, **values: str | list[str]) -> WidgetStates:
    """Widget states by user key: a string for a selectbox, a list of strings for a multiselect."""
    states = WidgetStates()
    for key, value in values.items():
        state = states.widgets.add()
        state.id = session.widget_ids[key]
        if isinstance(value, list):
            state.string_array_value.data.extend(value)
        else:
            state.string_value = value
    return states


async def _open(port: int, page: str) -> tuple[StSession, RunResult]:
    session = await StSession(port, query_string=QUERY, page_name=page).connect()
    return session, await session.first_run()


# ----- Scorecard rerun against an empty page ----------------------------------------------------

@functools.cache
def _scorecard_medians() -> dict[str, float]:
    def drew_scorecard(result: RunResult) -> None:
        _expect(result, "Scorecard", f"Scorecard: {AREA_NAME}", "Missions", "Every metric")

    return interleaved_medians({
        "scorecard": Variant("app.py", page="Scorecard", query=QUERY, check=drew_scorecard),
        "empty": Variant("bench/empty_page.py"),
    })


@figure("scorecard_rerun", "ms")
def scorecard_rerun() -> float:
    """Median time of a plain rerun of the Walsall Scorecard page (/Scorecard) on a warm server, one session."""
    return _scorecard_medians()["scorecard"]


@figure("scorecard_rerun_vs_empty_page", "x")
def scorecard_rerun_vs_empty_page() -> float:
    """Scorecard rerun ÷ rerun of a one-title page, interleaved on separate servers (aim: at most 3)."""
    medians = _scorecard_medians()
    return medians["scorecard"] / medians["empty"]


# ----- Scorecard filter change: a partial rerun of the metric section -------------------------

STATUS_FILTERS = (["✔ Green"], ["✖ Red"], ["◆ Amber", "✖ Red"], [])  # labels of the Status multiselect
FILTER_CYCLES = 8


async def _filter_changes(port: int) -> list[float]:
    session, first = await _open(port, "Scorecard")
    _expect(first, "Scorecard", f"Scorecard: {AREA_NAME}", "Every metric")
    fragment = session.widget_fragments.get("w_sc_rag", "")
    if not fragment:
        raise RuntimeError("Scorecard: the Status filter is not drawn inside an st.fragment")
    times = []
    for cycle in range(FILTER_CYCLES + 1):
        for labels in STATUS_FILTERS:
            await asyncio.sleep(THINK_S)
            result = await session.rerun(_widget_states(session, w_sc_rag=labels), fragment_id=fragment)
            _expect(result, "Scorecard", "Every metric")
            if any(h.startswith("Scorecard:") for h in result.headings):
                raise RuntimeError("Scorecard: a filter change reran the whole page")
            if cycle:  # the first pass is a warm-up
                times.append(result.seconds * 1000)
    await session.close()
    return times


@functools.cache
def _filter_change_ms() -> float:
    with streamlit("app.py") as server:
        progress(f"scorecard: {FILTER_CYCLES} x {len(STATUS_FILTERS)} Status filter changes")
        times = asyncio.run(_filter_changes(server.port))
    progress(f"filter change median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    return statistics.median(times)


@figure("scorecard_filter_change", "ms")
def scorecard_filter_change() -> float:
    """Median time of changing the Scorecard's Status filter: only the metric section (an st.fragment) reruns."""
    return _filter_change_ms()


@figure("scorecard_filter_change_vs_empty_page", "x")
def scorecard_filter_change_vs_empty_page() -> float:
    """Filter change ÷ rerun of a one-title page (the empty page from the Scorecard rerun figure)."""
    return _filter_change_ms() / _scorecard_medians()["empty"]


# ----- Map: bytes per rerun and switching the metric -------------------------------------------

async def _map_session(port: int, labels: dict[str, str]) -> tuple[int, list[float]]:
    session, first = await _open(port, "Map")
    _expect(first, "Map", "Map", MAP_DEFAULT_TITLE)
    await asyncio.sleep(THINK_S)
    plain = await session.rerun()
    _expect(plain, "Map", "Map", MAP_DEFAULT_TITLE)
    await session.rerun(_widget_states(session, w_map_kind=METRIC_KIND))  # draws the metric picker
    times = []
    for cycle in range(MAP_CYCLES + 1):
        for metric in MAP_METRICS:
            await asyncio.sleep(THINK_S)
            states = _widget_states(session, w_map_kind=METRIC_KIND, w_map_metric_metric_value=labels[metric])
            result = await session.rerun(states)
            _expect(result, "Map", "Map", labels[metric])
            if cycle:  # the first pass is a warm-up
                times.append(result.seconds * 1000)
    await session.close()
    return plain.bytes_in, times


@functools.cache
def _map_figures() -> tuple[float, float]:
    """(KiB of one plain rerun on the default layer, median ms of a metric switch)."""
    from lupcore.data._dataset import load_dataset  # only here: the other figures need no data in this process

    indicators = load_dataset().indicators
    labels = {m: indicators[m].label for m in MAP_METRICS}
    with streamlit("app.py") as server:
        progress(f"map: one plain rerun, then {MAP_CYCLES} x {len(MAP_METRICS)} metric switches")
        size, times = asyncio.run(_map_session(server.port, labels))
    progress(f"map rerun {size:,} bytes; metric switch median {statistics.median(times):.1f} ms, "
             f"max {max(times):.1f} ms")
    return size / 1024, statistics.median(times)


@figure("map_message_kb", "KB")
def map_message_kb() -> float:
    """Websocket bytes (KiB, full messages) of one rerun of the Walsall Map page on the default layer (aim < 100)."""
    return _map_figures()[0]


@figure("map_switch_metric", "ms")
def map_switch_metric() -> float:
    """Median rerun time after choosing another metric in the Map's metric selectbox (aim < 500)."""
    return _map_figures()[1]


# ----- Compare: switching the areas --------------------------------------------------------------

async def _compare_session(port: int) -> list[float]:
    session, first = await _open(port, "Compare")
    _expect(first, "Compare", "Compare areas", "Missions", "Metrics")
    times = []
    for cycle in range(COMPARE_CYCLES + 1):
        for codes in COMPARE_SETS:
            await asyncio.sleep(THINK_S)
            states = _widget_states(session, w_compare=[COMPARE_NAMES[c] for c in codes])
            result = await session.rerun(states)
            _expect(result, "Compare", "Compare areas", "Missions", "Metrics")
            shown = parse_qs(session.query_string).get("cmp", [""])[0].split(",")
            if shown != list(codes):
                raise RuntimeError(f"Compare: asked for {codes}, the URL says cmp={shown}")
            if cycle:
                times.append(result.seconds * 1000)
    await session.close()
    return times


@figure("compare_switch_areas", "ms")
def compare_switch_areas() -> float:
    """Median rerun time after changing the Compare page's areas (2 to 4 areas; aim < 1,000)."""
    with streamlit("app.py") as server:
        times = asyncio.run(_compare_session(server.port))
    progress(f"compare switch median {statistics.median(times):.1f} ms, max {max(times):.1f} ms over {len(times)}")
    return statistics.median(times)

