"""``python -m lupcore``: the analysts' command line over the same core the app uses.

Subcommands live in ``lupcore/cli/commands/``; each module registers its own parser. Errors a user
can fix (unknown area, missing data file) print one line to stderr and exit with code 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

from lupcore.cli import commands
from lupcore.data import DATA_DIR, DataFileError, load_dataset


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m lupcore", description="Levelling Up Place Explorer core")
    parser.add_argument("--data", type=Path, default=DATA_DIR, metavar="DIR",
                        help="folder of built data files (default: the repository's data/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"lupcore.cli.commands.{info.name}")
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
