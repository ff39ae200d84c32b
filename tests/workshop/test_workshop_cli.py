"""``python -m lupcore workshop …``: a whole room run from a terminal, and every refusal one line + exit 2.

One real subprocess opens the room (``python -m lupcore`` as a user runs it); the rest call the same
parser and command functions in-process on the session's dataset, which is what ``main`` does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lupcore import cli
from lupcore.data import Dataset

ROOT = Path(__file__).resolve().parents[2]


def run(dataset: Dataset, capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> tuple[int, str, str]:
    args = cli.build_parser().parse_args(["workshop", "--database", url, *argv])
    code = int(args.func(args, dataset))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_room_from_the_command_line(dataset: Dataset, capsys: pytest.CaptureFixture[str], workshop_db_url: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "lupcore", "workshop", "open", "--area", "Walsall", "--title",
                           "Walsall Place Board, 12 Jan", "--named", "--json"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "LUPE_DATABASE_URL": workshop_db_url})
    assert proc.returncode == 0, proc.stderr
    opened = json.loads(proc.stdout)
    code, admin = opened["code"], opened["admin_token"]
    assert opened["join_url"].endswith(f"/?join={code}") and admin not in opened["join_url"]

    tokens = []
    for name in ("Asha", "Ben", "Cait"):
        rc, out, _ = run(dataset, capsys, workshop_db_url, "join", code, "--name", name, "--role", "officer", "--json")
        assert rc == 0
        tokens.append(json.loads(out)["participant"])
    for kind in ("priorities", "killer", "control", "rag"):
        assert run(dataset, capsys, workshop_db_url, "round", code, "--admin", admin, "--activity", kind,
                   "--state", "open")[0] == 0
    budgets = ["1=30,5=20,6=50", "1=40,5=20,6=40", "1=20,5=30,6=50"]
    for token, budget in zip(tokens, budgets, strict=True):
        rc, _, err = run(dataset, capsys, workshop_db_url, "answer", code, "--participant", token,
                         "--priorities", budget, "--killer", "gva_per_hour,employment_rate",
                         "--control", "gva_per_hour=low", "--rag", "1=red,2=amber")
        assert rc == 0, err
    rc, out, _ = run(dataset, capsys, workshop_db_url, "results", code, "--admin", admin, "--json")
    assert rc == 0
    doc = json.loads(out)
    p = doc["priorities"]
    assert p["responses"] == 3 and set(p["mean"]) == {str(m) for m in range(1, 13)}
    for method in ("mean", "median", "trimmed_mean"):
        assert sum(p[method].values()) == pytest.approx(100)
    assert p["mean"]["1"] == pytest.approx(30) and p["median"]["6"] == pytest.approx(50 / (30 + 20 + 50) * 100)
    assert 0 <= p["kendall_w"] <= 1 and 0 <= p["kendall_p"] <= 1 and p["iqr"]["1"] == pytest.approx(10)
    assert doc["killer"][0]["votes"] == 3 and doc["killer"][0]["status"] in ("red", "amber", "green", "grey")
    assert doc["rag"]["1"]["red"] == 3 and doc["rag"]["1"]["data"] in ("red", "amber", "green", "grey")


def test_refusals_are_one_line_and_exit_2(dataset: Dataset, capsys: pytest.CaptureFixture[str],
                                          workshop_db_url: str) -> None:
    rc, out, _ = run(dataset, capsys, workshop_db_url, "open", "--area", "E08000030", "--title", "Room", "--json")
    room = json.loads(out)
    code, admin = room["code"], room["admin_token"]
    token = json.loads(run(dataset, capsys, workshop_db_url, "join", code, "--json")[1])["participant"]
    cases = {
        "participant token as admin": ("round", code, "--admin", token, "--activity", "killer", "--state", "open"),
        "wrong admin token": ("results", code, "--admin", "nonsense", "--json"),
        "closed activity": ("answer", code, "--participant", token, "--killer", "gva_per_hour"),
        "unknown code": ("join", "ZZZZZZ", "--json"),
        "bad code": ("answer", "nope", "--participant", token, "--killer", "gva_per_hour"),
        "delete by participant": ("delete", code, "--admin", token),
    }
    for what, argv in cases.items():
        rc, out, err = run(dataset, capsys, workshop_db_url, *argv)
        assert rc == 2, what
        assert out == "" and err.count("\n") == 1 and err.strip(), (what, err)
    run(dataset, capsys, workshop_db_url, "round", code, "--admin", admin, "--activity", "priorities", "--state", "open")
    rc, _, err = run(dataset, capsys, workshop_db_url, "answer", code, "--participant", token, "--priorities", "1=30,2=20")
    assert rc == 2 and "add up to 50" in err
    rc, _, err = run(dataset, capsys, workshop_db_url, "answer", code, "--participant", token, "--priorities", "1=100",
                     "--killer", "gva_per_hour")  # killer is closed: the priorities are not stored either
    assert rc == 2
    rc, out, _ = run(dataset, capsys, workshop_db_url, "results", code, "--admin", admin, "--json")
    assert json.loads(out)["priorities"]["responses"] == 0
