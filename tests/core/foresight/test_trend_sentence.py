"""The sentence under the Progress chart: better and worse follow polarity; missing values are left out, never 0."""

from __future__ import annotations

import math

from lupcore import trend_sentence
from lupcore.data.examples import INDICATORS

PAY = next(m for m in INDICATORS if m.id == "pay")  # higher is better, £, 0 decimals
TRAVEL = next(m for m in INDICATORS if m.id == "travel_time")  # lower is better, minutes


def test_higher_is_better_rise_is_better_with_projection() -> None:
    text = trend_sentence(PAY, "Walsall", ["2015", "2020", "2025"], [400.0, 450.0, 500.0], 560.0, "2030")
    assert text == ("Gross weekly pay in Walsall went from £400 (2015) to £500 (2025) over 3 published values: "
                    "better overall (higher is better). The fitted trend reaches £560 by 2030.")


def test_lower_is_better_rise_is_worse() -> None:
    text = trend_sentence(TRAVEL, "Walsall", ["2019", "2024"], [20.0, 25.0])
    assert "worse overall (lower is better)" in text and "fitted trend" not in text


def test_lower_is_better_fall_is_better() -> None:
    assert "better overall (lower is better)" in trend_sentence(TRAVEL, "Walsall", ["2019", "2024"], [25.0, 20.0])


def test_missing_values_are_left_out_and_counted_never_zero() -> None:
    text = trend_sentence(PAY, "Walsall", ["2015", "2020", "2025"], [None, 450.0, math.nan])
    assert "one published value, £450 (2020)" in text
    assert "2 periods have no value and are left out" in text
    assert "£0" not in text


def test_no_value_at_all_says_the_chart_is_empty() -> None:
    assert trend_sentence(PAY, "Walsall", ["2015"], [None], math.nan) == (
        "No published value of Gross weekly pay for Walsall, so the chart is empty.")
