"""The sentence under the workshop's priorities chart: most and fewest points, agreement, missing left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lupcore.workshop import participation as wp, service as ws
from lupcore.workshop.reveal import vocabulary
from lupcore.workshop.reveal_text import priorities_sentence
from lupcore.workshop.store import open_store

NAMES = {1: "Pay", 2: "R&D", 3: "Transport", 5: "Schools"}


def test_names_the_missions_with_most_and_fewest_points_and_the_agreement() -> None:
    p = {"responses": 7, "mean": {"1": 20.0, "2": 5.5, "3": None, "5": 12.25}, "kendall_w": 0.41}
    text = priorities_sentence(p, NAMES)
    assert "(7 people)" in text
    assert "Most points went to 1. Pay (mean 20.0) and fewest to 2. R&D (mean 5.5)." in text  # 3 has no mean: left out
    assert "Agreement on the order of the missions is moderate (Kendall's W 0.41)." in text
    assert "Transport" not in text


def test_no_answers_and_no_agreement() -> None:
    assert priorities_sentence({"responses": 0, "mean": {}, "kendall_w": None}, NAMES) == (
        "No one has shared their points yet, so the chart is empty.")
    text = priorities_sentence({"responses": 1, "mean": {"1": 100.0}, "kendall_w": None}, NAMES)
    assert "(1 person)" in text and "Kendall" not in text


def test_the_reveal_shows_the_sentence_under_its_chart_with_the_chart_named(workshop_db_url: str, dataset,  # noqa: ANN001
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from lupui import rooms

    monkeypatch.setenv("LUPE_DATABASE_URL", workshop_db_url)
    rooms.store.clear()
    rooms._results.clear()
    db = open_store(workshop_db_url)
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    ws.set_state(db, room.code, room.admin_token, "priorities", "open")
    for budget in ({"1": 50, "2": 50}, {"1": 70, "3": 30}, {"1": 40, "2": 60}):
        t, _ = wp.join(db, room.code)
        wp.answer(db, room.code, t, "priorities", {"points": budget}, vocabulary(dataset))
    ws.set_state(db, room.code, room.admin_token, "priorities", "revealed")
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "app.py"), default_timeout=60)
    at.query_params.update({"area": "E08000030", "room": room.code, "admin": room.admin_token})
    at.switch_page("pages/11_Workshop.py").run()
    assert not at.exception, [e.value for e in at.exception]
    (text,) = [m.value for m in at.markdown if m.value.startswith("Each dot is one person's points")]
    assert "(3 people)" in text and "Most points went to 1." in text and "(mean 53.3)" in text
    assert "fewest to" in text and "Kendall's W" in text
    charts = at.get("vega_lite_chart")  # the chart's accessible name (its aria-label in the browser)
    assert [c.proto.alt for c in charts] == ["Dot chart of the points 3 people gave each of the 12 missions, with the "
                                             "room's mean as a tick. Described below; the table above gives the numbers."]
    rooms.store.clear()
    rooms._results.clear()
