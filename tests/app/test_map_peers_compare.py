"""The Map, Peers and Compare pages through AppTest.

AppTest cannot see a map draw (that is the browser layer's job), but it can read the deck spec the
page sends: the boundaries stay a static file, each rerun carries only colour expressions on
``properties.i`` and a marker layer, and those expressions are evaluated here for every one of
the 361 areas, so a colour that lands on the wrong polygon or a no-data area coloured as data is
caught without a browser. A click on the map is replayed as the widget state the browser sends.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pagekit import open_page, url, with_local_metric
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from lupcore.data._dataset import Dataset
from lupcore.data._panel import Panel, build_panel
from lupcore.maps import DIVERGING, NO_DATA, RAG_COLOURS, RAG_WORDS
from lupcore.model import Polarity
from lupcore.peers import peer_group

ROOT = Path(__file__).resolve().parents[2]
APP = "../../app.py"  # relative to this file (AppTest's rule)
MAP, PEERS, COMPARE = "pages/3_Map.py", "pages/4_Peers.py", "pages/5_Compare.py"
BOUNDARIES = ROOT / "static" / "boundaries-ltla.geojson"
BOUNDARIES_URL = "app/static/boundaries-ltla.geojson"
WALSALL, CORNWALL, HIGHLAND = "E08000030", "E06000052", "S12000017"
BIRMINGHAM, COVENTRY, CARDIFF, DUDLEY = "E08000025", "E08000026", "W06000015", "E08000027"
LOCALITY_LINE, PEER_LINE = [0, 0, 0, 255], [0, 114, 178, 255]
MAX_MAP_MESSAGE = 100_000  # bytes; the ceiling for the per-rerun map message
WORD_TO_RAG = {word: rag for rag, word in RAG_WORDS.items()}






def texts(at: AppTest) -> list[str]:
    """Every text a user reads in the main area (sidebar and style blocks left out)."""
    main = at.main
    return ([t.value for t in main.title] + [h.value for h in main.subheader] + [m.value for m in main.markdown]
            + [c.value for c in main.caption] + [i.value for i in main.info] + [w.value for w in main.warning]
            + [s.value for s in main.success])


# ----- reading the deck spec -------------------------------------------------------------------

def deck(at: AppTest) -> Any:
    charts = at.get("deck_gl_json_chart")
    assert len(charts) == 1, "the Map page draws exactly one deck"
    return charts[0]


def layers(at: AppTest) -> dict[str, dict[str, Any]]:
    return {layer["id"]: layer for layer in json.loads(deck(at).proto.json)["layers"]}


def _parse(expr: str, pos: int) -> tuple[Any, int]:
    """One node of ``(properties.i<N?A:B)`` | ``[r,g,b,a]`` | number, the subset the page emits."""
    if expr.startswith("(properties.i<", pos):
        pos += len("(properties.i<")
        end = expr.index("?", pos)
        bound = int(expr[pos:end])
        low, pos = _parse(expr, end + 1)
        assert expr[pos] == ":", expr[pos - 20:pos + 20]
        high, pos = _parse(expr, pos + 1)
        assert expr[pos] == ")", expr[pos - 20:pos + 20]
        return ("<", bound, low, high), pos + 1
    if expr[pos] == "[":
        end = expr.index("]", pos)
        return [int(v) for v in expr[pos + 1:end].split(",")], end + 1
    match = re.compile(r"-?\d+(\.\d+)?").match(expr, pos)
    assert match, f"unexpected expression text at {pos}: {expr[pos:pos + 30]!r}"
    return float(match.group()), match.end()


@cache
def _tree(expr: str) -> Any:
    assert expr.startswith("@@="), "deck.gl only evaluates strings marked @@="
    node, end = _parse(expr, 3)
    assert end == len(expr), "trailing text after the expression"
    return node


def evaluate(expr: str, i: int) -> Any:
    """The value deck.gl computes for the feature whose ``properties.i`` is ``i``."""
    node = _tree(expr)
    while isinstance(node, tuple):
        _, bound, low, high = node
        node = low if i < bound else high
    return node


@pytest.fixture(scope="module")
def features() -> list[dict[str, Any]]:
    return json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]


@pytest.fixture(scope="module")
def panel(dataset: Dataset) -> Panel:
    return build_panel(dataset, "ltla")


@pytest.fixture(scope="module")
def walsall_map() -> AppTest:
    return open_page(MAP, area=WALSALL)


def show(kind: str, key: str | int | None = None, area: str = WALSALL) -> AppTest:
    at = open_page(MAP, area=area)
    at.selectbox(key="w_map_kind").set_value(kind).run()
    if key is not None:
        picker = "w_map_mission" if kind.startswith("mission") else f"w_map_metric_{kind}"
        at.selectbox(key=picker).set_value(key).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def colours(at: AppTest) -> list[list[int]]:
    expr = layers(at)["ltla"]["getFillColor"]
    return [evaluate(expr, i) for i in range(len(layers(at)["markers"]["data"]))]


# ----- Map -------------------------------------------------------------------------------------

def test_boundaries_are_a_static_file_indexed_like_the_markers(walsall_map: AppTest,
                                                               features: list[dict[str, Any]]) -> None:
    """Geometry travels once as a file; a feature's ``i`` must be its row in the per-rerun data."""
    ltla, markers = layers(walsall_map)["ltla"], layers(walsall_map)["markers"]
    assert ltla["data"] == BOUNDARIES_URL, "boundaries must be fetched from the static URL, not inlined"
    assert (ROOT / "static" / Path(BOUNDARIES_URL).name).is_file()
    assert len(features) == len(markers["data"]) == 361
    assert sorted(f["properties"]["i"] for f in features) == list(range(361))
    for feature in features:
        assert markers["data"][feature["properties"]["i"]]["code"] == feature["properties"]["code"]
    for prop in ("getFillColor", "getLineColor", "getLineWidth"):
        assert ltla[prop].startswith("@@=") and "properties.i" in ltla[prop]


def test_default_layer_is_the_overall_score_with_a_unit_legend(walsall_map: AppTest) -> None:
    at = walsall_map
    assert at.selectbox(key="w_map_kind").value == "overall"
    assert [h.value for h in at.subheader] == ["Overall Levelling Up score"]
    assert any(re.fullmatch(r"[\d.]+ · [\d.]+ · [\d.]+ score \(0–100\)", t) for t in texts(at)), texts(at)
    assert any(t.startswith("**Walsall**: score ") for t in texts(at))


@pytest.mark.parametrize(("kind", "key", "title"), [
    ("overall", None, "Overall Levelling Up score"),
    ("overall_rag", None, "Overall status"),
    ("mission_score", 5, "Mission 5: Education score"),
    ("mission_rag", 7, "Mission 7: Health: status"),
    ("metric_value", "employment_rate", "Employment rate ("),
    ("metric_rag", "gross_weekly_pay", "Median weekly pay: status"),
])
def test_every_kind_of_layer_renders(kind: str, key: str | int | None, title: str) -> None:
    at = show(kind, key)
    assert at.subheader[0].value.startswith(title)
    cols = colours(at)
    assert all(len(c) == 4 and all(0 <= v <= 255 for v in c) for c in cols)
    assert len({tuple(c) for c in cols}) > 2, "a choropleth with one colour shows nothing"


@pytest.mark.parametrize(("kind", "key"), [("metric_rag", "employment_rate"), ("mission_rag", 5), ("overall_rag", None)])
def test_rag_colours_match_each_areas_status(kind: str, key: str | int) -> None:
    """Evaluating the colour expression per area must give the colour of the status its tooltip shows."""
    at = show(kind, key)
    markers = layers(at)["markers"]["data"]
    for i, (colour, marker) in enumerate(zip(colours(at), markers, strict=True)):
        assert tuple(colour) == RAG_COLOURS[WORD_TO_RAG[marker["r"]]], (i, marker)
    legend = [t for t in texts(at) if "background:rgb(" in t]
    assert len(legend) == 4 and all(any(t.endswith(w) for t in legend) for w in RAG_WORDS.values())


def test_no_data_areas_are_grey_and_listed(panel: Panel) -> None:
    """Employment rate is missing for Northern Ireland's councils (they publish their own series)."""
    at = show("metric_value", "employment_rate")
    values = panel.values[:, panel.column("employment_rate")]
    missing = sorted(str(n) for n, v in zip(panel.names, values, strict=True) if np.isnan(v))
    assert missing, "pick a metric with gaps"
    for i, (colour, v) in enumerate(zip(colours(at), values, strict=True)):
        assert (tuple(colour) == NO_DATA) == bool(np.isnan(v)), (i, panel.names[i], colour)
    expander = next(e for e in at.expander if e.label.startswith("No data"))
    assert expander.label == f"No data: {len(missing)} areas"
    assert expander.markdown[0].value == ", ".join(missing)


def test_tooltip_has_name_value_with_unit_and_period_and_status(panel: Panel) -> None:
    at = show("metric_value", "gross_weekly_pay")
    tooltip = json.loads(deck(at).proto.tooltip)["html"]
    assert all(field in tooltip for field in ("{name}", "{v}", "{r}"))
    walsall = layers(at)["markers"]["data"][panel.position(WALSALL)]
    assert walsall["name"] == "Walsall"
    assert re.fullmatch(r"£[\d,]+ \(.*\d{4}\)", walsall["v"]), walsall["v"]
    assert walsall["r"] in RAG_WORDS.values()
    legend = [t for t in texts(at) if t.count(" · ") == 2 and re.search(r"\d", t) and "**" not in t]
    assert len(legend) == 1 and "£" in legend[0], legend


def test_hover_and_click_are_on_the_dots_not_the_polygons(walsall_map: AppTest) -> None:
    """Polygons are drawn but never picked: the dots carry value and status, and a click sends only a code.

    (Picking the polygons costs seconds without a GPU and a click on one would post its whole outline back.)
    """
    drawn = layers(walsall_map)
    assert drawn["ltla"].get("pickable") is False
    assert drawn["markers"]["pickable"] is True
    assert all(d["v"] and d["r"] for d in drawn["markers"]["data"])


def test_rate_metric_legend_and_tooltip_carry_the_unit(panel: Panel) -> None:
    at = show("metric_value", "fe_achievements")
    assert any(re.fullmatch(r"[\d,.]+ · [\d,.]+ · [\d,.]+ per 100,000 population", t) for t in texts(at)), texts(at)
    v = layers(at)["markers"]["data"][panel.position(WALSALL)]["v"]
    assert re.fullmatch(r"[\d,]+ per 100,000 population \(.+\)", v), v


def test_signed_data_get_a_diverging_scale_centred_on_zero(panel: Panel) -> None:
    """Population change has falls and rises: falls and rises must sit on opposite arms of the ramp."""
    at = show("metric_value", "population_change_5y")
    assert any("Diverging scale centred on zero" in t for t in texts(at))
    gradient = next(t for t in texts(at) if "linear-gradient" in t)
    assert all(f"rgb{stop}" in gradient for stop in DIVERGING)
    values = panel.values[:, panel.column("population_change_5y")]
    assert (values < 0).any() and (values > 0).any()
    for colour, v in zip(colours(at), values, strict=True):
        r, _, b, _ = colour
        if v < -0.5:
            assert r > b, (v, colour)  # the orange arm
        elif v > 0.5:
            assert b > r, (v, colour)  # the purple arm
    sequential = show("metric_value", "employment_rate")
    assert not any("Diverging" in t for t in texts(sequential))


def test_locality_outlined_and_peers_highlighted(walsall_map: AppTest, dataset: Dataset, panel: Panel) -> None:
    ltla = layers(walsall_map)["ltla"]
    peers = set(peer_group(dataset, WALSALL, "ons-global", k=15).codes)
    codes = list(panel.codes)
    line = [evaluate(ltla["getLineColor"], i) for i in range(len(codes))]
    width = [evaluate(ltla["getLineWidth"], i) for i in range(len(codes))]
    assert [codes[i] for i, c in enumerate(line) if c == LOCALITY_LINE] == [WALSALL]
    assert {codes[i] for i, c in enumerate(line) if c == PEER_LINE} == peers
    me = codes.index(WALSALL)
    assert width[me] > max(width[codes.index(p)] for p in peers) > max(
        w for i, w in enumerate(width) if codes[i] not in peers | {WALSALL})


def test_county_locality_outlines_its_districts(dataset: Dataset, panel: Panel) -> None:
    """A county has no polygon of its own: its member districts are outlined instead."""
    county = "E10000017"  # Lancashire
    at = open_page(MAP, area=county)
    members = set(dataset.areas.loc[dataset.areas["utla_code"] == county, "code"]) & set(panel.codes)
    line = layers(at)["ltla"]["getLineColor"]
    outlined = {c for i, c in enumerate(panel.codes) if evaluate(line, i) == LOCALITY_LINE}
    assert len(members) > 5 and outlined == members


def click(at: AppTest, layer: str, index: int, obj: dict[str, Any]) -> AppTest:
    """Replay a click on the deck as the browser reports it: the chart's JSON selection state.

    Uses AppTest's private ``_tree``/``_run`` because AppTest has no API for chart selections.
    """
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    state = states.widgets.add()
    state.id = deck(at).proto.id
    state.string_value = json.dumps({"selection": {"indices": {layer: [index]}, "objects": {layer: [obj]}}})
    return at._run(states)


@pytest.mark.parametrize("layer", ["markers", "ltla"])
def test_clicking_an_area_makes_it_the_locality(layer: str, features: list[dict[str, Any]]) -> None:
    """Both pick targets work: the marker dot (a plain object) and the polygon (a GeoJSON feature)."""
    feature = next(f for f in features if f["properties"]["code"] == CORNWALL)
    i = feature["properties"]["i"]
    at = open_page(MAP, area=WALSALL)
    obj = layers(at)["markers"]["data"][i] if layer == "markers" else {
        "type": "Feature", "properties": feature["properties"], "geometry": {"type": "Point", "coordinates": [0, 0]}}
    click(at, layer, i, obj)
    assert not at.exception, [e.value for e in at.exception]
    assert url(at)["area"] == CORNWALL
    assert any(s.value == "Locality changed to Cornwall from the map." for s in at.success)
    assert any(c.value.startswith("Showing Cornwall") for c in at.sidebar.caption)
    assert evaluate(layers(at)["ltla"]["getLineColor"], i) == LOCALITY_LINE


def test_clicking_the_locality_itself_changes_nothing(panel: Panel) -> None:
    at = open_page(MAP, area=WALSALL)
    i = panel.position(WALSALL)
    click(at, "markers", i, layers(at)["markers"]["data"][i])
    assert not at.exception
    assert url(at)["area"] == WALSALL and not at.success


def test_map_message_stays_under_100_kb_for_the_default_layer(walsall_map: AppTest) -> None:
    assert len(deck(walsall_map).proto.SerializeToString()) < MAX_MAP_MESSAGE


def test_map_message_stays_under_100_kb_for_every_metric(panel: Panel) -> None:
    at = show("metric_value", panel.indicators[0].id)
    sizes = {}
    for meta in panel.indicators:
        at.selectbox(key="w_map_metric_metric_value").set_value(meta.id).run()
        sizes[meta.id] = len(deck(at).proto.SerializeToString())
    worst = max(sizes, key=sizes.__getitem__)
    assert sizes[worst] < MAX_MAP_MESSAGE, f"{worst}: {sizes[worst]:,} bytes"


# ----- Peers -----------------------------------------------------------------------------------

def peer_table(at: AppTest) -> Any:
    return next(d.value for d in at.dataframe if "Rank in group" in d.value.columns)


def heatmap_areas(at: AppTest) -> set[str]:
    """Area labels in the heatmap's data (Streamlit moves Altair's data into Arrow datasets)."""
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in charts[0].proto.datasets]
    return {str(a) for frame in frames for a in frame["area"]}


def test_peers_page_ranks_within_the_ons_group(dataset: Dataset) -> None:
    at = open_page(PEERS, area=WALSALL)
    assert [t.value for t in at.title] == ["Peers: places like Walsall"]
    assert at.radio(key="w_peer_kind").value == "ons-global"
    table = peer_table(at)
    assert {"Metric", "Walsall", "Rank in group", "Peer median", "Peer best", "Peers with data"} <= set(table.columns)
    ranks = [r for r in table["Rank in group"] if r != "no data"]
    assert ranks and all(re.fullmatch(r"\d+(st|nd|rd|th) of \d+", r) for r in ranks)
    assert all(int(r.split(" of ")[1]) <= 16 for r in ranks)
    assert [t.label for t in at.tabs] == ["Every metric against the peers", "Heatmap of scores", "Why these peers"]
    peers = peer_group(dataset, WALSALL, "ons-global", k=15).codes
    names = {str(dataset.areas.loc[c, "name"]) for c in (WALSALL, *peers)}
    assert heatmap_areas(at) == names


def test_named_set_from_the_url_and_the_picker() -> None:
    at = open_page(PEERS, area=WALSALL, peers="custom", set=f"{BIRMINGHAM},{COVENTRY},{DUDLEY}")
    assert any("3 chosen comparators" in t for t in texts(at))
    assert all(r.endswith(" of 4") or r == "no data" for r in peer_table(at)["Rank in group"])
    at.multiselect(key="w_peer_custom").set_value([BIRMINGHAM, COVENTRY]).run()
    assert not at.exception
    assert url(at)["set"] == f"{BIRMINGHAM},{COVENTRY}"
    assert any("2 chosen comparators" in t for t in texts(at))


SCORECARD_PAGE = "pages/1_Scorecard.py"


def test_a_comparator_set_can_be_named_and_the_name_travels() -> None:
    at = open_page(PEERS, area=WALSALL, peers="custom", set=f"{BIRMINGHAM},{COVENTRY},{DUDLEY}")
    at.text_input(key="w_peer_setname").set_value("West Midlands core").run()
    assert not at.exception
    assert url(at)["setname"] == "West Midlands core"
    assert any("**West Midlands core (3 chosen comparators)**" in t for t in texts(at))
    at.switch_page(SCORECARD_PAGE).run()
    assert url(at)["setname"] == "West Midlands core", "the name stays in the link on other pages"


def test_named_set_of_more_than_ten_is_refused_with_a_notice(dataset: Dataset) -> None:
    eleven = [c for c in dataset.pickable()["code"] if c.startswith("E08") and c != WALSALL][:11]
    at = open_page(PEERS, area=WALSALL, peers="custom", set=",".join(eleven))
    notices = [w.value for w in at.warning]
    assert any("set=" in n and "at most 10" in n for n in notices), notices


def test_switching_peer_kind_and_size_writes_the_url() -> None:
    at = open_page(PEERS, area=WALSALL)
    at.radio(key="w_peer_kind").set_value("nearest").run()
    assert not at.exception and url(at)["peers"] == "nearest"
    at.slider(key="w_peer_k").set_value(8).run()
    assert not at.exception and url(at)["k"] == "8"
    assert any("8 most similar areas" in t for t in texts(at))
    assert all(r.endswith(" of 9") or r == "no data" for r in peer_table(at)["Rank in group"])


def test_anonymised_peers_page_hides_every_peer_name(dataset: Dataset) -> None:
    at = open_page(PEERS, area=WALSALL, anon="1")
    peers = peer_group(dataset, WALSALL, "ons-global", k=15).codes
    real = {str(dataset.areas.loc[c, "name"]) for c in peers}
    letters = {f"Area {chr(ord('A') + n)}" for n in range(len(peers))}
    assert heatmap_areas(at) == letters | {"Walsall"}
    shown = " ".join(texts(at)) + " ".join(d.value.to_csv() for d in at.main.dataframe)
    assert not [name for name in real if re.search(rf"\b{re.escape(name)}\b", shown)]
    assert "Area A" in shown and "Walsall" in shown


# ----- Compare ---------------------------------------------------------------------------------

def compare_columns(at: AppTest) -> list[str]:
    """The headline table's area columns (a data grid, or a plain table in presenter mode)."""
    headline = (list(at.main.dataframe) + list(at.main.table))[0].value
    return [c for c in headline.columns if c]


def test_compare_defaults_to_the_locality_and_three_peers() -> None:
    at = open_page(COMPARE, area=WALSALL)
    columns = compare_columns(at)
    assert columns[0] == "Walsall" and len(columns) == 4
    rows = at.main.dataframe[0].value.iloc[:, 0].tolist()
    assert rows[:2] == ["Levelling Up score", "Status"] and any(r.startswith("Rank") for r in rows), rows
    assert [h.value for h in at.subheader] == ["Missions", "Metrics"]


def test_compare_areas_from_the_url_in_order() -> None:
    at = open_page(COMPARE, area=WALSALL, cmp=f"{WALSALL},{BIRMINGHAM},{CARDIFF}")
    assert compare_columns(at) == ["Walsall", "Birmingham", "Cardiff"]
    metrics = at.main.dataframe[2].value
    assert {"Walsall", "Birmingham", "Cardiff"} <= set(metrics.columns)


def test_changing_the_areas_updates_the_page_and_url() -> None:
    at = open_page(COMPARE, area=WALSALL)
    at.multiselect(key="w_compare").set_value([WALSALL, COVENTRY]).run()
    assert not at.exception
    assert compare_columns(at) == ["Walsall", "Coventry"]
    assert url(at)["cmp"] == f"{WALSALL},{COVENTRY}"


def test_one_area_asks_for_another() -> None:
    at = open_page(COMPARE, area=WALSALL)
    at.multiselect(key="w_compare").set_value([WALSALL]).run()
    assert not at.exception
    assert any("at least one more area" in i.value for i in at.info)


def test_more_than_four_areas_in_the_link_are_refused() -> None:
    at = open_page(COMPARE, area=WALSALL, cmp=",".join([WALSALL, BIRMINGHAM, COVENTRY, CARDIFF, DUDLEY]))
    assert any("cmp=" in w.value and "at most 4" in w.value for w in at.warning)
    assert len(compare_columns(at)) <= 4


def test_presenter_mode_hides_controls_and_enlarges_type() -> None:
    at = open_page(COMPARE, area=WALSALL, cmp=f"{BIRMINGHAM},{COVENTRY}", present="1")
    assert not at.main.multiselect and not at.main.toggle
    assert [b.key for b in at.main.button] == ["w_leave_presenter"]
    css = " ".join(m.value for m in at.markdown if m.value.lstrip().startswith("<style>"))
    assert 'data-testid="stSidebar"' in css and "display:none" in css and "font-size: 22px" in css
    assert compare_columns(at) == ["Walsall", "Birmingham", "Coventry"]
    assert at.main.table and not at.main.dataframe, "presenter tables are plain tables, so large type reaches them"
    at.button(key="w_leave_presenter").click().run()
    assert "present" not in url(at) and at.main.multiselect


def test_presenter_button_turns_presenter_mode_on() -> None:
    at = open_page(COMPARE, area=WALSALL)
    at.button(key="w_to_presenter").click().run()
    assert not at.exception and url(at)["present"] == "1" and not at.main.multiselect


def test_anonymised_compare_letters_the_other_areas() -> None:
    at = open_page(COMPARE, area=WALSALL, cmp=f"{WALSALL},{BIRMINGHAM},{COVENTRY}", anon="1", present="1")
    assert compare_columns(at) == ["Walsall", "Area A", "Area B"]
    shown = " ".join(texts(at)) + " ".join(d.value.to_csv() for d in [*at.main.dataframe, *at.main.table])
    assert "Birmingham" not in shown and "Coventry" not in shown


def test_anonymised_compare_shows_no_real_name_in_its_controls() -> None:
    """The area picker would name the lettered areas, so anonymised mode hides it (and says how to change areas)."""
    at = open_page(COMPARE, area=WALSALL, cmp=f"{WALSALL},{BIRMINGHAM},{COVENTRY}", anon="1")
    assert compare_columns(at) == ["Walsall", "Area A", "Area B"]
    assert not [m for m in at.multiselect if m.key == "w_compare"]
    shown = " ".join(texts(at)) + " ".join(c.value for c in at.caption)
    assert "Birmingham" not in shown and "Coventry" not in shown


def test_why_these_peers_puts_the_distance_first_and_units_in_the_headers() -> None:
    at = open_page("pages/4_Peers.py", area="E08000030")
    assert not at.exception
    why = at.dataframe[-1].value
    assert list(why.columns)[:2] == ["Distance (0 = identical)", "Population (people)"]
    assert why.index.name == "Area" and why.index[0] == "Walsall"
    assert why.iloc[0, 0] == 0  # the locality is at distance 0 from itself


def test_a_local_metric_outside_any_mission_is_still_compared_with_the_peers() -> None:
    """A council's own measure with a better direction but no mission has a status, so it has a rank."""
    codes = (WALSALL, "E08000031", BIRMINGHAM, COVENTRY, DUDLEY)
    csv = "area_code,period,value\n" + "".join(f"{code},2024,{50 + 4 * i}\n" for i, code in enumerate(codes))
    at = with_local_metric(PEERS, csv, source="Residents' survey", polarity=Polarity.HIGHER_IS_BETTER, mission=None)
    table = peer_table(at)
    row = table[table["Metric"] == "Pride in place (local)"]
    assert len(row) == 1, table["Metric"].tolist()
    assert re.fullmatch(r"\d+(st|nd|rd|th) of \d+", row.iloc[0]["Rank in group"]), row.iloc[0]["Rank in group"]


def test_heatmap_draws_missing_scores_grey_as_its_caption_says() -> None:
    """Missing cells were white (Vega drops a null colour) while the caption promised grey."""
    import json

    from lupui.vega import NO_DATA_GREY
    at = open_page(PEERS, area=WALSALL)
    chart = at.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    layers = spec["layer"]
    grey = [layer for layer in layers if layer["mark"].get("color") == NO_DATA_GREY]
    assert len(grey) == 1 and grey[0]["transform"] == [{"filter": "!isValid(datum.score)"}]
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.proto.datasets]
    assert any(frame["score"].isna().any() for frame in frames), "Walsall's peers have missing scores to show"
    assert any("grey means no data" in c.value for c in at.caption)


def test_a_countys_map_says_it_shows_the_districts() -> None:
    at = open_page(MAP, area="E10000030")  # Surrey
    notes = [i.value for i in at.info]
    assert any("Surrey appears as its 11 member councils" in n for n in notes), notes
    assert not [i.value for i in open_page(MAP, area=WALSALL).info if "member councils" in i.value]
