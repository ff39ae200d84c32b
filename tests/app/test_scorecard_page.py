"""The Scorecard page through AppTest: what a Walsall scorecard shows, its filters, and shared links.

The page's numbers are checked against ``lupcore`` computed here under the same settings, so the
test proves the page shows the engine's result for the link's settings, not merely some result.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from pagekit import open_page as _open
from streamlit.testing.v1 import AppTest

from lupcore.data._dataset import Dataset
from lupcore.data._panel import build_panel
from lupcore.format import format_number
from lupcore.model import Rag
from lupcore.peers import peer_group
from lupcore.scoring import Scorecard, build_engine, build_scorecard, rag_text
from lupcore.settings import Settings

APP = "../../app.py"  # relative to this file (AppTest's rule)
PAGE = "pages/1_Scorecard.py"
WALSALL = "E08000030"
ALL_ZERO = "1:0,3:0,4:0,5:0,6:0,7:0,8:0,9:0,10:0,11:0,12:0"  # every mission Walsall has data for
RANK_TEXT = re.compile(r"^\d+(st|nd|rd|th) of 294 local authorities in England$")
STATUS_WORDS = {rag_text(r) for r in Rag}




def open_page(**params: str) -> AppTest:
    """A new session's first run of the Scorecard, as a deep link ``/Scorecard?…`` opens it."""
    return _open(PAGE, check=False, **params)


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def metric_table(at: AppTest) -> pd.DataFrame:
    """The 'Every metric' table (the one with a Metric column)."""
    return next(d.value for d in at.dataframe if "Metric" in d.value.columns)


def mission_table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Metrics with data" in d.value.columns)


def status_word(cell: str) -> str:
    """The status word of a cell ('✖ Red'): shape and word only, never an emoji."""
    return next(word for word in STATUS_WORDS if cell.endswith(word))


def expected_card(dataset: Dataset, settings: Settings) -> Scorecard:
    """Walsall's scorecard computed by the core with the page's default peer group (ONS global, 15)."""
    panel = build_panel(dataset, "ltla")
    peers = peer_group(dataset, WALSALL, "ons-global", k=15).codes
    engine = build_engine(panel, settings, peers)
    return build_scorecard(dataset, engine, WALSALL, dict(dataset.missions))


@pytest.fixture(scope="module")
def walsall() -> AppTest:
    at = open_page(area=WALSALL)
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_walsall_scorecard_title_rank_and_missions(walsall: AppTest, dataset: Dataset) -> None:
    at = walsall
    assert [t.value for t in at.title] == ["Scorecard: Walsall"]
    ranks = [c for c in captions(at) if RANK_TEXT.match(c)]
    assert len(ranks) == 1, captions(at)
    card = expected_card(dataset, Settings())
    assert ranks[0] == card.rank_text
    score = next(m.value for m in at.metric if m.label.startswith("Levelling Up score"))
    assert score == format_number(card.overall, 1)
    missions = mission_table(at)
    assert missions["Mission"].tolist() == [m.mission.title for m in card.missions]
    assert [status_word(c) for c in missions["Status"]] == [rag_text(m.rag) for m in card.missions]
    assert {status_word(c) for c in missions["Status"]} <= STATUS_WORDS
    unscored = missions[missions["Metrics with data"] == "not rated: context only"]  # R&D: regional values only
    assert unscored["Mission"].tolist() == ["Mission 2: Research and development"]
    assert {status_word(c) for c in unscored["Status"]} == {rag_text(Rag.GREY)}, "no score must read 'Not rated'"


def test_capital_scores_are_shown(walsall: AppTest, dataset: Dataset) -> None:
    card = expected_card(dataset, Settings())
    table = next(m.value for m in walsall.markdown if m.value.startswith("| Capital |"))
    physical = dict(card.capitals)["physical"]
    assert f"| Physical | {format_number(physical, 1)} |" in table
    assert "| Financial | – | no scored metric |" in table


def test_every_metric_table_has_status_per_row(walsall: AppTest) -> None:
    table = metric_table(walsall)
    assert len(table) > 30
    assert all(any(cell.endswith(w) for w in STATUS_WORDS) for cell in table["Status"]), table["Status"].tolist()
    assert table["Mission"].str.startswith("Mission ").all()


def test_mission_filter_narrows_the_table(walsall: AppTest) -> None:
    everything = metric_table(walsall)
    at = open_page(area=WALSALL)
    at.multiselect(key="w_sc_mission").set_value([7]).run()
    assert not at.exception
    health = metric_table(at)
    assert set(health["Mission"]) == {"Mission 7: Health"}
    assert len(health) == (everything["Mission"] == "Mission 7: Health").sum() < len(everything)


def test_status_filter_narrows_the_table(walsall: AppTest) -> None:
    everything = metric_table(walsall)
    reds = everything[everything["Status"].map(status_word) == rag_text(Rag.RED)]
    at = open_page(area=WALSALL)
    at.multiselect(key="w_sc_rag").set_value([Rag.RED]).run()
    assert not at.exception
    shown = metric_table(at)
    assert 0 < len(shown) < len(everything)
    assert shown["Metric"].tolist() == reds["Metric"].tolist()


def test_mission_and_status_filters_combine(walsall: AppTest) -> None:
    """Both filters apply together; when nothing is left the page says so instead of an empty table."""
    everything = metric_table(walsall)
    wanted = everything[(everything["Mission"] == "Mission 4: Digital connectivity")
                        & (everything["Status"].map(status_word) == rag_text(Rag.GREEN))]
    at = open_page(area=WALSALL)
    at.multiselect(key="w_sc_mission").set_value([4])
    at.multiselect(key="w_sc_rag").set_value([Rag.GREEN]).run()
    assert not at.exception
    if len(wanted):
        assert metric_table(at)["Metric"].tolist() == wanted["Metric"].tolist()
    else:
        assert any("No metric matches the filters" in i.value for i in at.info)


def test_all_mission_weights_zero_gives_a_clear_message() -> None:
    """A link with every weight at zero cannot be scored: one plain message and a way out, no traceback."""
    at = open_page(area=WALSALL, mw=ALL_ZERO)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == ["Scorecard: Walsall"]
    problems = [w.value for w in at.warning] + [e.value for e in at.error]
    assert any("weight of zero" in p for p in problems), problems
    assert not at.dataframe, "no scorecard table can be shown without a score"
    assert at.query_params["mw"] in (ALL_ZERO, [ALL_ZERO]), "the link must survive so the user can fix it"


def test_shared_link_reproduces_the_settings(dataset: Dataset) -> None:
    """/Scorecard?area=E08000030&wp=headline&min=median shows those settings and the rank they give."""
    at = open_page(area=WALSALL, wp="headline", min="median")
    assert not at.exception
    settings_line = captions(at)[0]
    assert settings_line.startswith("Minimum: Median of areas · Target: Upper quartile")
    assert settings_line.endswith("Weights: Headline metrics only")
    expected = expected_card(dataset, Settings(weight_preset="headline", minimum="median"))
    default = expected_card(dataset, Settings())
    assert expected.rank_text != default.rank_text, "pick settings that move the rank, or the test proves nothing"
    assert expected.rank_text in captions(at)
    assert {k: at.query_params[k] for k in ("wp", "min")} in ({"wp": "headline", "min": "median"},
                                                               {"wp": ["headline"], "min": ["median"]})


def test_evidence_based_link_is_named_in_the_caption() -> None:
    at = open_page(area=WALSALL, ev="1")
    assert not at.exception
    assert "Red needs statistical evidence" in captions(at)[0]
