"""The What-if page through AppTest: named scenarios kept in the URL, ranks with uncertainty, A vs B, what it takes.

Walsall again: raising median weekly pay to its target moves Walsall up one place, small enough
to show that the rank interval, not just the point rank, is what a user should read.
"""

from __future__ import annotations

import re

import pytest
from pagekit import markdown_lines, open_page, url, with_local_metric
from streamlit.testing.v1 import AppTest

from lupcore.data._dataset import Dataset
from lupcore.model import Polarity
from lupcore.session import decode_query

APP = "../../app.py"  # AppTest resolves paths against this test file
PAGE = "pages/7_What_if.py"
WALSALL = "E08000030"
ORDINAL = r"\d+(?:st|nd|rd|th)"
RANK_WITH_RANGE = re.compile(rf"^({ORDINAL}) \(({ORDINAL})–({ORDINAL})\)$")  # 288th (277th–292nd)
PAY_TO_TARGET = "Pay~gross_weekly_pay=target"
JOBS = "Jobs~claimant_rate=-2;employment_rate=+5%"






def run_page(page: str = PAGE, **params: str) -> AppTest:
    """A new session opened on ``page`` by a link for Walsall carrying ``params``."""
    return open_page(page, check=True, area=WALSALL, **params)



def metric_value(at: AppTest, label_start: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label_start))


def today_rank(at: AppTest) -> str:
    """The caption under the scenario's rank: 'Today: 288th (277th–292nd)'."""
    return next(c.value for c in at.caption if RANK_WITH_RANGE.match(c.value.removeprefix("Today: ")))


def numbers(text: str) -> tuple[int, int, int]:
    match = RANK_WITH_RANGE.match(text)
    assert match, text
    return tuple(int(re.sub(r"\D", "", g)) for g in match.groups())  # type: ignore[return-value]


def draft_lines(at: AppTest) -> list[str]:
    return [line for line in markdown_lines(at) if ": **" in line]


def add_change(at: AppTest, indicator_id: str, mode: str, amount: float | None = None) -> AppTest:
    at.selectbox(key="w_wi_metric").set_value(indicator_id)
    at.selectbox(key="w_wi_mode").set_value(mode).run()
    if amount is not None:
        at.number_input(key="w_wi_amount").set_value(amount)
    return at.button(key="w_wi_add").click().run()


def save(at: AppTest, name: str | None = None) -> AppTest:
    if name is not None:
        at.text_input(key="w_wi_name").input(name)
    return at.button(key="w_wi_save").click().run()


def answer(at: AppTest) -> str:
    """The bold plain-English answer under 'What would it take?'."""
    return next(m.value for m in reversed(at.markdown) if m.value.startswith("**")).strip("*")


# ----- building and saving ---------------------------------------------------------------------


def test_first_visit_invites_a_scenario() -> None:
    at = run_page()
    assert [t.value for t in at.title] == ["What if: Walsall"]
    assert any("No scenarios yet" in i.value for i in at.info)
    assert "scen" not in url(at)


def test_built_scenario_is_named_kept_in_the_url_and_moves_the_rank() -> None:
    at = add_change(run_page(), "gross_weekly_pay", "target")
    assert draft_lines(at) == ["- Median weekly pay: **reach the target**"]
    assert "scen" not in url(at), "a draft is not a scenario until it is saved"
    save(at)
    assert not at.exception
    assert url(at)["scen"] == "Scenario A~gross_weekly_pay=target"
    assert [r.options for r in at.radio] == [["Scenario A"]]
    after, today = metric_value(at, "Rank of"), today_rank(at).removeprefix("Today: ")
    rank, low, high = numbers(after)
    assert low <= rank <= high
    assert numbers(today)[0] > rank, f"reaching the pay target should move Walsall up: {today} → {after}"
    peer_rank, peer_low, peer_high = numbers(metric_value(at, "Rank in the peer group"))  # the peer rank has its range too
    assert peer_low <= peer_rank <= peer_high
    todays = [c.value for c in at.caption if RANK_WITH_RANGE.match(c.value.removeprefix("Today: "))]
    assert len(todays) == 2, f"today's overall and peer ranks both carry a range: {todays}"
    score = next(m for m in at.metric if m.label == "Levelling Up score")
    assert float(score.delta) > 0
    changes = at.dataframe[1].value
    assert changes.loc[0, "Metric"] == "Median weekly pay" and "→" in changes.loc[0, "In plain words"]
    missions = at.dataframe[0].value.set_index("Mission")
    today_score, then_score = (float(missions.loc["Mission 1: Living standards", c].split(" · ")[1])
                               for c in ("Today", "With the scenario"))
    assert then_score > today_score


@pytest.mark.parametrize(("mode", "amount", "written", "shown"), [
    ("value", 650.0, "650", "new value £650"),
    ("value", -2.0, "=-2", "new value −£2"),
    ("percent", 5.0, "+5%", "+5%"),
    ("percent", -3.0, "-3%", "−3%"),
    ("units", 2.0, "+2", "+£2"),
    ("units", -2.0, "-2", "−£2"),
    ("minimum", None, "minimum", "reach the minimum"),
    ("target", None, "target", "reach the target"),
])
def test_each_kind_of_change_is_written_in_the_link_grammar(mode: str, amount: float | None, written: str,
                                                            shown: str) -> None:
    """The link keeps the short grammar; the page says the change in the metric's unit (it showed '650')."""
    at = add_change(run_page(), "gross_weekly_pay", mode, amount)
    assert not at.error, [e.value for e in at.error]
    assert draft_lines(at) == [f"- Median weekly pay: **{shown}**"]
    save(at, "Try")
    assert url(at)["scen"] == f"Try~gross_weekly_pay={written}"


def test_amount_is_needed_before_a_change_is_added() -> None:
    at = add_change(run_page(), "gross_weekly_pay", "percent")
    assert [e.value for e in at.error] == ["Enter an amount."]
    assert draft_lines(at) == []


def test_several_changes_make_one_scenario_and_a_later_change_replaces_an_earlier_one() -> None:
    at = add_change(run_page(), "gross_weekly_pay", "percent", 5.0)
    add_change(at, "claimant_rate", "units", -1.0)
    add_change(at, "gross_weekly_pay", "target")
    assert draft_lines(at) == ["- Claimant count: **−1.0 pp**", "- Median weekly pay: **reach the target**"]
    save(at, "Both")
    assert url(at)["scen"] == "Both~claimant_rate=-1;gross_weekly_pay=target"


def test_an_added_change_is_not_called_no_scenario() -> None:
    at = add_change(run_page(), "gross_weekly_pay", "target")
    assert not any("No scenarios yet" in i.value for i in at.info)
    assert any("not saved yet" in i.value for i in at.info)


def test_clear_discards_the_draft() -> None:
    at = add_change(run_page(), "gross_weekly_pay", "target")
    at.button(key="w_wi_clear").click().run()
    assert draft_lines(at) == [] and "scen" not in url(at)


def test_saving_under_an_existing_name_replaces_it_and_delete_removes_it() -> None:
    at = run_page(scen=PAY_TO_TARGET)
    add_change(at, "claimant_rate", "minimum")
    save(at, "Pay")
    assert url(at)["scen"] == "Pay~claimant_rate=minimum"
    at.button(key="w_wi_delete").click().run()
    assert "scen" not in url(at)
    assert any("No scenarios yet" in i.value for i in at.info)


def test_six_scenarios_is_the_limit() -> None:
    """The link codec refuses a seventh, so the page must not offer to save one."""
    six = "|".join(f"S{i}~gross_weekly_pay=+{i}%" for i in range(1, 7))
    at = add_change(run_page(scen=six), "claimant_rate", "target")
    assert at.button(key="w_wi_save").disabled


# ----- scenarios from a link, A vs B ---------------------------------------------------------------


def test_link_with_two_scenarios_compares_a_with_b() -> None:
    at = run_page(scen=f"{PAY_TO_TARGET}|{JOBS}")
    assert [r.options for r in at.radio] == [["Pay", "Jobs"]]
    assert "Compare two scenarios" in [s.value for s in at.subheader]
    assert (at.selectbox(key="w_wi_a").value, at.selectbox(key="w_wi_b").value) == ("Pay", "Jobs")
    text = next(m.value for m in at.markdown if "“Pay”" in m.value or "“Jobs”" in m.value)
    assert re.search(rf"ranks {ORDINAL} and {ORDINAL} of \d+", text), text
    compared = at.dataframe[-1].value
    assert list(compared.columns) == ["Mission", "Pay", "Jobs"]
    assert list(at.dataframe[1].value["Metric"]) == ["Claimant count", "Employment rate"], "the last one is shown"
    at.radio[0].set_value("Pay").run()
    assert list(at.dataframe[1].value["Metric"]) == ["Median weekly pay"]
    assert url(at)["scen"] == f"{PAY_TO_TARGET}|{JOBS}", "looking at a scenario must not rewrite the link"


def test_scenario_link_survives_other_pages() -> None:
    at = run_page(scen=f"{PAY_TO_TARGET}|{JOBS}")
    at.switch_page("pages/1_Scorecard.py").run()
    assert url(at)["scen"] == f"{PAY_TO_TARGET}|{JOBS}"
    at.switch_page(PAGE).run()
    assert [r.options for r in at.radio] == [["Pay", "Jobs"]]


@pytest.mark.parametrize(("scen", "notice"), [
    ("X~gross_weekly_pay=lots", "is not a change"),
    ("X~nonsense_metric=target", "names metrics this data does not have (nonsense_metric)"),
])
def test_bad_scenarios_in_a_link_are_explained(scen: str, notice: str) -> None:
    at = run_page(scen=scen)
    assert any(notice in w.value for w in at.warning), [w.value for w in at.warning]


def test_out_of_range_change_is_clipped_with_a_warning() -> None:
    at = run_page(scen="Max~gigabit=+500%")
    assert any("outside the possible range" in w.value and "100.0%" in w.value for w in at.warning)


def test_a_saved_name_is_the_name_the_link_brings_back() -> None:
    at = add_change(run_page(), "gross_weekly_pay", "percent", 10.0)
    save(at, "Pay +10%")
    shown = [r.options for r in at.radio]
    reopened = run_page(scen=url(at)["scen"])
    assert [r.options for r in reopened.radio] == shown


def test_a_pipe_in_a_name_does_not_break_the_link() -> None:
    at = add_change(run_page(scen=PAY_TO_TARGET), "claimant_rate", "target")
    save(at, "Jobs | claimants")
    decoded = decode_query(url(at))
    assert not decoded.notices and len(decoded.state.scenarios) == 2, decoded


def test_scenarios_in_a_link_have_distinct_names() -> None:
    at = run_page(scen="A~gross_weekly_pay=target|A~claimant_rate=-2")
    options = at.radio[0].options
    assert len(options) == len(set(options)), options


def test_a_typed_value_is_kept_exactly() -> None:
    at = add_change(run_page(), "gdhi_per_head", "value", 25425.75)
    assert draft_lines(at) == ["- Disposable household income per head: **new value £25,425.75**"]


# ----- ranks with uncertainty ---------------------------------------------------------------------


def test_rank_range_matches_on_scorecard_and_what_if() -> None:
    """Both pages show the same 5th–95th percentile range for today's view, next to the rank."""
    scorecard = run_page("pages/1_Scorecard.py")
    shown = metric_value(scorecard, "Rank (5th–95th percentile range)")
    rank, low, high = numbers(shown)
    assert low <= rank <= high and high - low >= 2
    assert f"{rank}" in next(c.value for c in scorecard.caption if "local authorities in" in c.value)
    whatif = run_page(scen=PAY_TO_TARGET)
    assert today_rank(whatif) == f"Today: {shown}"
    numbers(metric_value(whatif, "Rank of"))


def test_rank_range_follows_the_weights() -> None:
    """The range is recomputed for the view, not cached from another one."""
    default = metric_value(run_page("pages/1_Scorecard.py"), "Rank (5th–95th")
    weighted = metric_value(run_page("pages/1_Scorecard.py", mw="1:80"), "Rank (5th–95th")
    numbers(weighted)
    assert weighted != default


# ----- what would it take ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def with_a_scenario() -> AppTest:
    return run_page(scen=PAY_TO_TARGET)


@pytest.mark.parametrize(("indicator_id", "places", "pattern"), [
    ("life_satisfaction", 0, r"^Raising life satisfaction from [\d.]+ score out of 10 to [\d.]+ score out of 10 "
                             r"\(\+[\d.]+ score out of 10\) would turn Mission 8 green\."),
    ("gigabit", 0, r"^No change needed: Mission 4 is already green\.$"),
    ("persistent_absence", 1, r"^Lowering persistent absence \(all pupils\) from [\d.]+% to [\d.]+% \(−[\d.]+ pp\) "
                              r"would move up 1 place among its peers\."),
    ("gross_weekly_pay", 0, r"^Median weekly pay alone cannot turn Mission 1 green: even at £[\d,]+ the goal is not "
                            r"reached, so other metrics would have to improve too\."),
])
def test_what_would_it_take_answers_in_plain_english(with_a_scenario: AppTest, indicator_id: str, places: int,
                                                     pattern: str) -> None:
    at = with_a_scenario
    at.number_input(key="w_wi_places").set_value(places)
    at.selectbox(key="w_wi_need").set_value(indicator_id).run()
    assert not at.exception
    assert re.search(pattern, answer(at)), answer(at)


def test_what_would_it_take_never_names_an_impossible_value(with_a_scenario: AppTest) -> None:
    at = with_a_scenario
    at.number_input(key="w_wi_places").set_value(3)
    at.selectbox(key="w_wi_need").set_value("life_satisfaction").run()
    values = [float(v) for v in re.findall(r"([\d.]+) score out of 10", answer(at))]
    assert values and max(values) <= 10, answer(at)


# ----- local metrics ----------------------------------------------------------------------------------


def test_local_metric_can_be_changed_in_a_scenario(dataset: Dataset) -> None:
    codes = ("E08000030", "E08000031", "E08000025", "E08000026", "E08000027")
    csv = "area_code,period,value\n" + "".join(f"{code},2024,{55 + 3 * i}\n" for i, code in enumerate(codes))
    at = with_local_metric(PAGE, csv, source="Residents' survey", polarity=Polarity.HIGHER_IS_BETTER, mission=9)
    metric = at.session_state["lupe_local_metrics"][0]
    assert "Pride in place (local)" in at.selectbox(key="w_wi_metric").options
    save(add_change(at, metric.meta.id, "target"), "Pride")
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert url(at)["scen"] == f"Pride~{metric.meta.id}=target"
    assert at.dataframe[1].value.loc[0, "Metric"] == "Pride in place (local)"
