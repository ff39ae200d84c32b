"""The Local metrics and Export pages through AppTest, uploads included (AppTest 1.67 can set file uploaders).

The promise under test: a good file joins the scorecard like an official metric; a bad file or a
bad session file gives a report and changes nothing, so weights set in the link, metrics already
added and scenarios all survive; a saved session brings everything back in a new session.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import streamlit
from pagekit import open_page as _open, url
from streamlit.testing.v1 import AppTest

APP = "../../app.py"  # AppTest resolves paths against this test file
LOCAL = "pages/8_Local_metrics.py"
EXPORT = "pages/9_Export.py"
SCORECARD = "pages/1_Scorecard.py"
WALSALL = "E08000030"
WEST_MIDLANDS = ("E08000030", "E08000031", "E08000025", "E08000026", "E08000027")
GOOD_CSV = ("area_code,period,value\n"
            + "".join(f"{code},2024,{v}\n" for code, v in zip(WEST_MIDLANDS, (70.5, 58.2, 55.0, 63.1, 60.4), strict=True))
            ).encode()
BAD_CSV = b"area_code,period,value\nWalsall,2024,61.5\nE08000031,20xx,58.2\nE08000025,2024,lots\n"
LINK = {"area": WALSALL, "mw": "1:50", "scen": "Pay~gross_weekly_pay=target"}
SUBMIT = "FormSubmitter:w_meta_form-Add these metrics"






def open_page(page: str, **params: str) -> AppTest:
    return _open(page, **(params or LINK))


def uploader(at: AppTest, prefix: str) -> Any:
    """The page's uploader; its key changes after each success so that it comes back empty."""
    return next(u for u in at.file_uploader if u.key.startswith(prefix))


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    uploader(at, "w_upload_").set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def add_pride(at: AppTest, source: str = "Walsall residents' survey 2024") -> AppTest:
    """Upload the good file and describe it, as a user would."""
    upload(at, "pride_in_place.csv", GOOD_CSV)
    at.text_input(key="w_lm_src_0").input(source)
    at.selectbox(key="w_lm_mission_0").set_value(9)
    return at.button(key=SUBMIT).click().run()


def local_metrics(at: AppTest) -> tuple:
    return at.session_state["lupe_local_metrics"] if "lupe_local_metrics" in at.session_state else ()


def listed(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**") and "(local)" in m.value]


@pytest.fixture
def saved_downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """What the page hands to ``st.download_button``, by key: AppTest does not expose downloaded bytes."""
    captured: dict[str, Any] = {}
    real = streamlit.download_button

    def spy(label: str, data: Any = None, *args: Any, key: str | None = None, **kwargs: Any) -> Any:
        captured[str(key)] = data
        return real(label, data, *args, key=key, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", spy)
    yield captured


# ----- Local metrics ------------------------------------------------------------------------------


def test_templates_and_rules_are_offered_before_any_upload() -> None:
    at = open_page(LOCAL)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Long form template (CSV)", "Wide form template (CSV)", "Template with notes (Excel)"]
    assert any("None yet" in c.value for c in at.caption)
    assert not at.get("form")


def test_good_upload_is_added_and_joins_the_scorecard() -> None:
    at = open_page(LOCAL)
    upload(at, "pride_in_place.csv", GOOD_CSV)
    assert [s.value for s in at.success] == ["1 metric, 5 values for 5 areas: ready to add"]
    assert at.text_input(key="w_lm_name_0").value == "Pride in place"
    assert local_metrics(at) == ()
    at.text_input(key="w_lm_src_0").input("Walsall residents' survey 2024")
    at.selectbox(key="w_lm_mission_0").set_value(9)
    at.button(key=SUBMIT).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value.startswith("Added 1 local metric(s).") for s in at.success)
    assert listed(at) == ["**Pride in place** (local) · no unit · higher is better · Mission 9: Pride in place · "
                          "5 values · source: Walsall residents' survey 2024"]
    assert [u.key for u in at.file_uploader] == ["w_upload_1"], "the uploader should come back empty"
    assert url(at) == {**LINK, "v": "1"}, "adding a metric must not disturb the shared view"

    at.switch_page(SCORECARD).run()
    assert not at.exception
    rows = at.dataframe[1].value.set_index("Metric")
    row = rows.loc["Pride in place (local)"]
    assert (row["Mission"], row["Value"], row["Period"]) == ("Mission 9: Pride in place", "70.5", "2024")
    assert row["Status"].endswith("Green"), "Walsall has the highest of the five values"
    assert "Pride in place" in at.get("vega_lite_chart")[0].proto.spec


def test_malformed_upload_is_reported_and_changes_nothing() -> None:
    """A bad file adds nothing, and weights, scenarios and metrics already added are kept."""
    at = add_pride(open_page(LOCAL))
    before_view, before_metrics = at.session_state["lupe_view"], at.session_state["lupe_local_metrics"]
    upload(at, "broken.csv", BAD_CSV)
    assert [e.value for e in at.error] == ["3 problems found; nothing was added"]
    report = at.dataframe[0].value
    assert list(report.columns) == ["Severity", "Row", "Column", "Message"]
    errors = report[report["Severity"] == "error"]
    assert [(int(r), c) for r, c in zip(errors["Row"], errors["Column"], strict=True)] == [
        (2, "area_code"), (3, "period"), (4, "value")]
    assert "Walsall" in errors.iloc[0]["Message"] and "E08000030" in errors.iloc[0]["Message"], "offer the code"
    assert not at.get("form"), "no metadata form for a file with errors"
    assert at.session_state["lupe_view"] == before_view
    assert at.session_state["lupe_local_metrics"] is before_metrics
    assert url(at) == {**LINK, "v": "1"}
    assert len(listed(at)) == 1


@pytest.mark.parametrize(("name", "data", "message"), [
    ("metrics.csv", b"", "The file is empty."),
    ("metrics.csv", b"PK\x03\x04rest-of-a-zip", "Excel workbook with a .csv name"),
    ("metrics.csv", b"\x00\x01\x02binary", "not readable text"),
])
def test_unreadable_files_get_one_clear_problem(name: str, data: bytes, message: str) -> None:
    """Other extensions (.xls) never reach the page: Streamlit's uploader refuses them by type."""
    at = open_page(LOCAL)
    uploader(at, "w_upload_").set_value((name, data, "text/csv")).run()
    assert not at.exception
    assert [e.value for e in at.error] == ["1 problem found; nothing was added"]
    assert message in at.dataframe[0].value.iloc[0]["Message"]
    assert url(at) == {**LINK, "v": "1"}


def test_missing_source_is_refused_and_nothing_is_added() -> None:
    at = add_pride(open_page(LOCAL), source="  ")
    assert any("Say where the numbers come from" in e.value for e in at.error), [e.value for e in at.error]
    assert any("Nothing was added; your other work is unchanged." in i.value for i in at.info)
    assert local_metrics(at) == ()
    assert listed(at) == []


def test_remove_takes_the_metric_out_of_the_scorecard() -> None:
    at = add_pride(open_page(LOCAL))
    at.button(key="w_lm_remove_local_pride_in_place").click().run()
    assert listed(at) == []
    at.switch_page(SCORECARD).run()
    assert "Pride in place (local)" not in set(at.dataframe[1].value["Metric"])


# ----- Export and session -----------------------------------------------------------------------------


def test_export_page_offers_every_format_and_a_session_save() -> None:
    at = open_page(EXPORT)
    buttons = {b.proto.label: b.proto for b in at.get("download_button")}
    assert list(buttons) == ["One-page summary (A4 PDF)", "Full report (PDF, 2–4 pages)", "PowerPoint deck",
                             "Excel workbook", "Scorecard as CSV", "Save the session"]
    assert all(buttons[label].deferred_file_id for label in list(buttons)[:5]), "exports are built on click"
    assert [u.label for u in at.file_uploader] == ["Load a session file"]
    assert [s.value for s in at.subheader][0] == "A summary of Walsall to take away"
    # AppTest has no browser address; in a browser the whole link is shown (tests/e2e/test_access.py)
    assert at.code[0].value == "?area=E08000030&mw=1%3A50&scen=Pay~gross_weekly_pay%3Dtarget&v=1"


def test_saved_session_restores_view_and_local_metrics_in_a_new_session(saved_downloads: dict[str, Any]) -> None:
    at = add_pride(open_page(LOCAL))
    at.switch_page(EXPORT).run()
    saved = saved_downloads["w_save_session"]
    doc = json.loads(saved)
    assert doc["state"] == {**LINK, "v": "1"} and [m["meta"]["name"] for m in doc["local_metrics"]] == ["Pride in place"]

    fresh = open_page(EXPORT, area="E06000001")
    assert [s.value for s in fresh.subheader][0] == "A summary of Hartlepool to take away"
    uploader(fresh, "w_session_").set_value(("walsall-session.json", saved, "application/json")).run()
    assert not fresh.exception and not fresh.error, [e.value for e in fresh.error]
    assert [s.value for s in fresh.success] == ["Session restored with 1 local metric(s)."]
    assert fresh.session_state["lupe_view"] == at.session_state["lupe_view"]
    assert url(fresh) == {**LINK, "v": "1"}
    assert [s.value for s in fresh.subheader][0] == "A summary of Walsall to take away"
    restored = fresh.session_state["lupe_local_metrics"]
    assert [m.meta for m in restored] == [m.meta for m in at.session_state["lupe_local_metrics"]]
    fresh.switch_page(SCORECARD).run()
    assert "Pride in place (local)" in set(fresh.dataframe[1].value["Metric"])


def _good_session() -> dict[str, Any]:
    return {"schema": "levelling-up-place-explorer/session", "version": 1, "saved_at": "2026-11-24T00:00:00Z",
            "state": {"area": "E06000001", "v": "1"},
            "local_metrics": [{"version": 1, "meta": {"id": "local_x", "name": "X", "source": "Survey", "polarity": 1},
                               "periods": ["2024-01-01/P1Y"], "area_code": ["E06000001", "E06000002"],
                               "period": [0, 0], "value": [1.0, 2.0]}]}


def _bad(change: str) -> bytes:
    doc = _good_session()
    if change == "tampered":
        return json.dumps(doc).encode()[:-40]
    if change == "wrong schema":
        doc["schema"] = "another-app/session"
    elif change == "newer":
        doc["version"] = 2
    elif change == "damaged metric":
        doc["local_metrics"][0]["value"][1] = "lots"
    elif change == "damaged setting":  # with an area that no longer exists and a peer method: none of it applies
        doc["state"].update(area="E99999999", mw="1:abc", peers="nearest")
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("change", "message"), [
    ("tampered", "This is not a session file (not valid JSON"),
    ("wrong schema", "This JSON file is not a Levelling Up Place Explorer session file."),
    ("newer", "This session file is version 2; this app reads version 1."),
    ("damaged metric", "The session file's local metrics are damaged: Saved metric 'X'"),
    ("damaged setting", "The session file's settings are damaged (“mw=1:abc” in the session file was not used: "
                        "'abc' is not a number)."),
])
def test_bad_session_file_is_explained_and_changes_nothing(change: str, message: str) -> None:
    at = add_pride(open_page(LOCAL))
    at.switch_page(EXPORT).run()
    view, metrics = at.session_state["lupe_view"], at.session_state["lupe_local_metrics"]
    uploader(at, "w_session_").set_value(("session.json", _bad(change), "application/json")).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(message) and errors[0].endswith("Nothing was changed."), errors
    assert not at.success
    assert at.session_state["lupe_view"] == view and at.session_state["lupe_local_metrics"] is metrics
    assert url(at) == {**LINK, "v": "1"}
    assert [s.value for s in at.subheader][0] == "A summary of Walsall to take away"


def test_a_file_whose_council_no_longer_exists_keeps_the_council_on_screen() -> None:
    at = open_page(EXPORT)
    doc = _good_session()
    doc["state"]["area"] = "E07000001"  # well formed, not a current authority
    uploader(at, "w_session_").set_value(("session.json", json.dumps(doc).encode(), "application/json")).run()
    assert not at.exception and not at.error
    assert url(at)["area"] == "E08000030"  # Walsall, the council already chosen
    assert any("E07000001" in w.value for w in at.warning)


def test_the_untouched_template_for_bad_files_restores() -> None:
    """Guards the bad-file cases: each must fail for its own change, not for a broken template."""
    at = open_page(EXPORT)
    uploader(at, "w_session_").set_value(("session.json", json.dumps(_good_session()).encode(), "application/json"))
    at.run()
    assert not at.error and [s.value for s in at.success] == ["Session restored with 1 local metric(s)."]
    assert url(at) == {"area": "E06000001", "v": "1"}


def test_upload_limit_in_the_rules_is_the_uploaders_limit() -> None:
    """The rules said 10 MB while the uploader said 12 MB (the server's limit, set for session files)."""
    from lupcore.uploads.vocabulary import MAX_BYTES
    at = open_page(LOCAL)
    upload = next(u for u in at.file_uploader if u.label == "Upload a CSV or Excel file")
    assert upload.proto.max_upload_size_mb == MAX_BYTES // 1024 // 1024 == 10
    assert any("At most 10 MB" in m.value for m in at.markdown)
