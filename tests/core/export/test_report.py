"""The report bundle and its tables: the numbers every export writes are the scorecard's, formatted as on screen."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from lupcore.data._dataset import Dataset
from lupcore.data._panel import Panel, build_panel
from lupcore.export import (
    ATTRIBUTION,
    NO_DATA,
    TABLE_NAMES,
    ReportBundle,
    about_rows,
    build_bundle,
    bundle_tables,
    missions_chart,
    missions_frame,
    print_table,
    scorecard_display,
    shown,
    spine_chart,
    to_png,
)
from lupcore.format import format_change, format_number, format_value, ordinal
from lupcore.model import Rag
from lupcore.peers import PeerGroup, peer_group
from lupcore.scoring import RAG_STYLE, build_engine, rag_from_text, rag_text
from lupcore.session import ViewState, decode_query
from lupcore.settings import Settings

CODE = "E08000030"  # Walsall, one of the councils that trialled the ADEPT/EY dashboard
NOW = datetime(2026, 3, 5, 14, 2, tzinfo=UTC)
OGL_SENTENCE = "Contains public sector information licensed under the Open Government Licence v3.0."


@pytest.fixture(scope="module")
def panel(dataset: Dataset) -> Panel:
    return build_panel(dataset, "ltla")


@pytest.fixture(scope="module")
def peers(dataset: Dataset) -> PeerGroup:
    return peer_group(dataset, CODE, "ons-global", k=15)


@pytest.fixture(scope="module")
def bundle(dataset: Dataset, panel: Panel, peers: PeerGroup) -> ReportBundle:
    view = ViewState(area=CODE)
    return build_bundle(dataset, build_engine(panel, view.settings, peers.codes), CODE, view, peers=peers, now=NOW)


@pytest.fixture(scope="module")
def session_bundle(dataset: Dataset, panel: Panel, peers: PeerGroup) -> ReportBundle:
    """A session with weights, an exclusion, a baseline and a what-if, as a shared link would carry them."""
    view = decode_query({"area": CODE, "mw": "7:2", "ex": "smoking", "ev": "1",
                         "base": "employment_rate:2019-01-01/P1Y", "scen": "Jobs push~employment_rate=+2;gva_per_hour=target"}).state
    return build_bundle(dataset, build_engine(panel, view.settings, peers.codes), CODE, view, peers=peers, now=NOW)


def test_tables_are_the_named_set(bundle: ReportBundle) -> None:
    tables = bundle_tables(bundle)
    assert tuple(tables) == TABLE_NAMES
    assert {"Missions", "Scorecard", "Summary", "Peers", "Progress", "Scenarios", "Sources", "Settings"} <= set(tables)
    assert tables["Progress"].empty and tables["Scenarios"].empty  # the default view sets neither


def test_missions_table_is_the_scorecards(bundle: ReportBundle) -> None:
    missions = bundle_tables(bundle)["Missions"]
    assert len(missions) == 12
    for row, m in zip(missions.itertuples(index=False), bundle.card.missions, strict=True):
        assert row.Mission == m.mission.title
        assert row.Status == (m.status_text or rag_text(m.rag))
        assert row.Score == (NO_DATA if m.score is None else pytest.approx(m.score))
    unscored = missions[missions["Metrics with data"].isin(["no local measure", "not rated: context only"])]
    assert unscored["Mission"].tolist() == ["Mission 2: Research and development"]  # R&D: regional context only
    assert set(unscored["Score"]) == {NO_DATA}  # missing, never 0


def test_capitals_table_is_the_scorecards(bundle: ReportBundle) -> None:
    capitals = bundle_tables(bundle)["Capitals"]
    assert capitals["Capital"].tolist() == [c.capitalize() for c, _ in bundle.card.capitals]
    for (_, score), row in zip(bundle.card.capitals, capitals.itertuples(index=False), strict=True):
        assert row.Score == (NO_DATA if score is None else pytest.approx(score))
    by_name = capitals.set_index("Capital")["Metrics with data"]
    assert by_name["Financial"] == "no scored metric"  # no registry metric measures it: no score, never 0
    assert re.fullmatch(r"\d+ of \d+ metrics", by_name["Human"])


def test_scorecard_table_values_and_text_match_metric_rows(bundle: ReportBundle) -> None:
    table = bundle_tables(bundle)["Scorecard"].set_index("Indicator id")
    assert len(table) == len(bundle.card.metrics)
    for m in bundle.card.metrics:
        row = table.loc[m.meta.id]
        assert row["Value"] == (NO_DATA if m.value is None else m.value)
        assert row["Value (as shown)"] == format_value(m.value, m.meta)
        assert row["Status"] == rag_text(m.rag)
        assert row["Weight"] == m.weight
        if m.meta.polarity:
            assert row["Minimum (as shown)"] == format_value(m.minimum, m.meta)
            assert row["Target basis"] == m.target_label


def test_scorecard_follows_the_pages_order(bundle: ReportBundle) -> None:
    missions = [m for m in bundle_tables(bundle)["Scorecard"]["Mission"] if m != "Context"]
    numbers = [int(m.split(":")[0].removeprefix("Mission ")) for m in missions]
    assert numbers == sorted(numbers)


def test_missing_value_is_no_data_everywhere(dataset: Dataset, panel: Panel, bundle: ReportBundle) -> None:
    gone = replace(bundle.card.metrics[0], value=None)
    card = replace(bundle.card, metrics=(gone, *bundle.card.metrics[1:]))
    engine = build_engine(panel, Settings())
    missing = build_bundle(dataset, engine, CODE, ViewState(area=CODE), card=card, now=NOW)
    table = bundle_tables(missing)["Scorecard"].set_index("Indicator id")
    assert table.loc[gone.meta.id, "Value"] == NO_DATA
    assert table.loc[gone.meta.id, "Value (as shown)"] == NO_DATA
    assert scorecard_display(bundle_tables(missing)).set_index("Metric").loc[gone.meta.label, "Value"] == NO_DATA


def test_context_metrics_are_marked_not_scored(bundle: ReportBundle) -> None:
    table = bundle_tables(bundle)["Scorecard"].set_index("Indicator id")
    assert table.loc["population", "Scored"] == "no"
    assert table.loc["population", "Score (0–100)"] == "not scored"
    assert table.loc["population", "Minimum"] == "not applicable"
    assert "population" not in set(scorecard_display(bundle_tables(bundle))["Metric"])


def test_summary_and_headline(bundle: ReportBundle) -> None:
    summary = bundle_tables(bundle)["Summary"]
    assert summary.iloc[0]["Text"] == bundle.summary.headline
    assert summary.set_index("Section").loc["Rank", "Text"] == bundle.card.rank_text
    assert bundle.overall_text == f"{format_number(bundle.card.overall, 1)} out of 100 ({rag_text(bundle.card.overall_rag)})"


def test_settings_in_plain_english(session_bundle: ReportBundle) -> None:
    settings = dict(session_bundle.settings)
    assert settings["Mission weights"] == "Mission 7: ×2"
    assert settings["Metrics left out"] == "Adults who smoke"
    assert settings["Red needs statistical evidence"].startswith("yes")
    assert settings["Peer group"] == "ONS similar areas (global model)"
    assert settings["Ranked among"] == "294 local authorities in England"
    defaults = dict(bundle_tables(session_bundle)["Settings"].values.tolist())
    assert defaults["Minimum (below it, a Levelling Up focus is needed)"] == "National value"


def test_shareable_link_round_trips(session_bundle: ReportBundle) -> None:
    decoded = decode_query(dict(session_bundle.link_query))
    assert decoded.notices == ()
    assert decoded.state.area == CODE
    assert decoded.state.settings == session_bundle.card.settings
    assert session_bundle.link.startswith("?area=E08000030&")


def test_progress_from_the_sessions_baseline(dataset: Dataset, session_bundle: ReportBundle) -> None:
    progress = bundle_tables(session_bundle)["Progress"].set_index("Indicator id")
    series = dataset.series("employment_rate", CODE).dropna(subset=["value"])
    base = float(series.loc[series["period"] == "2019-01-01/P1Y", "value"].iloc[0])
    last = float(series["value"].iloc[-1])
    meta = dataset.indicators["employment_rate"]
    assert progress.loc["employment_rate", "Baseline"] == base
    assert progress.loc["employment_rate", "Change (as shown)"] == format_change(last - base, meta)
    printed = print_table(bundle_tables(session_bundle)["Progress"])
    assert "Indicator id" not in printed and printed.loc[0, "Baseline"] == format_value(base, meta)


def test_scenario_definitions_when_no_results_are_passed(session_bundle: ReportBundle) -> None:
    scenarios = bundle_tables(session_bundle)["Scenarios"]
    assert scenarios["Change set"].tolist() == ["changes by +2", "moves to its target"]
    assert set(scenarios["Scenario"]) == {"Jobs push"}


def test_pages_frames_are_used_as_passed(dataset: Dataset, panel: Panel) -> None:
    frame = pd.DataFrame({"Scenario": ["A"], "Overall score": [51.25], "Rank": ["200th of 294"]})
    view = ViewState(area=CODE, scenarios=(("A", (("gigabit", "target"),)),))
    made = build_bundle(dataset, build_engine(panel, Settings()), CODE, view, scenarios=frame, now=NOW)
    assert bundle_tables(made)["Scenarios"].equals(frame)
    assert print_table(frame).loc[0, "Overall score"] == "51.2"  # 1 dp, as lupcore.format rounds


def test_peer_comparison_counts_only_peers_with_data(panel: Panel, bundle: ReportBundle, peers: PeerGroup) -> None:
    comparison = bundle_tables(bundle)["Peer comparison"].set_index("Indicator id")
    j = panel.column("gross_weekly_pay")
    values = np.array([panel.values[panel.position(c), j] for c in peers.codes])
    values = values[~np.isnan(values)]
    own = panel.values[panel.position(CODE), j]
    row = comparison.loc["gross_weekly_pay"]
    assert row["Peer median"] == pytest.approx(float(np.median(values)))
    assert row["Position (1 = best)"] == f"{ordinal(1 + int((values > own).sum()))} of {len(values) + 1}"
    assert row["Peers with data"] == len(values)


def test_peers_table_lists_the_group(bundle: ReportBundle, peers: PeerGroup, dataset: Dataset) -> None:
    table = bundle_tables(bundle)["Peers"]
    assert table["Area code"].tolist() == list(peers.codes)
    assert table["Area name"].iloc[0] == dataset.areas.at[peers.codes[0], "name"]


def test_sources_name_every_indicator_used(bundle: ReportBundle) -> None:
    sources = bundle_tables(bundle)["Sources"]
    assert sources["Indicator id"].tolist() == bundle_tables(bundle)["Scorecard"]["Indicator id"].tolist()
    assert sources["Source"].str.len().gt(0).all()
    assert sources["Link"].str.startswith("https://").all()
    assert sources["Period used"].ne(NO_DATA).all()


def test_about_has_attribution_time_and_data(bundle: ReportBundle) -> None:
    about = dict(about_rows(bundle))
    assert OGL_SENTENCE in ATTRIBUTION and "© Crown copyright and database right 2025" in ATTRIBUTION
    assert about["Licence and attribution"] == ATTRIBUTION
    assert about["Generated"] == "5 March 2026 at 14:02 UTC"
    assert "indicators" in about["Data"] and "Walsall (E08000030)" in about["Area"]


def test_shown_never_turns_missing_into_zero() -> None:
    assert shown(float("nan")) == NO_DATA
    assert shown(None) == NO_DATA
    assert shown(0.0) == "0.0"
    assert shown("✔ Green") == "✔ Green"


def test_rag_words_and_symbols_round_trip() -> None:
    for rag in Rag:
        assert rag_from_text(rag_text(rag)) == rag
    assert rag_text(Rag.GREY) == "– Not rated" and RAG_STYLE[Rag.RED].symbol == "✖"
    assert rag_from_text("Red") is None


def test_charts_render_offline(bundle: ReportBundle) -> None:
    frame = missions_frame(bundle.card)
    assert math.isnan(frame.set_index("mission").loc["Mission 2: Research and development", "score"])
    chart = missions_chart(frame).to_dict()
    assert len(chart["datasets"][next(iter(chart["datasets"]))]) == int(frame["score"].notna().sum())
    png = to_png(spine_chart(bundle.spine.head(5)), width=300, scale=1)
    assert png.startswith(b"\x89PNG")
