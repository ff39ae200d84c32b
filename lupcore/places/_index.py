"""The loaded lookups and the search over them (sorted arrays and one joined string, no per-row loops)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from lupcore.data import DATA_DIR, DataFileError

KINDS = ("council", "postcode", "sector", "district", "place")
PLACE_KINDS = ("council", "former council", "town", "part of a town", "parish", "community", "ward",
               "neighbourhood")
MAX_RESULTS = 12
UNITS = 26 * 26  # the two letters of an inward code; a sector's units are a 676-bit map
_INFIX_MIN = 3  # shorter queries match name starts only (an infix "a" would match everything)
_INFIX_CAP = 4000  # occurrences scanned for an infix match; enough for any real query


def _read(path: Path, columns: tuple[str, ...], codes: tuple[str, ...] = ()) -> pa.Table:
    """One lookup file; ``codes`` columns come back dictionary-encoded (small integers)."""
    if not path.exists():
        raise DataFileError(path, "is missing")
    try:
        table = pq.read_table(path, columns=list(columns), read_dictionary=list(codes), use_threads=False)
    except Exception as exc:  # pyarrow raises several types for a damaged file or a missing column
        raise DataFileError(path, f"cannot be read ({type(exc).__name__})") from exc
    return table.combine_chunks()


def _codes(table: pa.Table, column: str) -> tuple[np.ndarray, list[str]]:
    """A dictionary-encoded column as (indices, values)."""
    col = table.column(column).chunk(0) if table.num_rows else pa.array([], pa.dictionary(pa.int32(), pa.string()))
    return col.indices.to_numpy(zero_copy_only=False), col.dictionary.to_pylist()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One council a query can mean.

    ``code`` and ``name`` are the council's (a 2025 GSS code, or a county or combined authority);
    ``kind`` says what matched: ``council``, ``postcode``, ``sector``, ``district`` or ``place``;
    ``match`` is the matched text ("WS3", "Bloxwich"); ``share`` is the council's share of a
    sector's or district's postcodes, or of a town's neighbourhoods, when the match straddles
    councils (None when it does not, or when the source gives no share); ``note`` says more in
    plain words ("Allerdale (former council) is now part of Cumberland").
    """

    code: str
    name: str
    kind: str
    share: float | None = None
    note: str = ""
    match: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "name": self.name, "kind": self.kind, "share": self.share,
                "note": self.note, "match": self.match}


class PlaceIndex:
    """Every lookup the search needs, read once from ``data/places/``."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        folder = data_dir / "places"
        names = _read(folder / "names.parquet", ("key", "name", "kind", "place_code", "council", "share", "note"),
                      ("kind", "council"))
        self.keys: list[str] = names.column("key").to_pylist()  # sorted at build time
        if self.keys != sorted(self.keys):
            raise DataFileError(folder / "names.parquet", "is not sorted by key")
        # Names, codes and notes stay Arrow arrays: only the few rows a query returns are converted.
        self._names, self._place_codes, self._notes = (names.column(c).chunk(0) for c in ("name", "place_code", "note"))
        kind_idx, kinds = _codes(names, "kind")
        rank = np.array([PLACE_KINDS.index(k) if k in PLACE_KINDS else len(PLACE_KINDS) for k in kinds] or [0])
        self.kind_rank = rank[kind_idx]
        self._kinds, self._kind_idx = kinds, kind_idx
        council_idx, councils = _codes(names, "council")
        self._councils, self._council_idx = councils, council_idx
        self.shares = names.column("share").to_numpy()
        self.joined = "\n".join(self.keys)
        self.key_len = np.array([len(k) for k in self.keys])
        self.starts = np.concatenate([[0], np.cumsum(self.key_len[:-1] + 1)])
        self.council_name: dict[str, str] = {}
        self.by_code: dict[str, int] = {}
        for wanted in ("former council", "council"):  # a current council's own row wins
            if wanted not in kinds:
                continue
            for row in np.flatnonzero(kind_idx == kinds.index(wanted)).tolist():
                code = self._place_codes[row].as_py()
                self.by_code[code] = row
                if wanted == "council":
                    self.council_name[code] = self._names[row].as_py()

        sectors = _read(folder / "postcode-sectors.parquet", ("sector", "council", "units"), ("council",))
        self.sectors: list[str] = sectors.column("sector").to_pylist()
        idx, values = _codes(sectors, "council")
        self.sector_council = [values[i] for i in idx.tolist()]
        width = (UNITS + 7) // 8
        units = sectors.column("units").to_pylist()
        if any(len(u) != width for u in units):
            raise DataFileError(folder / "postcode-sectors.parquet", f"has unit maps that are not {width} bytes")
        self.units = np.frombuffer(b"".join(units), dtype=np.uint8).reshape(len(units), width)
        exceptions = _read(folder / "postcode-exceptions.parquet", ("key", "council"), ("council",))
        self.exc_keys = exceptions.column("key").to_numpy()
        self.exc_council_idx, self.exc_council_values = _codes(exceptions, "council")
        areas = _read(folder / "postcode-areas.parquet", ("area", "kind", "council", "postcodes"), ("council",))
        all_kinds = areas.column("kind").to_pylist()
        area_names = areas.column("area").to_pylist()
        idx, values = _codes(areas, "council")
        area_councils = [values[i] for i in idx.tolist()]
        counts = areas.column("postcodes").to_pylist()
        self.pc_areas: dict[str, tuple[list[str], list[str], list[int]]] = {}
        for kind in ("district", "sector"):
            rows = [i for i, k in enumerate(all_kinds) if k == kind]
            lo, hi = (rows[0], rows[-1] + 1) if rows else (0, 0)
            self.pc_areas[kind] = (area_names[lo:hi], area_councils[lo:hi], counts[lo:hi])

    def kind_of(self, row: int) -> str:
        return self._kinds[self._kind_idx[row]]

    def council_of(self, row: int) -> str:
        return self._councils[self._council_idx[row]]

    # ----- postcodes ---------------------------------------------------------------------------

    def council_of_postcode(self, outward: str, inward: str) -> str | None:
        """The council of a full postcode, or None when it is not in the list."""
        sector = f"{outward} {inward[0]}"
        i = bisect.bisect_left(self.sectors, sector)
        if i >= len(self.sectors) or self.sectors[i] != sector:
            return None
        unit = (ord(inward[1]) - 65) * 26 + ord(inward[2]) - 65
        if not (self.units[i, unit // 8] >> (7 - unit % 8)) & 1:
            return None
        key = i * UNITS + unit
        j = int(np.searchsorted(self.exc_keys, key))
        if j < len(self.exc_keys) and self.exc_keys[j] == key:
            return self.exc_council_values[self.exc_council_idx[j]]
        return self.sector_council[i]

    def split(self, kind: str, area: str) -> list[tuple[str, int]]:
        """``(council, postcodes)`` for a sector ("WS1 1") or district ("WS3"), largest first."""
        keys, councils, counts = self.pc_areas[kind]
        lo, hi = bisect.bisect_left(keys, area), bisect.bisect_right(keys, area)
        return [(councils[i], counts[i]) for i in range(lo, hi)]

    # ----- names -------------------------------------------------------------------------------

    def _occurrences(self, needle: str) -> np.ndarray:
        """Rows whose key contains ``needle`` (at most ``_INFIX_CAP`` occurrences scanned)."""
        positions = []
        pos = self.joined.find(needle)
        while pos != -1 and len(positions) < _INFIX_CAP:
            positions.append(pos)
            pos = self.joined.find(needle, pos + 1)
        if not positions:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.searchsorted(self.starts, np.array(positions), "right") - 1)

    def _enough(self, rows: list[np.ndarray]) -> bool:
        """Whether the better match classes already fill the results (then weaker ones cannot show)."""
        found = np.concatenate(rows) if rows else np.empty(0, dtype=np.int64)
        return np.unique(self._council_idx[found]).size >= MAX_RESULTS

    def name_rows(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, match classes)`` for names equal to (0), starting with (1), with a later word
        starting with (2) or containing (3) ``key``; weaker classes are only searched while the
        results are not yet full."""
        lo = bisect.bisect_left(self.keys, key)
        hi = bisect.bisect_left(self.keys, key + "\U0010ffff")
        prefix = np.arange(lo, hi)
        rows, classes = [prefix], [np.where(self.key_len[prefix] == len(key), 0, 1)]
        if len(key) >= _INFIX_MIN and not self._enough(rows):
            word = self._occurrences(" " + key)
            word = word[(word < lo) | (word >= hi)]
            rows.append(word)
            classes.append(np.full(len(word), 2))
            if not self._enough(rows):
                inside = np.setdiff1d(self._occurrences(key), np.concatenate(rows))
                rows.append(inside)
                classes.append(np.full(len(inside), 3))
        return np.concatenate(rows), np.concatenate(classes)

    def rank_names(self, key: str) -> list[Candidate]:
        """Candidates for a place or council name: one per council, best match first."""
        rows, classes = self.name_rows(key)
        if not len(rows):
            return []
        share = np.nan_to_num(self.shares[rows], nan=0.0)
        order = np.lexsort((rows, self.key_len[rows], -share, self.kind_rank[rows], classes))
        # First row per council, in rank order.
        councils = self._council_idx[rows[order]]
        _, first = np.unique(councils, return_index=True)
        best = np.sort(first)[:MAX_RESULTS]
        return [self.candidate(int(r)) for r in rows[order][best]]

    def candidate(self, row: int) -> Candidate:
        kind = self.kind_of(row)
        council = self.council_of(row)
        share = float(self.shares[row]) if not np.isnan(self.shares[row]) else None
        name = self._names[row].as_py()
        extra = self._notes[row].as_py() or ""
        if kind == "council":
            return Candidate(council, name, "council", None, "", name)
        if kind == "former council":
            return Candidate(council, self.council_name.get(council, council), "council", None, extra, name)
        note = extra or ("town or city (built-up area)" if kind == "town" else kind)
        if share is not None and share < 1:
            note += f"; {share:.0%} of its neighbourhoods are in this council" if share >= 0.005 else "; under 1% of its neighbourhoods are in this council"
        elif share is None:
            note += "; straddles councils"
        return Candidate(council, self.council_name.get(council, council), "place", share if share != 1 else None,
                         note, name)

    def council_by_code(self, code: str) -> Candidate | None:
        row = self.by_code.get(code)
        return self.candidate(row) if row is not None else None


def load_index(data_dir: Path = DATA_DIR) -> PlaceIndex:
    """Read ``data/places/`` (about 0.1 s); raises ``DataFileError`` when a file is missing or damaged."""
    try:
        return PlaceIndex(data_dir)
    except DataFileError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise DataFileError(data_dir / "places", f"cannot be used ({type(exc).__name__})") from exc
