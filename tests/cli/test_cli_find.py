"""``python -m lupcore find QUERY [--json]``: run as a user runs it (subprocesses started together), then
the variations in-process through the same ``main()``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lupcore import cli

ROOT = Path(__file__).resolve().parents[2]
RUNS: dict[str, list[str]] = {
    "postcode": ["find", "WS1 1TP", "--json"],
    "nothing": ["find", "qqqq zzzz", "--json"],
}


@pytest.fixture(scope="module")
def runs() -> dict[str, subprocess.CompletedProcess[str]]:
    procs = {name: subprocess.Popen([sys.executable, "-m", "lupcore", *args], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for name, args in RUNS.items()}
    out = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=120)
        out[name] = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    return out


def test_postcode_json(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    run = runs["postcode"]
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [
        {"code": "E08000030", "name": "Walsall", "kind": "postcode", "share": None, "note": "", "match": "WS1 1TP"}]


def test_no_candidate_exits_2_with_one_line(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    run = runs["nothing"]
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("No council found for 'qqqq zzzz'")


def test_district_lists_shares(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["find", "ws3", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in records] == ["Walsall", "Cannock Chase", "South Staffordshire"]
    assert all({"code", "name", "kind", "share"} <= set(r) and r["kind"] == "district" for r in records)
    assert records[0]["share"] > 0.95 and sum(r["share"] for r in records) == pytest.approx(1.0)


def test_ambiguous_name_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["find", "Newport"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("W06000022  Newport")
    assert any("Isle of Wight" in line for line in lines)


def test_old_council_finds_successor(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["find", "Allerdale", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)[0]
    assert (first["code"], first["name"], first["kind"]) == ("E06000063", "Cumberland", "council")
    assert "Allerdale" in first["note"]


@pytest.mark.parametrize("query", ["", "\x1b[31mred", "<b>x</b>" * 500, "🙂" * 1000])
def test_awkward_queries_exit_cleanly(query: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["find", query, "--json"])
    out, err = capsys.readouterr()
    assert code in (0, 2)
    if code == 2:
        assert out == "" and len(err.strip().splitlines()) == 1 and len(err) < 200
    else:
        json.loads(out)


def test_missing_places_folder_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("observations.parquet", "areas.parquet", "indicators.json", "missions.json", "neighbours.parquet",
                 "clusters.parquet", "cluster-descriptions.json", "crosswalk.csv"):
        src = ROOT / "data" / name
        (tmp_path / name).write_bytes(src.read_bytes())
    code = cli.main(["--data", str(tmp_path), "find", "WS1 1TP"])
    err = capsys.readouterr().err
    assert code == 2 and "names.parquet is missing" in err and "make data" in err
