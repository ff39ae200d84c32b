"""Session files through ``lupcore.restore``: the one restore path shared by the Export page and the CLI.

A saved session must come back exactly (view and local metrics), and a damaged, tampered or newer
file must be refused with one clear message, never a traceback: the page only catches
``SessionFileError``, so any other exception would reach the user.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from lupcore.data._dataset import Dataset
from lupcore.model import LocalControl, Polarity
from lupcore.restore import Restored, restore_session
from lupcore.scoring import assemble
from lupcore.session import SESSION_VERSION, PeerSpec, SessionFileError, ViewState, to_session_file
from lupcore.settings import Settings
from lupcore.uploads import LocalMetricData, local_metric_to_dict, parse_upload

WALSALL = "E08000030"
WEST_MIDLANDS = ("E08000030", "E08000031", "E08000025", "E08000026", "E08000027")
# Two periods, a missing value and confidence intervals: everything the compact session form encodes.
PRIDE_CSV = ("area_code,period,value,lci95,uci95\n"
             + "".join(f"{code},2023/24,{50 + i * 2.5},{48 + i * 2.5},{52 + i * 2.5}\n" for i, code in enumerate(WEST_MIDLANDS))
             + "E08000030,2024/25,57.25,55,59.5\nE08000031,2024/25,,,\n")
FOOTFALL_CSV = "metric,area_code,period,value\n" + "".join(
    f"Town centre footfall,{code},2024,{100 + 7 * i}\n" for i, code in enumerate(WEST_MIDLANDS))


def known_codes(dataset: Dataset) -> dict[str, str]:
    return {r.code: r.name for r in dataset.pickable().itertuples(index=False)}


def upload(dataset: Dataset, name: str, text: str, taken: tuple[str, ...] = (), **meta: object) -> LocalMetricData:
    """A local metric as the Local metrics page would add it: parsed, then described by the user."""
    result = parse_upload(name, text.encode(), known_codes(dataset), taken_ids=list(taken))
    assert result.ok, result.problems
    metric = result.metrics[0]
    return metric.with_meta(replace(metric.meta, **meta))


@pytest.fixture(scope="module")
def local_metrics(dataset: Dataset) -> tuple[LocalMetricData, ...]:
    pride = upload(dataset, "pride_in_place.csv", PRIDE_CSV, source="Walsall residents' survey, 1,850 respondents",
                   unit="%", polarity=Polarity.HIGHER_IS_BETTER, mission=9, capital="social",
                   local_control=LocalControl.HIGH, minimum=50.0, target=60.0)
    footfall = upload(dataset, "footfall.csv", FOOTFALL_CSV, taken=(pride.meta.id,), source="Council footfall counters",
                      unit="index", polarity=Polarity.LOWER_IS_BETTER, decimals=0)
    return pride, footfall


@pytest.fixture(scope="module")
def view(local_metrics: tuple[LocalMetricData, ...]) -> ViewState:
    """A view that touches every part of the state, including references to the local metrics."""
    pride = local_metrics[0].meta.id
    return ViewState(
        area=WALSALL,
        settings=Settings(minimum="median", target="top_decile", normalisation="percentile",
                          mission_weights=((1, 40.0), (9, 25.5)), indicator_weights=((pride, 80.0),),
                          custom_minimum=((pride, 50.0),), minimum_overrides=((pride, "custom"),),
                          excluded=frozenset({"gigabit"})),
        peers=PeerSpec(kind="nearest", k=10),
        compare=("E08000031", "E08000025"),
        baseline=(("claimant_rate", "2018-01-01/P1Y"), ("gross_weekly_pay", "2012-04-18")),
        scenarios=(("Pay", (("gross_weekly_pay", "target"),)),
                   ("Pride", ((pride, "+5%"), ("claimant_rate", "=-2"), ("employment_rate", "+2")))),
        presenter=True,
    )


@pytest.fixture(scope="module")
def saved(view: ViewState, local_metrics: tuple[LocalMetricData, ...]) -> bytes:
    return to_session_file(view, [local_metric_to_dict(m) for m in local_metrics])


def restored_from(doc: dict, dataset: Dataset) -> Restored:
    return restore_session(json.dumps(doc).encode(), dataset)


def sentences(message: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z'“])", message.strip()) if s]


# ----- round trip -----------------------------------------------------------------------------


def test_session_round_trip_restores_view_and_local_metrics(saved: bytes, view: ViewState, dataset: Dataset,
                                                            local_metrics: tuple[LocalMetricData, ...]) -> None:
    restored = restore_session(saved, dataset)
    assert restored.state == view
    assert restored.notices == ()
    assert [m.meta for m in restored.local_metrics] == [m.meta for m in local_metrics]
    for got, want in zip(restored.local_metrics, local_metrics, strict=True):
        pd.testing.assert_frame_equal(got.observations.reset_index(drop=True), want.observations.reset_index(drop=True))


def test_missing_values_and_intervals_survive(saved: bytes, dataset: Dataset) -> None:
    """An empty cell must stay missing (never zero) and intervals must come back with their values."""
    pride = restore_session(saved, dataset).local_metrics[0].observations.set_index(["area_code", "period"])
    assert pd.isna(pride.loc[("E08000031", "2024-04-01/P1Y"), "value"])
    assert tuple(pride.loc[(WALSALL, "2024-04-01/P1Y"), ["value", "lci95", "uci95"]]) == (57.25, 55.0, 59.5)


def test_a_restored_session_scores_like_the_original(saved: bytes, view: ViewState, dataset: Dataset,
                                                     local_metrics: tuple[LocalMetricData, ...]) -> None:
    """The CLI and the exports rebuild the engine from the file: the numbers must not drift."""
    restored = restore_session(saved, dataset)
    before = assemble(dataset, WALSALL, view.settings, view.peers, local_metrics)
    after = assemble(dataset, WALSALL, restored.state.settings, restored.state.peers, restored.local_metrics)
    assert local_metrics[0].meta.id in {m.id for m in after.panel.indicators}
    assert after.engine.settings == before.engine.settings
    pd.testing.assert_frame_equal(pd.DataFrame(after.panel.values), pd.DataFrame(before.panel.values))
    assert after.peers is not None and after.peers.codes == before.peers.codes


def test_an_empty_session_restores_the_defaults(dataset: Dataset) -> None:
    restored = restore_session(to_session_file(ViewState()), dataset)
    assert restored.state == ViewState() and restored.local_metrics == () and restored.notices == ()


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("ex", "local_not_here", "(local_not_here)"),  # a local metric the file does not carry
    ("scen", "A~no_such_metric=5;gross_weekly_pay=target", "(no_such_metric)"),
])
def test_metrics_the_data_or_file_lacks_are_dropped_item_by_item(saved: bytes, dataset: Dataset, key: str,
                                                                  value: str, fragment: str) -> None:
    doc = json.loads(saved)
    doc["state"][key] = value
    restored = restored_from(doc, dataset)
    assert any("names metrics this data does not have" in n and fragment in n for n in restored.notices)
    if key == "scen":
        assert restored.state.scenarios == (("A", (("gross_weekly_pay", "target"),)),)


def test_unknown_area_is_a_notice_not_a_failure(saved: bytes, dataset: Dataset) -> None:
    """A council that no longer exists should not cost the user the rest of a saved session."""
    doc = json.loads(saved)
    doc["state"]["area"] = "E07000001"  # well formed, but not a current authority
    restored = restored_from(doc, dataset)
    assert restored.state.area is None and len(restored.local_metrics) == 2
    assert any("E07000001" in n for n in restored.notices)


# ----- files that must be refused ---------------------------------------------------------------


def _tampered(saved: bytes, how: str) -> bytes:
    doc = json.loads(saved)
    if how == "truncated":
        return saved[: len(saved) // 2]
    if how == "not json":
        return b"area=E08000030&mw=1:50"
    if how == "binary":
        return bytes(range(256))
    if how == "wrong schema":
        doc["schema"] = "some-other-tool/session"
    elif how == "no schema":
        del doc["schema"]
    elif how == "a list":
        doc = [doc]
    elif how == "newer version":
        doc["version"] = SESSION_VERSION + 1
    elif how == "version as text":
        doc["version"] = "1"
    elif how == "version zero":
        doc["version"] = 0
    elif how == "bad weight":
        doc["state"]["mw"] = "1:abc"
    elif how == "bad baseline":
        doc["state"]["base"] = "gross_weekly_pay:1999"
    elif how == "state not text":
        doc["state"]["mw"] = [1, 50]
    elif how == "local metrics not a list":
        doc["local_metrics"] = {"pride": doc["local_metrics"][0]}
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("how", "fragment"), [
    ("truncated", "not valid JSON"),
    ("not json", "not valid JSON"),
    ("binary", "not a session file"),
    ("wrong schema", "not a Levelling Up Place Explorer session file"),
    ("no schema", "not a Levelling Up Place Explorer session file"),
    ("a list", "not a Levelling Up Place Explorer session file"),
    ("newer version", f"version {SESSION_VERSION + 1}; this app reads version {SESSION_VERSION}"),
    ("version as text", "version '1'"),
    ("version zero", "version 0; this app reads version"),
    ("bad weight", "settings are damaged (“mw=1:abc” in the session file was not used: 'abc' is not a number)"),
    ("bad baseline", "settings are damaged (The baseline “gross_weekly_pay:1999” in the session file was not used"),
    ("state not text", "state is damaged"),
    ("local metrics not a list", "local metrics are damaged"),
])
def test_bad_files_raise_one_clear_sentence(saved: bytes, dataset: Dataset, how: str, fragment: str) -> None:
    with pytest.raises(SessionFileError) as caught:
        restore_session(_tampered(saved, how), dataset)
    message = str(caught.value)
    assert fragment in message
    assert len(sentences(message)) == 1 and message.endswith(".") and "\n" not in message, message
    assert "Traceback" not in message and "Error" not in message


@pytest.mark.parametrize(("field", "value", "fragment"), [
    ("value", "lots", "'lots' is not a number"),
    ("area_code", "E99999999", "'E99999999' is not a current area code"),
    ("period", 42, "is not a period"),
    ("meta.source", "", "Say where the numbers come from"),
    ("meta.name", "<img src=x onerror=alert(1)>", "contains HTML"),
    ("meta.polarity", 5, "could not be read"),
    ("version", 99, "from another version of the app"),
])
def test_damaged_local_metric_refuses_the_whole_file(saved: bytes, dataset: Dataset, field: str, value: object,
                                                     fragment: str) -> None:
    """Nothing half-restored: one bad local metric means no view and no metrics are returned."""
    doc = json.loads(saved)
    entry = doc["local_metrics"][0]
    if field.startswith("meta."):
        entry["meta"][field[5:]] = value
    elif field == "version":
        entry["version"] = value
    else:
        entry[field][0] = value
    with pytest.raises(SessionFileError) as caught:
        restored_from(doc, dataset)
    message = str(caught.value)
    assert message.startswith("The session file's local metrics are damaged:") and fragment in message, message
    assert "\n" not in message and "<img" not in message.split(":", 1)[0]


def test_damaged_local_metric_message_is_one_sentence(saved: bytes, dataset: Dataset) -> None:
    doc = json.loads(saved)
    doc["local_metrics"][0]["area_code"][0] = "E99999999"
    with pytest.raises(SessionFileError) as caught:
        restored_from(doc, dataset)
    assert len(sentences(str(caught.value))) == 1, str(caught.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_corruption_is_refused_or_restored_never_a_crash(saved: bytes, dataset: Dataset, data: st.DataObject) -> None:
    """Hand-edited files: the page catches only SessionFileError, so nothing else may escape."""
    raw = bytearray(saved)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        position = data.draw(st.integers(0, len(raw) - 1), label="position")
        raw[position] = data.draw(st.integers(0, 255), label="byte")
    try:
        restored = restore_session(bytes(raw), dataset)
    except SessionFileError as exc:
        assert str(exc).strip(), "an empty message tells the user nothing"
    else:
        assert isinstance(restored.state, ViewState)


keys = st.sampled_from(["area", "min", "tgt", "minx", "cmin", "norm", "mw", "iw", "ex", "peers", "k", "set",
                        "cmp", "base", "scen", "present", "v"])
texts = st.text(st.sampled_from("abcE0123456789:,|~;=+-%./PY _'é"), max_size=24)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(state=st.dictionaries(keys, texts, min_size=1, max_size=4))
def test_tampered_state_values_restore_whole_or_not_at_all(saved: bytes, dataset: Dataset,
                                                           state: dict[str, str]) -> None:
    """A value that cannot be read refuses the file in one sentence; anything else restores whole."""
    doc = json.loads(saved)
    doc["state"] = state
    try:
        restored = restored_from(doc, dataset)
    except SessionFileError as exc:
        assert str(exc).startswith("The session file's settings are damaged (") and "\n" not in str(exc)
    else:
        assert isinstance(restored.state, ViewState) and len(restored.local_metrics) == 2
