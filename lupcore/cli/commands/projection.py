"""``python -m lupcore projection AREA ID [--json] [--relaxed] [--horizon 2030] [--session FILE]``.

One metric's trend for one area projected to 2030 with 80% and 95% prediction intervals, the
chance of reaching the target (and the mission's own number, where there is one), and the pace
needed against the pace achieved; or a plain reason why there is no projection.
"""

from __future__ import annotations

import argparse
from typing import Any

from lupcore.cli.commands._common import area_command, emit, number, resolve_or_report
from lupcore.cli.commands._foresight import UsageError, check_metric, engine_for, load_session, report
from lupcore.data import Dataset
from lupcore.foresight import Projection, project_metric


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``projection`` subcommand."""
    parser = area_command(sub, "projection", "one metric's trend projected to 2030, with its uncertainty",
                          session="settings (targets), baselines")
    parser.add_argument("indicator", help="metric id, e.g. ks2_expected")
    parser.add_argument("--horizon", type=int, default=2030, help="the year the projected period ends in (default 2030)")
    parser.add_argument("--relaxed", action="store_true",
                        help="fit on 3+ points over 2+ years instead of 5 over 5 (indicative only)")
    parser.set_defaults(func=run)


def _pair(pair: tuple[float, float] | None) -> list[float | None] | None:
    return None if pair is None else [number(pair[0]), number(pair[1])]


def payload(dataset: Dataset, p: Projection) -> dict[str, Any]:
    """The projection as JSON-safe data (NaN as null)."""
    return {
        "area": {"code": p.area_code, "name": str(dataset.areas.at[p.area_code, "name"])},
        "indicator": {"id": p.meta.id, "label": p.meta.label, "unit": p.meta.unit},
        "status": p.status,
        "reason": p.reason or None,
        "relaxed": p.relaxed,
        "fit": {"transform": p.transform, "slope": number(p.slope), "intercept": number(p.intercept), "n": p.n,
                "points": [{"period": period, "value": number(value)} for period, value in p.points]},
        "horizon": {"period": p.horizon_period or None, "label": p.horizon_label or None, "t": number(p.horizon_t)},
        "projection": None if p.point is None else {
            "point": number(p.point), "pi95": _pair(p.pi95), "pi80": _pair(p.pi80), "ci95": _pair(p.ci95)},
        "targets": [{"label": o.label, "value": number(o.value), "probability": number(o.probability),
                     "likelihood": o.likelihood, "required_per_year": number(o.required_per_year),
                     "achieved_per_year": number(o.achieved_per_year), "pace": o.pace,
                     "not_informative": o.not_informative, "text": o.text} for o in p.targets],
        "notes": list(p.notes),
        "text": p.text,
    }


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    """Print the projection; 2 after a one-line message for an unknown area or metric or a bad session."""
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    try:
        indicator = check_metric(dataset, args.indicator)
        restored = load_session(dataset, args.session)
        setup, _ = engine_for(dataset, code, restored)
        state = restored.state
    except UsageError as exc:
        return report(exc)
    baseline = dict(state.baseline).get(indicator)
    result = project_metric(dataset, setup.engine, code, indicator, horizon_year=args.horizon, relaxed=args.relaxed,
                            baseline_period=baseline)
    data = payload(dataset, result)
    lines = [f"{data['area']['name']} ({code}): {result.meta.label}", f"  {result.text}"]
    lines += [f"  {o['text']}" for o in data["targets"]]
    lines += [f"  Note: {n}" for n in result.notes]
    emit(data, args.json, "\n".join(lines))
    return 0
