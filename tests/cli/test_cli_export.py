"""``python -m lupcore export``: one real subprocess run per outcome class, the rest in-process.

The subprocesses start together in a module fixture (as in ``test_cli.py``) so they cost about one
interpreter start-up; session-file and path cases call the subcommand in-process on the shared
dataset, which is what ``main`` does after loading it.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from pypdf import PdfReader

from lupcore.cli._main import build_parser
from lupcore.data._dataset import Dataset
from lupcore.data._panel import build_panel
from lupcore.model import Polarity
from lupcore.peers import peer_group
from lupcore.scoring import build_engine, build_scorecard
from lupcore.session import PeerSpec, ViewState, to_session_file
from lupcore.settings import Settings
from lupcore.uploads import local_metric_to_dict, parse_upload

ROOT = Path(__file__).resolve().parents[2]
CODE = "E08000030"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    out = tmp_path_factory.mktemp("cli")
    cases = {"pdf": ["walsall", "--format", "pdf", "--out", str(out / "walsall.pdf")],
             "unknown": ["E99999999", "--format", "csv", "--out", str(out / "nothing.csv")]}
    procs = {name: subprocess.Popen([sys.executable, "-m", "lupcore", "export", *args], cwd=ROOT, text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for name, args in cases.items()}
    done = {}
    for name, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=180)
        done[name] = (subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr), Path(cases[name][-1]))
    return done


def _run(dataset: Dataset, *argv: str) -> int:
    args: argparse.Namespace = build_parser().parse_args(["export", *argv])
    return int(args.func(args, dataset))


def test_pdf_by_name_in_a_subprocess(runs: dict) -> None:
    run, path = runs["pdf"]
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().startswith(str(path)) and run.stdout.strip().endswith("KB)")
    reader = PdfReader(path)
    assert 2 <= len(reader.pages) <= 4 and "Walsall" in reader.pages[0].extract_text()


def test_unknown_area_is_one_line_and_exit_2(runs: dict) -> None:
    run, path = runs["unknown"]
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("Unknown area 'E99999999'")
    assert not path.exists()


def test_session_file_settings_and_peers_are_used(dataset: Dataset, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(mission_weights=((7, 2.0),), excluded=frozenset({"smoking"}))
    view = ViewState(area="E06000001", settings=settings, peers=PeerSpec(kind="nearest", k=10))
    session = tmp_path / "workshop.json"
    session.write_bytes(to_session_file(view))
    out = tmp_path / "walsall.xlsx"
    assert _run(dataset, CODE, "--format", "xlsx", "--out", str(out), "--session", str(session)) == 0
    assert capsys.readouterr().out.strip().startswith(str(out))
    wb = openpyxl.load_workbook(out)
    choices = {row[0]: row[1] for row in wb["Settings"].iter_rows(min_row=2, values_only=True)}
    assert choices["Mission weights"] == "Mission 7: ×2" and choices["Metrics left out"] == "Adults who smoke"
    assert wb["Peers"].max_row == 11  # header + the 10 nearest neighbours
    peers = peer_group(dataset, CODE, "nearest", k=10)
    card = build_scorecard(dataset, build_engine(build_panel(dataset, "ltla"), settings, peers.codes), CODE,
                           dict(dataset.missions))
    rows = list(wb["Summary"].iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in rows} == {CODE}  # every row names its area (code, name, then the summary)
    summary = {row[2]: row[3] for row in rows}
    assert summary["Rank"] == card.rank_text  # the AREA argument wins over the session's own area


def test_bad_session_file_is_one_line_and_exit_2(dataset: Dataset, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "notes.json"
    session.write_text("{not json", encoding="utf-8")
    out = tmp_path / "x.csv"
    assert _run(dataset, CODE, "--format", "csv", "--out", str(out), "--session", str(session)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a session file" in err and not out.exists()
    assert _run(dataset, CODE, "--format", "csv", "--out", str(out), "--session", str(tmp_path / "absent.json")) == 2
    assert capsys.readouterr().err.startswith("Cannot read the session file")


def test_unwritable_path_is_one_line_and_exit_2(dataset: Dataset, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(dataset, CODE, "--format", "csv", "--out", str(tmp_path / "no-such-folder" / "x.csv")) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Cannot write")


def test_unusable_peer_set_warns_and_exports_without_peers(dataset: Dataset, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "s.json"
    session.write_bytes(to_session_file(ViewState(peers=PeerSpec(kind="custom", custom=()))))
    out = tmp_path / "w.xlsx"
    assert _run(dataset, CODE, "--format", "xlsx", "--out", str(out), "--session", str(session)) == 0
    assert "warning:" in capsys.readouterr().err
    wb = openpyxl.load_workbook(out)
    assert wb["Peers"]["A2"].value == "No peer group was formed for this area."


@pytest.mark.parametrize(("code", "tier_words"), [("E10000003", "upper-tier authorities"),
                                                  ("E47000001", "combined authorities")])
def test_counties_and_combined_authorities_use_their_tier(dataset: Dataset, tmp_path: Path, code: str,
                                                          tier_words: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"{code}.csv"
    assert _run(dataset, code, "--format", "csv", "--out", str(out)) == 0, capsys.readouterr().err
    frame = pd.read_csv(io.BytesIO(out.read_bytes()), encoding="utf-8-sig")
    assert len(frame) > 0
    xlsx = tmp_path / f"{code}.xlsx"
    assert _run(dataset, code, "--format", "xlsx", "--out", str(xlsx)) == 0
    ranked = {r[0]: r[1] for r in openpyxl.load_workbook(xlsx)["Settings"].iter_rows(min_row=2, values_only=True)}
    assert tier_words in ranked["Ranked among"]


def test_region_has_no_scorecard(dataset: Dataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(dataset, "E12000005", "--format", "pptx", "--out", str(tmp_path / "r.pptx")) == 2
    assert "is not scored" in capsys.readouterr().err


def test_session_local_metrics_are_scored_and_exported(dataset: Dataset, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    known = {r.code: r.name for r in dataset.pickable().itertuples(index=False)}
    upload = parse_upload("long_valid.csv", (ROOT / "tests/fixtures/uploads/long_valid.csv").read_bytes(), known)
    metric = upload.metrics[0]
    metric = metric.with_meta(replace(metric.meta, polarity=Polarity.HIGHER_IS_BETTER, mission=9, unit="index",
                                      source="Council footfall counters"))
    session = tmp_path / "local.json"
    session.write_bytes(to_session_file(ViewState(), [local_metric_to_dict(metric)]))
    out = tmp_path / "local.csv"
    assert _run(dataset, CODE, "--format", "csv", "--out", str(out), "--session", str(session)) == 0, \
        capsys.readouterr().err
    frame = pd.read_csv(out, encoding="utf-8-sig").set_index("Indicator id")
    row = frame.loc[metric.meta.id]
    assert row["Metric"] == f"{metric.meta.name} (local)" and row["Source"] == "Council footfall counters"
    assert float(row["Value"]) == 96.4  # Walsall's latest value in the fixture


def test_damaged_local_metric_is_one_line_and_exit_2(dataset: Dataset, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    session = tmp_path / "damaged.json"
    session.write_bytes(to_session_file(ViewState(), [{"version": 99}]))
    assert _run(dataset, CODE, "--format", "csv", "--out", str(tmp_path / "x.csv"), "--session", str(session)) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "The session file's local metrics are damaged" in err
