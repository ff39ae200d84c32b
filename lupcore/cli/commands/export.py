"""``python -m lupcore export AREA --format pdf|pptx|xlsx|csv --out FILE [--session FILE]``: the summary as a file.

The same bundle the Export page downloads: without ``--session`` the documented default method;
with a session file saved from the app, its settings, peer group, baseline, scenarios and local metrics.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lupcore.cli.commands._common import UsageError, area_command, load_session, report, resolve_or_report, scored
from lupcore.data import Dataset
from lupcore.export import FORMATS, build_bundle, export
from lupcore.foresight import (
    apply_scenario,
    area_progress,
    people_bases,
    progress_frame,
    scenario_frame,
    scenarios_from_view,
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = area_command(sub, "export", "write an area's summary as PDF, PowerPoint, Excel or CSV", json_help="",
                          session="its settings, peers, baseline and scenarios are used")
    parser.add_argument("--format", dest="fmt", choices=tuple(FORMATS), required=True, help="file format")
    parser.add_argument("--out", type=Path, required=True, help="file to write (replaced if it exists)")
    parser.set_defaults(func=run)


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 else f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    """Write the file; 2 after a one-line message for an unknown area, a bad session or an unwritable path."""
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    try:
        restored = load_session(dataset, args.session)
        setup = scored(dataset, code, restored)
    except UsageError as exc:
        return report(exc)
    state, extra = restored.state, setup.local.observations
    prog = progress_frame(area_progress(dataset, setup.engine, code, state.baseline, extra=extra)) if state.baseline else None
    results = [apply_scenario(setup.engine, code, s, setup.peer_codes, people_bases(dataset, code))
               for s in scenarios_from_view(state.scenarios)]
    bundle = build_bundle(dataset, setup.engine, code, state, peers=setup.peers, progress=prog,
                          scenarios=scenario_frame(results) if results else None, card=setup.card, notes=setup.notices)
    data = export(bundle, args.fmt)
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        print(f"Cannot write {args.out}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(f"{args.out} ({_size(len(data))})")
    return 0
