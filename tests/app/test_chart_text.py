"""AppTest: every chart page shows its sentence under the chart and its 'Chart as a table' expander, and the
numbers in them are the chart's own (WCAG 1.1.1 text alternative)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from lupcore import Polarity
from tests.app.pagekit import open_page, with_local_metric

WALSALL = "E08000030"


def _table(at: AppTest) -> str:
    (box,) = [e for e in at.expander if e.label == "Chart as a table"]
    (md,) = [m.value for m in box.markdown]
    return md


def _sentence(at: AppTest, start: str) -> str:
    found = [m.value for m in at.markdown if m.value.startswith(start)]
    assert len(found) == 1, [m.value[:80] for m in at.markdown]
    return found[0]


def test_scorecard_spine_sentence_counts_match_its_table() -> None:
    at = open_page("pages/1_Scorecard.py", area=WALSALL)
    text = _sentence(at, "Across ")
    n, green, amber, red = map(int, re.search(
        r"Across (\d+) metrics, Walsall is better than or at the target on (\d+), between the minimum and the "
        r"target on (\d+) and worse than the minimum on (\d+)", text).groups())
    rows = _table(at).splitlines()[2:]
    assert len(rows) == n
    assert [sum(f"| {w} |" in r for r in rows) for w in ("✔ Green", "◆ Amber", "✖ Red")] == [green, amber, red]
    assert "The widest gap below the minimum is" in text


def test_progress_sentence_and_table_follow_the_chosen_metric() -> None:
    at = open_page("pages/6_Progress.py", area=WALSALL)
    label = at.selectbox(key="w_prog_metric").format_func(at.selectbox(key="w_prog_metric").value)
    text = _sentence(at, f"{label} in Walsall")
    assert re.search(r"went from .+ over \d+ published values: (better|worse) overall|no change", text), text
    table = _table(at)
    assert table.startswith("| Period | Value | What it is |") and "| Published |" in table


def test_peers_heatmap_sentence_and_table() -> None:
    at = open_page("pages/4_Peers.py", area=WALSALL)
    text = _sentence(at, "Scores from 0 to 100")
    peers = int(re.search(r"Walsall and (\d+) peers", text).group(1))
    header = _table(at).splitlines()[0]
    assert header.startswith("| Metric | Walsall |") and header.count("|") == peers + 3


def test_map_sentence_and_table_list_every_council() -> None:
    at = open_page("pages/3_Map.py", area=WALSALL)
    text = _sentence(at, "The map colours ")
    n = int(re.search(r"colours ([\d,]+) councils", text).group(1).replace(",", ""))
    assert re.search(r"Walsall: score [\d.]+, (red|amber|green)\.", text), text
    assert len(_table(at).splitlines()) == n + 2


@pytest.mark.parametrize("page", ["pages/6_Progress.py"])
def test_a_local_metric_name_in_the_sentence_is_plain_text(page: str) -> None:
    """A council's own metric named with Markdown shows its characters, never a link."""
    csv = "area_code,period,value\n" + "".join(f"{WALSALL},{y},{50 + y - 2018}\n" for y in range(2018, 2024))
    at = with_local_metric(page, csv, name="[Pride](https://evil.example)", source="Survey", polarity=Polarity.HIGHER_IS_BETTER, mission=9)
    at.session_state["w_prog_metric"] = "local_pride_in_place"  # the metric picker's value: the local metric's id
    at.run()
    assert "evil" in at.selectbox(key="w_prog_metric").format_func(at.selectbox(key="w_prog_metric").value)
    sentences = [m.value for m in at.markdown if "evil" in m.value and "went from" in m.value]
    assert len(sentences) == 1 and sentences[0].startswith("\\[Pride\\]"), sentences
