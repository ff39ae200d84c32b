"""``make fuzz``: thousands of hostile links, session files and uploads; counts what escaped, then times big uploads.

    python -m tests.fuzz [--cases 3000] [--only links,sessions,uploads,big]

For each entry point it prints the cases tried, the uncaught exceptions (anything but the module's own error)
and the broken promises (a state that is not canonical, a duplicated local metric, a non-finite value), grouped
by kind with one example each. Exit code 1 if anything escaped.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
import traceback
from collections.abc import Callable

from hypothesis import given

from lupcore.data import load_dataset
from tests.fuzz import hostile
from tests.fuzz.checks import check_link, check_session, check_upload


def _run(name: str, strategy, check: Callable, cases: int) -> int:
    tally: collections.Counter[str] = collections.Counter()
    example: dict[str, str] = {}
    tried = [0]
    slowest = [0.0, ""]

    @hostile.budget(cases)
    @given(strategy)
    def one(case) -> None:
        tried[0] += 1
        start = time.perf_counter()
        try:
            check(case)
        except AssertionError as exc:
            key = "broken promise: " + str(exc).splitlines()[0][:90]
            tally[key] += 1
            example.setdefault(key, repr(case)[:300])
        except Exception as exc:  # noqa: BLE001 - counting what escapes is the point
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            key = f"uncaught {type(exc).__name__} at {os.path.basename(frame.filename)}:{frame.name}"
            tally[key] += 1
            example.setdefault(key, repr(case)[:300])
        elapsed = time.perf_counter() - start
        if elapsed > slowest[0]:
            slowest[:] = [elapsed, repr(case)[:120]]

    one()
    uncaught = sum(n for k, n in tally.items() if k.startswith("uncaught"))
    broken = sum(tally.values()) - uncaught
    print(f"{name}: {tried[0]} cases, {uncaught} uncaught exceptions, {broken} broken promises, "
          f"slowest {slowest[0] * 1000:.0f} ms")
    for key, n in tally.most_common():
        print(f"  {n:5d}  {key}\n         e.g. {example[key]}")
    return uncaught + broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--only", default="links,sessions,uploads,big")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    ds = load_dataset()
    known = {r.code: r.name for r in ds.pickable().itertuples(index=False)}
    failures = 0
    if "links" in only:
        failures += _run("links", hostile.links(), lambda p: check_link(p, ds), args.cases)
    if "sessions" in only:
        failures += _run("session files", hostile.session_files(), lambda b: check_session(b, ds), args.cases)
    if "uploads" in only:
        failures += _run("uploads", hostile.uploads(), lambda u: check_upload(u[0], u[1], known), args.cases)
    if "big" in only:
        from tests.fuzz.big_uploads import report

        failures += report(known)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
