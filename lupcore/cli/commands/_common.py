"""Shared pieces of the subcommands: area resolution with the one-line error, sessions, output as JSON or text."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from lupcore.data import Dataset, UnknownAreaError
from lupcore.restore import Restored, assemble_restored, restore_session
from lupcore.scoring import Assembly, NotScoredError
from lupcore.session import SessionFileError, ViewState

AREA_HELP = "GSS code or exact name (case-insensitive), e.g. E08000030 or Walsall"


def area_command(sub: argparse._SubParsersAction, name: str, help_text: str, *, json_help: str | None = None,
                 session: str | None = None) -> argparse.ArgumentParser:
    """A subcommand about one area: its ``area`` argument, ``--json`` (unless ``json_help`` is ""), and
    ``--session FILE`` when ``session`` says what the command takes from the file."""
    parser = sub.add_parser(name, help=help_text)
    parser.add_argument("area", help=AREA_HELP)
    if session is not None:
        parser.add_argument("--session", type=Path, default=None, metavar="FILE",
                            help=f"a session file saved from the app: {session}")
    if json_help != "":
        parser.add_argument("--json", action="store_true", help=json_help or "machine-readable output")
    return parser


def resolve_or_report(dataset: Dataset, text: str) -> str | None:
    """The area code for ``text``, or None after printing the one-line message (caller exits 2)."""
    try:
        return dataset.resolve_area(text)
    except UnknownAreaError as exc:
        print(str(exc), file=sys.stderr)
        return None


def number(value: object) -> float | None:
    """A float for JSON, with NaN and None as null."""
    if value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) else out


class UsageError(ValueError):
    """A problem the user can fix; printed as one line, exit code 2."""


def report(exc: Exception) -> int:
    """Print the one-line message and return the exit code for a usage problem."""
    print(str(exc), file=sys.stderr)
    return 2


def load_session(dataset: Dataset, path: Path | str | None) -> Restored:
    """``--session FILE`` restored as the app restores it (defaults without a file); raises ``UsageError``."""
    if not path:
        return Restored(ViewState(), (), ())
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"Cannot read the session file {path}: {exc.strerror or exc}.") from exc
    try:
        return restore_session(data, dataset)
    except SessionFileError as exc:
        raise UsageError(f"{path}: {exc}") from exc


def engine_or_usage_error(dataset: Dataset, code: str, restored: Restored) -> Assembly:
    """The engine for ``code`` under a restored session; raises ``UsageError`` with the reason."""
    try:
        setup = assemble_restored(dataset, code, restored)
    except NotScoredError as exc:
        name = dataset.areas.at[code, "name"] if dataset.has_area(code) else code
        raise UsageError(f"{name} ({code}) is not a council or combined authority, so it is not scored.") from exc
    if setup.weights_problem:
        raise UsageError(setup.weights_problem)
    return setup


def scored(dataset: Dataset, code: str, restored: Restored) -> Assembly:
    """``engine_or_usage_error``, printing the session's and the peer group's notices as warnings."""
    setup = engine_or_usage_error(dataset, code, restored)
    for notice in (*restored.notices, *setup.notices):
        print(f"warning: {notice}", file=sys.stderr)
    return setup


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
