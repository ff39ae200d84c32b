"""CSV and Excel tables that stand alone, and the one-page A4 summary, on the real data."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from lupcore.data import Dataset, build_panel
from lupcore.export import ReportBundle, build_bundle, export_csv, export_one_page, killer_rows, standalone_tables
from lupcore.scoring import build_engine
from lupcore.session import ViewState
from lupcore.settings import DEFAULT_SETTINGS

EDINBURGH, WALSALL, SURREY = "S12000036", "E08000030", "E10000030"


def _bundle(dataset: Dataset, code: str, tier: str = "ltla") -> ReportBundle:
    engine = build_engine(build_panel(dataset, tier), DEFAULT_SETTINGS, ())
    return build_bundle(dataset, engine, code, ViewState(area=code))


@pytest.fixture(scope="module")
def edinburgh(dataset: Dataset) -> ReportBundle:
    return _bundle(dataset, EDINBURGH)


def test_unrounded_value_only_where_rounding_hides_the_status(edinburgh: ReportBundle) -> None:
    """Edinburgh's 4G coverage rounds to the target's 100.0% yet is amber: the file gives the full value."""
    table = standalone_tables(edinburgh)["Scorecard"].set_index("Indicator id")
    four_g = next(m for m in edinburgh.card.metrics if m.meta.label.startswith("4G"))
    row = table.loc[four_g.meta.id]
    assert row["Value"] == round(four_g.value, four_g.meta.decimals) == round(four_g.target, four_g.meta.decimals)
    assert row["Value (unrounded)"] == four_g.value != four_g.target
    others = table.drop(index=four_g.meta.id)["Value (unrounded)"]
    assert (others == "–").mean() > 0.9, "the unrounded column is for the few rows where it helps"


def test_every_csv_row_names_the_area(edinburgh: ReportBundle) -> None:
    lines = export_csv(edinburgh).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Area code,Area name,")
    assert all(line.startswith(f"{EDINBURGH},City of Edinburgh,") for line in lines[1:])
    assert not re.search(r"\d\.\d{7,}", "\n".join(lines))


@pytest.mark.parametrize(("code", "tier"), [(WALSALL, "ltla"), (SURREY, "utla"), (EDINBURGH, "ltla")])
def test_one_page_summary_is_one_a4_page_with_every_part(dataset: Dataset, code: str, tier: str) -> None:
    bundle = _bundle(dataset, code, tier)
    reader = pypdf.PdfReader(io.BytesIO(export_one_page(bundle, "12th–30th")))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in points
    text = " ".join(page.extract_text().split())
    for part in ("LEVELLING UP SCORE", "Rank range: 12th–30th", "Missions", "Strengths", "Concerns", "Red-reds",
                 killer_rows(bundle)[0], bundle.area_name):
        assert part in text, part
    for mission in bundle.card.missions:
        assert mission.mission.title in text
    assert not re.search(r"filter|click|sidebar|this page", text, re.IGNORECASE), "a screen instruction in print"


def test_no_screen_instruction_in_the_summary_sentences(dataset: Dataset) -> None:
    lines = [*_bundle(dataset, WALSALL).summary.red_reds]
    assert not any("filter" in line.lower() for line in lines), lines
