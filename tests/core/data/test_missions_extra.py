"""Missions 11 and 12 measured, R&D and deprivation as context (issue 12), on the committed data.

The add-back test is the check the PROVENANCE asks for: the membership of the 11 combined Community
Safety Partnerships is inferred, so district rates times the project's own populations must give
back the partnership's published count, and every force's districts plus its unassigned rows must
give back the force total in Table C2.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from lupcore.data import CONTEXT_ONLY, Dataset, build_panel, load_dataset, trend_note, value_note
from lupcore.foresight import metric_progress, project_metric
from lupcore.ingest import crime, derived, missions_extra
from lupcore.ingest.derived import C2_FILE, COMBINED_PARTNERSHIPS, CRIME_GROUPS, CRIME_PERIOD, Context
from lupcore.model import Rag
from lupcore.scoring import build_engine, build_scorecard
from lupcore.settings import Settings
from tests.conftest import require_shared

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data"
CRIME = {"neighbourhood_crime": "Neighbourhood crime", "violence_with_injury": "Violence with injury"}
BURNLEY, CARDIFF, GLASGOW, BELFAST, EAST_DEVON, WALSALL = ("E07000117", "W06000015", "S12000049", "N09000003",
                                                           "E07000040", "E08000030")


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset()


@pytest.fixture(scope="module")
def c2() -> pd.DataFrame:
    return crime.read_c2(require_shared(SHARED / C2_FILE))


def _rate(ds: Dataset, iid: str, code: str) -> float:
    rows = ds.series(iid, code)
    return float(rows.loc[rows["period"] == CRIME_PERIOD, "value"].iloc[0])


def _population(ds: Dataset, code: str) -> float:
    rows = ds.series("population", code)
    return float(rows.loc[rows["period"] == derived.POPULATION_PERIOD, "value"].iloc[0])


def _people_count(ds: Dataset, iid: str, codes: list[str]) -> float:
    return sum(_rate(ds, iid, c) * _population(ds, c) / 1000.0 for c in codes)


@pytest.mark.parametrize("csp", sorted(COMBINED_PARTNERSHIPS))
@pytest.mark.parametrize("iid", sorted(CRIME))
def test_combined_partnership_rates_add_back_to_its_count(ds: Dataset, c2: pd.DataFrame, csp: str, iid: str) -> None:
    members = list(COMBINED_PARTNERSHIPS[csp])
    row = c2[c2["csp_code"] == csp].iloc[0]
    published = sum(row[g] for g in CRIME_GROUPS[CRIME[iid]])
    assert _people_count(ds, iid, members) == pytest.approx(published, abs=1e-6)
    rates = {_rate(ds, iid, m) for m in members}
    assert len(rates) == 1, "every district of a combined partnership shows the partnership's rate"


@pytest.mark.parametrize("iid", sorted(CRIME))
def test_forces_with_a_combined_partnership_add_back_to_the_force_total(ds: Dataset, c2: pd.DataFrame, iid: str) -> None:
    """Districts of the force (rate × population) plus its unassigned rows equal the published force total."""
    forces = {c2.loc[c2["csp_code"] == csp, "pfa_code"].iloc[0] for csp in COMBINED_PARTNERSHIPS}
    assert len(forces) == 8  # 11 partnerships: Devon and Cornwall has three, West Mercia two
    context = Context(SHARED, ds.areas.reset_index(drop=True), ds.observations, pd.read_csv(ds.data_dir / "crosswalk.csv"))
    district_force = missions_extra.district_forces(context)
    groups = CRIME_GROUPS[CRIME[iid]]
    for pfa in sorted(forces):
        districts = [d for d, (code, _) in district_force.items() if code == pfa]
        unassigned = c2.loc[(c2["kind"] == "unassigned") & (c2["pfa_code"] == pfa), list(groups)].to_numpy().sum()
        total = c2.loc[(c2["kind"] == "force") & (c2["pfa_code"] == pfa), list(groups)].to_numpy().sum()
        assert _people_count(ds, iid, districts) + unassigned == pytest.approx(total, abs=1e-6), pfa


def test_wrong_membership_fails_the_build(ds: Dataset, c2: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    """Move one district to another partnership of the same force: a district counted twice stops the build."""
    context = Context(SHARED, ds.areas.reset_index(drop=True), ds.observations, pd.read_csv(ds.data_dir / "crosswalk.csv"))
    wrong = dict(COMBINED_PARTNERSHIPS, E22000362=("E07000040", "E07000042", "E07000043"))
    monkeypatch.setattr(crime, "COMBINED_PARTNERSHIPS", wrong)
    with pytest.raises(ValueError, match="counted twice"):
        crime.crime_units(c2, context)


def test_counts_are_parsed_as_published() -> None:
    assert crime._count('"41,521 "'.strip('"')) == 41521.0
    assert crime._count("[x]") is None and crime._count(" ") is None


def test_crime_coverage_and_notes(ds: Dataset) -> None:
    current = ds.comparison_codes("ltla")
    for iid in CRIME:
        valued = {c for c in current if not ds.series(iid, c).empty and ds.series(iid, c)["value"].notna().any()}
        assert {c[0] for c in valued} == {"E", "W"} and len(valued) == 318  # 296 English + 22 Welsh
        assert ds.indicators[iid].polarity == -1 and ds.indicators[iid].scorable
    assert value_note(ds, "neighbourhood_crime", EAST_DEVON) == \
        "Value for the East and Mid Devon partnership (East Devon and Mid Devon together)"
    assert value_note(ds, "neighbourhood_crime", "E06000063").startswith("Sum of the Allerdale, Carlisle and Copeland")
    assert value_note(ds, "neighbourhood_crime", WALSALL) == ""  # its own partnership: no note
    assert value_note(ds, "homicide_force", BURNLEY) == "Police force area value: Lancashire"
    assert ds.series("neighbourhood_crime", GLASGOW).empty and ds.series("neighbourhood_crime", BELFAST).empty


def test_barnsley_and_sheffield_are_on_2025_codes(ds: Dataset) -> None:
    for new, old in (("E08000038", "E08000016"), ("E08000039", "E08000019")):
        assert not ds.series("neighbourhood_crime", new).empty
        assert ds.series("neighbourhood_crime", old).empty


def test_one_year_says_no_trend_can_be_drawn(ds: Dataset) -> None:
    meta = ds.indicators["neighbourhood_crime"]
    assert trend_note(meta).startswith("Published for one period only (year to Jun 2025): no trend can be drawn")
    engine = build_engine(build_panel(ds, "ltla"), Settings())
    progress = metric_progress(ds, engine, WALSALL, "neighbourhood_crime")
    projection = project_metric(ds, engine, WALSALL, "neighbourhood_crime")
    assert progress.text == trend_note(meta) and projection.reason == trend_note(meta)
    assert projection.status == "not enough data"
    assert trend_note(ds.indicators["gross_weekly_pay"]) == ""  # a long series keeps its own wording


@pytest.fixture(scope="module")
def cards(ds: Dataset) -> dict[str, object]:
    engine = build_engine(build_panel(ds, "ltla"), Settings())
    return {c: build_scorecard(ds, engine, c, dict(ds.missions)) for c in (BURNLEY, CARDIFF, GLASGOW, BELFAST)}


def _scored_missions(card: object) -> list[int]:
    return [m.mission.number for m in card.missions if m.present > 0]  # type: ignore[attr-defined]


def test_missions_with_a_scored_local_measure(cards: dict) -> None:
    """Before issue 12: Burnley 8, Cardiff 8, Glasgow 6, Belfast 6. Crime adds 11 in England and
    Wales; devolution adds 12 in England; R&D stays context everywhere."""
    assert _scored_missions(cards[BURNLEY]) == [1, 3, 4, 5, 6, 7, 9, 10, 11, 12]
    assert _scored_missions(cards[CARDIFF]) == [1, 3, 4, 6, 7, 8, 9, 10, 11]
    assert _scored_missions(cards[GLASGOW]) == [1, 4, 6, 7, 8, 10]
    assert _scored_missions(cards[BELFAST]) == [1, 4, 6, 7, 8, 10]


def test_mission_12_is_not_applicable_outside_england_and_never_red(cards: dict) -> None:
    for code, nation in ((CARDIFF, "Wales"), (GLASGOW, "Scotland"), (BELFAST, "Northern Ireland")):
        row = next(m for m in cards[code].missions if m.mission.number == 12)
        assert (row.status_text, row.coverage_text, row.rag) == ("Not applicable", f"not applicable in {nation}", Rag.GREY)
        assert row.score is None
    burnley = next(m for m in cards[BURNLEY].missions if m.mission.number == 12)
    assert burnley.status_text == "" and burnley.present == 1
    metric = cards[BURNLEY].metric("devolution_coverage")
    assert metric.value == 100.0 and metric.note == "In the Lancashire combined authority area (its code dates from 2025)"


def test_devolution_values(ds: Dataset) -> None:
    def latest(code: str) -> float:
        return float(ds.series("devolution_coverage", code)["value"].iloc[-1])

    assert latest("E09000033") == 100.0  # Westminster: Greater London
    assert latest("E06000060") == 0.0  # Buckinghamshire: no combined authority in the 2025 lists
    assert 0.0 < latest("E92000001") < 100.0  # England: the share of residents covered
    assert "since 2000" in value_note(ds, "devolution_coverage", "E09000033")
    assert ds.indicators["devolution_coverage"].nations == ("E",)


def test_rd_is_regional_context_and_mission_2_is_not_rated(ds: Dataset, cards: dict) -> None:
    for iid in ("rd_public_per_head", "rd_business_per_head"):
        meta = ds.indicators[iid]
        assert not meta.scorable and meta.mission == 2 and "(regional value)" in meta.label
        assert value_note(ds, iid, BURNLEY) == "Regional value: North West (not published for local areas)"
        region = ds.series(iid, "E12000002")["value"].iloc[-1]
        assert ds.series(iid, BURNLEY)["value"].iloc[-1] == region
    for card in cards.values():
        row = next(m for m in card.missions if m.mission.number == 2)
        assert (row.coverage_text, row.rag, row.score) == (CONTEXT_ONLY, Rag.GREY, None)


def test_deprivation_ranks_have_rank_1_most_deprived(ds: Dataset) -> None:
    england = [c for c in ds.comparison_codes("ltla") if c.startswith("E")]
    for iid in ("iod_overall_rank", "iod_income_rank", "iod_employment_rank", "iod_education_rank",
                "iod_health_rank", "iod_crime_rank"):
        meta = ds.indicators[iid]
        assert "1 = most deprived" in meta.unit and "rank 1 = most deprived" in meta.description
        assert not meta.scorable and meta.nations == ("E",)
        ranks = sorted(float(ds.series(iid, c)["value"].iloc[-1]) for c in england)
        assert ranks == [float(r) for r in range(1, 297)]
    blackpool = float(ds.series("iod_overall_rank", "E06000009")["value"].iloc[-1])
    assert blackpool == 1.0  # the most deprived district on the 2025 indices
    assert {ds.indicators[i].mission for i in ("iod_income_rank", "iod_health_rank", "iod_crime_rank")} == {1, 7, 11}


def test_a_registry_row_without_a_known_derivation_fails(ds: Dataset) -> None:
    row = {"id": "x", "source_file": "DERIVED:nowhere", "source_indicator": "x"}
    with pytest.raises(ValueError, match="unknown derived source"):
        missions_extra.derive([row], SHARED, ds.areas.reset_index(drop=True), ds.observations, pd.DataFrame())


def test_value_note_prefers_the_county(ds: Dataset) -> None:
    meta = replace(ds.indicators["hle_female"])
    assert value_note(ds, meta.id, BURNLEY, county="Lancashire") == "County value: Lancashire"


def test_crime_period_reads_as_the_year_ending_june() -> None:
    from lupcore.periods import display_label

    assert display_label(CRIME_PERIOD) == "year to Jun 2025"
    assert display_label("2024-04-01/P1Y") == "2024/25" and display_label("2024-09-01/P1Y") == "2024/25"


def test_context_metrics_are_never_red_amber_or_green(cards: dict) -> None:
    """Regional R&D, force homicide and deprivation are shown beside the missions but never judged."""
    for card in cards.values():
        context = [m for m in card.metrics if m.meta.role.value == "context"]
        assert context and {m.rag for m in context} == {Rag.GREY}
        assert all(m.weight == 0 for m in context)
    burnley = cards[BURNLEY]
    assert burnley.metric("rd_public_per_head").value is not None  # shown, with its regional value


def test_cli_scorecard_and_profile_carry_the_notes(ds: Dataset, monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from lupcore import cli
    from lupcore.cli import _main as cli_main

    monkeypatch.setattr(cli_main, "load_dataset", lambda data_dir=None: ds)
    assert cli.main(["scorecard", CARDIFF, "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    m12 = next(m for m in card["missions"] if m["mission"] == 12)
    assert (m12["status"], m12["metrics_with_data"], m12["score"]) == ("Not applicable", "not applicable in Wales", None)
    assert cli.main(["scorecard", EAST_DEVON, "--json"]) == 0
    metrics = {m["indicator_id"]: m for m in json.loads(capsys.readouterr().out)["indicators"]}
    assert metrics["neighbourhood_crime"]["note"].startswith("Value for the East and Mid Devon partnership")
    assert cli.main(["profile", EAST_DEVON, "--json"]) == 0
    rows = {r["indicator_id"]: r for r in json.loads(capsys.readouterr().out)["indicators"]}
    assert rows["homicide_force"]["note"] == "Police force area value: Devon and Cornwall"
    assert rows["hle_female"]["note"] == "County value: Devon"
    assert rows["rd_public_per_head"]["role"] == "context"
