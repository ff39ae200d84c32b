"""Table builders behind ``lupcore.report.bundle_tables``: one pure function per table.

Each mirrors what its page shows (column for column where the page has the table) and adds
the typed numbers a spreadsheet needs. Missing numbers are the text "no data", never 0 or blank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from lupcore.data import Dataset, context_note
from lupcore.format import format_change, format_number, format_value, ordinal
from lupcore.model import IndicatorMeta, Rag
from lupcore.peers import PeerGroup
from lupcore.periods import display_label
from lupcore.scoring import MISSION_RAG_RULE, NATION_GROUP, TIER_GROUP, Engine, MetricRow, Scorecard, Summary, rag_text
from lupcore.settings import AGGREGATIONS, MINIMUM_PRESETS, NORMALISATIONS, TARGET_PRESETS, WEIGHT_PRESETS

NO_DATA = "no data"
NOT_APPLICABLE = "not applicable"
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _num(value: float | None) -> float | str:
    return NO_DATA if value is None or np.isnan(value) else float(value)


def metric_label(meta: IndicatorMeta) -> str:
    """The label the scorecard page shows (local metrics are marked)."""
    return meta.shown_label


def ordered_metrics(card: Scorecard) -> list[MetricRow]:
    """The scorecard page's order: by mission, headline metrics first, context metrics last."""
    return sorted(card.metrics, key=lambda m: (m.meta.mission or 99, m.meta.role.value != "headline"))


def _clarity(m: MetricRow) -> str:
    if m.clear is None:
        return "no CI" if m.rag != Rag.GREY else ""
    return "clear" if m.clear else "not clear"


def _benchmark(m: MetricRow, value: float | None, label: str) -> tuple[float | str, str, str]:
    if not m.meta.polarity:
        return NOT_APPLICABLE, NOT_APPLICABLE, ""
    return _num(value), format_value(value, m.meta), label


def _scorecard_row(m: MetricRow, missions: dict[int, str]) -> dict[str, object]:
    minimum, minimum_shown, minimum_basis = _benchmark(m, m.minimum, m.minimum_label)
    target, target_shown, target_basis = _benchmark(m, m.target, m.target_label)
    note = " · ".join(n for n in (m.note, context_note(m.meta), m.meta.boundary_note) if n)
    return {
        "Mission": missions.get(m.meta.mission, "Context"), "Metric": metric_label(m.meta), "Indicator id": m.meta.id,
        "Value": _num(m.value), "Value (as shown)": format_value(m.value, m.meta), "Unit": m.meta.unit,
        "Period": display_label(m.period) if m.period else NO_DATA,
        "Minimum": minimum, "Minimum (as shown)": minimum_shown, "Minimum basis": minimum_basis,
        "Target": target, "Target (as shown)": target_shown, "Target basis": target_basis,
        "Status": rag_text(m.rag), "Clarity": _clarity(m), "Latest change": m.direction or "–",
        "Score (0–100)": _num(m.score) if m.meta.scorable else "not scored", "Weight": m.weight,
        "Scored": "yes" if m.meta.scorable and m.weight > 0 else "no",
        "Local control": m.meta.local_control.value, "Source": m.meta.source_org.replace("|", "; "),
        "Note": note.strip(" ·"),
    }


def scorecard_table(card: Scorecard) -> pd.DataFrame:
    """Every metric of the scorecard (context metrics too, marked Scored = no), in the page's order."""
    missions = {m.mission.number: m.mission.title for m in card.missions}
    return pd.DataFrame([_scorecard_row(m, missions) for m in ordered_metrics(card)])


def missions_table(card: Scorecard) -> pd.DataFrame:
    """The mission RAG table of the scorecard page, scores as numbers (0–100, shown to 1 decimal)."""
    return pd.DataFrame({
        "Mission": [m.mission.title for m in card.missions],
        "Status": [m.status_text or rag_text(m.rag) for m in card.missions],
        "Score": [_num(m.score) for m in card.missions],
        "Score if every metric at minimum": [_num(m.score_at_minimum) for m in card.missions],
        "Score if every metric at target": [_num(m.score_at_target) for m in card.missions],
        "Metrics with data": [m.coverage_text or (m.coverage if m.applicable else "no local measure") for m in card.missions],
        "Gaps in local measures": [m.mission.not_applicable_note if m.status_text else m.mission.local_gap
                                   for m in card.missions],
    })


CAPITAL_NOTE = ("The White Paper's six capitals: the same metric scores grouped by the kind of asset they "
                "measure rather than by mission. A capital with no scored metric has no score.")


def capitals_table(card: Scorecard) -> pd.DataFrame:
    """Capital scores (0–100) with how many of each capital's scored metrics have a value here."""
    scored = [m for m in card.metrics if m.weight > 0 and m.meta.capital]
    rows = []
    for capital, score in card.capitals:
        members = [m for m in scored if m.meta.capital == capital]
        with_value = sum(m.value is not None for m in members)
        rows.append((capital.capitalize(), _num(score),
                     f"{with_value} of {len(members)} metrics" if members else "no scored metric"))
    return pd.DataFrame(rows, columns=["Capital", "Score", "Metrics with data"])


def capitals_line(capitals: pd.DataFrame) -> str:
    """The capitals table in one line of text, for the PDF and the slides."""
    rows = zip(capitals["Capital"], capitals["Score"], capitals["Metrics with data"], strict=True)
    return " · ".join(f"{name} {format_number(score, 1)} ({data})" if isinstance(score, float) else f"{name}: {data}"
                      for name, score, data in rows)


def summary_table(card: Scorecard, summary: Summary) -> pd.DataFrame:
    """Headline, score, rank, strengths, concerns and red-reds as the scorecard page words them."""
    rows = [("Headline", summary.headline),
            ("Levelling Up score (0–100)", f"{format_number(card.overall, 1)} ({rag_text(card.overall_rag)})"
             if card.overall is not None else NO_DATA),
            ("Rank", card.rank_text)]
    rows += [("Strength", s) for s in summary.strengths or ("No metric is at or better than its target.",)]
    rows += [("Concern", s) for s in summary.concerns or ("No metric is below its minimum.",)]
    rows += [("Red-red (worse than the minimum and getting worse)", s) for s in summary.red_reds or ("None.",)]
    return pd.DataFrame(rows, columns=["Section", "Text"])


def _published(meta: IndicatorMeta) -> str:
    if meta.first_period and meta.last_period:
        return f"{display_label(meta.first_period)} to {display_label(meta.last_period)}"
    return ""


def sources_table(card: Scorecard) -> pd.DataFrame:
    """Every indicator used: source organisation, link, the period used and the caveats."""
    rows = []
    for m in ordered_metrics(card):
        caveat = " ".join(filter(None, (m.meta.caveats, m.meta.boundary_note,
                                        f"{m.note}." if m.note else "")))
        rows.append({"Metric": metric_label(m.meta), "Indicator id": m.meta.id,
                     "Source": m.meta.source_org.replace("|", "; "), "Link": m.meta.source_url.replace("|", " "),
                     "Period used": display_label(m.period) if m.period else NO_DATA,
                     "Published": _published(m.meta), "Caveat": caveat})
    return pd.DataFrame(rows, columns=["Metric", "Indicator id", "Source", "Link", "Period used", "Published", "Caveat"])


def _peer_row(m: MetricRow, value: float, peer_values: np.ndarray) -> dict[str, object]:
    p = float(m.meta.polarity)
    median = float(np.median(peer_values)) if len(peer_values) else float("nan")
    if np.isnan(value) or not len(peer_values):
        position, side = NO_DATA, NO_DATA
    else:
        position = f"{ordinal(1 + int(np.sum(peer_values * p > value * p)))} of {len(peer_values) + 1}"
        side = "better" if value * p > median * p else "worse" if value * p < median * p else "the same"
    return {"Metric": metric_label(m.meta), "Indicator id": m.meta.id, "Value": _num(value),
            "Peer median": _num(median), "Value (as shown)": format_value(value, m.meta),
            "Peer median (as shown)": format_value(median, m.meta), "Position (1 = best)": position,
            "Compared with peer median": side, "Peers with data": int(len(peer_values)), "Status": rag_text(m.rag)}


def peer_comparison(engine: Engine, card: Scorecard, area_code: str, peer_codes: Sequence[str]) -> pd.DataFrame:
    """Each scored metric against the peer group: peer median, and the area's position among area + peers.

    Position counts peers strictly better (polarity applied), so ties share the better place; peers
    without a value are left out of that metric, never counted as 0.
    """
    panel = engine.panel
    present = set(panel.codes.tolist())
    rows_idx = [panel.position(c) for c in peer_codes if c in present and c != area_code]
    row = panel.position(area_code)
    out = []
    for m in ordered_metrics(card):
        if not m.meta.scorable:
            continue
        j = panel.column(m.meta.id)
        values = panel.values[rows_idx, j]
        out.append(_peer_row(m, float(panel.values[row, j]), values[~np.isnan(values)]))
    return pd.DataFrame(out)


def _baseline_row(dataset: Dataset, card: Scorecard, iid: str, label: str) -> dict[str, object]:
    row = next((m for m in card.metrics if m.meta.id == iid), None)
    meta = row.meta if row is not None else dataset.indicators.get(iid)
    if meta is None:
        return {}
    code = card.area.utla_code if (row is not None and row.from_upper_tier and card.area) else card.area.code
    series = dataset.series(iid, code) if iid in dataset.indicators else pd.DataFrame(columns=["period", "value"])
    series = series[series["value"].notna()]
    base = series[series["period"] == label]["value"]
    base_value = float(base.iloc[-1]) if len(base) else None
    last_value = float(series["value"].iloc[-1]) if len(series) else None
    change = None if base_value is None or last_value is None else last_value - base_value
    better = None if change is None else np.sign(change) * int(meta.polarity)
    return {"Metric": metric_label(meta), "Indicator id": iid, "Baseline period": display_label(label),
            "Baseline": _num(base_value), "Baseline (as shown)": format_value(base_value, meta),
            "Latest period": display_label(str(series["period"].iloc[-1])) if len(series) else NO_DATA,
            "Latest": _num(last_value), "Latest (as shown)": format_value(last_value, meta),
            "Change (as shown)": format_change(change, meta),
            "Direction": "not judged (context metric)" if not meta.polarity
            else {1: "improved", -1: "worsened", 0: "no change"}.get(better, NO_DATA)}


def progress_from_baseline(dataset: Dataset, card: Scorecard,
                           baseline: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Baseline against latest for each (indicator, period) the session set as its baseline."""
    return pd.DataFrame([r for r in (_baseline_row(dataset, card, i, p) for i, p in baseline) if r])


def _describe_change(change: str) -> str:
    if change in ("target", "minimum"):
        return f"moves to its {change}"
    if change.startswith("="):
        return f"set to {change[1:].replace('-', '−')}"
    return "changes by " + (change if change[0] in "+-" else "+" + change).replace("-", "−")


def scenario_definitions(dataset: Dataset, card: Scorecard,
                         scenarios: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> pd.DataFrame:
    """The what-if scenarios as set in the session (name, metric, change), when no results are passed."""
    labels = {m.meta.id: metric_label(m.meta) for m in card.metrics}
    rows = [{"Scenario": name, "Metric": labels.get(iid, dataset.indicators[iid].label if iid in dataset.indicators
                                                       else iid), "Indicator id": iid,
             "Change set": _describe_change(change)} for name, changes in scenarios for iid, change in changes]
    return pd.DataFrame(rows, columns=["Scenario", "Metric", "Indicator id", "Change set"])


def _labels(dataset: Dataset, card: Scorecard, ids: Sequence[str]) -> str:
    known = {m.meta.id: m.meta.label for m in card.metrics}
    names = [known.get(i) or (dataset.indicators[i].label if i in dataset.indicators else i) for i in ids]
    return ", ".join(names) if names else "none"


def _counts(labels: Sequence[str]) -> str:
    counts = pd.Series(list(labels)).value_counts()
    return "; ".join(f"{label} ({n} metric{'s' if n != 1 else ''})" for label, n in counts.items() if label)


def _custom(dataset: Dataset, card: Scorecard, pairs: Sequence[tuple[str, float]]) -> str:
    metas = {m.meta.id: m.meta for m in card.metrics}
    parts = [f"{metas[i].label}: {format_value(v, metas[i])}" if i in metas else f"{i}: {format_number(v, 2)}"
             for i, v in pairs]
    return "; ".join(parts) or "none"


def settings_lines(dataset: Dataset, engine: Engine, card: Scorecard,
                   peers: PeerGroup | None) -> tuple[tuple[str, str], ...]:
    """The method choices in plain English, in the order the Weights page explains them."""
    s, tier = engine.settings, engine.panel.tier
    scored = [m for m in card.metrics if m.meta.scorable and m.meta.polarity]
    overrides = [f"{_labels(dataset, card, [i])}: minimum {MINIMUM_PRESETS[p]}" for i, p in s.minimum_overrides]
    overrides += [f"{_labels(dataset, card, [i])}: target {TARGET_PRESETS[p]}" for i, p in s.target_overrides]
    mission_w = [f"Mission {n}: ×{w:g}" for n, w in sorted(s.mission_weights) if w != 1]
    metric_w = [f"{_labels(dataset, card, [i])}: ×{w:g}" for i, w in sorted(s.indicator_weights)]
    lines = [
        ("Minimum (below it, a Levelling Up focus is needed)", MINIMUM_PRESETS[s.minimum]),
        ("Target", TARGET_PRESETS[s.target]),
        ("Per-metric benchmark choices", "; ".join(overrides) or "none"),
        ("Custom minimums", _custom(dataset, card, s.custom_minimum)),
        ("Custom targets", _custom(dataset, card, s.custom_target)),
        ("Minimums used", _counts([m.minimum_label for m in scored])),
        ("Targets used", _counts([m.target_label for m in scored])),
        ("Scores", NORMALISATIONS[s.normalisation]),
        ("Aggregation", AGGREGATIONS[s.aggregation]),
        ("Weights", WEIGHT_PRESETS[s.weight_preset]),
        ("Killer metrics", _labels(dataset, card, s.killer) if s.weight_preset == "killer" else "not used"),
        ("Mission weights", "; ".join(mission_w) or "all missions count the same"),
        ("Metric weights changed", "; ".join(metric_w) or "none"),
        ("Local control changed", "; ".join(f"{_labels(dataset, card, [i])}: {v}" for i, v in s.control) or "none"),
        ("Metrics left out", _labels(dataset, card, sorted(s.excluded))),
        ("Red needs statistical evidence", "yes: the whole 95% interval (or one MAD) must be worse than the minimum"
         if s.evidence_based else "no: any value worse than the minimum is red"),
        ("Peer group", peers.label if peers is not None else "none"),
        ("Ranked among", f"{card.rank_of} {TIER_GROUP.get(tier, 'areas')} in "
                         f"{NATION_GROUP.get(card.area.code[0] if card.area else '', 'the UK')}"),
        ("Mission status rule", MISSION_RAG_RULE),
    ]
    return tuple(lines)


def data_note(dataset: Dataset) -> str:
    """Which data build the numbers come from, in one sentence."""
    dates = []
    for meta in dataset.indicators.values():
        for text in meta.source_date.split("|"):
            hit = _DATE.match(text.strip())
            if hit:
                dates.append(date(int(hit[3]), int(hit[2]), int(hit[1])))
    newest = max(dates).strftime("%d %B %Y").lstrip("0") if dates else "not recorded"
    n_areas = int(dataset.areas["current"].sum())
    return (f"{len(dataset.indicators)} indicators for {n_areas:,} current areas, from the app's committed data "
            f"build (newest source release {newest}).")
