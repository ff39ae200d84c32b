"""Words that match the numbers: direction-aware sentences, the weights in force, decisive decimals."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lupcore.data import Dataset, example_dataset, example_panel
from lupcore.model import Polarity
from lupcore.scoring import build_engine, build_scorecard, summarise
from lupcore.settings import DEFAULT_SETTINGS
from lupcore.wording import (
    GLOSSARY,
    change_words,
    decisive_decimals,
    format_decisive,
    settings_caption,
    weights_in_force,
)


@pytest.fixture(scope="module")
def example() -> Dataset:
    return example_dataset()


def test_a_red_lower_is_better_metric_is_worse_than_its_minimum_not_below(example: Dataset) -> None:
    card = build_scorecard(example, build_engine(example_panel(), DEFAULT_SETTINGS), "E06000001", dict(example.missions))
    lower = [m for m in card.metrics if m.meta.polarity == Polarity.LOWER_IS_BETTER and m.rag.value == "red"]
    assert lower and lower[0].value > lower[0].minimum, "the example needs a red lower-is-better metric above its minimum"
    concerns = summarise(card).concerns
    sentence = next(c for c in concerns if c.startswith(lower[0].meta.label))
    assert "worse than the minimum" in sentence and "below" not in sentence, sentence
    assert not any("below" in c for c in concerns)


def test_weights_caption_states_changes(example: Dataset) -> None:
    missions = dict(example.missions)
    assert weights_in_force(DEFAULT_SETTINGS, missions) == "Equal"
    number = next(iter(missions))
    changed = replace(DEFAULT_SETTINGS, mission_weights=((number, 3.0),), indicator_weights=(("pay", 2.0),))
    text = weights_in_force(changed, missions)
    assert text == f"Equal, changed: {missions[number].title} ×3; 1 metric weight changed", text
    assert "Equal" not in weights_in_force(replace(DEFAULT_SETTINGS, weight_preset="headline"), missions)


def test_settings_caption_has_no_method_jargon() -> None:
    text = settings_caption(DEFAULT_SETTINGS).lower()
    assert "min–max" not in text and "outlier" not in text and "winsor" not in text


@pytest.mark.parametrize(("value", "others", "decimals", "expected"), [
    (99.98, (100.0,), 1, 2),        # Edinburgh's 4G: "100.0%" twice at one decimal
    (28.4, (22.2,), 1, 1),          # already different
    (50.0, (50.0,), 1, 1),          # equal numbers need no more decimals
    (1.000001, (1.0,), 0, 4),       # capped at four decimals
    (None, (1.0,), 1, 1),
    (7.0, (None,), 0, 0),
])
def test_decisive_decimals(value: float | None, others: tuple, decimals: int, expected: int) -> None:
    assert decisive_decimals(value, others, decimals) == expected


def test_format_decisive_shows_why_amber(example: Dataset) -> None:
    meta = next(m for m in example.indicators.values() if m.unit.strip() == "%")
    assert format_decisive(99.98, meta, 2) == "99.98%" and format_decisive(100.0, meta, 2) == "100.00%"


def test_every_term_on_screen_has_an_explanation() -> None:
    for term in ("minimum", "target", "clarity", "red_reds", "capitals", "score", "rank_range", "worse_since_baseline"):
        assert len(GLOSSARY[term]) > 60, term
    assert not any(word in " ".join(GLOSSARY.values()).lower() for word in ("§", "coinr", "winsor", "brief"))


def test_scenario_changes_are_shown_in_the_metrics_unit(example: Dataset) -> None:
    pay, ks2 = example.indicators["pay"], example.indicators["ks2"]
    assert change_words("700", pay) == "new value £700"  # it read "700"
    assert change_words("+20", pay) == "+£20" and change_words("-2.5", ks2) == "−2.5 pp"
    assert change_words("+5%", pay) == "+5%" and change_words("target", ks2) == "reach the target"


def test_after_add_the_page_does_not_say_there_is_nothing() -> None:
    from lupcore.wording import no_scenario_message
    assert "No scenarios yet" in no_scenario_message(False)
    assert "not saved yet" in no_scenario_message(True) and "No scenarios" not in no_scenario_message(True)
