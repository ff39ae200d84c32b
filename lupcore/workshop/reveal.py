"""The room beside the data: what participants may name, the data's status, and the results document.

The data's status is the locality's scorecard under the view's method settings (the documented
defaults when none are given): each metric's and each mission's red/amber/green, with "grey" where
there is no data (missing is missing).
"""

from __future__ import annotations

import math
from typing import Any

from lupcore.data import Dataset
from lupcore.scoring import NotScoredError, Scorecard, assemble
from lupcore.session import ViewState
from lupcore.workshop.pooling import MISSIONS, POOLING_METHODS
from lupcore.workshop.results import Results, priorities_convergence, room_rag
from lupcore.workshop.service import Vocabulary


def vocabulary(dataset: Dataset) -> Vocabulary:
    """Metrics a room may pick or rate: every scored metric that belongs to a mission."""
    return Vocabulary(metrics=frozenset(m.id for m in dataset.indicators.values()
                                        if m.scorable and m.polarity and m.mission is not None))


def metric_choices(dataset: Dataset) -> dict[str, str]:
    """``{metric id: "M1 · label"}`` for the pickers, headline metrics first within each mission."""
    ids = vocabulary(dataset).metrics
    metas = sorted((m for m in dataset.indicators.values() if m.id in ids),
                   key=lambda m: (m.mission, m.role.value != "headline", m.label))
    return {m.id: f"M{m.mission} · {m.label}" for m in metas}


def scorecard_for(dataset: Dataset, area_code: str, state: ViewState | None = None) -> Scorecard | None:
    """The locality's scorecard (None when the area is not scored, e.g. a region)."""
    state = state or ViewState()
    try:
        return assemble(dataset, area_code, state.settings, state.peers).card
    except NotScoredError:
        return None


def data_status(card: Scorecard | None) -> tuple[dict[str, str], dict[int, str]]:
    """``({metric id: rag}, {mission: rag})`` from the scorecard; empty without one."""
    if card is None:
        return {}, {}
    return ({m.meta.id: m.rag.value for m in card.metrics},
            {m.mission.number: m.rag.value for m in card.missions})


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def results_payload(res: Results, card: Scorecard | None, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """The results document (CLI ``--json``, exports): weights keyed by mission 1-12, NaN as null."""
    metric_rag, mission_rag = data_status(card)
    p = res.priorities
    keyed = lambda values: {str(m): _num(v) for m, v in zip(MISSIONS, values, strict=True)}  # noqa: E731
    conv = priorities_convergence(res)
    rooms_view = room_rag(res)
    return {
        "room": {"code": res.room.code, "title": res.room.title, "area": res.room.area_code,
                 "named": res.room.named, "participants": res.participants,
                 "activities": {k: {"state": s, "round": r} for k, (s, r) in res.room.activities.items()},
                 "expires_at": res.room.expires_at.isoformat()},
        "counts": res.counts,
        "priorities": {
            "responses": p.responses, "mean": keyed(p.mean), "median": keyed(p.median),
            "trimmed_mean": keyed(p.trimmed_mean), "iqr": keyed(p.iqr),
            "kendall_w": _num(p.agreement.w), "kendall_p": _num(p.agreement.p),
            "contested": list(p.contested[:3]),
            "methods": POOLING_METHODS,
            "convergence": None if conv is None else {
                "w_before": _num(conv.w_before), "w_after": _num(conv.w_after),
                "mean_iqr_before": _num(conv.iqr_before), "mean_iqr_after": _num(conv.iqr_after),
                "responses_before": conv.responses_before, "responses_after": conv.responses_after},
        },
        "killer": [{"metric": i, "label": (labels or {}).get(i, i), "votes": v, "status": metric_rag.get(i, "grey")}
                   for i, v in res.killer],
        "control": res.control,
        "rag": {str(m): {**res.rag.get(m, {"red": 0, "amber": 0, "green": 0}), "room": rooms_view[m],
                         "data": mission_rag.get(m, "grey")} for m in MISSIONS},
        "ideas": [{"participant": who, "text": text} for who, text, ok in res.ideas if ok],
    }


def room_said(doc: dict[str, Any], mission_names: dict[int, str]) -> tuple[str, ...]:
    """Plain-text lines for the "What the room said" section of the PDF and PowerPoint summaries."""
    room, p = doc["room"], doc["priorities"]
    lines = [f"{room['title']}: {room['participants']} people joined."]
    if p["responses"]:
        top = sorted(((v, int(m)) for m, v in p["mean"].items() if v), reverse=True)[:5]
        lines.append(f"Mission priorities ({p['responses']} people, mean of 100 points each): "
                     + "; ".join(f"{mission_names.get(m, m)} {v:.0f}" for v, m in top) + ".")
        if p["kendall_w"] is not None:
            lines.append(f"Agreement on the order of the missions: Kendall's W = {p['kendall_w']:.2f} "
                         f"(p {'< 0.001' if p['kendall_p'] < 0.001 else '= ' + format(p['kendall_p'], '.3f')}).")
    if doc["killer"]:
        lines.append("Killer metrics: " + "; ".join(f"{k['label']} ({k['votes']} votes, data {k['status']})"
                                                    for k in doc["killer"][:5]) + ".")
    differ = [f"{mission_names.get(int(m), m)}: the room says {r['room']}, the data says {r['data']}"
              for m, r in doc["rag"].items() if r["room"] not in (None, r["data"])]
    if differ:
        lines.append("Where the room and the data differ: " + "; ".join(differ) + ".")
    lines += [f"Proposed local metric ({i['participant']}): {i['text']}" for i in doc["ideas"]]
    return tuple(lines)
