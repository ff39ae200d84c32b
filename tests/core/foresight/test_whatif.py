"""What-if scenarios and "what would it take" (methodology §9) on ``lupcore.examples`` and random panels.

Invariants asserted as properties: a change to today's value changes nothing, bit for bit;
improving a metric never lowers its mission score, the overall score or the rank; the one-area
re-score equals a full ``score_panel`` of the changed panel. Other areas are always held constant.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lupcore.data import examples as examples
from lupcore.foresight import (
    HELD_CONSTANT,
    Scenario,
    ScenarioError,
    apply_scenario,
    compare_scenarios,
    new_value,
    people_text,
    required_for_green,
    required_for_rank,
)
from lupcore.model import Polarity, Rag
from lupcore.scoring import GREEN, Engine, build_engine, score_panel
from lupcore.settings import AGGREGATIONS, NORMALISATIONS, Settings

ASHBY, BRINDLE, CARLOW, DUNMORE = "E06000001", "E06000002", "E06000003", "E06000004"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return build_engine(examples.example_panel(), Settings())


def one(indicator_id: str, change: str) -> Scenario:
    return Scenario("Test", ((indicator_id, change),))


@pytest.mark.parametrize(("change", "expected"), [
    ("72.5", 72.5), ("=72.5", 72.5), ("=−2", -2.0), ("=-2", -2.0), ("70%", 70.0),
    ("+5%", 52.5), ("-3%", 48.5), ("+2", 52.0), ("-2", 48.0), ("−2", 48.0), ("target", 60.0), ("minimum", 40.0),
])
def test_new_value(change: str, expected: float) -> None:
    assert new_value(change, 50.0, 40.0, 60.0) == pytest.approx(expected)


def test_relative_change_uses_the_absolute_value() -> None:
    assert new_value("+10%", -20.0, 0.0, 0.0) == pytest.approx(-18.0)  # x + p·|x|/100


@pytest.mark.parametrize("change", ["abc", "+", "1e5", "72.5.3", "++2"])
def test_bad_changes_raise(change: str) -> None:
    with pytest.raises(ScenarioError, match="is not a change"):
        new_value(change, 50.0, 40.0, 60.0)


def test_relative_change_needs_a_current_value() -> None:
    with pytest.raises(ScenarioError, match="no current value"):
        new_value("+5%", float("nan"), 40.0, 60.0)


def test_before_after_and_the_caveat(engine: Engine) -> None:
    # Ashby's KS2 56 → the upper quartile 65: red → green; mission 5 is KS2 alone, so its score is
    # (65 − 56)/12 = 75 and the overall (0 + 33.3 + 75)/3 = 36.1, still short of Brindle's 43.1.
    result = apply_scenario(engine, ASHBY, one("ks2", "target"))
    assert result.caveat == HELD_CONSTANT == "Other areas held constant."
    (change,) = result.metrics
    assert (change.old_value, change.new_value) == (56.0, 65.0)
    assert (change.old_rag, change.new_rag) == (Rag.RED, Rag.GREEN)
    assert result.before.mission(5).score == 0.0 and result.after.mission(5).score == pytest.approx(75.0)
    assert result.after.mission(5).rag == Rag.GREEN
    assert result.after.overall == pytest.approx((0 + 100 / 3 + 75) / 3)
    assert result.before.rank == result.after.rank == 5
    assert dict((i, (a, b)) for i, a, b in result.rags) == {
        "pay": (Rag.RED, Rag.RED), "employment": (Rag.RED, Rag.RED), "travel_time": (Rag.RED, Rag.RED),
        "ks2": (Rag.RED, Rag.GREEN)}
    assert result.after.rank_of == 5  # England's five areas; Penrhos is ranked in Wales


def test_one_area_rescore_equals_a_full_rescore(engine: Engine) -> None:
    scenario = Scenario("Many", (("pay", "+10%"), ("employment", "+4"), ("travel_time", "-5")))
    for code in examples.CODES:
        result = apply_scenario(engine, code, scenario)
        full = score_panel(engine.panel, engine.benchmarks, engine.normaliser, engine.settings, values=result.values)
        row = engine.panel.position(code)
        assert result.after.overall == pytest.approx(full.overall[row], nan_ok=True)
        assert result.after.rank == (None if np.isnan(full.rank[row]) else int(full.rank[row]))
        for m in result.after.missions:
            assert (np.nan if m.score is None else m.score) == pytest.approx(full.mission[row, m.mission - 1], nan_ok=True)


def test_clipped_to_the_valid_range(engine: Engine) -> None:
    result = apply_scenario(engine, ASHBY, one("employment", "+80"))
    assert result.metrics[0].new_value == 100.0
    assert result.notices == ("Employment rate: 140.0% is outside the possible range, so 100.0% is used.",)
    assert apply_scenario(engine, ASHBY, one("pay", "-900")).metrics[0].new_value == 0.0  # no negative pay


def test_unknown_metric_and_missing_value_are_notices(engine: Engine) -> None:
    result = apply_scenario(engine, CARLOW, Scenario("x", (("nope", "1"), ("employment", "+5%"))))
    assert result.metrics == () and result.before == result.after
    assert result.notices[0].startswith("“nope” is not a metric")
    assert "no current value" in result.notices[1]


def test_people_where_a_population_is_the_denominator() -> None:
    meta = replace(examples.INDICATORS[1], people_base="pop_16_64")
    people, text = people_text(meta, 2.0, {"pop_16_64": 62_000.0})
    assert people == pytest.approx(1240.0) and text == "about 1,240 more residents aged 16 to 64"
    assert people_text(meta, -2.0, {"pop_16_64": 62_000.0})[1] == "about 1,240 fewer residents aged 16 to 64"
    assert people_text(examples.INDICATORS[1], 2.0, {"pop_16_64": 62_000.0}) == (None, "")  # no base: no people
    panel = examples.make_panel(examples.VALUES[:, 1:2], [meta], examples.CODES)
    result = apply_scenario(build_engine(panel, Settings()), ASHBY, one("employment", "+2"), bases={"pop_16_64": 62_000.0})
    assert "about 1,240 more residents aged 16 to 64" in result.metrics[0].text


def test_peer_rank(engine: Engine) -> None:
    # Ashby among Brindle, City of London and Dunmore: last of four, and Penrhos (Wales) is no peer here.
    result = apply_scenario(engine, ASHBY, one("pay", "+0"), peer_codes=examples.ONS_GLOBAL_PEERS)
    assert (result.before.peer_rank, result.before.peer_of) == (4, 4)


def test_compare_two_scenarios(engine: Engine) -> None:
    a = apply_scenario(engine, ASHBY, Scenario("Schools", (("ks2", "target"),)))
    b = apply_scenario(engine, ASHBY, Scenario("Jobs", (("employment", "+2"),)))
    comparison = compare_scenarios(a, b)
    assert comparison.text.startswith("“Schools” scores") and comparison.text.endswith(HELD_CONSTANT)
    assert [n for n, _, _ in comparison.missions] == [1, 3, 5]
    with pytest.raises(ScenarioError):
        compare_scenarios(a, apply_scenario(engine, BRINDLE, Scenario("Other", ())))


def _finite_cells(engine: Engine) -> list[tuple[str, str, float]]:
    panel = engine.panel
    return [(str(code), m.id, float(panel.values[i, j])) for i, code in enumerate(panel.codes)
            for j, m in enumerate(panel.indicators) if not np.isnan(panel.values[i, j])]


@pytest.mark.parametrize("settings_", [Settings(), Settings(normalisation="percentile", aggregation="geometric"),
                                       Settings(normalisation="zscore"), Settings(normalisation="distance")])
def test_setting_todays_value_changes_nothing(settings_: Settings) -> None:
    engine = build_engine(examples.example_panel(), settings_)
    for code, indicator_id, value in _finite_cells(engine):
        result = apply_scenario(engine, code, one(indicator_id, repr(value)))
        assert result.after == result.before, (code, indicator_id)
        assert result.metrics[0].old_rag == result.metrics[0].new_rag


@st.composite
def panels(draw: st.DrawFn) -> tuple[Engine, int, int, float]:
    """A random 8-area × 4-metric panel, a method, an area, a metric and an improvement size."""
    n = 8
    cols = [draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n)) for _ in range(4)]
    values = np.array(cols).T
    holes = draw(st.lists(st.booleans(), min_size=n * 4, max_size=n * 4))
    values[np.array(holes).reshape(n, 4) & (np.arange(4) == 3)] = np.nan  # gaps in one metric only
    metas = [replace(m, nations=()) for m in examples.INDICATORS]
    chosen = Settings(normalisation=draw(st.sampled_from(sorted(NORMALISATIONS))),
                      aggregation=draw(st.sampled_from(sorted(AGGREGATIONS))))
    engine = build_engine(examples.make_panel(values, metas), chosen)
    return engine, draw(st.integers(0, n - 1)), draw(st.integers(0, 3)), draw(st.floats(0.01, 150))


@settings(max_examples=60, deadline=None)
@given(panels())
def test_improving_a_metric_never_lowers_its_mission_score(case: tuple[Engine, int, int, float]) -> None:
    engine, row, j, size = case
    value = engine.panel.values[row, j]
    if np.isnan(value):
        return
    meta = engine.panel.indicators[j]
    better = value + size * (1 if meta.polarity == Polarity.HIGHER_IS_BETTER else -1)
    result = apply_scenario(engine, str(engine.panel.codes[row]), one(meta.id, f"={better}"))
    before, after = result.before.mission(meta.mission), result.after.mission(meta.mission)
    assert before is not None and after is not None
    if before.score is not None:
        assert after.score is not None and after.score >= before.score - 1e-9
    if result.before.overall is not None:
        assert result.after.overall >= result.before.overall - 1e-9
        assert result.after.rank <= result.before.rank


# ---- what would it take -----------------------------------------------------------------------


def test_smallest_change_to_turn_a_mission_green(engine: Engine) -> None:
    # Mission 5 is KS2 alone; green needs the mission score the target gives, i.e. KS2 at 65.
    req = required_for_green(engine, ASHBY, "ks2")
    assert req.status == "achievable" and req.required == 65.0 and req.change == 9.0
    assert req.text == ("Raising pupils meeting the KS2 standard from 56.0% to 65.0% (+9.0 pp) would turn Mission 5 green. "
                        "Other areas held constant.")
    assert required_for_green(engine, DUNMORE, "ks2").status == "already met"


def test_lower_is_better_moves_down(engine: Engine) -> None:
    # Mission 3 is travel time alone (target 17.5 minutes, lower is better): Ashby's 30 must fall.
    req = required_for_green(engine, ASHBY, "travel_time")
    assert req.status == "achievable" and req.required == 17.5 and req.text.startswith("Lowering travel time")


def test_one_metric_alone_cannot_always_do_it(engine: Engine) -> None:
    # Mission 1 has pay and employment: Ashby's employment at 100% cannot carry pay at the bottom post.
    req = required_for_green(engine, ASHBY, "employment")
    assert req.status == "not achievable" and req.required is None
    assert req.text.startswith("Employment rate alone cannot turn Mission 1 green: even at 100.0%")


@pytest.mark.parametrize(("code", "indicator_id", "places", "required"), [
    (ASHBY, "ks2", 1, 67.5),  # (0 + 33.3 + s)/3 ≥ Brindle's 43.06 → s ≥ 95.8 → KS2 ≥ 56 + 0.958·12
    (CARLOW, "ks2", 1, 68.0),  # missions 3 and 5 only: KS2 at the top post (68) ties the City at 100
    (DUNMORE, "travel_time", 1, 25.0),  # (100 + s + 100)/3 ≥ 83.3 → s ≥ 50 → 25 minutes
    (DUNMORE, "travel_time", 2, 10.0),  # a tie with the City at 100 needs the best time
])
def test_move_up_places_is_minimal_and_sufficient(engine: Engine, code: str, indicator_id: str, places: int,
                                                  required: float) -> None:
    req = required_for_rank(engine, code, indicator_id, places)
    assert req.status == "achievable"
    rank = apply_scenario(engine, code, one(indicator_id, "+0")).before.rank
    reached = apply_scenario(engine, code, one(indicator_id, f"={req.required}")).after.rank
    assert reached <= rank - places
    meta = engine.panel.indicators[engine.panel.column(indicator_id)]
    step = 10.0 ** -meta.decimals * (1 if meta.polarity == Polarity.HIGHER_IS_BETTER else -1)
    short = apply_scenario(engine, code, one(indicator_id, f"={req.required - step}")).after.rank
    assert short > rank - places  # one displayed step less is not enough
    # Within a displayed step of the hand calculation (exact ties may fall either side in floating point).
    assert abs(req.required - required) <= abs(step) + 1e-9


def test_rank_not_achievable_through_one_metric(engine: Engine) -> None:
    # Ashby's pay at any level lifts mission 1 to at most 50: overall 27.8, short of Brindle's 43.1.
    assert required_for_rank(engine, ASHBY, "pay", 1).status == "not achievable"


def test_rank_requirement_edge_cases(engine: Engine) -> None:
    assert required_for_rank(engine, examples.CODES[4], "pay", 1).status == "not applicable"  # already first
    assert "cannot move up" in required_for_rank(engine, DUNMORE, "pay", 5).text
    peers = required_for_rank(engine, ASHBY, "ks2", 1, peer_codes=examples.ONS_GLOBAL_PEERS)
    assert peers.goal == "move up 1 place among its peers"


def test_green_requirement_matches_the_rag_rule(engine: Engine) -> None:
    for code in (ASHBY, BRINDLE, CARLOW):
        req = required_for_green(engine, code, "ks2")
        if req.status == "achievable":
            after = apply_scenario(engine, code, one("ks2", f"={req.required}")).after.mission(5)
            assert after.rag == Rag.GREEN
    row = engine.panel.position(DUNMORE)
    assert engine.rag[row, engine.panel.column("ks2")] == GREEN
