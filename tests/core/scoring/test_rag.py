"""RAG status and statistical clarity per metric and per mission (methodology §4, §9)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lupcore.data.examples import example_panel
from lupcore.scoring import (
    AMBER,
    GREEN,
    GREY,
    MISSION_RAG_RULE,
    RAG_BY_CODE,
    RED,
    classify,
    classify_scores,
    compute_benchmarks,
)
from lupcore.settings import Settings

NAN = np.nan
UP, DOWN, NONE = 1, -1, 0


def _one(value: float, minimum: float, target: float, polarity: int = UP, lci: float = NAN, uci: float = NAN,
         evidence: bool = False, mad: float | None = None) -> tuple[int, float]:
    codes, clear = classify(np.array([[value]]), np.array([[lci]]), np.array([[uci]]), np.array([minimum]),
                            np.array([target]), np.array([polarity]), evidence_based=evidence,
                            mad=None if mad is None else np.array([mad]))
    return int(codes[0, 0]), float(clear[0, 0])


@pytest.mark.parametrize(("case", "args", "expected"), [
    ("at the target is green", (70, 60, 70), GREEN),
    ("above the target is green", (75, 60, 70), GREEN),
    ("between is amber", (65, 60, 70), AMBER),
    ("at the minimum is amber", (60, 60, 70), AMBER),
    ("below the minimum is red", (59.9, 60, 70), RED),
    ("lower is better: below the target is green", (10, 22, 17.5, DOWN), GREEN),
    ("lower is better: at the target is green", (17.5, 22, 17.5, DOWN), GREEN),
    ("lower is better: between is amber", (20, 22, 17.5, DOWN), AMBER),
    ("lower is better: above the minimum is red", (30, 22, 17.5, DOWN), RED),
    ("no value is grey", (NAN, 60, 70), GREY),
    ("no polarity is grey", (65, 60, 70, NONE), GREY),
    ("no minimum is grey", (65, NAN, 70), GREY),
    ("no target is grey", (65, 60, NAN), GREY),
    ("a target below the minimum: green wins", (55, 60, 50), GREEN),
])
def test_status_table(case: str, args: tuple, expected: int) -> None:
    assert _one(*args)[0] == expected, case


@pytest.mark.parametrize(("case", "args", "expected"), [
    ("green, CI wholly above the target", (80, 60, 70, UP, 72, 88), (GREEN, 1.0)),
    ("green, CI touching the target", (80, 60, 70, UP, 70, 90), (GREEN, 1.0)),
    ("green, CI crossing the target", (72, 60, 70, UP, 68, 76), (GREEN, 0.0)),
    ("red, CI wholly below the minimum", (50, 60, 70, UP, 45, 55), (RED, 1.0)),
    ("red, CI reaching the minimum", (55, 60, 70, UP, 50, 60), (RED, 0.0)),
    ("amber, CI wholly between", (65, 60, 70, UP, 62, 68), (AMBER, 1.0)),
    ("amber, CI crossing the minimum", (61, 60, 70, UP, 58, 64), (AMBER, 0.0)),
    ("lower is better: CI ends swap", (30, 22, 17.5, DOWN, 25, 35), (RED, 1.0)),
    ("lower is better: green not clear", (17, 22, 17.5, DOWN, 15, 19), (GREEN, 0.0)),
])
def test_clarity_table(case: str, args: tuple, expected: tuple[int, float]) -> None:
    assert _one(*args) == expected, case


def test_no_ci_means_clarity_unknown_never_assumed() -> None:
    for value in (50, 65, 80, NAN):
        assert np.isnan(_one(value, 60, 70)[1])


def test_methods_9_single_ci_vector() -> None:
    """Area 60 (50.20–69.06) against England 65, high is good: Fingertips says "Similar"."""
    args = (60, 65, 75, UP, 50.20, 69.06)
    assert _one(*args) == (RED, 0.0)  # point estimate below the minimum; not statistically clear
    assert _one(*args, evidence=True) == (AMBER, 0.0)  # evidence-based: similar to England, so not red


@pytest.mark.parametrize(("case", "args", "mad", "expected"), [
    ("CI wholly below: red", (50, 60, 70, UP, 45, 55), None, RED),
    ("CI reaches the minimum: amber", (55, 60, 70, UP, 50, 61), None, AMBER),
    ("no CI, shortfall above one MAD: red", (50, 60, 70), 5.0, RED),
    ("no CI, shortfall equal to one MAD: amber", (55, 60, 70), 5.0, AMBER),
    ("no CI, shortfall within one MAD: amber", (58, 60, 70), 5.0, AMBER),
    ("no CI, lower is better, beyond one MAD: red", (40, 22, 17.5, DOWN), 14.826, RED),
    ("no CI, lower is better, within one MAD: amber", (30, 22, 17.5, DOWN), 14.826, AMBER),
    ("no CI and no MAD: any shortfall", (59, 60, 70), None, RED),
    ("no CI and a NaN MAD: any shortfall", (59, 60, 70), NAN, RED),
])
def test_evidence_based_red(case: str, args: tuple, mad: float | None, expected: int) -> None:
    assert _one(*args, evidence=True, mad=mad)[0] == expected, case


def _grid(*rows: str) -> list[list[int]]:
    code = {"R": RED, "A": AMBER, "G": GREEN, ".": GREY}
    return [[code[c] for c in row] for row in rows]


def test_example_panel_statuses_by_hand() -> None:
    """Minimums 640, 67, 22, 61 (national); targets 700, 69, 17.5, 65 (upper quartile); MADs 148.26, 5.93, 14.83, 5.93."""
    panel = example_panel()
    bench = compute_benchmarks(panel, Settings())
    pol = np.array([int(m.polarity) for m in panel.indicators])
    strict = _grid("RRRR", "RRAR", "G.GA", "GGRG", "GGGG", "RA..")  # rows: Ashby … Penrhos; "." grey
    evidence = _grid("RRAA", "RAAA", "G.GA", "GGRG", "GGGG", "RA..")
    codes, clear = classify(panel.values, panel.lci, panel.uci, bench.minimum, bench.target, pol)
    np.testing.assert_array_equal(codes, strict)
    n = NAN
    np.testing.assert_array_equal(clear, [[1, 1, n, n], [1, 0, n, n], [0, n, n, n], [1, 1, n, n], [1, 1, n, n],
                                          [1, 0, n, n]])
    codes, _ = classify(panel.values, panel.lci, panel.uci, bench.minimum, bench.target, pol,
                        evidence_based=True, mad=bench.mad)
    np.testing.assert_array_equal(codes, evidence)
    no_ci = example_panel(with_ci=False)
    codes, clear = classify(no_ci.values, no_ci.lci, no_ci.uci, bench.minimum, bench.target, pol)
    np.testing.assert_array_equal(codes, strict)
    assert np.isnan(clear).all()


@settings(max_examples=60, deadline=None)
@given(st.floats(-100, 100), st.floats(0, 50), st.floats(-100, 100), st.floats(0, 30), st.floats(0, 10),
       st.sampled_from([UP, DOWN]), st.booleans(), st.booleans())
def test_improving_a_value_never_worsens_its_status(x: float, gain: float, m: float, gap: float, half: float,
                                                    pol: int, evidence: bool, with_ci: bool) -> None:
    t = m + pol * gap
    better = x + pol * gain
    ci = (lambda v: (v - half, v + half)) if with_ci else (lambda v: (NAN, NAN))
    before = _one(x, m, t, pol, *ci(x), evidence=evidence, mad=3.0)[0]
    after = _one(better, m, t, pol, *ci(better), evidence=evidence, mad=3.0)[0]
    assert after >= before


# ---- missions ---------------------------------------------------------------------------------


def test_mission_rag_against_the_scores_of_the_benchmarks() -> None:
    score = np.array([75.0, 80.0, 60.0, 50.0, 49.9, NAN, 60.0, 60.0])
    at_min = np.array([50.0, 50.0, 50.0, 50.0, 50.0, 50.0, NAN, 50.0])
    at_tar = np.array([75.0, 75.0, 75.0, 75.0, 75.0, 75.0, 75.0, NAN])
    np.testing.assert_array_equal(classify_scores(score, at_min, at_tar),
                                  [GREEN, GREEN, AMBER, AMBER, RED, GREY, GREY, GREY])
    assert "same weights" in MISSION_RAG_RULE


def test_codes_map_to_the_four_labels() -> None:
    assert [RAG_BY_CODE[c].value for c in (GREY, RED, AMBER, GREEN)] == ["grey", "red", "amber", "green"]
