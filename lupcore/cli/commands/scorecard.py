"""``python -m lupcore scorecard AREA [--json] [--session FILE]``: one area's scorecard, as the app shows it.

Every metric against its minimum and target with its RAG status, the mission scores with theirs,
and the overall score and rank, under the documented defaults or a saved session's method choices
and peer group. The numbers come from the same engine the app uses, so the two always agree.
"""

from __future__ import annotations

import argparse

from lupcore.cli.commands._common import (
    UsageError,
    area_command,
    emit,
    load_session,
    number,
    report,
    resolve_or_report,
    scored,
)
from lupcore.data import Dataset
from lupcore.format import format_number, format_value
from lupcore.peers import PeerGroup
from lupcore.periods import display_label
from lupcore.scoring import MetricRow, MissionRow, Scorecard
from lupcore.session import ViewState, encode_query


def register(sub: argparse._SubParsersAction) -> None:
    parser = area_command(sub, "scorecard", "one area's metrics against minimum and target, mission scores and rank",
                          session="its method choices, weights and peer group",
                          json_help="machine-readable output (missing numbers are null)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    """Print the scorecard; 2 after a one-line message for an unknown area, a bad session or unusable weights."""
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    try:
        setup = scored(dataset, code, load_session(dataset, args.session))
    except UsageError as exc:
        return report(exc)
    card = setup.card
    emit(payload(card, setup.panel.tier, setup.peers), args.json, text(card, setup.peers))
    return 0


def payload(card: Scorecard, tier: str, group: PeerGroup | None) -> dict[str, object]:
    """The JSON document: area, method, indicators, missions, capitals and overall (NaN → null)."""
    area = card.area
    return {
        "area": {"code": area.code, "name": area.name, "tier": tier, "nation": area.nation},
        "settings": encode_query(ViewState(settings=card.settings)),  # empty = the documented defaults
        "peers": None if group is None else {"kind": group.kind, "label": group.label, "codes": list(group.codes)},
        "indicators": [_indicator(m) for m in card.metrics],
        "missions": [_mission(m) for m in card.missions],
        "capitals": {name: number(score) for name, score in card.capitals},
        "overall": {"score": number(card.overall), "rank": card.rank, "of": card.rank_of,
                    "rag": card.overall_rag.value, "text": card.rank_text},
    }


def _indicator(m: MetricRow) -> dict[str, object]:
    return {
        "indicator_id": m.meta.id, "label": m.meta.label, "mission": m.meta.mission, "unit": m.meta.unit,
        "period": m.period, "value": number(m.value), "lci95": number(m.lci95), "uci95": number(m.uci95),
        "minimum": number(m.minimum), "minimum_label": m.minimum_label,
        "target": number(m.target), "target_label": m.target_label,
        "rag": m.rag.value, "clear": m.clear, "score": number(m.score), "weight": number(m.weight),
        "direction": m.direction or None, "value_of_upper_tier": m.from_upper_tier,
        "scored": m.meta.scorable, "note": m.note or None,  # whose value it is (county, partnership, force, region)
    }


def _mission(m: MissionRow) -> dict[str, object]:
    return {
        "mission": m.mission.number, "name": m.mission.short_name, "score": number(m.score), "rag": m.rag.value,
        "coverage": m.present / m.applicable if m.applicable else None,  # share of the mission's metrics with data
        "present": m.present, "applicable": m.applicable,
        "score_at_minimum": number(m.score_at_minimum), "score_at_target": number(m.score_at_target),
        "status": m.status_text or None, "metrics_with_data": m.coverage_text or m.coverage,
    }


def text(card: Scorecard, group: PeerGroup | None) -> str:
    """The readable table: overall line, missions that apply, then every metric."""
    area = card.area
    overall = format_number(card.overall, 1)
    lines = [f"{area.name} ({area.code}): overall {overall} ({card.overall_rag.value}), {card.rank_text}"]
    if group is not None:
        lines.append(f"Peers: {group.label}")
    lines += ["", f"{'Mission':<44} {'Score':>6}  {'RAG':<6} Metrics with data"]
    lines += [f"{m.mission.title[:44]:<44} {format_number(m.score, 1):>6}  {m.rag.value:<6} {m.coverage}"
              for m in card.missions if m.applicable]
    lines += [f"{m.mission.title[:44]:<44} {'–':>6}  {'–':<6} {m.coverage_text}"
              for m in card.missions if not m.applicable and m.coverage_text]
    lines += ["", f"{'Metric':<44} {'Period':<12} {'Value':>12} {'Minimum':>12} {'Target':>12}  {'RAG':<6} Clear"]
    for m in card.metrics:
        clear = {True: "yes", False: "no", None: "–"}[m.clear]
        lines.append(f"{m.meta.label[:44]:<44} {display_label(m.period)[:12]:<12} {format_value(m.value, m.meta):>12} "
                     f"{format_value(m.minimum, m.meta):>12} {format_value(m.target, m.meta):>12}  {m.rag.value:<6} {clear}")
    return "\n".join(lines)
