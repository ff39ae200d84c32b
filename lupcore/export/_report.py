"""The report bundle: everything an export needs, assembled once from the objects the pages show.

Every format (PDF, PowerPoint, Excel, CSV) reads the same ``ReportBundle`` and the same
``bundle_tables``, so a number cannot read one way on screen and another way in a download
. Numbers keep their type in the tables; every "(as shown)" column and
every text cell uses ``lupcore.format`` exactly as the pages do, and missing is "no data".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import numpy as np
import pandas as pd

from lupcore.data import Dataset, describe
from lupcore.export._tables import (
    CAPITAL_NOTE,
    NO_DATA,
    capitals_table,
    data_note,
    metric_label,
    missions_table,
    peer_comparison,
    progress_from_baseline,
    scenario_definitions,
    scorecard_table,
    settings_lines,
    sources_table,
    summary_table,
)
from lupcore.format import format_number
from lupcore.peers import PeerGroup
from lupcore.scoring import Engine, Scorecard, Summary, build_scorecard, rag_text, spine_frame, summarise
from lupcore.session import ViewState, encode_query

__all__ = ["ATTRIBUTION", "CAPITAL_NOTE", "MISSIONS_DISPLAY", "NO_DATA", "OGL_URL", "SCORECARD_DISPLAY", "TABLE_NAMES", "ReportBundle",
           "about_rows", "build_bundle", "bundle_tables", "display_table", "is_number", "metric_label",
           "print_table", "scorecard_display", "shown"]

ATTRIBUTION = ("Contains public sector information licensed under the Open Government Licence v3.0. "
               "Source: Office for National Statistics (Explore Local Statistics) and the departments named per "
               "indicator. Boundaries: Source: Office for National Statistics licensed under the Open Government "
               "Licence v3.0; contains OS data © Crown copyright and database right 2025.")
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
TABLE_NAMES: tuple[str, ...] = ("Missions", "Capitals", "Scorecard", "Summary", "Peers", "Peer comparison", "Progress",
                                "Scenarios", "Sources", "Settings")
_MONTHS = ("January February March April May June July August September October November December").split()


@dataclass(frozen=True, eq=False)
class ReportBundle:
    """One area's summary under one view state; frozen so every format sees the same snapshot.

    ``progress`` and ``scenarios`` are the frames the Progress and What-if pages render (None when
    the session has none); ``peer_comparison`` is one row per scored metric against the peer group.
    """

    facts: Mapping[str, str | float | None]
    card: Scorecard
    summary: Summary
    settings: tuple[tuple[str, str], ...]
    peers: PeerGroup | None
    peer_names: tuple[tuple[str, str], ...]
    peer_comparison: pd.DataFrame | None
    progress: pd.DataFrame | None
    scenarios: pd.DataFrame | None
    spine: pd.DataFrame
    sources: pd.DataFrame
    attribution: str
    generated_at: datetime
    data_note: str
    link_query: tuple[tuple[str, str], ...]
    notes: tuple[str, ...] = ()
    room_said: tuple[str, ...] = ()  # "What the room said" when a workshop room is attached (lupcore.workshop)

    @property
    def area_name(self) -> str:
        return str(self.facts["name"])

    @property
    def title(self) -> str:
        return f"{self.area_name}: Levelling Up summary"

    @property
    def link(self) -> str:
        """The shareable query string that reopens this view in the app."""
        return "?" + urlencode(dict(self.link_query), safe=":,~;|/", quote_via=quote) if self.link_query else ""

    @property
    def generated_text(self) -> str:
        """'5 March 2026 at 14:02 UTC': unambiguous for readers in any time zone."""
        t = self.generated_at.astimezone(UTC)
        return f"{t.day} {_MONTHS[t.month - 1]} {t.year} at {t:%H:%M} UTC"

    @property
    def generated_date(self) -> str:
        t = self.generated_at.astimezone(UTC)
        return f"{t.day} {_MONTHS[t.month - 1]} {t.year}"

    @property
    def overall_text(self) -> str:
        """'46.5 out of 100 (✖ Red)' or 'no data'."""
        if self.card.overall is None:
            return NO_DATA
        return f"{format_number(self.card.overall, 1)} out of 100 ({rag_text(self.card.overall_rag)})"


def build_bundle(dataset: Dataset, engine: Engine, area_code: str, view_state: ViewState,
                 peers: PeerGroup | None = None, progress: pd.DataFrame | None = None,
                 scenarios: pd.DataFrame | None = None, *, card: Scorecard | None = None,
                 peer_table: pd.DataFrame | None = None, notes: tuple[str, ...] = (),
                 now: datetime | None = None) -> ReportBundle:
    """Assemble the bundle for ``area_code`` (which must be in ``engine.panel``).

    ``view_state`` is the shareable state (its baseline and scenario definitions stand in when the
    pages' ``progress`` / ``scenarios`` frames are not passed; text cells of those frames are
    exported as is, numbers shown to one decimal place in print). ``peers`` is the group shown
    (None: no peer section); ``card`` and ``peer_table`` let a page reuse what it already built;
    ``notes`` are plain-English notices printed with the method; ``now`` defaults to the UTC time.
    """
    card = card or build_scorecard(dataset, engine, area_code, dict(dataset.missions))
    scored = [m.meta.id for m in card.metrics if m.meta.scorable]
    if peer_table is None and peers is not None:
        peer_table = peer_comparison(engine, card, area_code, peers.codes)
    if progress is None and view_state.baseline:
        progress = progress_from_baseline(dataset, card, view_state.baseline)
    if scenarios is None and view_state.scenarios:
        scenarios = scenario_definitions(dataset, card, view_state.scenarios)
    return ReportBundle(
        facts=describe(dataset, card.area if card.area is not None else dataset.area(area_code)),
        card=card, summary=summarise(card),
        settings=settings_lines(dataset, engine, card, peers),
        peers=peers, peer_names=tuple((c, _area_name(dataset, c)) for c in (peers.codes if peers else ())),
        peer_comparison=peer_table, progress=progress, scenarios=scenarios,
        spine=spine_frame(engine, area_code, scored), sources=sources_table(card),
        attribution=ATTRIBUTION, generated_at=now or datetime.now(UTC), data_note=data_note(dataset),
        link_query=tuple(encode_query(replace(view_state, area=area_code)).items()), notes=tuple(notes),
    )


def _area_name(dataset: Dataset, code: str) -> str:
    return str(dataset.areas.at[code, "name"]) if dataset.has_area(code) else code


def _peers_table(bundle: ReportBundle) -> pd.DataFrame:
    distances = bundle.peers.distances if bundle.peers is not None else None
    rows = [{"Rank": i, "Area code": code, "Area name": name,
             "Distance": float(distances[i - 1]) if distances else "not applicable"}
            for i, (code, name) in enumerate(bundle.peer_names, start=1)]
    return pd.DataFrame(rows, columns=["Rank", "Area code", "Area name", "Distance"])


def _or_empty(frame: pd.DataFrame | None) -> pd.DataFrame:
    return frame.copy() if frame is not None else pd.DataFrame()


def bundle_tables(bundle: ReportBundle) -> dict[str, pd.DataFrame]:
    """The tables every format writes, keyed by ``TABLE_NAMES`` (absent sections are empty frames).

    Numeric columns hold floats, with the text "no data" where a value is missing (never 0 or a
    blank); "(as shown)" columns hold the text the pages display.
    """
    settings = pd.DataFrame(list(bundle.settings), columns=["Setting", "Choice"])
    return {
        "Missions": missions_table(bundle.card),
        "Capitals": capitals_table(bundle.card),
        "Scorecard": scorecard_table(bundle.card),
        "Summary": summary_table(bundle.card, bundle.summary),
        "Peers": _peers_table(bundle),
        "Peer comparison": _or_empty(bundle.peer_comparison),
        "Progress": _or_empty(bundle.progress),
        "Scenarios": _or_empty(bundle.scenarios),
        "Sources": bundle.sources.copy(),
        "Settings": settings,
    }


def about_rows(bundle: ReportBundle) -> list[tuple[str, str]]:
    """The metadata every format prints: what, where, when, from which data, under which licence."""
    f = bundle.facts
    place = ", ".join(str(v) for v in (f.get("kind"), f.get("region") or f.get("nation")) if v)
    return [
        ("Report", bundle.title),
        ("Area", f"{bundle.area_name} ({f['code']}), {place}"),
        ("Generated", bundle.generated_text),
        ("Data", bundle.data_note),
        ("Shareable link (add to the app's address)", bundle.link or "(default settings)"),
        ("Licence and attribution", bundle.attribution),
        ("Open Government Licence", OGL_URL),
        ("Missing values", f"Shown as “{NO_DATA}”, never as zero."),
    ]


def is_number(value: object) -> bool:
    """A real number cell (not text, not bool, not NaN), as writers must type it."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool) \
        and not (isinstance(value, float | np.floating) and np.isnan(value))


def shown(value: object) -> str:
    """A table cell as PDF and slides print it: numbers to one decimal place, missing as "no data"."""
    if is_number(value):
        return format_number(float(value), 1)  # type: ignore[arg-type]
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return NO_DATA
    return str(value)


def display_table(frame: pd.DataFrame, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """``frame`` as text, keeping (and renaming) ``columns`` in their given order (all if None)."""
    picked = frame[list(columns)].rename(columns=dict(columns)) if columns else frame
    return picked.map(shown) if len(picked) else picked.astype(str)


def print_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for print and slides: "X (as shown)" replaces the number column X, ids are left out."""
    shown = [c for c in frame.columns if str(c).endswith(" (as shown)")]
    replaced = {str(c).removesuffix(" (as shown)") for c in shown}
    keep = [c for c in frame.columns if c not in replaced and c != "Indicator id"]
    return display_table(frame[keep]).rename(columns={c: str(c).removesuffix(" (as shown)") for c in shown})


SCORECARD_DISPLAY = {"Mission": "Mission", "Metric": "Metric", "Value (as shown)": "Value", "Period": "Period",
                     "Minimum (as shown)": "Minimum", "Target (as shown)": "Target", "Status": "Status",
                     "Latest change": "Latest change"}
MISSIONS_DISPLAY = {"Mission": "Mission", "Status": "Status", "Score": "Score",
                    "Score if every metric at minimum": "At minimum", "Score if every metric at target": "At target",
                    "Metrics with data": "Metrics with data"}


def scorecard_display(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The scored metrics as the scorecard page lists them by default (context metrics left out)."""
    card = tables["Scorecard"]
    scored = card[card["Score (0–100)"].ne("not scored")]
    out = display_table(scored, SCORECARD_DISPLAY)
    return out.assign(Mission=out["Mission"].str.removeprefix("Mission "))
