"""``python -m bench [--only SUBSTRING] [--list]``: run the registered figures, one line each on stdout.

stdout carries only ``name: value unit`` lines, so it can be diffed or parsed; progress and errors
go to stderr. A figure that fails is reported on stderr and makes the exit code 1, without hiding
the figures that did run.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback

from bench.registry import discover, format_line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="SUBSTRING",
                        help="run only figures whose name contains SUBSTRING (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the figures and what they measure, then exit")
    args = parser.parse_args(argv)
    chosen = [f for f in discover().values() if not args.only or any(s in f.name for s in args.only)]
    if args.list:
        for fig in chosen:
            print(f"{fig.name} ({fig.unit}): {fig.doc}", file=sys.stderr)
        return 0
    if not chosen:
        print(f"no figure matches {args.only}; try --list", file=sys.stderr)
        return 2
    failed = 0
    started = time.perf_counter()
    for fig in chosen:
        t0 = time.perf_counter()
        try:
            value = fig.measure()
        except Exception:  # one broken figure must not hide the others
            failed += 1
            print(f"[bench] {fig.name} FAILED:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
            continue
        print(format_line(fig, value), flush=True)
        print(f"[bench] {fig.name} took {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    print(f"[bench] {len(chosen) - failed}/{len(chosen)} figures in {time.perf_counter() - started:.0f} s",
          file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
