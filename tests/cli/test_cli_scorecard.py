"""``python -m lupcore scorecard``: the JSON contract, session files, errors, and the readable table.

Most cases run in-process on ``lupcore.examples`` (numbers checkable by hand; see tests/core/scoring/test_normalise.py);
a few run on the committed data to pin the contract where it matters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lupcore import cli
from lupcore.cli import _main as cli_main
from lupcore.data._dataset import Dataset, load_dataset
from lupcore.data.examples import example_dataset
from lupcore.session import PeerSpec, ViewState, to_session_file
from lupcore.settings import Settings

RAGS = {"red", "amber", "green", "grey"}
INDICATOR_KEYS = {"indicator_id", "period", "value", "minimum", "target", "rag", "clear"}
MISSION_KEYS = {"mission", "score", "rag", "coverage"}
Run = Callable[..., tuple[int, str, str]]


def _strict(text: str) -> dict:
    """Parse as strict JSON: NaN or Infinity in the output fails the test."""
    return json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON number {c}"))


def _runner(ds: Dataset, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    monkeypatch.setattr(cli_main, "load_dataset", lambda data_dir=None: ds)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(["scorecard", *argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    return _runner(example_dataset(), monkeypatch, capsys)


@pytest.fixture(scope="module")
def real() -> Dataset:
    return load_dataset()


def _session(tmp_path: Path, state: ViewState) -> str:
    path = tmp_path / "session.json"
    path.write_bytes(to_session_file(state))
    return str(path)


# ---- the JSON contract on the example ---------------------------------------------------------


def test_json_by_hand(run: Run) -> None:
    code, out, err = run("E06000001", "--json")
    assert (code, err) == (0, "")
    doc = _strict(out)
    pay = {i["indicator_id"]: i for i in doc["indicators"]}["pay"]
    assert {k: pay[k] for k in INDICATOR_KEYS} == {"indicator_id": "pay", "period": "2024-01-01/P1Y", "value": 500.0,
                                                   "minimum": 640.0, "target": 700.0, "rag": "red", "clear": True}
    assert [(m["mission"], m["rag"], m["coverage"]) for m in doc["missions"]] == [(1, "red", 1.0), (3, "red", 1.0),
                                                                                   (5, "red", 1.0)]
    assert doc["missions"][1]["score"] == pytest.approx(100 / 3)
    assert doc["overall"]["score"] == pytest.approx(100 / 9)
    assert (doc["overall"]["rank"], doc["overall"]["of"]) == (5, 5)
    assert doc["settings"] == {} and doc["area"]["tier"] == "ltla"


def test_missing_values_are_null_and_grey(run: Run) -> None:
    doc = _strict(run("Carlow", "--json")[1])  # by name; employment is missing
    employment = {i["indicator_id"]: i for i in doc["indicators"]}["employment"]
    assert (employment["value"], employment["rag"], employment["clear"], employment["score"]) == (None, "grey", None, None)
    mission1 = doc["missions"][0]
    assert (mission1["score"], mission1["rag"], mission1["coverage"]) == (None, "grey", 0.5)  # 1 of 2 < 2/3
    assert doc["overall"]["rank"] == 2


def test_other_nation_ranked_apart_and_uncovered_metrics_left_out(run: Run) -> None:
    doc = _strict(run("W06000001", "--json")[1])
    assert [i["indicator_id"] for i in doc["indicators"]] == ["pay", "employment"]
    assert [m["coverage"] for m in doc["missions"]] == [1.0, None, None]
    assert (doc["overall"]["rank"], doc["overall"]["of"]) == (1, 1)


def test_readable_table(run: Run) -> None:
    code, out, _ = run("E06000001")
    assert code == 0
    assert out.startswith("Ashby (E06000001): overall 11.1 (red), 5th of 5 local authorities in England")
    assert "Mission 3: Transport" in out and "Gross weekly pay" in out and "£640" in out


# ---- session files ----------------------------------------------------------------------------


def test_session_settings_and_peers_are_used(run: Run, tmp_path: Path) -> None:
    state = ViewState(settings=Settings(minimum="peer_median", target="peer_best"), peers=PeerSpec("ons-global"))
    code, out, err = run("E06000001", "--json", "--session", _session(tmp_path, state))
    doc = _strict(out)
    pay = {i["indicator_id"]: i for i in doc["indicators"]}["pay"]
    assert (code, err) == (0, "")
    assert (pay["minimum"], pay["target"]) == (750.0, 900.0)  # Brindle and Dunmore; City of London left out
    assert doc["peers"]["codes"] == ["E06000002", "E09000001", "E06000004"]
    assert doc["settings"] == {"min": "peer_median", "tgt": "peer_best", "v": "1"}


def test_session_weights_change_the_overall(run: Run, tmp_path: Path) -> None:
    state = ViewState(settings=Settings(mission_weights=((3, 2.0),)))
    doc = _strict(run("E06000001", "--json", "--session", _session(tmp_path, state))[1])
    assert doc["overall"]["score"] == pytest.approx((0 + 2 * 100 / 3 + 0) / 4)


def test_unusable_peer_group_warns_and_scores_without_peers(run: Run, tmp_path: Path) -> None:
    state = ViewState(settings=Settings(minimum="peer_median"))
    code, out, err = run("E06000002", "--json", "--session", _session(tmp_path, state))  # no ONS list for Brindle
    assert code == 0 and err.startswith("warning: ") and err.count("\n") == 1
    doc = _strict(out)
    assert doc["peers"] is None
    assert doc["indicators"][0]["minimum"] == 600.0  # the median of all areas instead


def _session_with_state(tmp_path: Path, state: dict[str, str]) -> str:
    path = tmp_path / "s.json"
    doc = json.loads(to_session_file(ViewState()))
    doc["state"] = state
    path.write_text(json.dumps(doc))
    return str(path)


def test_session_notices_are_warnings(run: Run, tmp_path: Path) -> None:
    """A metric the data no longer has is dropped with a warning; the rest of the session applies."""
    code, out, err = run("E06000001", "--json", "--session", _session_with_state(tmp_path, {"iw": "no_such_metric:2"}))
    assert code == 0 and _strict(out)["overall"]["rank"] == 5
    assert err.startswith("warning: ") and "no_such_metric" in err


def test_a_damaged_session_value_is_one_line_and_exit_2(run: Run, tmp_path: Path) -> None:
    code, out, err = run("E06000001", "--json", "--session", _session_with_state(tmp_path, {"min": "nonsense"}))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "settings are damaged (“min=nonsense”" in err


def test_zero_weights_are_one_line_and_exit_2(run: Run, tmp_path: Path) -> None:
    state = ViewState(settings=Settings(mission_weights=((1, 0.0), (3, 0.0), (5, 0.0))))
    code, out, err = run("E06000001", "--json", "--session", _session(tmp_path, state))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and "weight of zero" in err


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "not valid JSON"),
    (b'{"schema": "something-else"}', "not a Levelling Up Place Explorer session file"),
    (b'{"schema": "levelling-up-place-explorer/session", "version": 99, "state": {}}', "version 99"),
    (None, "Cannot read the session file"),
])
def test_bad_session_file_is_one_line_and_exit_2(run: Run, tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "session.json"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("E06000001", "--session", str(path))
    assert (code, out) == (2, "")
    assert err.count("\n") == 1 and message in err


@pytest.mark.parametrize("area", ["Nowhere", "E92000001"])  # unknown; a nation has no scorecard
def test_unknown_or_unscorable_area_is_one_line_and_exit_2(run: Run, area: str) -> None:
    code, out, err = run(area, "--json")
    assert (code, out) == (2, "") and err.count("\n") == 1


# ---- the committed data -----------------------------------------------------------------------


@pytest.mark.parametrize(("area", "tier"), [("E08000030", "ltla"), ("E10000003", "utla"), ("E47000001", "cauth")])
def test_contract_on_the_real_data(real: Dataset, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], area: str, tier: str) -> None:
    code, out, _ = _runner(real, monkeypatch, capsys)(area, "--json")
    doc = _strict(out)
    assert code == 0 and doc["area"]["tier"] == tier
    assert doc["indicators"] and all(INDICATOR_KEYS <= set(i) and i["rag"] in RAGS for i in doc["indicators"])
    assert all(i["clear"] in (True, False, None) for i in doc["indicators"])
    assert len(doc["missions"]) == 12 and all(MISSION_KEYS <= set(m) and m["rag"] in RAGS for m in doc["missions"])
    overall = doc["overall"]
    assert 0 <= overall["score"] <= 100 and 1 <= overall["rank"] <= overall["of"]
