"""The sentences under the Scorecard's spine chart and the Peers heatmap: counts that match the chart,
missing is missing (never worse, never lowest), and "worse" on the oriented scale whatever the polarity."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lupcore import Settings, heatmap_sentence, spine_frame, spine_sentence, spine_table
from lupcore.data.examples import example_panel
from lupcore.scoring import AMBER, GREEN, GREY, RED, build_engine

NAN = math.nan


def _spine(rows: list[tuple[str, int, float, float, float, str, str]]) -> pd.DataFrame:
    """(metric, rag, value, minimum, target positions, value text, minimum text) rows like ``spine_frame``'s."""
    return pd.DataFrame([{"metric": m, "rag": r, "value": v, "minimum": lo, "target": hi, "value_text": vt,
                          "minimum_text": mt, "target_text": "t", "worst_text": "w", "best_text": "b"}
                         for m, r, v, lo, hi, vt, mt in rows])


def test_spine_counts_each_status_and_names_the_widest_gap_below_the_minimum() -> None:
    frame = _spine([
        ("Pay", GREEN, 90, 40, 70, "£700", "£500"),
        ("Employment", AMBER, 55, 40, 70, "74%", "72%"),
        ("Crime", RED, 10, 50, 80, "90 per 1,000", "60 per 1,000"),  # lower is better: already oriented
        ("Smoking", RED, 35, 45, 75, "17%", "15%"),
        ("Wellbeing", GREY, NAN, 40, 70, "no data", "7.4"),
    ])
    text = spine_sentence(frame, "Walsall")
    assert text.startswith("Across 5 metrics, Walsall is better than or at the target on 1, between the minimum "
                           "and the target on 1 and worse than the minimum on 2; 1 is not rated")
    assert "The widest gap below the minimum is Crime: 90 per 1,000 against a minimum of 60 per 1,000." in text


def test_spine_missing_value_is_not_rated_never_worse_and_never_the_widest_gap() -> None:
    frame = _spine([("Pay", AMBER, 50, 40, 70, "£600", "£500"), ("Wellbeing", GREY, NAN, 40, 70, "no data", "7.4"),
                    ("Health", GREY, NAN, 40, 70, "no data", "60")])
    text = spine_sentence(frame, "Surrey")
    assert "worse than the minimum on 0; 2 are not rated" in text
    assert "Wellbeing" not in text and "Health" not in text
    assert "The widest gap to the target is Pay: £600 against a target of t." in text


def test_spine_sentence_of_no_metric_says_so() -> None:
    assert spine_sentence(_spine([]), "Walsall") == "The chart has no metric to show for Walsall."


@pytest.fixture(scope="module")
def engine():
    return build_engine(example_panel(), Settings())


def test_spine_sentence_matches_the_real_spine_frame_and_a_lower_is_better_metric_reads_worse(engine) -> None:
    panel = engine.panel
    ids = [m.id for m in panel.indicators]
    code = str(panel.codes[0])
    frame = spine_frame(engine, code, ids)
    text = spine_sentence(frame, "Example")
    counts = {c: int((frame["rag"] == c).sum()) for c in (GREEN, AMBER, RED, GREY)}
    assert f"worse than the minimum on {counts[RED]}" in text and f"target on {counts[GREEN]}," in text
    # Travel time is lower-is-better: 40 minutes against a minimum of 22 is worse, a higher number than the minimum.
    j = panel.column("travel_time")
    row = int(np.nanargmax(panel.values[:, j]))
    assert panel.values[row, j] > engine.benchmarks.minimum[j]
    frame = spine_frame(engine, str(panel.codes[row]), ["travel_time"])
    assert "worse than the minimum on 1" in spine_sentence(frame, "Example")
    missing = spine_frame(engine, str(panel.codes[int(np.flatnonzero(np.isnan(panel.values[:, j]))[0])]), ["travel_time"])
    assert "worse than the minimum on 0; 1 is not rated" in spine_sentence(missing, "Example")
    table = spine_table(frame)
    assert list(table.columns) == ["Metric", "Value", "Status", "Minimum", "Target", "Worst area", "Best area"]
    assert table["Value"].iloc[0] == frame["value_text"].iloc[0]


def _heat(cells: dict[tuple[str, str], float | None]) -> pd.DataFrame:
    return pd.DataFrame([{"area": a, "metric": m, "score": s, "value": "x"} for (a, m), s in cells.items()])


def test_heatmap_counts_highest_and_lowest_and_missing_is_never_lowest() -> None:
    heat = _heat({("Walsall", "Pay"): 90.0, ("Dudley", "Pay"): 40.0, ("Sandwell", "Pay"): 60.0,
                  ("Walsall", "Crime"): 10.0, ("Dudley", "Crime"): 50.0, ("Sandwell", "Crime"): None,
                  ("Walsall", "Smoking"): None, ("Dudley", "Smoking"): 70.0, ("Sandwell", "Smoking"): 20.0,
                  ("Walsall", "Health"): 50.0, ("Dudley", "Health"): 50.0, ("Sandwell", "Health"): 50.0})
    text = heatmap_sentence(heat, "Walsall")
    assert "for Walsall and 2 peers on 4 metrics" in text
    assert "highest score in the group on 1 metric and the lowest on 1 and no data on 1" in text  # a tie is neither
    assert "2 cells of 12 have no data (grey)" in text


def test_heatmap_a_peer_without_data_does_not_make_the_area_lowest() -> None:
    heat = _heat({("Walsall", "Pay"): 30.0, ("Dudley", "Pay"): float("nan")})
    assert "the lowest on 0" in heatmap_sentence(heat, "Walsall")
