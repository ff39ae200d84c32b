"""``python -m lupcore``: the analysts' command line over the same core the app uses.

Subcommands live in ``lupcore/commands/``; each module registers its own parser. Errors a user
can fix (unknown area, missing data file) print one line to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

from lupcore import commands
from lupcore.data import DATA_DIR, DataFileError, load_dataset


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lupcore", description="Levelling Up Place Explorer core")
    parser.add_argument("--data", type=Path, default=DATA_DIR, metavar="DIR",
                        help="folder of built data files (default: the repository's data/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"lupcore.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        dataset = load_dataset(args.data)
    except DataFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        return int(args.func(args, dataset))
    except BrokenPipeError:  # e.g. piped into `head`
        return 0


def emit(payload: object, as_json: bool, text: str) -> None:
    """Print JSON (machine-readable, NaN as null) or the human-readable text."""
    if as_json:
        print(json.dumps(tidy(payload), indent=2, ensure_ascii=False, allow_nan=False, default=str))
    else:
        print(text)


def tidy(payload: object) -> object:
    """Floats to 12 significant digits: 696.4 rather than 696.4000000000001 (binary noise, not precision)."""
    if isinstance(payload, float):
        return float(f"{payload:.12g}")
    if isinstance(payload, dict):
        return {k: tidy(v) for k, v in payload.items()}
    if isinstance(payload, list | tuple):
        return [tidy(v) for v in payload]
    return payload
