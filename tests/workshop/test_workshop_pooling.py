"""Pooling a room's 100-point budgets: weights, spread, Kendall's W (with ties), votes."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from lupcore.workshop.pooling import (
    convergence,
    kendall_w,
    points_matrix,
    pool_priorities,
    room_view,
    tally_levels,
    tally_votes,
)


def random_budgets(n: int, seed: int) -> np.ndarray:
    """n random whole-point budgets over 12 missions, each summing to exactly 100."""
    rng = np.random.default_rng(seed)
    return np.stack([rng.multinomial(100, rng.dirichlet(np.ones(12))) for _ in range(n)]).astype(float)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_method_gives_weights_summing_to_100(seed: int) -> None:
    pooled = pool_priorities(random_budgets(37, seed))
    for method in ("mean", "median", "trimmed_mean"):
        assert sum(pooled.weights(method).values()) == pytest.approx(100.0)
    assert pooled.responses == 37
    assert np.all(pooled.iqr >= 0)


def test_order_of_participants_does_not_matter() -> None:
    x = random_budgets(25, 7)
    a = pool_priorities(x)
    b = pool_priorities(x[np.random.default_rng(0).permutation(25)])
    for field in ("mean", "median", "trimmed_mean", "iqr"):
        np.testing.assert_allclose(getattr(a, field), getattr(b, field))
    assert a.agreement.w == pytest.approx(b.agreement.w)
    assert a.contested == b.contested


def test_w_is_one_when_everyone_agrees() -> None:
    row = np.array([30, 20, 15, 10, 8, 6, 5, 3, 2, 1, 0, 0], dtype=float)  # a tie at the bottom
    agreement = kendall_w(np.tile(row, (10, 1)))
    assert agreement.w == pytest.approx(1.0)
    assert agreement.p < 1e-6


def test_w_hand_worked_example_with_ties() -> None:
    # P1 ranks 1, 2.5, 2.5, 4 (T=6); P2 the same; P3 ties all four (T=60).
    # R = 4.5, 7.5, 7.5, 10.5; mean 7.5; S = 18; W = 12·18 / (9·60 − 3·72) = 216/324 = 2/3.
    x = np.array([[40, 30, 30, 0], [50, 25, 25, 0], [25, 25, 25, 25]], dtype=float)
    agreement = kendall_w(x)
    assert agreement.w == pytest.approx(2 / 3)
    assert agreement.chi2 == pytest.approx(6.0)  # n(m−1)W = 3·3·2/3
    assert agreement.p == pytest.approx(stats.chi2.sf(6.0, 3))
    assert agreement.p == pytest.approx(0.11161, abs=1e-4)


def test_w_matches_the_untied_textbook_formula_without_ties() -> None:
    rng = np.random.default_rng(5)
    x = np.stack([rng.permutation(12) for _ in range(8)]).astype(float)  # distinct points: no ties
    r = stats.rankdata(-x, axis=1)
    s = np.sum((r.sum(axis=0) - 8 * 13 / 2) ** 2)
    assert kendall_w(x).w == pytest.approx(12 * s / (64 * (12**3 - 12)))


def test_w_is_missing_with_one_person_or_nothing_to_rank() -> None:
    assert np.isnan(kendall_w(random_budgets(1, 1)).w)
    flat = np.full((5, 4), 25.0)
    assert np.isnan(kendall_w(flat).w)


def test_mean_median_and_trimmed_mean_by_hand() -> None:
    x = points_matrix([{1: 100}, {1: 50, 2: 50}, {2: 100}])
    pooled = pool_priorities(x)
    assert pooled.mean[:2] == pytest.approx([50, 50])
    assert pooled.median[:2] == pytest.approx([50, 50])  # medians 50, 50 → already 100
    assert pooled.iqr[0] == pytest.approx(50.0)  # quartiles 25 and 75
    assert pooled.contested[:2] == (1, 2)
    one_extreme = pool_priorities(points_matrix([{1: 10, 2: 90}] * 9 + [{1: 100}]))
    assert one_extreme.mean[0] == pytest.approx(19.0)
    assert one_extreme.median[0] == pytest.approx(10.0)
    assert one_extreme.trimmed_mean[0] == pytest.approx(10.0)  # the one extreme budget trimmed away


def test_no_responses_is_missing_not_zero() -> None:
    pooled = pool_priorities(np.zeros((0, 12)))
    assert pooled.responses == 0 and np.all(np.isnan(pooled.mean))


def test_convergence_between_rounds() -> None:
    before = random_budgets(12, 3)
    target = before.mean(axis=0)
    after = 0.2 * before + 0.8 * target  # everyone moves most of the way to the mean; rows still sum to 100
    c = convergence(before, after)
    assert c.iqr_after < c.iqr_before
    assert c.responses_before == c.responses_after == 12
    assert c.w_after >= c.w_before


def test_votes_and_levels() -> None:
    assert tally_votes([["a", "b"], ["b"], ["c", "b", "b"]]) == [("b", 3), ("a", 1), ("c", 1)]
    counts = tally_levels([{"x": "high"}, {"x": "low", "y": "high"}], ("high", "medium", "low", "dont_know"))
    assert counts["x"] == {"high": 1, "medium": 0, "low": 1, "dont_know": 0}
    assert room_view({"red": 2, "amber": 1, "green": 0}) == "red"
    assert room_view({"red": 1, "amber": 1, "green": 0}) == "split"
    assert room_view({"red": 0, "amber": 0, "green": 0}) is None
