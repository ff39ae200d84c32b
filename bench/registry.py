"""The figure registry: a benchmark figure is one function decorated with ``@figure(name, unit)``.

Any module in ``bench/`` with a line starting ``@figure(`` is imported by ``discover()``, so a new
figure needs no wiring: ``bench/figures.py`` runs first, the others in name order. Streamlit
scripts used as baselines (``empty_page.py``, ``baseline_app.py``) are never imported.
Figures that share an expensive measurement (say, one interleaved run giving both a time and a
ratio) each stay one function and read a ``functools.cache``-d helper, so ``--only`` still runs
exactly the work the chosen figures need.
"""

from __future__ import annotations

import importlib
import re
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.server import ROOT

UNITS = ("ms", "s", "x", "MB", "KB", "count")
_DEFINES_FIGURE = re.compile(r"^@figure\(", re.MULTILINE)


@dataclass(frozen=True)
class Figure:
    name: str
    unit: str
    measure: Callable[[], float]

    @property
    def doc(self) -> str:
        return (self.measure.__doc__ or "").strip().splitlines()[0] if self.measure.__doc__ else ""


FIGURES: dict[str, Figure] = {}


def figure(name: str, unit: str) -> Callable[[Callable[[], float]], Callable[[], float]]:
    """Register ``measure`` (no arguments, returns the value in ``unit``) under ``name``."""
    if unit not in UNITS:
        raise ValueError(f"{name}: unit {unit!r} is not one of {UNITS}")

    def register(measure: Callable[[], float]) -> Callable[[], float]:
        if name in FIGURES:
            raise ValueError(f"figure {name!r} registered twice")
        FIGURES[name] = Figure(name, unit, measure)
        return measure

    return register


def format_line(fig: Figure, value: float) -> str:
    """``name: value unit``, with about three significant figures (``57.3 x``, ``412 ms``)."""
    digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{fig.name}: {value:.{digits}f} {fig.unit}"


def discover() -> dict[str, Figure]:
    """Import every figure module in this package (figures.py first) and return the registry."""
    here = Path(__file__).resolve().parent
    modules = sorted((p for p in here.glob("*.py") if not p.name.startswith("_")),
                     key=lambda p: (p.stem != "figures", p.stem))
    for path in modules:
        if _DEFINES_FIGURE.search(path.read_text(encoding="utf-8")):
            importlib.import_module(f"{__package__}.{path.stem}")
    return FIGURES


def median_in_fresh_processes(snippet: str, runs: int, label: str = "") -> float:
    """Median of the last number each fresh ``python -c snippet`` prints (a cold-start cost, imports excluded
    when the snippet starts its timer after them). ``label`` reports each run on stderr."""
    values = []
    for i in range(runs):
        out = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, check=True, capture_output=True, text=True)
        values.append(float(out.stdout.strip().splitlines()[-1]))
        if label:
            print(f"[bench] {label} run {i + 1}/{runs}: {values[-1]:.0f} ms", file=sys.stderr, flush=True)
    return statistics.median(values)
