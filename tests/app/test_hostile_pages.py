"""Hostile links and files on the pages (issue 14): a sweep of generated links over every page, and the page-level
regressions. The decoders' own promises are tested in tests/core/session/test_hostile_input.py and tests/fuzz/.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from pagekit import open_page, url, with_local_metric
from streamlit.testing.v1 import AppTest

from lupcore.data import Dataset
from lupcore.format import format_number
from lupcore.scoring import assemble, build_scorecard
from lupcore.session import decode_query
from tests.fuzz import hostile

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))]
WALSALL = "E08000030"
SWEEP = int(os.environ.get("LUPE_SWEEP_LINKS", 200))  # make fuzz raises it
PAYLOADS = ("![n](https://example.invalid/n.png)", "[Re-login](https://example.invalid/phish)",
            "[x](data:text/html,alert)")
UNIT = "![u](https://e.invalid/u.png)"  # units are at most 40 characters
_LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")  # [text]( or ![text]( with neither bracket escaped
_TARGETS = ("https://example.invalid", "https://e.invalid", "data:text")  # where the payloads point


def _links_in(at: AppTest) -> list[str]:
    """Texts that would render a payload as a link or an image (our own links, e.g. the licence, are fine)."""
    return [t for t in _texts(at) if any(m.group(0) and t[m.end():].startswith(_TARGETS) for m in _LINK.finditer(t))
            or "://example.invalid" in t or "://e.invalid" in t]  # a bare URL is linked, escaped or not


def _links(n: int) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []

    @hostile.budget(n)
    @given(hostile.links())
    def collect(params: dict[str, str]) -> None:
        found.append(params)

    collect()
    return found[:n]


def _texts(at: AppTest) -> list[str]:
    """Every element whose text Streamlit renders as Markdown."""
    kinds = (at.markdown, at.caption, at.error, at.warning, at.info, at.success, at.subheader, at.title)
    return [str(e.value) for kind in kinds for e in kind]


def test_a_sweep_of_hostile_links_over_every_page_shows_no_exception() -> None:
    links = _links(SWEEP)
    start, broken = time.perf_counter(), []
    for i, params in enumerate(links):
        page = PAGES[i % len(PAGES)]
        at = open_page(page, check=False, **params)
        if at.exception:
            broken.append((page, params, at.exception[0].value[:200]))
    elapsed = time.perf_counter() - start
    assert len(links) >= min(SWEEP, 200)
    assert not broken, f"{len(broken)} of {len(links)} links raised, e.g. {broken[:3]}"
    print(f"{len(links)} hostile links over {len(PAGES)} pages in {elapsed:.0f} s")


# 2. a huge period in a link ---------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["pages/6_Progress.py", "pages/1_Scorecard.py", "pages/9_Export.py"])
def test_a_baseline_too_long_to_compute_is_dropped_with_a_notice(page: str) -> None:
    at = open_page(page, area=WALSALL, base="gross_weekly_pay:2020-01-01/P99999999999999999999Y")
    assert "base" not in url(at)
    assert any("baseline" in w.value for w in at.warning)


# 3. a session file the JSON parser refuses -----------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"[" * 100_000, ('{"schema": "' + hostile.SCHEMA + '", "version": ' + "9" * 5000 + "}").encode()],
                         ids=["deep-nesting", "5000-digit-version"])
def test_a_session_file_the_parser_refuses_changes_nothing(data: bytes) -> None:
    at = open_page("pages/9_Export.py", area=WALSALL, mw="1:50")
    view = at.session_state["lupe_view"]
    uploader = next(u for u in at.file_uploader if u.key.startswith("w_session_"))
    uploader.set_value(("session.json", data, "application/json")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1 and at.error[0].value.endswith("Nothing was changed.")
    assert at.session_state["lupe_view"] == view and url(at)["mw"] == "1:50"


# 4. two sessions, the same pairs in a different order --------------------------------------------------------------

def test_two_sessions_with_reordered_pairs_each_get_their_own_scores(dataset: Dataset) -> None:
    shown = {}
    for mw in ("3:2.5,3:0", "3:0,3:2.5"):
        at = open_page("pages/1_Scorecard.py", area=WALSALL, mw=mw)
        state = decode_query({"area": WALSALL, "mw": mw}).state
        setup = assemble(dataset, WALSALL, state.settings, state.peers)
        card = build_scorecard(dataset, setup.engine, WALSALL, dict(dataset.missions))
        shown[mw] = at.metric[0].value
        assert shown[mw] == format_number(card.overall, 1), "the page disagrees with a fresh computation"
        assert url(at)["mw"] == mw.split(",")[-1], "the link must be rewritten to what the page shows"
    assert shown["3:2.5,3:0"] != shown["3:0,3:2.5"]


# 5. the Map with nothing to score --------------------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{"wp": "killer"}, {"mw": ",".join(f"{n}:0" for n in range(1, 13))}],
                         ids=["killer-without-metrics", "all-missions-zero"])
def test_the_map_explains_weights_that_leave_nothing_to_score(params: dict[str, str]) -> None:
    at = open_page("pages/3_Map.py", area=WALSALL, **params)
    assert any("weight of zero" in w.value for w in at.warning), [w.value for w in at.warning]


# 6. unknown peer variables ------------------------------------------------------------------------------------------------

def test_unknown_peer_variables_are_dropped_from_the_link() -> None:
    at = open_page("pages/4_Peers.py", area=WALSALL, peers="nearest", vars="population,nosuch")
    assert url(at)["vars"] == "population"
    assert any("nosuch" in w.value for w in at.warning)


# 8. user text is plain text --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["pages/1_Scorecard.py", "pages/6_Progress.py", "pages/7_What_if.py",
                                  "pages/8_Local_metrics.py", "pages/10_Data_and_methods.py"])
def test_a_local_metric_named_with_markdown_is_shown_as_text(page: str) -> None:
    csv = "area_code,period,value\nE08000030,2024,1\nE08000031,2024,2\nE08000025,2024,3\n"
    at = with_local_metric(page, csv, name=PAYLOADS[0], unit=UNIT, source=PAYLOADS[2], mission=9)
    assert not _links_in(at)


def test_a_comparator_set_and_a_scenario_named_with_markdown_are_shown_as_text() -> None:
    at = open_page("pages/4_Peers.py", area=WALSALL, peers="custom", set="E08000031,E08000025", setname=PAYLOADS[1])
    assert any("\\[Re-login\\]" in t for t in _texts(at))
    assert not _links_in(at)
    at = open_page("pages/7_What_if.py", area=WALSALL, scen=f"{PAYLOADS[0]}~gross_weekly_pay=target")
    options = at.radio(key="w_wi_show").options
    assert options and not [o for o in options if _LINK.search(o)], options


# 11. unknown metric ids in a link ---------------------------------------------------------------------------------------------

def test_unknown_metric_ids_leave_the_link() -> None:
    at = open_page("pages/1_Scorecard.py", area=WALSALL, ex="nosuch", iw="nosuch:5")
    assert "ex" not in url(at) and "iw" not in url(at)
    assert any("nosuch" in w.value for w in at.warning)


# 13. the Progress table with a local metric that has no mission ----------------------------------------------------------------

class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_progress_with_a_local_metric_without_a_mission_logs_no_arrow_error() -> None:
    logger = logging.getLogger("streamlit.dataframe_util")  # streamlit's loggers do not propagate
    handler, level = _Records(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        csv = "area_code,period,value\nE08000030,2024,1\nE08000031,2024,2\nE08000025,2024,3\n"
        at = with_local_metric("pages/6_Progress.py", csv, mission=None, source="Residents' survey")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert "–" in set(at.dataframe[0].value["Mission"])
    assert not [r for r in handler.records if r.exc_info or "Arrow" in r.getMessage()], \
        [r.getMessage()[:120] for r in handler.records]


def test_session_state_from_json_is_kept_as_text() -> None:
    """Guards the sweep: a session file is JSON, and a state value that is not text is refused, not evaluated."""
    data = json.dumps({"schema": hostile.SCHEMA, "version": 1, "state": {"area": ["E08000030"]}}).encode()
    at = open_page("pages/9_Export.py", area=WALSALL)
    next(u for u in at.file_uploader if u.key.startswith("w_session_")).set_value(("s.json", data, "application/json")).run()
    assert not at.exception and at.error[0].value.endswith("Nothing was changed.")
