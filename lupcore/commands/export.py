"""``python -m lupcore export AREA --format pdf|pptx|xlsx|csv --out FILE [--session FILE]``: the summary as a file.

The same bundle the Export page downloads: without ``--session`` the documented default method;
with a session file saved from the app, its settings, peer group, baseline, scenarios and local metrics.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from lupcore.commands._common import resolve_or_report
from lupcore.dataset import Dataset
from lupcore.export import FORMATS, export
from lupcore.model import IndicatorMeta
from lupcore.panel import build_panel
from lupcore.peers import PeerError, PeerGroup, peer_group
from lupcore.report import build_bundle
from lupcore.scorecard import Engine, build_engine
from lupcore.scoring import WeightsError
from lupcore.session import SessionFileError, ViewState, from_session_file
from lupcore.uploads import local_metric_from_dict

TIER_OF_PREFIX = {"E10": "utla", "E47": "cauth"}  # counties and combined authorities; everything else is lower tier


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("export", help="write an area's summary as PDF, PowerPoint, Excel or CSV")
    parser.add_argument("area", help="GSS code or exact name (case-insensitive), e.g. E08000030 or Walsall")
    parser.add_argument("--format", dest="fmt", choices=tuple(FORMATS), required=True, help="file format")
    parser.add_argument("--out", type=Path, required=True, help="file to write (replaced if it exists)")
    parser.add_argument("--session", type=Path, default=None,
                        help="a session file saved from the app: its settings, peers, baseline and scenarios are used")
    parser.set_defaults(func=run)


def _warn(message: str) -> None:
    print(f"Warning: {message}", file=sys.stderr)


def _view(dataset: Dataset, path: Path | None) -> tuple[ViewState, list[dict]] | None:
    """The session's view state and local metrics (defaults without a file); None after a one-line message."""
    if path is None:
        return ViewState(), []
    try:
        decoded, local_metrics = from_session_file(
            path.read_bytes(),
            known_area=lambda c: dataset.has_area(c) and bool(dataset.areas.at[c, "current"]),
            known_metric=lambda i: i in dataset.indicators or i.startswith("local_"))
    except OSError as exc:
        print(f"Cannot read the session file {path}: {exc.strerror or exc}.", file=sys.stderr)
        return None
    except SessionFileError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return None
    for notice in decoded.notices:
        _warn(notice)
    return decoded.state, local_metrics


def _local(dataset: Dataset, saved: list[dict]) -> tuple[tuple[IndicatorMeta, ...], pd.DataFrame | None] | None:
    """The session's local metrics, checked again as the app does; None after a one-line message."""
    known = {r.code: r.name for r in dataset.pickable().itertuples(index=False)}
    metrics, problems = [], []
    for d in saved:
        metric, found = local_metric_from_dict(d, known)
        problems += [p.message for p in found if p.severity == "error"]
        if metric is not None:
            metrics.append(metric)
    if problems:
        print(f"The session file's local metrics are damaged: {problems[0]}", file=sys.stderr)
        return None
    if not metrics:
        return (), None
    return tuple(m.indicator_meta() for m in metrics), pd.concat([m.observations for m in metrics], ignore_index=True)


def _peers(dataset: Dataset, code: str, view: ViewState) -> tuple[PeerGroup | None, tuple[str, ...]]:
    """The view's peer group, or None and the reason (also warned on stderr): the export goes on without."""
    spec = view.peers
    try:
        return peer_group(dataset, code, spec.kind, k=spec.k, variables=spec.variables,  # type: ignore[arg-type]
                          custom=spec.custom), ()
    except PeerError as exc:
        _warn(f"{exc} The export has no peer section.")
        return None, (f"No peer group: {exc}",)


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 1024 else f"{n / 1024:,.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:,.1f} MB"


def _engine(dataset: Dataset, code: str, view: ViewState, local: tuple) -> tuple[Engine, PeerGroup | None,
                                                                               tuple[str, ...]] | None:
    """Panel of the area's tier (with local metrics), peers and engine; None after a one-line message."""
    panel = build_panel(dataset, TIER_OF_PREFIX.get(code[:3], "ltla"), *local)
    if code not in set(panel.codes.tolist()):
        print(f"{code} is not a council or combined authority, so it has no scorecard to export.", file=sys.stderr)
        return None
    peers, notes = _peers(dataset, code, view)
    try:
        return build_engine(panel, view.settings, peers.codes if peers else ()), peers, notes
    except WeightsError as exc:
        print(str(exc), file=sys.stderr)
        return None


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    """Write the file; 2 after a one-line message for an unknown area, a bad session or an unwritable path."""
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    loaded = _view(dataset, args.session)
    if loaded is None:
        return 2
    view, saved = loaded
    local = _local(dataset, saved)
    if local is None:
        return 2
    scored = _engine(dataset, code, view, local)
    if scored is None:
        return 2
    engine, peers, notes = scored
    data = export(build_bundle(dataset, engine, code, view, peers=peers, notes=notes), args.fmt)
    try:
        args.out.write_bytes(data)
    except OSError as exc:
        print(f"Cannot write {args.out}: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(f"{args.out} ({_size(len(data))})")
    return 0
