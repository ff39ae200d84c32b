"""``python -m lupcore whatif`` and ``projection``: the JSON contract on the real data, run as a user runs it.

Two subprocesses start together (one interpreter start-up of wall time on two cores); the other
paths (unknown area or metric, bad change, session files) run in-process on ``lupcore.examples``,
by pointing the CLI's data loader at the example dataset: ``cli.main``'s return is the exit code.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lupcore import cli
from lupcore.cli import _main as cli_main
from lupcore.data import examples
from lupcore.session import ViewState, to_session_file

ROOT = Path(__file__).resolve().parents[2]
RUNS: dict[str, list[str]] = {
    "whatif": ["whatif", "E08000030", "--set", "level3_plus=+5", "--set", "employment_rate=+2%",
               "--set", "ks2_expected=target", "--json"],
    "projection": ["projection", "walsall", "ks2_expected", "--json"],
}
Run = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def runs() -> dict[str, Run]:
    procs = {name: subprocess.Popen([sys.executable, "-m", "lupcore", *args], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name, args in RUNS.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return out


def test_whatif_json_contract(runs: dict[str, Run]) -> None:
    run = runs["whatif"]
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["caveat"] == "Other areas held constant."
    for side in ("before", "after"):
        overall = data[side]["overall"]
        assert {"score", "rank", "of"} <= set(overall) and overall["of"] > 250
        assert all({"mission", "score", "rag"} <= set(m) for m in data[side]["missions"])
    assert data["after"]["overall"]["score"] > data["before"]["overall"]["score"]
    assert data["after"]["overall"]["rank"] <= data["before"]["overall"]["rank"]
    changes = {c["indicator_id"]: c for c in data["changes"]}
    assert set(changes) == {"level3_plus", "employment_rate", "ks2_expected"}
    l3 = changes["level3_plus"]
    assert l3["new_value"] == pytest.approx(l3["old_value"] + 5) and l3["people"] > 0
    assert {"old_rag", "new_rag"} <= set(l3)
    assert changes["ks2_expected"]["new_rag"] == "green"  # set to its target


def test_projection_json_contract(runs: dict[str, Run]) -> None:
    run = runs["projection"]
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["status"] == "projected" and data["horizon"]["label"] == "2029/30"
    fit = data["fit"]
    assert fit["transform"] == "logit" and fit["n"] == len(fit["points"]) >= 5
    assert {"slope", "intercept"} <= set(fit)
    lo, hi = data["projection"]["pi95"]
    assert lo < data["projection"]["point"] < hi
    mission = next(t for t in data["targets"] if t["label"] == "Mission target")
    assert mission["value"] == 90 and 0 <= mission["probability"] <= 1
    assert {"likelihood", "required_per_year", "achieved_per_year", "pace"} <= set(mission)
    assert any("2019/20 and 2020/21" in n for n in data["notes"])  # KS2's pandemic gap is named


# ---- in-process, on the example data ------------------------------------------------------------


@pytest.fixture
def example_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_main, "load_dataset", lambda *_args, **_kwargs: examples.example_dataset())


def main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("args", "message"), [
    (["whatif", "E06000001", "--set", "nope=1"], "Unknown metric 'nope'"),
    (["whatif", "E06000001", "--set", "ks2=abc"], "is not a change"),
    (["whatif", "E06000001", "--set", "ks2"], "is not ID=CHANGE"),
    (["whatif", "E06000001"], "Give at least one --set"),
    (["projection", "E06000001", "ks3"], "Unknown metric 'ks3'. Closest matches: ks2"),
    (["projection", "Nowhere", "ks2"], "Unknown area 'Nowhere'"),
    (["whatif", "E99999999", "--set", "ks2=65", "--json"], "Unknown area 'E99999999'"),
])
def test_user_errors_exit_2(example_cli: None, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = main(capsys, *args)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_bad_session_file_exits_2(example_cli: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "session.json"
    bad.write_text("{not json", encoding="utf-8")
    code, _, err = main(capsys, "whatif", "E06000001", "--set", "ks2=60", "--session", str(bad))
    assert code == 2 and "This is not a session file" in err
    code, _, err = main(capsys, "projection", "E06000001", "ks2", "--session", str(tmp_path / "missing.json"))
    assert code == 2 and err.startswith("Cannot read the session file")


def test_session_scenario_and_settings(example_cli: None, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    state = ViewState(scenarios=(("Schools", (("ks2", "target"),)), ("Jobs", (("employment", "+2"),))))
    path = tmp_path / "session.json"
    path.write_bytes(to_session_file(state))
    code, out, _ = main(capsys, "whatif", "E06000001", "--session", str(path), "--scenario", "Jobs", "--json")
    data = json.loads(out)
    assert code == 0 and data["scenario"] == "Jobs" and data["changes"][0]["indicator_id"] == "employment"
    assert data["after"]["overall"]["peer_of"] == 4  # Ashby and its three ONS peers
    code, _, err = main(capsys, "whatif", "E06000001", "--session", str(path), "--scenario", "Roads")
    assert code == 2 and "no scenario called 'Roads'" in err


def test_text_output_with_intervals(example_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = main(capsys, "whatif", "E06000001", "--set", "ks2=target", "--intervals")
    assert code == 0 and "Other areas held constant." in out
    assert "Rank with its 5–95% range: 5th (" in out and "red → green" in out


def test_projection_without_enough_data(example_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = main(capsys, "projection", "E06000001", "ks2", "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "not enough data" and data["projection"] is None
    assert data["reason"].startswith("Not enough data to project: 2 comparable points")
