"""The page and the CLI assemble the engine the same way, so the same link gives the same numbers.

Each case opens the Scorecard as a cold link and runs ``python -m lupcore scorecard`` (in-process)
on a session file holding the same view: score, rank and every mission's status must agree.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from lupcore.cli._main import main
from lupcore.format import format_number
from lupcore.model import Rag
from lupcore.session import decode_query, to_session_file
from lupui import render
from tests.app.pagekit import open_page

CASES = [
    ("E08000030", {}),  # Walsall, the defaults
    ("E08000030", {"mw": "3:2.5,4:0", "norm": "percentile"}),
    ("E07000117", {"min": "median", "tgt": "top_decile", "agg": "geometric"}),  # Burnley, a district
    ("W06000015", {"wp": "headline"}),  # Cardiff
    ("S12000049", {"peers": "nearest", "k": "10", "min": "peer_median"}),  # Glasgow, peer benchmarks
    ("E10000030", {"ev": "1"}),  # Surrey, a county among counties
]


def _cli(code: str, params: dict[str, str], tmp_path: Path) -> dict:
    session = tmp_path / "view.json"
    session.write_bytes(to_session_file(decode_query({"area": code, **params}).state))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["scorecard", code, "--json", "--session", str(session)]) == 0
    return json.loads(out.getvalue())


@pytest.mark.parametrize(("code", "params"), CASES, ids=[f"{c}-{'&'.join(p) or 'defaults'}" for c, p in CASES])
def test_page_and_cli_agree(code: str, params: dict[str, str], tmp_path: Path) -> None:
    at = open_page("pages/1_Scorecard.py", area=code, **params)
    cli = _cli(code, params, tmp_path)
    score = next(m for m in at.metric if m.label.startswith("Levelling Up score"))
    assert score.value == format_number(cli["overall"]["score"], 1)
    assert any(c.value == cli["overall"]["text"] for c in at.caption)
    missions = at.dataframe[0].value
    assert list(missions["Status"]) == [m["status"] or render.rag_cell(Rag(m["rag"])) for m in cli["missions"]]
