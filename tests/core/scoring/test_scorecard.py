"""One area's scorecard, its plain-English summary, and the engine on the committed data."""

from __future__ import annotations

import numpy as np
import pytest

from lupcore import stats
from lupcore.data._dataset import Dataset, load_dataset
from lupcore.data._panel import build_panel
from lupcore.data.examples import example_dataset, example_panel
from lupcore.model import BENCHMARK_EXCLUDED, Rag
from lupcore.peers import peer_group
from lupcore.scoring import Engine, Scorecard, build_engine, build_scorecard, summarise
from lupcore.settings import DEFAULT_SETTINGS, Settings


@pytest.fixture(scope="module")
def example() -> Dataset:
    return example_dataset()


@pytest.fixture(scope="module")
def real() -> Dataset:
    return load_dataset()


def _card(ds: Dataset, code: str, settings: Settings = DEFAULT_SETTINGS) -> Scorecard:
    return build_scorecard(ds, build_engine(example_panel(), settings), code, dict(ds.missions))


def test_metric_rows_by_hand(example: Dataset) -> None:
    card = _card(example, "E06000001")
    assert [m.meta.id for m in card.metrics] == ["pay", "employment", "travel_time", "ks2"]
    pay = card.metric("pay")
    assert (pay.value, pay.lci95, pay.uci95, pay.minimum, pay.target) == (500, 470, 530, 640, 700)
    assert (pay.minimum_label, pay.national, pay.national_label) == ("England and Wales value", 640, "England and Wales")
    assert (pay.rag, pay.clear, pay.score, pay.weight) == (Rag.RED, True, 0, 1)
    assert card.metric("travel_time").clear is None  # no CI: clarity unknown
    assert [m.direction for m in card.metrics] == ["no clear change", "no clear change", "improving", "worsening"]
    assert [m.meta.id for m in card.metrics if m.red_red] == ["ks2"]


def test_mission_rows_overall_and_rank(example: Dataset) -> None:
    card = _card(example, "E06000001")
    m1 = card.missions[0]
    assert (m1.mission.number, m1.score, m1.rag, m1.coverage) == (1, 0, Rag.RED, "2 of 2 metrics")
    assert m1.score_at_minimum == pytest.approx((35 + 700 / 12) / 2) and m1.score_at_target == pytest.approx(62.5)
    assert card.overall == pytest.approx(100 / 9) and card.overall_rag == Rag.RED
    assert (card.rank, card.rank_of, card.rank_text) == (5, 5, "5th of 5 local authorities in England")
    assert dict(card.capitals)["human"] == 0 and dict(card.capitals)["financial"] is None


def test_missing_value_other_nation_and_unranked(example: Dataset) -> None:
    carlow = _card(example, "E06000003")
    assert carlow.metric("employment").value is None and carlow.metric("employment").rag == Rag.GREY
    assert (carlow.missions[0].score, carlow.missions[0].rag, carlow.missions[0].coverage) == (None, Rag.GREY,
                                                                                              "1 of 2 metrics")
    penrhos = _card(example, "W06000001")
    assert [m.meta.id for m in penrhos.metrics] == ["pay", "employment"]
    assert penrhos.rank_text == "1st of 1 local authorities in Wales"
    assert (penrhos.missions[1].applicable, penrhos.missions[1].rag) == (0, Rag.GREY)


def test_summary_reads_from_the_numbers(example: Dataset) -> None:
    ashby = summarise(_card(example, "E06000001"))
    assert ashby.strengths == ()
    assert ashby.concerns[0] == ("Gross weekly pay: £500, worse than the minimum of £640 (England and Wales value); "
                                 "statistically clear.")
    assert ashby.red_reds == ("Pupils meeting the KS2 standard: 56.0%, worse than the minimum and worse than in the period before.",)
    assert ashby.headline == ("Ashby: 0 metrics at or better than target, 0 between minimum and target and 4 worse than "
                              "the minimum; overall 5th of 5 local authorities in England.")
    dunmore = summarise(_card(example, "E06000004"))
    assert dunmore.strengths[0].startswith("Gross weekly pay: £900, at or better than the target of £700")


def test_cached_benchmarks_and_normaliser_give_the_same_engine() -> None:
    first = build_engine(example_panel(), Settings())
    again = build_engine(example_panel(), Settings(), benchmarks=first.benchmarks, normaliser=first.normaliser)
    np.testing.assert_array_equal(first.scores.overall, again.scores.overall)
    np.testing.assert_array_equal(first.rag, again.rag)


def test_evidence_based_switch_reaches_the_engine() -> None:
    strict, evidence = (build_engine(example_panel(), Settings(evidence_based=e)) for e in (False, True))
    assert (strict.rag[1, 1], evidence.rag[1, 1]) == (1, 2)  # Brindle's employment: CI reaches the minimum


# ---- the committed data -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def ltla(real: Dataset) -> Engine:
    return build_engine(build_panel(real, "ltla"), Settings())


def test_real_engine_is_well_formed(ltla: Engine) -> None:
    panel, s = ltla.panel, ltla.scores
    assert set(np.unique(ltla.rag)) <= {0, 1, 2, 3}
    assert np.all((s.metric[~np.isnan(s.metric)] >= 0) & (s.metric[~np.isnan(s.metric)] <= 100))
    for nation in "EWSN":
        rows = (panel.nations == nation) & ~np.isnan(s.overall)
        np.testing.assert_array_equal(s.rank[rows], stats.rank_min(s.overall[rows]))
    excluded = np.isin(panel.codes, list(BENCHMARK_EXCLUDED))
    for j, meta in enumerate(panel.indicators):
        if meta.geography == "ltla":
            assert len(panel.reference[j]) == np.sum(~np.isnan(panel.values[~excluded, j]))


def test_city_of_london_never_sets_a_peer_benchmark(real: Dataset, ltla: Engine) -> None:
    """ONS's economic neighbours of Westminster include the City of London (rank 10)."""
    group = peer_group(real, "E09000033", "ons-economic", k=15)
    assert "E09000001" in group.codes
    engine = build_engine(ltla.panel, Settings(minimum="peer_median", target="peer_best"), group.codes)
    j = ltla.panel.column("gross_weekly_pay")
    kept = [ltla.panel.position(c) for c in group.codes if c != "E09000001"]
    assert engine.benchmarks.target[j] == np.nanmax(ltla.panel.values[kept, j])
    assert engine.benchmarks.minimum[j] == np.nanmedian(ltla.panel.values[kept, j])
