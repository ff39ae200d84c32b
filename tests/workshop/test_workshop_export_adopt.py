"""Taking the room away (XLSX, CSV, the PDF/PowerPoint section) and adopting its view into the scorecard."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pypdf import PdfReader

from lupcore.data import Dataset
from lupcore.export import build_bundle, export
from lupcore.scoring import assemble, indicator_weights
from lupcore.session import ViewState, decode_query, encode_query
from lupcore.settings import Settings
from lupcore.workshop import participation as wp, results as wr, service as ws
from lupcore.workshop.adopt import adopt, room_control
from lupcore.workshop.reveal import metric_choices, results_payload, room_said, scorecard_for, vocabulary
from lupcore.workshop.room_export import room_csv, room_xlsx
from lupcore.workshop.store import open_store

AREA = "E08000030"


@pytest.fixture
def room(workshop_db_url: str, dataset: Dataset) -> tuple[ws.Store, ws.OpenedRoom]:
    store = open_store(workshop_db_url)
    vocab = vocabulary(dataset)
    room = ws.open_room(store, area_code=AREA, title="Walsall Place Board", named=True)
    for kind in ws.KINDS:
        ws.set_state(store, room.code, room.admin_token, kind, "open")
    people = [("=cmd|' /C calc'!A0", None), ("Asha", "officer"), ("Ben", "police")]
    budgets = [{"1": 50, "7": 50}, {"1": 30, "7": 40, "9": 30}, {"1": 40, "7": 60}]
    levels = ["high", "high", "low"]
    for (name, role), budget, level in zip(people, budgets, levels, strict=True):
        try:
            token, _ = wp.join(store, room.code, name=name, role=role)
        except ws.WorkshopError:  # the formula-like name is refused; join without it
            token, _ = wp.join(store, room.code, role=role)
        wp.answer_many(store, room.code, token, {
            "priorities": {"points": budget}, "killer": {"metrics": ["gva_per_hour", "employment_rate"]},
            "control": {"levels": {"gva_per_hour": level}},
            "rag": {"ratings": {"1": "green", "7": "red"}, "reasons": {"1": "@SUM(A1:A9) jobs are back"}},
            "ideas": {"text": "-2+3 bus punctuality"}}, vocab)
    wp.approve_idea(store, room.code, room.admin_token, 1)
    return store, room


def test_xlsx_and_csv_are_pseudonymised_and_formula_safe(room, dataset: Dataset) -> None:  # noqa: ANN001
    store, opened = room
    res = wr.results(store, opened.code)
    doc = results_payload(res, scorecard_for(dataset, AREA), metric_choices(dataset))
    names = {n: m.short_name for n, m in dataset.missions.items()}
    book = openpyxl.load_workbook(io.BytesIO(room_xlsx(res, doc, names)))
    assert book.sheetnames == ["Summary", "Pooled by mission", "Answers (pseudonymised)", "Method"]
    cells = [str(c.value) for ws_ in book.worksheets for row in ws_.iter_rows() for c in row if c.value is not None]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in cells)  # every formula-like text neutralised
    assert "'@SUM(A1:A9) jobs are back" in cells and "'-2+3 bus punctuality" in cells
    assert not any("Asha" in v or "Ben" in v for v in cells)  # names are never exported
    assert {"P01", "P02", "P03"} <= set(cells)
    pooled = pd.read_excel(io.BytesIO(room_xlsx(res, doc, names)), sheet_name="Pooled by mission")
    assert pooled.iloc[:, 2].sum() == pytest.approx(100)  # the mean weights
    assert any("Kendall" in v for v in cells)
    csv = room_csv(res).decode("utf-8-sig")
    assert "Asha" not in csv and "'@SUM" in csv and "\n=" not in csv and ",=" not in csv


def test_pdf_and_pptx_carry_what_the_room_said(room, dataset: Dataset) -> None:  # noqa: ANN001
    store, opened = room
    res = wr.results(store, opened.code)
    doc = results_payload(res, scorecard_for(dataset, AREA), metric_choices(dataset))
    lines = room_said(doc, {n: m.short_name for n, m in dataset.missions.items()})
    assert any("Kendall's W" in line for line in lines) and any("bus punctuality" in line for line in lines)
    view = ViewState(area=AREA)
    engine = assemble(dataset, AREA, view.settings, view.peers).engine
    bundle = replace(build_bundle(dataset, engine, AREA, view), room_said=lines)
    pdf = "".join(page.extract_text() for page in PdfReader(io.BytesIO(export(bundle, "pdf"))).pages)
    assert "What the room said" in pdf and "Walsall Place Board" in pdf
    deck = Presentation(io.BytesIO(export(bundle, "pptx")))
    titles = [s.shapes.title.text for s in deck.slides if s.shapes.title is not None]
    assert "What the room said" in titles
    plain = replace(bundle, room_said=())
    assert "What the room said" not in "".join(p.extract_text() for p in PdfReader(io.BytesIO(export(plain, "pdf"))).pages)


def test_adopt_sets_weights_killer_metrics_and_local_control_in_the_link(room, dataset: Dataset) -> None:  # noqa: ANN001
    store, opened = room
    res = wr.results(store, opened.code)
    adoption = adopt(Settings(), res, "mean")
    weights = dict(adoption.mission_weights)
    assert sum(weights.values()) == pytest.approx(100, abs=0.05)
    assert weights[1] == pytest.approx(40.0) and weights[7] == pytest.approx(50.0) and weights[2] == 0
    assert set(adoption.killer) == {"gva_per_hour", "employment_rate"}
    assert room_control(res) == (("gva_per_hour", "high"),)  # 2 high, 1 low
    # The link carries the weights themselves, so it works after the room is deleted.
    query = encode_query(ViewState(area=AREA, settings=adoption.settings))
    ws.delete_room(store, opened.code, opened.admin_token)
    restored = decode_query(query).state.settings
    assert restored.mission_weights == adoption.settings.mission_weights and restored.control == adoption.control
    # Local control from the room changes the "by local control" weights (the registry says low).
    panel = assemble(dataset, AREA, ViewState().settings).panel
    j = [m.id for m in panel.indicators].index("gva_per_hour")
    before = indicator_weights(panel, Settings(weight_preset="local_control"))[j]
    after = indicator_weights(panel, replace(adoption.settings, weight_preset="local_control"))[j]
    assert (before, after) == (0.25, 1.0)
    # Score and rank under the room's weights differ from equal weights, both computed by the same engine.
    equal = scorecard_for(dataset, AREA)
    theirs = scorecard_for(dataset, AREA, ViewState(settings=Settings(mission_weights=adoption.mission_weights)))
    assert equal.overall is not None and theirs.overall is not None and not np.isclose(equal.overall, theirs.overall)


def test_median_adoption_differs_from_mean(room) -> None:  # noqa: ANN001
    store, opened = room
    res = wr.results(store, opened.code)
    mean, median = adopt(Settings(), res, "mean"), adopt(Settings(), res, "median")
    assert dict(mean.mission_weights)[9] == pytest.approx(10.0) and dict(median.mission_weights)[9] == 0
