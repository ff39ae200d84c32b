"""The new mission measures on the pages (issue 12): notes, "not applicable", context and one-period trends.

Every wording comes from the core (``lupcore.value_notes``); these tests check the pages show it
for a council per nation and for a district in a combined Community Safety Partnership.
"""

from __future__ import annotations

from pagekit import open_page
from streamlit.testing.v1 import AppTest

EAST_DEVON, BURNLEY, CARDIFF, GLASGOW, BELFAST = "E07000040", "E07000117", "W06000015", "S12000049", "N09000003"
PARTNERSHIP_NOTE = "Value for the East and Mid Devon partnership (East Devon and Mid Devon together)"


def mission_block(at: AppTest, number: int) -> list[str]:
    texts = [m.value for m in at.markdown]
    start = texts.index(next(t for t in texts if t.startswith(f"**Mission {number}:")))
    end = next((i for i in range(start + 1, len(texts)) if texts[i].startswith("**Mission ")), len(texts))
    return texts[start:end]


def table_rows(block: list[str], label: str) -> list[list[str]]:
    rows = [line for text in block for line in text.splitlines() if line.startswith(f"| {label}")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def test_overview_names_the_partnership_and_the_force() -> None:
    at = open_page(area=EAST_DEVON)
    block = mission_block(at, 11)
    assert table_rows(block, "Neighbourhood crime")[0][3] == PARTNERSHIP_NOTE
    homicide = table_rows(block, "Homicide (police force area)")[0]
    assert homicide[3] == "Police force area value: Devon and Cornwall · Context, not scored"


def test_overview_mission_12_in_england_and_not_applicable_elsewhere() -> None:
    burnley = mission_block(open_page(area=BURNLEY), 12)
    row = table_rows(burnley, "Covered by a devolution deal")[0]
    assert row[1] == "100%" and row[3].startswith("In the Lancashire combined authority area")
    for code in (CARDIFF, GLASGOW, BELFAST):
        block = mission_block(open_page(area=code), 12)
        assert any(t.startswith(":material/do_not_disturb_on: **Not applicable.**") for t in block), block
        assert not any("No local measure" in t for t in block)


def test_overview_r_and_d_is_regional_context_and_not_rated() -> None:
    block = mission_block(open_page(area=BURNLEY), 2)
    assert any("**Not rated: context only.**" in t for t in block), block
    row = table_rows(block, "Public R&D spending per head (regional value)")[0]
    assert row[3] == "Regional value: North West (not published for local areas) · Context, not scored"


def test_overview_crime_in_scotland_and_northern_ireland_is_missing_with_a_plain_note() -> None:
    glasgow = mission_block(open_page(area=GLASGOW), 11)
    assert any("No local measure" in t and "Scotland and Northern Ireland publish separately" in t for t in glasgow)
    belfast = mission_block(open_page(area=BELFAST), 11)  # homicide for the whole of Northern Ireland, as context
    assert any("**Not rated: context only.**" in t and "Scotland and Northern Ireland publish separately" in t
               for t in belfast), belfast


def test_scorecard_mission_12_not_applicable_in_wales() -> None:
    at = open_page("pages/1_Scorecard.py", area=CARDIFF)
    missions = next(d.value for d in at.dataframe if "Metrics with data" in d.value.columns).set_index("Mission")
    row = missions.loc["Mission 12: Local leadership"]
    assert (row["Status"], row["Metrics with data"], row["Score"]) == ("Not applicable", "not applicable in Wales", "–")
    assert missions.loc["Mission 2: Research and development", "Metrics with data"] == "not rated: context only"
    assert missions.loc["Mission 11: Crime", "Metrics with data"] == "2 of 2 metrics"


def test_scorecard_metric_note_names_the_partnership() -> None:
    at = open_page("pages/1_Scorecard.py", area=EAST_DEVON)
    table = next(d.value for d in at.dataframe if "Metric" in d.value.columns).set_index("Metric")
    assert table.loc["Neighbourhood crime", "Note"] == PARTNERSHIP_NOTE
    assert table.loc["Neighbourhood crime", "Period"] == "year to Jun 2025"


def test_progress_says_no_trend_for_one_year_of_crime() -> None:
    at = open_page("pages/6_Progress.py", area=EAST_DEVON)
    at.selectbox(key="w_prog_metric").set_value("neighbourhood_crime").run()
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert any(t.startswith("**Projection.**") and "no trend can be drawn" in t for t in texts), texts


def test_why_these_peers_shows_the_deprivation_rank_but_not_for_wales() -> None:
    header = "Deprivation rank: overall (IMD 2025) (of 296, 1 = most deprived)"
    at = open_page("pages/4_Peers.py", area=BURNLEY)
    why = next(d.value for d in at.dataframe if "Distance (0 = identical)" in d.value.columns)
    assert header in why.columns and why.loc["Burnley", header] == 3.0  # 3rd most deprived district in England
    assert why[header].notna().sum() >= len(why) - 3  # a Welsh or Scottish peer shows it missing, never 0
    assert any("rank 1 = most deprived" in c.value and "not used in the distance" in c.value for c in at.caption)
    cardiff = open_page("pages/4_Peers.py", area=CARDIFF)
    why = next(d.value for d in cardiff.dataframe if "Distance (0 = identical)" in d.value.columns)
    assert header not in why.columns
