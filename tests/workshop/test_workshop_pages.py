"""AppTest of each workshop view: the facilitator's page, the participant's phone view, the reveal, adopt."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lupcore.workshop import participation as wp, service as ws
from lupcore.workshop.reveal import vocabulary
from lupcore.workshop.store import open_store

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def db(workshop_db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ws.Store]:
    """The app's workshop database for this test (the process-wide cached store is reset around it)."""
    from lupui import rooms

    monkeypatch.setenv("LUPE_DATABASE_URL", workshop_db_url)
    rooms.store.clear()
    rooms._results.clear()
    yield open_store(workshop_db_url)
    rooms.store.clear()
    rooms._results.clear()


def facilitator(params: dict[str, str] | None = None, **session: object) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["area"] = "E08000030"
    for k, v in (params or {}).items():
        at.query_params[k] = v
    at.switch_page("pages/11_Workshop.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def phone(code: str, token: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["join"] = code
    if token:
        at.query_params["p"] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    return "\n".join([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
                     + [e.value for e in at.error] + [s.value for s in at.success] + [t.value for t in at.text])


def test_facilitator_opens_a_room_and_gets_code_qr_and_secret_link(db: ws.Store) -> None:
    at = facilitator()
    at.text_input(key="ws_title").input("Walsall Place Board, 12 Jan")
    at.radio(key="ws_named").set_value("named")
    at.button[0].click()  # the form's submit
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    with db.engine.connect() as conn:
        from sqlalchemy import select

        from lupcore.workshop.store import rooms
        room = conn.execute(select(rooms)).one()
    assert room.title == "Walsall Place Board, 12 Jan" and room.named and room.area_code == "E08000030"
    body = texts(at)
    assert f"/?join={room.code}" in body.replace("\\", "")
    assert len(at.image) == 1  # the QR code
    secret = [c.value for c in at.code]
    assert len(secret) == 1 and "admin=" in secret[0] and f"room={room.code}" in secret[0]
    assert "admin=" not in body  # only in the secret box, never beside the join link
    assert "admin" not in at.query_params


def test_secret_link_reopens_the_room_and_leaves_the_address_bar(db: ws.Store) -> None:
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    at = facilitator({"room": room.code, "admin": room.admin_token})
    assert "admin" not in at.query_params and "room" not in at.query_params
    assert at.segmented_control(key="ws_state_priorities").value == "closed"
    at.segmented_control(key="ws_state_priorities").set_value("open").run()
    assert ws.get_room(db, room.code).activities["priorities"] == ("open", 1)
    bad = facilitator({"room": room.code, "admin": "wrong"})
    assert "facilitator token is wrong" in "\n".join(w.value for w in bad.warning)


def test_phone_joins_answers_and_comes_back_to_its_answers(db: ws.Store) -> None:
    room = ws.open_room(db, area_code="E08000030", title="Board", named=True)
    ws.set_state(db, room.code, room.admin_token, "priorities", "open")
    at = phone(room.code.lower())
    at.text_input(key="ws_name").input("Asha")
    at.selectbox(key="ws_role").select("police")
    at.button[0].click().run()
    token = at.query_params["p"][0] if isinstance(at.query_params["p"], list) else at.query_params["p"]
    assert token and not at.exception
    assert "Points left: 100" in texts(at)
    at.number_input(key="ws_pts_1").set_value(60).run()
    at.number_input(key="ws_pts_5").set_value(30).run()
    assert "Points left: 10" in texts(at)
    assert at.button(key="ws_send_priorities").disabled
    at.number_input(key="ws_pts_6").set_value(10).run()
    at.button(key="ws_send_priorities").click().run()
    assert "saved at" in texts(at)
    me, mine = wp.whoami(db, room.code, token)
    assert me.name == "Asha" and me.role == "police" and mine["priorities"]["points"] == {"1": 60, "5": 30, "6": 10}
    again = phone(room.code, token)  # a reloaded phone: a new session with the same link
    assert again.number_input(key="ws_pts_1").value == 60 and "Points left: 0" in texts(again)


def test_unknown_code_and_closed_room_views(db: ws.Store) -> None:
    at = phone("ZZZZZZ")
    assert "no open room with that code" in texts(at)
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    token, _ = wp.join(db, room.code)
    at = phone(room.code, token)
    assert "Waiting for the facilitator" in texts(at)
    assert not at.text_input  # anonymous room: nothing asks for a name


def test_participant_forms_store_killer_control_rag_and_ideas(db: ws.Store) -> None:
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    for kind in ("killer", "control", "rag", "ideas"):
        ws.set_state(db, room.code, room.admin_token, kind, "open")
    token, _ = wp.join(db, room.code)
    at = phone(room.code, token)
    at.multiselect(key="ws_killer").set_value(["gva_per_hour", "employment_rate"])
    at.button(key="FormSubmitter:ws_killer_form-Send my picks").click().run()
    at.radio(key="ws_ctl_gva_per_hour").set_value("low")
    at.button(key="FormSubmitter:ws_control_form-Send my ratings").click().run()
    at.radio(key="ws_rag_1").set_value("red")
    at.text_input(key="ws_why_1").input("=HYPERLINK(\"x\") jobs gone")
    at.button(key="FormSubmitter:ws_rag_form-Send my ratings").click().run()
    at.text_area(key="ws_idea").input("<img src=x onerror=alert(1)>")
    at.button(key="FormSubmitter:ws_idea_form-Send my idea").click().run()
    assert "HTML" in texts(at)  # refused with a clear message
    _, mine = wp.whoami(db, room.code, token)
    assert mine["killer"]["metrics"] == ["gva_per_hour", "employment_rate"]
    assert mine["control"]["levels"] == {"gva_per_hour": "low"}
    assert mine["rag"]["ratings"] == {"1": "red"} and "ideas" not in mine


def test_reveal_shows_pooled_results_only_after_reveal_and_adopt_sets_the_link(db: ws.Store, dataset) -> None:
    vocab = vocabulary(dataset)
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    for kind in ("priorities", "killer"):
        ws.set_state(db, room.code, room.admin_token, kind, "open")
    for budget in ({"1": 50, "2": 50}, {"1": 70, "3": 30}, {"1": 40, "2": 60}):
        t, _ = wp.join(db, room.code)
        wp.answer(db, room.code, t, "priorities", {"points": budget}, vocab)
        wp.answer(db, room.code, t, "killer", {"metrics": ["gva_per_hour"]}, vocab)
    at = facilitator({"room": room.code, "admin": room.admin_token})
    assert not any("Kendall" in m.label for m in at.metric)  # not revealed yet: counts only
    assert [m.value for m in at.metric if m.label == "Priorities"] == ["3"]
    ws.set_state(db, room.code, room.admin_token, "priorities", "revealed")
    ws.set_state(db, room.code, room.admin_token, "killer", "revealed")
    at.run()
    assert any("Kendall" in m.label for m in at.metric)
    assert len(at.dataframe) >= 2
    at.radio(key="ws_method").set_value("median").run()
    labels = [m.label for m in at.metric]
    assert any("equal mission weights" in x for x in labels) and any("the room's weights" in x for x in labels)
    adopt_button = next(b for b in at.button if b.label == "Adopt the room's view")
    adopt_button.click().run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    mw = dict(item.split(":") for item in params["mw"].split(","))
    assert float(mw["1"]) == pytest.approx(50.0) and float(mw["3"]) == 0  # medians 50, 50, 0 (the mean would be 53.33)
    assert params["kill"] == "gva_per_hour"


def test_typing_the_code_leads_to_the_join_form(db: ws.Store) -> None:
    room = ws.open_room(db, area_code="E08000030", title="Board", named=True)
    at = phone("")
    at.text_input(key="ws_code_text").input(room.code.lower())
    at.button[0].click().run()
    assert at.query_params["join"] in (room.code, [room.code])
    assert at.text_input(key="ws_name") is not None and not at.exception


def test_round_two_shows_the_rooms_median_beside_each_mission(db: ws.Store, dataset) -> None:  # noqa: ANN001
    vocab = vocabulary(dataset)
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    ws.set_state(db, room.code, room.admin_token, "priorities", "open")
    tokens = [wp.join(db, room.code)[0] for _ in range(3)]
    for t, budget in zip(tokens, ({"1": 60, "2": 40}, {"1": 40, "2": 60}, {"1": 50, "2": 50}), strict=True):
        wp.answer(db, room.code, t, "priorities", {"points": budget}, vocab)
    ws.next_round(db, room.code, room.admin_token, "priorities")
    at = phone(room.code, tokens[0])
    labels = [n.label for n in at.number_input]
    assert labels[0].endswith("room median 50") and labels[1].endswith("room median 50")
    assert at.number_input(key="ws_pts_1").value == 60  # round 2 starts from their own round-1 answer


def test_export_page_adds_what_the_room_said_when_a_room_is_attached(db: ws.Store, dataset) -> None:  # noqa: ANN001
    room = ws.open_room(db, area_code="E08000030", title="Board", named=False)
    at = facilitator({"room": room.code, "admin": room.admin_token})
    at.switch_page("pages/9_Export.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("What the room said" in c.value for c in at.caption)
    plain = AppTest.from_file(APP, default_timeout=60)
    plain.query_params["area"] = "E08000030"
    plain.switch_page("pages/9_Export.py").run()
    assert not any("What the room said" in c.value for c in plain.caption)


def test_ideas_are_moderated_and_shown_as_plain_text(db: ws.Store, dataset) -> None:  # noqa: ANN001
    vocab = vocabulary(dataset)
    room = ws.open_room(db, area_code="E08000030", title="Board", named=True)
    ws.set_state(db, room.code, room.admin_token, "ideas", "open")
    for name, idea in (("Asha", "**Bus** punctuality [x](http://example.org)"), ("Ben", "Empty shops")):
        t, _ = wp.join(db, room.code, name=name)
        wp.answer(db, room.code, t, "ideas", {"text": idea}, vocab)
    ws.set_state(db, room.code, room.admin_token, "ideas", "revealed")
    at = facilitator({"room": room.code, "admin": room.admin_token})
    assert "No ideas approved yet." in [i.value for i in at.info]  # nothing shown before approval
    assert [t.value for t in at.text][:2] == ["Asha (P01): **Bus** punctuality [x](http://example.org)",
                                              "Ben (P02): Empty shops"]  # st.text: never Markdown
    next(b for b in at.button if b.label == "Approve").click().run()
    shown = at.dataframe[-1].value
    assert list(shown["From"]) == ["Asha (P01)"] and list(shown["Idea"]) == ["**Bus** punctuality [x](http://example.org)"]
