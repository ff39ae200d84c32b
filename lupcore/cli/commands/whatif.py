"""``python -m lupcore whatif AREA --set ID=CHANGE … [--json] [--session FILE]``: a what-if scenario.

A change is a new value (``72.5`` or ``=72.5``), a relative change (``+5%``, ``-3%``), a change in
the metric's units (``+2``, ``-2``), or ``target``/``minimum``. Prints the area's overall score,
ranks and mission scores before and after, and each changed metric; other areas are held constant.
"""

from __future__ import annotations

import argparse
from typing import Any

from lupcore.cli.commands._common import area_command, emit, number, resolve_or_report
from lupcore.cli.commands._foresight import UsageError, check_metric, engine_for, load_session, report
from lupcore.data import Dataset
from lupcore.foresight import (
    Scenario,
    ScenarioError,
    ScenarioResult,
    Standing,
    apply_scenario,
    check_change,
    people_bases,
    rank_intervals,
)
from lupcore.format import ordinal


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``whatif`` subcommand."""
    parser = area_command(sub, "whatif", "change metrics for one area and see its scores and rank move",
                          session="settings, peers, scenarios")
    parser.add_argument("--set", dest="changes", action="append", default=[], metavar="ID=CHANGE",
                        help="e.g. level3_plus=65, employment_rate=+2, ks2_expected=target, claimant_rate=-10%%")
    parser.add_argument("--scenario", default=None, help="use this named scenario from --session instead of --set")
    parser.add_argument("--name", default="Scenario", help="a name for the scenario (default: Scenario)")
    parser.add_argument("--intervals", action="store_true", help="add 5–95%% rank intervals (1,000 runs; about a second)")
    parser.set_defaults(func=run)


def _scenario(dataset: Dataset, args: argparse.Namespace, saved: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> Scenario:
    """From ``--set`` (validated), else the named (or first) scenario of the session."""
    changes = []
    for item in args.changes:
        indicator_id, sep, change = item.partition("=")
        if not sep or not change:
            raise UsageError(f"--set {item!r} is not ID=CHANGE (e.g. level3_plus=65).")
        changes.append((check_metric(dataset, indicator_id.strip()), check_change(change)))
    if changes:
        return Scenario(args.name, tuple(changes))
    named = [s for s in saved if args.scenario in (None, s[0])]
    if not named:
        missing = f"The session has no scenario called {args.scenario!r}." if args.scenario else \
            "Give at least one --set ID=CHANGE (or a --session file with a scenario)."
        raise UsageError(missing)
    return Scenario(named[0][0], tuple(named[0][1]))


def _standing(result: Standing, missions: dict[int, str], interval: str | None) -> dict[str, Any]:
    overall = {"score": number(result.overall), "rag": result.overall_rag.value, "rank": result.rank,
               "of": result.rank_of, "peer_rank": result.peer_rank, "peer_of": result.peer_of}
    if interval is not None:
        overall["rank_interval"] = interval
    return {"overall": overall, "missions": [
        {"mission": m.mission, "name": missions.get(m.mission, ""), "score": number(m.score), "rag": m.rag.value}
        for m in result.missions]}


def _payload(dataset: Dataset, result: ScenarioResult, intervals: tuple[str, str] | None,
             notices: tuple[str, ...]) -> dict[str, Any]:
    names = {n: m.short_name for n, m in dataset.missions.items()}
    return {
        "area": {"code": result.area_code, "name": str(dataset.areas.at[result.area_code, "name"])},
        "scenario": result.scenario.name,
        "caveat": result.caveat,
        "before": _standing(result.before, names, intervals[0] if intervals else None),
        "after": _standing(result.after, names, intervals[1] if intervals else None),
        "changes": [{"indicator_id": m.indicator_id, "label": m.label, "change": m.change,
                     "old_value": number(m.old_value), "new_value": number(m.new_value),
                     "old_rag": m.old_rag.value, "new_rag": m.new_rag.value, "old_score": number(m.old_score),
                     "new_score": number(m.new_score), "people": number(m.people), "text": m.text}
                    for m in result.metrics],
        "notices": list(notices + result.notices),
    }


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _text(payload: dict[str, Any]) -> str:
    b, a = payload["before"]["overall"], payload["after"]["overall"]

    def rank(o: dict[str, Any]) -> str:
        return f"{ordinal(o['rank'])} of {o['of']}" if o["rank"] else "not ranked"

    lines = [f"{payload['area']['name']} ({payload['area']['code']}): {payload['scenario']}. {payload['caveat']}"]
    lines += [f"  {c['text']}" for c in payload["changes"]]
    lines.append(f"  Overall: {_score(b['score'])} → {_score(a['score'])}; rank {rank(b)} → {rank(a)}")
    if "rank_interval" in b:
        lines.append(f"  Rank with its 5–95% range: {b['rank_interval']} → {a['rank_interval']}")
    for mb, ma in zip(payload["before"]["missions"], payload["after"]["missions"], strict=False):
        lines.append(f"  Mission {mb['mission']:>2} {mb['name']:<22} {_score(mb['score']):>6} {mb['rag']:<5} → "
                     f"{_score(ma['score']):>6} {ma['rag']}")
    lines += [f"  Note: {n}" for n in payload["notices"]]
    return "\n".join(lines)


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    """Print before and after; 2 after a one-line message for an unknown area or metric, a bad change or session."""
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    try:
        restored = load_session(dataset, args.session)
        notices = restored.notices
        scenario = _scenario(dataset, args, restored.state.scenarios)
        setup, peer_notices = engine_for(dataset, code, restored)
    except (UsageError, ScenarioError) as exc:
        return report(exc)
    result = apply_scenario(setup.engine, code, scenario, setup.peer_codes, people_bases(dataset, code))
    intervals = None
    if args.intervals:
        before = rank_intervals(setup.engine)[code].text
        intervals = (before, rank_intervals(setup.engine, values=result.values)[code].text)
    payload = _payload(dataset, result, intervals, notices + peer_notices)
    emit(payload, args.json, _text(payload))
    return 0
