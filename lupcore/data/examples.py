"""A tiny, deterministic example (six areas × four metrics) for tests, docs and page tests.

Every benchmark, RAG status and score it produces can be worked out by hand, which is the point:
unit tests compare the engine with arithmetic written out in the test, not with itself (COINr's
``build_example_coin``). The areas are invented; the codes have real shapes so
tier and nation rules apply, and ``E09000001`` is the City of London, which benchmarks leave out.

The latest values (NaN = not published for that area)::

    code       nation  pay (£, +, CI)  employment (%, +, CI)  travel_time (min, −)  ks2 (%, +, mission 90)
    E06000001  E       500             60                     30                    56
    E06000002  E       600             64                     20                    60
    E06000003  E       700             NaN (missing)          10                    64
    E06000004  E       900             72                     40                    68
    E09000001  E       1500            80                     5                     95     (left out of benchmarks)
    W06000001  W       550             68                     NaN (England only)    NaN (England only)
    national           E&W 640         E&W 67                 England 22            England 61

CIs are value ± 30 (pay) and ± 3 (employment). Missions: pay and employment → 1, travel time → 3,
KS2 → 5. ONS's "global" list for Ashby (E06000001) is Brindle, City of London, Dunmore.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

# The two derived tables come from the loader's own helpers, so the example cannot drift from real loading.
from lupcore.data._dataset import Dataset, _latest, _scoring_periods
from lupcore.data._panel import Panel
from lupcore.model import BENCHMARK_EXCLUDED, IndicatorMeta, LocalControl, Mission, Polarity, Role

CODES: tuple[str, ...] = ("E06000001", "E06000002", "E06000003", "E06000004", "E09000001", "W06000001")
NAMES: tuple[str, ...] = ("Ashby", "Brindle", "Carlow", "Dunmore", "City of London", "Penrhos")
PERIOD, PERIOD_START = "2024-01-01/P1Y", "2024-01-01"
PREVIOUS_PERIOD, PREVIOUS_START = "2023-01-01/P1Y", "2023-01-01"
_NAN = float("nan")


def _meta(id_: str, label: str, unit: str, polarity: Polarity, mission: int, **fields: object) -> IndicatorMeta:
    base: dict[str, object] = {
        "description": f"Example metric: {label.lower()}.", "decimals": 1, "capital": None, "role": Role.HEADLINE,
        "local_control": LocalControl.MEDIUM, "value_type": "percentage", "source_org": "Example",
        "source_url": "https://example.org/", "first_period": PREVIOUS_PERIOD, "last_period": PERIOD,
    }
    return IndicatorMeta(id=id_, label=label, unit=unit, polarity=polarity, mission=mission,  # type: ignore[arg-type]
                         **{**base, **fields})


INDICATORS: tuple[IndicatorMeta, ...] = (
    _meta("pay", "Gross weekly pay", "£", Polarity.HIGHER_IS_BETTER, 1, decimals=0, value_type="money",
          nations=("E", "W"), has_ci=True, local_control=LocalControl.LOW),
    _meta("employment", "Employment rate", "%", Polarity.HIGHER_IS_BETTER, 1, capital="human",
          role=Role.SUPPORTING, nations=("E", "W"), has_ci=True),
    _meta("travel_time", "Travel time to work", "minutes", Polarity.LOWER_IS_BETTER, 3, capital="physical",
          value_type="mean", nations=("E",), local_control=LocalControl.HIGH),
    _meta("ks2", "Pupils meeting the KS2 standard", "%", Polarity.HIGHER_IS_BETTER, 5, capital="human",
          nations=("E",), mission_target=90.0, mission_target_note="90% by 2030 (England)"),
)
MISSIONS = MappingProxyType({
    1: Mission(1, "Living standards", "Pay and employment rise everywhere."),
    3: Mission(3, "Transport", "Journeys to work get shorter."),
    5: Mission(5, "Education", "More pupils reach the expected standard."),
})
VALUES: np.ndarray = np.array([  # rows follow CODES, columns follow INDICATORS
    [500.0, 60.0, 30.0, 56.0],
    [600.0, 64.0, 20.0, 60.0],
    [700.0, _NAN, 10.0, 64.0],
    [900.0, 72.0, 40.0, 68.0],
    [1500.0, 80.0, 5.0, 95.0],
    [550.0, 68.0, _NAN, _NAN],
])
VALUES.setflags(write=False)
HALF_WIDTH: tuple[float, ...] = (30.0, 3.0, _NAN, _NAN)  # symmetric 95% CIs where the metric has one
NATIONAL: tuple[dict[str, float], ...] = (
    {"E92000001": 650.0, "W92000004": 560.0, "K04000001": 640.0},
    {"E92000001": 67.2, "W92000004": 66.0, "K04000001": 67.0},
    {"E92000001": 22.0},
    {"E92000001": 61.0},
)
# The previous period is the latest value plus this: pay and employment rose (within their CIs), travel
# time fell (better) and KS2 fell (worse, so Ashby's red KS2 is a "red-red").
PREVIOUS_CHANGE: tuple[float, ...] = (-10.0, -1.0, 2.0, 2.0)
ONS_GLOBAL_PEERS: tuple[str, ...] = ("E06000002", "E09000001", "E06000004")  # for E06000001


def _nation_letters(codes: Sequence[str]) -> np.ndarray:
    return np.array([c[0] for c in codes], dtype=object)


def _reference(x: np.ndarray, codes: Sequence[str], nations: np.ndarray, meta: IndicatorMeta) -> np.ndarray:
    """The comparison set as ``build_panel`` forms it: covered nations, exclusions out, NaN dropped."""
    keep = np.array([c not in BENCHMARK_EXCLUDED for c in codes], dtype=bool)
    if meta.nations:
        keep &= np.isin(nations, list(meta.nations))
    ref = x[keep]
    ref = ref[~np.isnan(ref)].copy()
    ref.setflags(write=False)
    return ref


def make_panel(values: np.ndarray | Sequence[Sequence[float]], indicators: Sequence[IndicatorMeta],
               codes: Sequence[str] | None = None, names: Sequence[str] | None = None, *,
               lci: np.ndarray | None = None, uci: np.ndarray | None = None,
               national: Sequence[dict[str, float]] | None = None, tier: str = "ltla") -> Panel:
    """A ``Panel`` from plain arrays, so a test can build any small case it needs.

    Codes default to E07000001, E07000002, … (clear of the two excluded codes); the comparison
    sets follow ``build_panel``'s rule.
    """
    x = np.array(values, dtype=float)
    n, k = x.shape
    codes = tuple(codes) if codes is not None else tuple(f"E07{i + 1:06d}" for i in range(n))
    nations = _nation_letters(codes)
    lo = np.full(x.shape, np.nan) if lci is None else np.array(lci, dtype=float)
    hi = np.full(x.shape, np.nan) if uci is None else np.array(uci, dtype=float)
    upper = np.zeros(x.shape, dtype=bool)
    for arr in (x, lo, hi, upper):
        arr.setflags(write=False)
    return Panel(
        tier=tier, codes=np.array(codes, dtype=object),
        names=np.array(names if names is not None else codes, dtype=object), nations=nations,
        indicators=tuple(indicators), periods=(PERIOD,) * k, values=x, lci=lo, uci=hi, from_upper_tier=upper,
        reference=tuple(_reference(x[:, j], codes, nations, m) for j, m in enumerate(indicators)),
        national=tuple(dict(d) for d in national) if national is not None else tuple({} for _ in range(k)),
    )


def example_panel(with_ci: bool = True, values: np.ndarray | None = None) -> Panel:
    """The six-area example as a panel; ``values`` swaps in a what-if copy of ``VALUES``."""
    x = VALUES if values is None else np.asarray(values, dtype=float)
    half = np.array(HALF_WIDTH) if with_ci else np.full(len(INDICATORS), np.nan)
    return make_panel(x, INDICATORS, CODES, NAMES, lci=x - half, uci=x + half, national=NATIONAL)


def _areas_frame() -> pd.DataFrame:
    rows = [(c, n, "ltla", "Wales" if c[0] == "W" else "England") for c, n in zip(CODES, NAMES, strict=True)]
    rows += [("E92000001", "England", "nation", "England"), ("W92000004", "Wales", "nation", "Wales")]
    frame = pd.DataFrame(rows, columns=["code", "name", "tier", "nation"])
    frame = frame.assign(region="", region_code="", utla_code="", utla_name="", cauth_code="", cauth_name="",
                         population=100_000.0, land_area_ha=5_000.0, current=True,
                         start=pd.array([pd.NA] * len(frame), dtype="Int64"),
                         end=pd.array([pd.NA] * len(frame), dtype="Int64"))
    return frame.set_index("code", drop=False).rename_axis("code")


def _observations() -> pd.DataFrame:
    """Both periods for every area and national value, sorted as ``load_dataset`` sorts them."""
    rows = []
    for j, meta in enumerate(INDICATORS):
        latest = {c: VALUES[i, j] for i, c in enumerate(CODES)} | NATIONAL[j]
        for code, value in latest.items():
            if np.isnan(value):
                continue
            for period, start, x in ((PREVIOUS_PERIOD, PREVIOUS_START, value + PREVIOUS_CHANGE[j]),
                                     (PERIOD, PERIOD_START, value)):
                half = HALF_WIDTH[j] if code in CODES else _NAN
                rows.append((meta.id, code, period, start, x, x - half, x + half))
    obs = pd.DataFrame(rows, columns=["indicator_id", "area_code", "period", "period_start", "value", "lci95", "uci95"])
    obs["period_start"] = pd.to_datetime(obs["period_start"])
    obs["period_end"] = obs["period_start"] + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    obs["status"] = pd.array([pd.NA] * len(obs), dtype="string")
    key = obs["indicator_id"] + "|" + obs["area_code"]  # the order ``Dataset.series`` bisects on
    return obs.assign(_key=key).sort_values(["_key", "period_start"], ignore_index=True).drop(columns="_key")


def example_dataset() -> Dataset:
    """The example as a full ``Dataset`` (two periods, ONS peers for Ashby) for the CLI and page tests."""
    indicators = MappingProxyType({m.id: m for m in INDICATORS})
    areas, obs = _areas_frame(), _observations()
    neighbours = pd.DataFrame({"area_code": "E06000001", "model": "global", "rank": [1, 2, 3],
                               "neighbour_code": list(ONS_GLOBAL_PEERS)})
    return Dataset(
        indicators=indicators, missions=MISSIONS, areas=areas, observations=obs, neighbours=neighbours,
        clusters=pd.DataFrame(columns=["area_code", "model", "cluster"]), cluster_descriptions=MappingProxyType({}),
        scoring_periods=_scoring_periods(obs, indicators, areas), latest=_latest(obs, indicators, areas),
    )
