"""The sentence under the workshop's priorities chart: most and fewest points, agreement, missing left out."""

from __future__ import annotations

from lupcore.workshop.reveal_text import priorities_sentence

NAMES = {1: "Pay", 2: "R&D", 3: "Transport", 5: "Schools"}


def test_names_the_missions_with_most_and_fewest_points_and_the_agreement() -> None:
    p = {"responses": 7, "mean": {"1": 20.0, "2": 5.5, "3": None, "5": 12.25}, "kendall_w": 0.41}
    text = priorities_sentence(p, NAMES)
    assert "(7 people)" in text
    assert "Most points went to 1. Pay (mean 20.0) and fewest to 2. R&D (mean 5.5)." in text  # 3 has no mean: left out
    assert "Agreement on the order of the missions is moderate (Kendall's W 0.41)." in text
    assert "Transport" not in text


def test_no_answers_and_no_agreement() -> None:
    assert priorities_sentence({"responses": 0, "mean": {}, "kendall_w": None}, NAMES) == (
        "No one has shared their points yet, so the chart is empty.")
    text = priorities_sentence({"responses": 1, "mean": {"1": 100.0}, "kendall_w": None}, NAMES)
    assert "(1 person)" in text and "Kendall" not in text
