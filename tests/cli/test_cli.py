"""``python -m lupcore``: the analysts' CLI, run as a user runs it (a subprocess) wherever that is cheap.

The subprocesses are started together in one module fixture so the module costs about one
interpreter start-up, not several; the variations (a name instead of a code, a misspelling) run
the same ``main()`` in-process on the session's dataset. Data-file faults are tested in-process,
because the CLI always reads ``lupcore.data.DATA_DIR`` (it has no ``--data`` option).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lupcore import cli
from lupcore.cli import _main as cli_main
from lupcore.data._dataset import Dataset, load_dataset
from lupcore.data._files import DataFileError

ROOT = Path(__file__).resolve().parents[2]
RUNS: dict[str, list[str]] = {
    "areas": ["areas", "--json"],
    "profile_code": ["profile", "E08000030", "--json"],
    "unknown_code": ["profile", "E99999999", "--json"],
}
PROFILE_KEYS = {"value", "period", "unit", "lci95", "uci95"}


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


def test_areas_json(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    run = runs["areas"]
    assert run.returncode == 0, run.stderr
    records = json.loads(run.stdout)
    assert all(set(r) == {"code", "name", "tier", "nation", "region"} for r in records)
    ltla = [r for r in records if r["tier"] == "ltla"]
    assert len(ltla) == 361
    assert {"code": "E08000030", "name": "Walsall", "tier": "ltla", "nation": "England",
            "region": "West Midlands"} in records


def run_in_process(args: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                   loaded: Dataset) -> subprocess.CompletedProcess[str]:
    """``main(args)`` on an already loaded dataset: the same code path as the subprocess, minus start-up."""
    monkeypatch.setattr(cli_main, "load_dataset", lambda data_dir=None: loaded)
    code = cli.main(args)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def test_profile_by_code_and_by_name_agree(runs: dict[str, subprocess.CompletedProcess[str]],
                                           monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                           dataset: Dataset) -> None:
    by_code = runs["profile_code"]
    by_name = run_in_process(["profile", "walsall", "--json"], monkeypatch, capsys, dataset)
    assert by_code.returncode == 0 and by_name.returncode == 0, by_code.stderr + by_name.stderr
    assert by_code.stdout == by_name.stdout
    payload = json.loads(by_code.stdout)
    assert payload["area"]["code"] == "E08000030" and payload["area"]["name"] == "Walsall"
    rows = payload["indicators"]
    assert rows and all(PROFILE_KEYS <= set(r) for r in rows)
    valued = [r for r in rows if r["value"] is not None]
    assert valued and all(r["period"] for r in valued)
    # Missing stays missing: a row without a value has no invented interval either.
    assert all(r["lci95"] is None and r["uci95"] is None for r in rows if r["value"] is None)


def _assert_one_line_exit_2(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Closest matches" in lines[0], run.stderr


def test_unknown_area_is_one_line_and_exit_2(runs: dict[str, subprocess.CompletedProcess[str]]) -> None:
    _assert_one_line_exit_2(runs["unknown_code"])


def test_misspelt_name_suggests_the_right_area(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                               dataset: Dataset) -> None:
    run = run_in_process(["profile", "walsal"], monkeypatch, capsys, dataset)
    _assert_one_line_exit_2(run)
    assert "Walsall (E08000030)" in run.stderr


# ----- broken data files ---------------------------------------------------------------------

def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _garble(path: Path) -> None:
    path.write_text("{not json", encoding="utf-8")


BREAKAGES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "truncated observations": ("observations.parquet", _truncate),
    "missing areas": ("areas.parquet", Path.unlink),
    "corrupt indicators": ("indicators.json", _garble),
}


@pytest.fixture(params=list(BREAKAGES), ids=lambda k: k.replace(" ", "-"))
def broken_data(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A copy of ``data/`` with one file damaged; returns the folder and the damaged file's name."""
    name, damage = BREAKAGES[request.param]
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    damage(copy / name)
    return copy, name


def test_loader_names_the_file_and_the_fix(broken_data: tuple[Path, str]) -> None:
    folder, name = broken_data
    with pytest.raises(DataFileError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert name in message and "make data" in message and "\n" not in message


def test_cli_reports_broken_data_in_one_line(broken_data: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's own error path, pointed at the broken copy with ``--data``."""
    folder, name = broken_data
    assert cli.main(["--data", str(folder), "areas", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and name in lines[0] and "make data" in lines[0], captured.err


def test_json_floats_carry_no_binary_noise() -> None:
    from lupcore.cli.commands._common import tidy

    assert tidy({"a": [696.4000000000001, 0.1 + 0.2], "b": (1e-30, 2, "x", None)}) == {
        "a": [696.4, 0.3], "b": [1e-30, 2, "x", None]}
