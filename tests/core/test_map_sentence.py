"""The sentence under the map: status counts that match the layer, missing is "no data" (never lowest), and a
lower-is-better metric above its minimum reads "worse than the minimum"."""

from __future__ import annotations

import pytest

from lupcore import Settings, map_layer, map_sentence
from lupcore.data.examples import example_panel
from lupcore.scoring import build_engine


@pytest.fixture(scope="module")
def engine():
    return build_engine(example_panel(), Settings())


def test_lower_is_better_metric_with_a_council_missing(engine) -> None:
    names = list(engine.panel.names)  # Ashby ... Penrhos, which has no travel time
    layer = map_layer(engine, "metric_value", "travel_time")
    text = map_sentence(layer, names, "Ashby")
    assert text == ("The map colours 6 councils by Travel time to work (2024). Of these, 2 at or better than the "
                    "target, 1 between the minimum and the target, 2 worse than the minimum and 1 not rated "
                    "(1 of them with no data). Ashby: 30.0 minutes (2024), red.")  # 30 minutes > minimum 22
    assert "Penrhos: no data, not rated." in map_sentence(layer, names, "Penrhos")


def test_a_locality_that_is_not_a_council_on_the_map_is_sent_to_the_scorecard(engine) -> None:
    text = map_sentence(map_layer(engine, "overall"), list(engine.panel.names), "Example County")
    assert text.endswith("Example County is not a single council on this map; its own figures are on the Scorecard.")
    assert "no data" not in text and "not rated" not in text
