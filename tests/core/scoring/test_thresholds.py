"""Minimum and target presets (methodology §4, §9) on the hand-checkable example in ``lupcore.examples``.

Comparison sets (City of London left out, Wales in only where the metric covers it, missing dropped):
pay [500, 550, 600, 700, 900]; employment [60, 64, 68, 72]; travel time (lower is better)
[10, 20, 30, 40]; KS2 [56, 60, 64, 68]. Linear percentiles: with 5 values the quartiles sit on
values; with 4 they sit at 0.75, 1.5 and 2.25 of the way along the sorted list.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lupcore.data import examples as examples
from lupcore.data._panel import build_panel
from lupcore.data.examples import INDICATORS, example_panel, make_panel
from lupcore.model import IndicatorMeta, Polarity
from lupcore.scoring import compute_benchmarks, national_value, preset_names
from lupcore.settings import Settings

IDS = ("pay", "employment", "travel_time", "ks2")
PEERS = examples.ONS_GLOBAL_PEERS  # Brindle, City of London (must be left out), Dunmore


def _bench(settings: Settings, peers: tuple[str, ...] = ()) -> dict[str, tuple[float, float, str, str]]:
    bench = compute_benchmarks(example_panel(), settings, peers)
    return {iid: bench.for_indicator(j) for j, iid in enumerate(IDS)}


def _meta(polarity: Polarity, nations: tuple[str, ...] = ("E",)) -> IndicatorMeta:
    return replace(INDICATORS[0], polarity=polarity, nations=nations)


# ---- the comparison set -----------------------------------------------------------------------


def test_build_panel_forms_the_comparison_sets_by_hand() -> None:
    """Through the real ``build_panel``: exclusions out, uncovered nations out, missing dropped."""
    panel = build_panel(examples.example_dataset(), "ltla")
    expected = ([500, 600, 700, 900, 550], [60, 64, 72, 68], [30, 20, 10, 40], [56, 60, 64, 68])
    assert [sorted(r.tolist()) for r in panel.reference] == [sorted(e) for e in expected]
    assert panel.ids == IDS
    np.testing.assert_array_equal(panel.values, example_panel().values)


# ---- minimum presets --------------------------------------------------------------------------


@pytest.mark.parametrize(("preset", "expected", "label"), [
    ("national", (640, 67, 22, 61), "England and Wales value"),
    ("median", (600, 66, 25, 62), "Median of areas"),
    ("lower_quartile", (550, 63, 32.5, 59), "Lower quartile"),  # travel time: the bad end is the 75th percentile
    ("peer_median", (750, 68, 30, 64), "Peer median"),  # Brindle and Dunmore; City of London left out
])
def test_minimum_presets(preset: str, expected: tuple[float, ...], label: str) -> None:
    got = _bench(Settings(minimum=preset), PEERS)
    assert tuple(got[i][0] for i in IDS) == pytest.approx(expected)
    assert got["pay"][2] == label


def test_national_minimum_follows_coverage_and_falls_back_to_the_median() -> None:
    got = _bench(Settings())
    assert [got[i][2] for i in IDS] == ["England and Wales value"] * 2 + ["England value"] * 2
    panel = make_panel([[1.0], [2.0], [4.0]], [INDICATORS[2]])  # no national value published
    bench = compute_benchmarks(panel, Settings())
    assert bench.minimum[0] == 2.0
    assert bench.minimum_label[0] == "Median of areas (no national value published)"


@pytest.mark.parametrize(("nations", "code", "label"), [
    (("E",), "E92000001", "England"), (("W",), "W92000004", "Wales"), (("E", "W"), "K04000001", "England and Wales"),
    (("E", "W", "S"), "K03000001", "Great Britain"), (("E", "W", "S", "N"), "K02000001", "United Kingdom"),
])
def test_national_value_by_coverage(nations: tuple[str, ...], code: str, label: str) -> None:
    published = {c: float(i) for i, c in enumerate(("E92000001", "W92000004", "K04000001", "K03000001", "K02000001"))}
    panel = make_panel([[1.0]], [_meta(Polarity.HIGHER_IS_BETTER, nations)], national=[published])
    assert national_value(panel, 0) == (published[code], label)


def test_custom_minimum_and_missing_custom_value() -> None:
    got = _bench(Settings(minimum="custom", custom_minimum=(("pay", 620.0),)))
    assert got["pay"][0] == 620 and got["pay"][2] == "Custom value"
    assert got["ks2"][0] == 62 and got["ks2"][2] == "Median of areas (no custom value set)"


def test_peer_presets_without_usable_peers_fall_back() -> None:
    got = _bench(Settings(minimum="peer_median", target="peer_best"), ("E09000001",))  # only the excluded area
    assert got["pay"][:2] == (600, 700)
    assert got["pay"][2] == "Median of areas (no peer values)"
    assert got["pay"][3] == "Upper quartile (best of peers not available)"


# ---- target presets ---------------------------------------------------------------------------


@pytest.mark.parametrize(("preset", "expected", "label"), [
    ("upper_quartile", (700, 69, 17.5, 65), "Upper quartile"),  # travel time: the 25th percentile
    ("top_decile", (2200 / 3, 68, 20, 64), "Mean of the top 10%"),  # at least 3 areas: 600, 700, 900 …
    ("best", (900, 72, 10, 68), "Best performer"),  # City of London (1500, 80, 5, 95) left out
    ("peer_best", (900, 72, 20, 68), "Best of peers"),
])
def test_target_presets(preset: str, expected: tuple[float, ...], label: str) -> None:
    got = _bench(Settings(target=preset), PEERS)
    assert tuple(got[i][1] for i in IDS) == pytest.approx(expected)
    assert got["pay"][3] == label


def test_mission_target_where_published_upper_quartile_elsewhere() -> None:
    got = _bench(Settings(target="mission"))
    assert got["ks2"][1] == 90 and got["ks2"][3] == "Mission target"
    assert got["pay"][1] == 700 and got["pay"][3] == "Upper quartile (mission target not available)"
    assert "mission" in preset_names(INDICATORS[3])[1] and "mission" not in preset_names(INDICATORS[0])[1]


def test_custom_target_and_per_metric_overrides() -> None:
    s = Settings(custom_target=(("travel_time", 15.0),)).with_override("travel_time", minimum="median", target="custom")
    got = _bench(s)
    assert got["travel_time"][:2] == (25, 15) and got["travel_time"][3] == "Custom value"
    assert got["pay"][:2] == (640, 700)  # the other metrics keep the defaults


# ---- polarity, edge cases ---------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-1e4, 1e4), min_size=3, max_size=30))
def test_lower_is_better_mirrors_higher_is_better(values: list[float]) -> None:
    """Negating the data and flipping polarity negates every relative benchmark."""
    x = np.array(values)[:, None]
    up, down = (make_panel(v, [_meta(p)]) for v, p in ((x, Polarity.HIGHER_IS_BETTER), (-x, Polarity.LOWER_IS_BETTER)))
    for minimum, target in (("median", "upper_quartile"), ("lower_quartile", "top_decile"), ("median", "best")):
        s = Settings(minimum=minimum, target=target)
        a, b = compute_benchmarks(up, s), compute_benchmarks(down, s)
        np.testing.assert_allclose([a.minimum[0], a.target[0]], [-b.minimum[0], -b.target[0]], atol=1e-9)


def test_ties_and_a_comparison_set_of_one() -> None:
    tied = compute_benchmarks(make_panel([[5.0], [5.0], [5.0], [10.0]], [_meta(Polarity.HIGHER_IS_BETTER)]),
                              Settings(minimum="lower_quartile", target="best"))
    assert (tied.minimum[0], tied.target[0], tied.mad[0]) == (5.0, 10.0, 0.0)
    one = make_panel([[7.0]], [_meta(Polarity.LOWER_IS_BETTER)])
    for minimum, target in (("median", "upper_quartile"), ("lower_quartile", "best"), ("median", "top_decile")):
        bench = compute_benchmarks(one, Settings(minimum=minimum, target=target))
        assert (bench.minimum[0], bench.target[0], bench.mad[0]) == (7.0, 7.0, 0.0)
    assert bench.target_label[0] == "Upper quartile (mean of the top 10% not available)"  # fewer than 3 areas


def test_empty_comparison_set_gives_nan_not_an_error() -> None:
    bench = compute_benchmarks(make_panel([[np.nan], [np.nan]], [_meta(Polarity.HIGHER_IS_BETTER)]), Settings())
    assert np.isnan([bench.minimum[0], bench.target[0], bench.mad[0]]).all()


def test_results_are_read_only() -> None:
    bench = compute_benchmarks(example_panel(), Settings())
    with pytest.raises(ValueError):
        bench.minimum[0] = 0.0


# ---- the worked values of the statistical spec vectors -----------------------------------------------------------------------


def test_scaled_mad_vector() -> None:
    bench = compute_benchmarks(make_panel([[1.0], [2.0], [3.0], [4.0], [100.0]], [_meta(Polarity.HIGHER_IS_BETTER)]),
                               Settings(minimum="median"))
    assert bench.minimum[0] == 3.0
    assert bench.mad[0] == pytest.approx(1.4826)


def _fingertips_percentile(values: np.ndarray, q: float) -> float:
    """Fingertips' rule: h = (N − 1)·q + 1 on the 1-based sorted list, interpolating linearly."""
    ordered = np.sort(values)
    h = (len(ordered) - 1) * q + 1
    lo = int(np.floor(h))
    return float(ordered[lo - 1] + (h - lo) * (ordered[min(lo, len(ordered) - 1)] - ordered[lo - 1]))


def test_quartiles_follow_the_fingertips_percentile_rule() -> None:
    rng = np.random.default_rng(2022)
    presets = (("lower_quartile", "upper_quartile", 0.25, 0.75), ("median", "upper_quartile", 0.5, 0.75))
    for _ in range(200):
        x = rng.normal(50, 15, size=(int(rng.integers(2, 60)), 1))
        panel = make_panel(x, [_meta(Polarity.HIGHER_IS_BETTER)])
        for minimum, target, q_min, q_tar in presets:
            bench = compute_benchmarks(panel, Settings(minimum=minimum, target=target))
            assert bench.minimum[0] == pytest.approx(_fingertips_percentile(x[:, 0], q_min), abs=1e-9)
            assert bench.target[0] == pytest.approx(_fingertips_percentile(x[:, 0], q_tar), abs=1e-9)


# ---- a target below the minimum -----------------------------------------------------------------


def test_a_target_short_of_the_minimum_is_raised_to_it() -> None:
    """No metric may be green while below its minimum: a target worse than the minimum becomes the minimum."""
    s = Settings(minimum="custom", custom_minimum=(("pay", 800.0), ("travel_time", 12.0)))
    got = _bench(s)
    higher, lower = got["pay"], got["travel_time"]  # pay: higher is better; travel time: lower is better
    assert higher[:2] == (800, 800) and higher[3] == "Minimum (upper quartile falls short of it)"
    assert lower[:2] == (12, 12) and lower[3] == "Minimum (upper quartile falls short of it)"
    assert got["ks2"][3] == "Upper quartile"  # a minimum below the target leaves the target alone


def test_contextual_metrics_keep_their_target() -> None:
    panel = make_panel([[1.0], [2.0], [3.0], [4.0]], [_meta(Polarity.CONTEXTUAL)])
    bench = compute_benchmarks(panel, Settings(minimum="custom", custom_minimum=((INDICATORS[0].id, 10.0),)))
    assert bench.target[0] != bench.minimum[0]
