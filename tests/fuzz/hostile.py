"""Hostile inputs as hypothesis strategies: links, session files and uploads a careless user or an attacker sends.

Shared by the property tests in ``make test`` (a fixed seed and a small budget) and ``make fuzz`` (thousands of
cases, ``python -m tests.fuzz``). Each strategy mixes valid pieces with the shapes that broke pages before:
duplicated pairs, huge or non-finite numbers, unbounded periods, unknown ids, markup, odd encodings.
"""

from __future__ import annotations

import io
import json
import os

from hypothesis import HealthCheck, settings, strategies as st

SEED = 20261207


def budget(default: int) -> settings:
    """A fixed-seed, bounded run; ``LUPE_FUZZ_EXAMPLES`` (set by ``make fuzz``) raises the number of cases."""
    n = int(os.environ.get("LUPE_FUZZ_EXAMPLES", default))
    return settings(max_examples=n, derandomize=True, database=None, deadline=None, print_blob=True,
                    suppress_health_check=list(HealthCheck))


AREAS = ("E08000030", "E06000001", "W06000015", "S12000036", "E10000003", "E47000001", "E08000025", "N09000001")
BAD_AREAS = ("E99999999", "e08000030", "E0800003", "X08000030", "E08000030\u200b", "")
METRICS = ("gross_weekly_pay", "employment_rate", "healthy_life_expectancy_male", "population")
BAD_METRICS = ("nosuch", "local_pride", "a" * 61, "Gross", "pay-rate", "", "__proto__")
NUMBERS = ("0", "2.5", "100", "100.0001", "-1", "1e308", "1e309", "-1e400", "nan", "inf", "-inf", "NaN", "1" * 400,
           "0x10", "1_000", " 5", "5 ", "", "2.5e-320", "+3", "１２")
PERIODS = ("2020-01-01", "2020-01-01/P1Y", "2020-01-01/P99999999999999999999Y", "9999-12-01/P1Y",
           "0001-01-01/P1M", "2023-01-01/P99999Y", "2020-02-30", "2020-01-01/P0Y", "2019-04-01/P3M",
           "2020-01-01/P" + "9" * 500 + "M", "２０２０-01-01")
TEXTS = ("![n](https://example.invalid/n.png)", "[Re-login](https://example.invalid/phish)",
         "[x](data:text/html,<script>alert(1)</script>)", "<b>bold</b>", "**strong** _em_ `code`", "# Heading",
         "=HYPERLINK(\"x\")", "Black Country", "Café société", "a\u202eb", "x" * 300, "line\nbreak", ":red[red]",
         "$x^2$", "Scenario~a=1|b", "\x00\x01", "🏴󠁧󠁢󠁥󠁮󠁧󠁿")
KEYS = ("area", "min", "tgt", "minx", "tgtx", "cmin", "ctgt", "norm", "agg", "ev", "wp", "kill", "mw", "iw", "ex",
        "peers", "k", "set", "setname", "vars", "cmp", "base", "scen", "present", "anon", "v")


def _pick(*options: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(tuple(x for group in options for x in group))


_text = st.one_of(_pick(TEXTS, NUMBERS, METRICS, AREAS), st.text(max_size=30))
_metric = st.one_of(_pick(METRICS, BAD_METRICS), st.from_regex(r"[a-z_]{1,12}", fullmatch=True))
_number = st.one_of(_pick(NUMBERS), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                    st.integers(-10**30, 10**30).map(str))
_mission = st.one_of(st.integers(-2, 14).map(str), _pick(("1", "12", "13", "0", "3.0", "x", "9" * 50)))
_preset = _pick(("national", "median", "peer_median", "custom", "upper_quartile", "best", "mission", "nosuch"))


def _pairs(keys: st.SearchStrategy[str], values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    pair = st.tuples(keys, values).map(lambda kv: f"{kv[0]}:{kv[1]}")
    return st.lists(st.one_of(pair, _text), max_size=6).map(",".join)


def _scenarios() -> st.SearchStrategy[str]:
    change = _pick(("72.5", "+5%", "-2", "target", "minimum", "=3", "x", "1e999", "+" + "9" * 40 + "%"))
    body = st.lists(st.tuples(_metric, change).map(lambda t: f"{t[0]}={t[1]}"), max_size=4).map(";".join)
    one = st.tuples(_text, body).map(lambda t: f"{t[0]}~{t[1]}")
    return st.lists(one, max_size=8).map("|".join)


VALUES: dict[str, st.SearchStrategy[str]] = {
    "area": _pick(AREAS, BAD_AREAS),
    "min": _preset, "tgt": _preset,
    "minx": _pairs(_metric, _preset), "tgtx": _pairs(_metric, _preset),
    "cmin": _pairs(_metric, _number), "ctgt": _pairs(_metric, _number),
    "norm": _pick(("minmax", "zscore", "percentile", "distance", "nosuch")),
    "agg": _pick(("arithmetic", "geometric", "harmonic")),
    "ev": _pick(("0", "1", "true", "yes")), "present": _pick(("0", "1", "2")), "anon": _pick(("1", "false", "")),
    "wp": _pick(("equal", "headline", "killer", "local_control", "nosuch")),
    "kill": st.lists(_metric, max_size=10).map(",".join), "ex": st.lists(_metric, max_size=6).map(",".join),
    "mw": _pairs(_mission, _number), "iw": _pairs(_metric, _number),
    "peers": _pick(("ons-global", "ons-economic", "nearest", "custom", "nosuch")),
    "k": st.one_of(st.integers(-5, 30).map(str), _pick(NUMBERS)),
    "set": st.lists(_pick(AREAS, BAD_AREAS), max_size=12).map(",".join),
    "setname": _text,
    "vars": st.lists(st.one_of(_metric, _pick(("population", "population_density", "nosuch"))), max_size=5).map(",".join),
    "cmp": st.lists(_pick(AREAS, BAD_AREAS), max_size=6).map(",".join),
    "base": _pairs(_metric, _pick(PERIODS)),
    "scen": _scenarios(),
    "v": _pick(("1", "2", "")),
}


@st.composite
def links(draw: st.DrawFn) -> dict[str, str]:
    """Query parameters of a hostile link: known keys with hostile values, sometimes a stray key or a long value."""
    keys = draw(st.lists(st.sampled_from(KEYS), max_size=8, unique=True))
    params = {k: draw(VALUES[k]) for k in keys}
    if draw(st.booleans()):
        params["area"] = draw(_pick(AREAS))
    if draw(st.integers(0, 9)) == 0:
        params[draw(st.text(min_size=1, max_size=8))] = draw(_text)
    if draw(st.integers(0, 19)) == 0 and params:
        key = draw(st.sampled_from(sorted(params)))
        params[key] = params[key] * 200
    return params


# ----- session files -----------------------------------------------------------------------------

SCHEMA = "levelling-up-place-explorer/session"


def _local_metric(draw: st.DrawFn, metric_id: str) -> dict:
    """A local metric as ``local_metric_to_dict`` writes it, with hostile texts, values and periods."""
    n = draw(st.integers(0, 4))
    periods = draw(st.lists(_pick(PERIODS, ("2023-01-01/P1Y",)), min_size=1, max_size=2))
    value = st.one_of(st.floats(allow_nan=False, allow_infinity=False, min_value=-100, max_value=100),
                      st.sampled_from([None, 1e308, -1e308, 0.0, "5", 10**30]))
    return {
        "version": draw(st.sampled_from([1, 1, 1, 2])),
        "meta": {"id": metric_id, "name": draw(_text), "unit": draw(st.one_of(_text, st.just("%"))),
                 "decimals": draw(st.integers(-3, 9)), "polarity": draw(st.sampled_from([1, -1, 0, 0, 2])),
                 "mission": draw(st.sampled_from([None, None, 1, 12, 13])),
                 "local_control": draw(st.sampled_from(["high", "medium", "low", "nosuch"])),
                 "source": draw(_text), "capital": None},
        "periods": periods,
        "area_code": [draw(_pick(AREAS[:3], AREAS[:3], BAD_AREAS)) for _ in range(n)],
        "period": [draw(st.integers(-1, len(periods))) for _ in range(n)],
        "value": [draw(value) for _ in range(n)],
    }


@st.composite
def session_files(draw: st.DrawFn) -> bytes:
    """A session file: usually well-formed JSON around a hostile state, sometimes raw bytes the JSON parser chokes on."""
    shape = draw(st.integers(0, 11))
    if shape == 0:  # deep nesting: the parser's own RecursionError
        return b"[" * draw(st.integers(1, 200_000)) + b"]" * draw(st.integers(0, 3))
    if shape == 1:  # a number the parser refuses to convert (int max str digits)
        return ('{"schema": "' + SCHEMA + '", "version": ' + "9" * draw(st.integers(1, 6000)) + "}").encode()
    if shape == 2:
        return draw(st.binary(max_size=200))
    state = draw(links())
    if draw(st.booleans()):  # a state that reads cleanly, so the local metrics and the checks after are reached
        from lupcore.session import decode_query, encode_query

        try:
            state = encode_query(decode_query(state).state)
        except Exception:  # noqa: BLE001 - the code under test may fail here; the reader meets the raw state then
            pass
    doc: dict = {"schema": draw(st.sampled_from([SCHEMA] * 8 + ["other", None])),
                 "version": draw(st.sampled_from([1] * 8 + [2, 0, True, "1", 1.0, None])),
                 "saved_at": "2026-01-01T00:00:00Z",
                 "state": state}
    if draw(st.integers(0, 9)) == 0:
        doc["state"] = draw(st.sampled_from([[], None, {"area": 5}, {"mw": ["3:2"]}, "area=E08000030"]))
    ids = draw(st.lists(st.sampled_from(["local_pride", "local_pride", "local_x", "gross_weekly_pay", "Local"]),
                        max_size=3))  # repeated ids: the last one must win
    doc["local_metrics"] = [_local_metric(draw, i) for i in ids]
    if draw(st.integers(0, 9)) == 0:
        doc["local_metrics"] = draw(st.sampled_from([{}, [1], [{"meta": 5}], [{"rows": "x"}], None]))
    text = json.dumps(doc, allow_nan=True, ensure_ascii=draw(st.booleans()))
    return text.encode(draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "latin-1"])), "replace")


# ----- uploads -----------------------------------------------------------------------------------

_cell = st.one_of(_pick(AREAS, BAD_AREAS, NUMBERS, PERIODS, TEXTS, ("2023", "2023/24", "45%", "£1,234", "n/a", "..")),
                  st.text(max_size=12))


@st.composite
def upload_tables(draw: st.DrawFn) -> list[list[str]]:
    if draw(st.booleans()):  # a table that passes the layout checks, so the value and period checks are reached
        codes = draw(st.lists(_pick(AREAS[:3], AREAS[6:7]), min_size=1, max_size=4, unique=True))
        period = draw(_pick(PERIODS, ("2023", "2023/24", "2023-01-01/P1Y")))
        values = _pick(NUMBERS, ("1e308", "-1e308", "5", "10", "0", "1e16", "-3.5"))
        return [["area_code", "period", "value"], *[[c, period, draw(values)] for c in codes]]
    header = draw(st.sampled_from([["area_code", "period", "value"], ["area_code", "period", "pride", "trust"],
                                   ["area_code", "value"], ["Area", "Year", "Score", "lci95", "uci95"]]))
    if draw(st.integers(0, 4)) == 0:
        header = header + draw(st.lists(_cell, max_size=4))
    width = len(header)
    rows = draw(st.lists(st.lists(_cell, min_size=max(0, width - 1), max_size=width + 1), max_size=12))
    return [header, *rows]


def _csv_bytes(draw: st.DrawFn, table: list[list[str]]) -> bytes:
    sep = draw(st.sampled_from([",", ",", ";", "\t"]))
    text = "\n".join(sep.join(cell.replace(sep, " ") for cell in row) for row in table) + "\n"
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-32", "latin-1"]))
    data = text.encode(encoding, "replace")
    mangle = draw(st.integers(0, 7))
    if mangle == 0 and data:  # a stray byte
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + draw(st.sampled_from([b"\xe9", b"\x00", b"\xff", b"\xef\xbb\xbf", b'"'])) + data[at:]
    elif mangle == 1:
        data = data + draw(st.binary(max_size=40))
    return data


def _xlsx_bytes(table: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in table:
        sheet.append([_as_cell(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _as_cell(text: str) -> object:
    try:
        return float(text) if text.strip() and text.strip().lower() not in ("nan", "inf", "-inf", "infinity") else text
    except ValueError:
        return "".join(ch for ch in text if ch.isprintable())[:200]


@st.composite
def uploads(draw: st.DrawFn) -> tuple[str, bytes]:
    """(file name, bytes) of a hostile upload: mostly CSV in odd encodings and shapes, sometimes XLSX or junk."""
    table = draw(upload_tables())
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.sampled_from(["x.xlsx", "x.csv", "x.CSV ", "x.xls", "x"])), draw(st.binary(max_size=300))
    if kind == 1:
        return "local.xlsx", _xlsx_bytes(table)
    return draw(st.sampled_from(["local.csv", "Pride in place.csv", "x.CSV"])), _csv_bytes(draw, table)
