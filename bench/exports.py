"""Export figures: seconds for one export of Walsall (E08000030) in each format, as the Export page makes it.

The bundle (scorecard, peers, tables) is built once and not timed: the page builds it from objects
it already has. Each figure is the median of ``ROUNDS`` exports after one untimed warm-up, which
takes the one-off start-up of the chart renderer (vl-convert) and of font registration out of the
figure, as in the long-running app. Targets (the issue): PDF with charts under 5 s, the others
under 2 s. ``FIGURES`` lists the same measurements as ``(name, unit, callable)`` for other runners.
"""

from __future__ import annotations

import functools
import statistics
import time
from collections.abc import Callable

from bench.registry import figure
from lupcore.data._dataset import load_dataset
from lupcore.data._panel import build_panel
from lupcore.export import FORMATS, ReportBundle, build_bundle
from lupcore.peers import peer_group
from lupcore.scoring import build_engine
from lupcore.session import ViewState

AREA = "E08000030"  # Walsall
ROUNDS = 3


@functools.cache
def _bundle() -> ReportBundle:
    dataset = load_dataset()
    view = ViewState(area=AREA)
    peers = peer_group(dataset, AREA, "ons-global", k=15)
    engine = build_engine(build_panel(dataset, "ltla"), view.settings, peers.codes)
    return build_bundle(dataset, engine, AREA, view, peers=peers)


def seconds_for(fmt: str) -> float:
    """Median seconds for one export in ``fmt`` (after a warm-up), checking the bytes are not empty."""
    bundle, write = _bundle(), FORMATS[fmt]
    write(bundle)
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        data = write(bundle)
        times.append(time.perf_counter() - start)
        if not data:
            raise RuntimeError(f"the {fmt} export is empty")
    return statistics.median(times)


@figure("export_pdf_walsall", "s")
def export_pdf_walsall() -> float:
    """PDF (A4, 2–4 pages, two charts rendered at scale 2) for Walsall; target under 5 s."""
    return seconds_for("pdf")


@figure("export_pptx_walsall", "s")
def export_pptx_walsall() -> float:
    """PowerPoint deck (16:9, three chart images) for Walsall; target under 2 s."""
    return seconds_for("pptx")


@figure("export_xlsx_walsall", "s")
def export_xlsx_walsall() -> float:
    """Excel workbook (About + 9 sheets, typed numbers) for Walsall; target under 2 s."""
    return seconds_for("xlsx")


@figure("export_csv_walsall", "s")
def export_csv_walsall() -> float:
    """Scorecard CSV for Walsall; target under 2 s."""
    return seconds_for("csv")


FIGURES: list[tuple[str, str, Callable[[], float]]] = [
    ("export_pdf_walsall", "s", export_pdf_walsall),
    ("export_pptx_walsall", "s", export_pptx_walsall),
    ("export_xlsx_walsall", "s", export_xlsx_walsall),
    ("export_csv_walsall", "s", export_csv_walsall),
]


@figure("upload_validation_10mb", "s")
def upload_validation_10mb() -> float:
    """Validating a generated 10 MB CSV of local metric values (about 250,000 rows), all checks on."""
    from lupcore.uploads import bench_validation

    return bench_validation()
