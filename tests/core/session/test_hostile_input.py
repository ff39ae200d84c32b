"""Regressions for the hostile-input defects (issue 14), at the layer each was fixed: the link and session-file
decoders, the period parser and the upload validator. The page-level ones are in tests/app/test_hostile_pages.py.
"""

from __future__ import annotations

import io
import json
import time
import zipfile

import pytest

from lupcore.data import Dataset
from lupcore.periods import PeriodError, parse_period
from lupcore.restore import assemble_restored, restore_session
from lupcore.session import SessionFileError, ViewState, decode_query, encode_query, from_session_file
from lupcore.uploads import parse_upload
from tests.fuzz.big_uploads import far_cells_xlsx, fat_cells

WALSALL = "E08000030"
SCHEMA = "levelling-up-place-explorer/session"


@pytest.fixture(scope="module")
def known(dataset: Dataset) -> dict[str, str]:
    return {r.code: r.name for r in dataset.pickable().itertuples(index=False)}


def _metric(name: str, values: tuple[float, ...]) -> dict:
    return {"version": 1, "meta": {"id": "local_pride", "name": name, "source": "Survey", "polarity": 1},
            "periods": ["2024-01-01/P1Y"], "area_code": [WALSALL, "E08000025"], "period": [0, 0], "value": list(values)}


def _session(state: dict[str, str], metrics: list[dict] | None = None) -> bytes:
    return json.dumps({"schema": SCHEMA, "version": 1, "state": state, "local_metrics": metrics or []}).encode()


# 1. a session file listing the same local metric twice -------------------------------------------------

def test_a_local_metric_listed_twice_is_kept_once_last_wins_and_scores(dataset: Dataset) -> None:
    data = _session({"area": WALSALL}, [_metric("First", (1.0, 2.0)), _metric("Second", (3.0, 4.0))])
    restored = restore_session(data, dataset)
    assert [m.meta.name for m in restored.local_metrics] == ["Second"]
    assert any("more than once" in n and "last one" in n for n in restored.notices), restored.notices
    setup = assemble_restored(dataset, WALSALL, restored)  # raised "duplicate entries" before
    assert "local_pride" in setup.panel.ids


# 2. a period too long to compute -----------------------------------------------------------------------

@pytest.mark.parametrize("label", ["2020-01-01/P99999999999999999999Y", "2023-01-01/P99999Y", "9999-12-01/P1Y",
                                   "2020-01-01/P0Y", "0001-01-01/P1M", "2020-01-01/P" + "9" * 5000 + "M"])
def test_unbounded_periods_are_refused_at_parse_time(label: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(label)


def test_a_link_or_session_file_with_a_huge_baseline_drops_only_that_baseline(dataset: Dataset) -> None:
    params = {"area": WALSALL, "base": "gross_weekly_pay:2020-01-01/P99999999999999999999Y,employment_rate:2019-01-01/P1Y"}
    decoded = decode_query(params)
    assert decoded.state.baseline == (("employment_rate", "2019-01-01/P1Y"),)
    assert any("baseline" in n for n in decoded.notices)
    with pytest.raises(SessionFileError, match="baseline"):  # a damaged value in a file refuses the file whole
        from_session_file(_session(params))


# 3. JSON the parser itself rejects -----------------------------------------------------------------------

@pytest.mark.parametrize(("data", "reason"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (('{"schema": "' + SCHEMA + '", "version": ' + "9" * 5000 + "}").encode(), "number too large"),
    ("{}".encode("utf-16"), "not valid JSON"),
])
def test_json_the_parser_rejects_is_refused_with_the_session_error(data: bytes, reason: str) -> None:
    with pytest.raises(SessionFileError, match=reason):
        from_session_file(data)


# 4. duplicated pairs: one rule, and the link, the state and the cache key agree ---------------------------

@pytest.mark.parametrize(("key", "text", "canonical"), [
    ("mw", "3:2.5,3:0", "3:0"), ("mw", "3:0,3:2.5", "3:2.5"), ("iw", "gross_weekly_pay:2,employment_rate:1,gross_weekly_pay:0",
                                                                 "employment_rate:1,gross_weekly_pay:0"),
    ("cmin", "gross_weekly_pay:500,gross_weekly_pay:600", "gross_weekly_pay:600"),
    ("ctgt", "gross_weekly_pay:700,gross_weekly_pay:650", "gross_weekly_pay:650"),
    ("minx", "gross_weekly_pay:median,gross_weekly_pay:national", "gross_weekly_pay:national"),
    ("tgtx", "gross_weekly_pay:best,gross_weekly_pay:mission", "gross_weekly_pay:mission"),
    ("base", "gross_weekly_pay:2019-01-01/P1Y,gross_weekly_pay:2020-01-01/P1Y", "gross_weekly_pay:2020-01-01/P1Y"),
])
def test_a_key_given_twice_means_the_last_one_in_state_link_and_cache_key(key: str, text: str, canonical: str) -> None:
    state = decode_query({key: text}).state
    assert encode_query(state)[key] == canonical
    assert decode_query(encode_query(state)).state == state
    swapped = ",".join(reversed(text.split(",")))
    if swapped != text and encode_query(decode_query({key: swapped}).state)[key] != canonical:
        # the reversed link means something else, so it must not share the state, the link or the cache key
        assert decode_query({key: swapped}).state != state


def test_the_encoder_applies_the_same_rule_to_a_state_built_by_hand() -> None:
    from dataclasses import replace

    s = replace(ViewState().settings, mission_weights=((3, 2.5), (3, 0.0)))
    assert encode_query(ViewState(settings=s))["mw"] == "3:0"  # as dict(pairs) reads it, not sorted pairs "3:0,3:2.5"


# 7. limits before expensive work ------------------------------------------------------------------------------

def test_huge_cells_are_refused_before_any_per_character_work(known: dict[str, str]) -> None:
    start = time.perf_counter()
    result = parse_upload("fat.csv", fat_cells(), known)
    elapsed = time.perf_counter() - start
    assert not result.ok and "a cell may hold at most 1,000" in result.problems[0].message
    assert result.problems[0].row == 2 and result.problems[0].column == "value"
    assert elapsed < 3, f"{elapsed:.1f} s (11 s before the fix)"


def test_a_sheet_declaring_too_many_rows_is_refused_before_it_is_parsed(known: dict[str, str]) -> None:
    start = time.perf_counter()
    result = parse_upload("far.xlsx", far_cells_xlsx(), known)
    elapsed = time.perf_counter() - start
    assert not result.ok and "says it has 300,002 rows" in result.problems[0].message
    assert elapsed < 3, f"{elapsed:.1f} s (19 s before the fix)"


def test_a_far_right_cell_in_every_row_is_not_padded_into_the_table(known: dict[str, str]) -> None:
    """The same attack without a <dimension>: rows are capped by the cell budget and never padded to column XFD."""
    data = far_cells_xlsx(2_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buffer, "w") as out:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.endswith("sheet1.xml"):
                body = body.replace(b'<dimension ref="A1:XFD2000"/>', b"")
            out.writestr(item, body)
    result = parse_upload("far.xlsx", buffer.getvalue(), known)
    assert [p.message for p in result.problems] == ["The first sheet is empty."]


# 9. values that would make scores NaN ---------------------------------------------------------------------------

def test_values_beyond_a_sane_magnitude_are_refused_with_row_and_column(known: dict[str, str]) -> None:
    csv = "area_code,period,value\nE08000030,2023,1e308\nE08000025,2023,-1e308\nE08000026,2023,0\nE08000027,2023,5\n"
    result = parse_upload("x.csv", csv.encode(), known)
    assert not result.ok and result.metrics == ()
    assert [(p.row, p.column) for p in result.problems] == [(2, "value"), (3, "value")]
    assert all("too large to use as a number" in p.message for p in result.problems)


# 10. out-of-range periods -----------------------------------------------------------------------------------------

def test_out_of_range_periods_name_their_row_and_column(known: dict[str, str]) -> None:
    csv = "area_code,period,value\nE08000030,9999-12-01/P1Y,5\nE08000025,2023-01-01/P99999Y,6\nE08000026,2023,7\n"
    result = parse_upload("x.csv", csv.encode(), known)
    assert not result.ok
    assert [(p.row, p.column) for p in result.problems] == [(2, "period"), (3, "period")], result.problems
    assert not any("could not be read" in p.message for p in result.problems)


# 11. unknown metric ids leave the state and the link ----------------------------------------------------------------

def test_unknown_metric_ids_are_dropped_from_state_and_link(dataset: Dataset) -> None:
    decoded = decode_query({"area": WALSALL, "ex": "nosuch,gross_weekly_pay", "iw": "nosuch:5,employment_rate:2",
                            "kill": "nosuch", "cmin": "nosuch:1", "minx": "nosuch:median"},
                           known_metric=lambda i: i in dataset.indicators)
    s = decoded.state.settings
    assert s.excluded == frozenset({"gross_weekly_pay"}) and s.indicator_weights == (("employment_rate", 2.0),)
    assert s.killer == () and s.custom_minimum == () and s.minimum_overrides == ()
    assert "nosuch" not in "".join(encode_query(decoded.state).values())
    assert any("nosuch" in n and "left out" in n for n in decoded.notices)


def test_unknown_peer_variables_are_dropped(dataset: Dataset) -> None:
    from lupcore.peers import available_variables

    decoded = decode_query({"vars": "population,nosuch"}, known_variable=set(available_variables(dataset)).__contains__)
    assert decoded.state.peers.variables == ("population",)
    assert any("nosuch" in n for n in decoded.notices)


# 12. encodings ----------------------------------------------------------------------------------------------------

HEADER = "area_code,period,Café société\n"


def test_utf8_with_one_stray_windows_byte_stays_utf8_with_a_warning_naming_the_row(known: dict[str, str]) -> None:
    data = "area_code,period,Café société,Other\nE08000030,2023,5,1\n".encode() + b"E08000025,2023,6,2 \xe9\n"
    result = parse_upload("x.csv", data, known)
    warnings = [p for p in result.problems if p.severity == "warning" and "not UTF-8" in p.message]
    assert len(warnings) == 1 and warnings[0].row == 3 and warnings[0].message.startswith("Row 3 "), result.problems
    assert any(p.row == 3 and p.column == "Other" for p in result.problems if p.severity == "error")  # "2 �"
    assert not any("Ã" in p.message for p in result.problems)  # the file was not re-read as Windows text
    names = parse_upload("x.csv", data.replace(b" \xe9", b""), known).metrics
    assert [m.meta.name for m in names] == ["Café société", "Other"]  # never re-read as "CafÃ© sociÃ©tÃ©"


def test_a_clean_utf8_file_keeps_its_accents(known: dict[str, str]) -> None:
    result = parse_upload("x.csv", (HEADER + "E08000030,2023,5\nE08000025,2023,6\n").encode(), known)
    assert result.ok and result.metrics[0].meta.name == "Café société"


def test_a_byte_order_mark_inside_a_row_is_removed_with_a_warning(known: dict[str, str]) -> None:
    data = (HEADER + "E08000030,2023,5\n\ufeffE08000025,2023,6\n").encode()
    result = parse_upload("x.csv", data, known)
    assert result.ok, result.problems
    assert [(p.severity, p.row) for p in result.problems] == [("warning", 3)]
    assert "byte-order mark" in result.problems[0].message
    assert set(result.metrics[0].observations["area_code"]) == {WALSALL, "E08000025"}


def test_a_utf32_file_is_read(known: dict[str, str]) -> None:
    result = parse_upload("x.csv", (HEADER + "E08000030,2023,5\nE08000025,2023,6\n").encode("utf-32"), known)
    assert result.ok and result.metrics[0].meta.name == "Café société"
