"""``python -m lupcore peers AREA [--method M] [--k N] [--variables a,b] [--json]``: an area's peer group."""

from __future__ import annotations

import argparse
import sys

from lupcore.cli.commands._common import area_command, emit, resolve_or_report
from lupcore.data import Dataset
from lupcore.peers import DEFAULT_K, METHODS, PEER_KINDS, PeerError, check_variables, peer_group

CLI_METHODS = tuple(k for k in PEER_KINDS if k != "custom")


def register(sub: argparse._SubParsersAction) -> None:
    parser = area_command(sub, "peers", "an area's most similar areas (ONS lists or our nearest neighbours)")
    parser.add_argument("--method", choices=CLI_METHODS, default="ons-global",
                        help="ONS's published list for one model (default: global, as in the app), or our nearest neighbours")
    parser.add_argument("--k", type=int, default=DEFAULT_K, help=f"how many peers (default {DEFAULT_K}; ONS lists 20)")
    parser.add_argument("--variables", default=None,
                        help="comma-separated context variables for --method nearest (default: the structural set)")
    parser.add_argument("--distance", choices=METHODS, default="euclidean", help="distance for --method nearest")
    parser.add_argument("--same-nation", action="store_true", help="nearest: only areas in the same nation")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, dataset: Dataset) -> int:
    """Print the peer group; 2 after a one-line message for an unknown area, variable or bad request."""
    code = resolve_or_report(dataset, args.area)
    if code is None:
        return 2
    variables = [v for v in args.variables.split(",") if v.strip()] if args.variables else None
    try:
        if variables is not None and args.method != "nearest":
            raise PeerError("--variables applies to --method nearest only.")
        if variables is not None:
            check_variables(dataset, variables)  # an empty list is an error here, not the default set
        group = peer_group(dataset, code, args.method, k=args.k, variables=variables,
                           method=getattr(args, "distance", "euclidean"),
                           same_nation=getattr(args, "same_nation", False))
    except PeerError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    distances = group.distances or (None,) * len(group.codes)
    peers = [{"code": c, "name": str(dataset.areas.at[c, "name"]), "rank": rank,
              "distance": None if d is None else round(d, 6)}
             for rank, (c, d) in enumerate(zip(group.codes, distances, strict=True), start=1)]
    name = str(dataset.areas.at[code, "name"])
    payload = {"area": {"code": code, "name": name}, "method": args.method, "k": args.k, "peers": peers}
    lines = [f"{name} ({code}): {group.label}", f"{'rank':>4}  {'code':<9}  {'distance':>8}  name"]
    lines += [f"{p['rank']:>4}  {p['code']:<9}  {'' if p['distance'] is None else format(p['distance'], '.4f'):>8}  "
              f"{p['name']}" for p in peers]
    emit(payload, args.json, "\n".join(lines))
    return 0
