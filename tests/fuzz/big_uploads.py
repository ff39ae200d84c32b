"""The largest uploads a user can send (10 MB CSV, cell and column floods, an XLSX with a far-away cell per row):
how long each takes to validate and the peak memory Python allocates for it (tracemalloc)."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Mapping

from lupcore.uploads import parse_upload

TEN_MB = 10 * 1024 * 1024 - 4096


def long_csv(known: Mapping[str, str]) -> bytes:
    """An ordinary, valid long file just under 10 MB: area_code, period (months from 1900), value."""
    codes = sorted(known)
    lines, size, i = ["area_code,period,value"], 0, 0
    while size < TEN_MB:
        month = i // len(codes)
        line = f"{codes[i % len(codes)]},{1900 + month // 12}-{month % 12 + 1:02d}-01/P1M,{i % 997}.{i % 100003:06d}"
        lines.append(line)
        size += len(line) + 1
        i += 1
    return ("\n".join(lines[:-1]) + "\n").encode()


def fat_cells() -> bytes:
    """200 cells of 45 KB each, with control characters (9 MB)."""
    cell = ("x\x01" * 22_500)
    rows = ["area_code,period,value"] + [f"E08000030,2023,{cell}" for _ in range(200)]
    return "\n".join(rows).encode()


def one_huge_cell() -> bytes:
    return b"area_code,period,value\nE08000030,2023," + b"9" * (TEN_MB - 40) + b"\n"


def many_columns() -> bytes:
    return (",".join(["area_code", "period"] + [f"m{i}" for i in range(400_000)]) + "\n").encode()[:TEN_MB]


def far_cells_xlsx(rows: int = 300_002) -> bytes:
    """One cell at column XFD in each of ``rows`` rows, written directly (openpyxl would take minutes)."""
    sheet = io.StringIO()
    sheet.write('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main"><dimension ref="A1:XFD' + str(rows) + '"/><sheetData>')
    for r in range(1, rows + 1):
        sheet.write(f'<row r="{r}"><c r="XFD{r}"><v>1</v></c></row>')
    sheet.write("</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/'
                   'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/'
                   'xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocu'
                   'ment.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
                   '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                   'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
                   '</workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http:'
                   '//schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                   'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
                   'sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet.getvalue())
    return out.getvalue()


def cases(known: Mapping[str, str]) -> dict[str, Callable[[], tuple[str, bytes]]]:
    return {
        "10 MB long CSV": lambda: ("long.csv", long_csv(known)),
        "200 cells of 45 KB": lambda: ("fat.csv", fat_cells()),
        "one 10 MB cell": lambda: ("huge.csv", one_huge_cell()),
        "400,000 columns": lambda: ("wide.csv", many_columns()),
        "XLSX, a cell at XFD in 300,002 rows": lambda: ("far.xlsx", far_cells_xlsx()),
    }


def measure(name: str, data: bytes, known: Mapping[str, str]) -> tuple[float, float, str]:
    """(seconds, peak MB allocated, first problem) for one upload."""
    start = time.perf_counter()
    result = parse_upload(name, data, known)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    parse_upload(name, data, known)
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    first = result.problems[0].message if result.problems else f"{len(result.metrics)} metric(s)"
    return seconds, peak, first


def report(known: Mapping[str, str]) -> int:
    slowest = (0.0, "")
    for label, make in cases(known).items():
        name, data = make()
        seconds, peak, first = measure(name, data, known)
        print(f"big upload: {label} ({len(data) / 1024 / 1024:.1f} MB): {seconds:.2f} s, peak {peak:.0f} MB; {first[:90]}")
        slowest = max(slowest, (seconds, label))
    print(f"slowest upload: {slowest[1]}, {slowest[0]:.2f} s")
    return 0
