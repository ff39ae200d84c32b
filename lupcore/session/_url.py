"""The URL codec: query parameters <-> ``ViewState``.

Validated on read against allow-lists: unknown keys are ignored, bad values fall back to the
default with a plain-English notice, and nothing is ever unpickled or evaluated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from lupcore.session._canonical import Known, canonical_pairs, drop_unknown
from lupcore.session._scenarios import clean_set_name, decode_scenarios, encode_scenarios
from lupcore.session._types import (
    AREA_CODE_RE,
    MAX_ABS_VALUE,
    MAX_COMPARE,
    MAX_CUSTOM_PEERS,
    PEER_K_RANGE,
    PEER_KINDS,
    URL_VERSION,
    Decoded,
    PeerSpec,
    ViewState,
    metric_id,
)
from lupcore.settings import (
    AGGREGATIONS,
    LOCAL_CONTROL_LEVELS,
    MAX_KILLER_METRICS,
    MINIMUM_PRESETS,
    NORMALISATIONS,
    TARGET_PRESETS,
    WEIGHT_PRESETS,
    Settings,
)

# ----- small parsers: each returns a value or raises ValueError with a readable reason ---------

def _pairs(text: str, value: Callable[[str], object], key: Callable[[str], object] = str) -> tuple:
    out = []
    for item in filter(None, text.split(",")):
        if ":" not in item:
            raise ValueError(f"{item!r} is not in key:value form")
        k, v = item.split(":", 1)
        out.append((key(k), value(v)))
    return canonical_pairs(out)


def _code(text: str) -> str:
    text = text.strip().upper()
    if not AREA_CODE_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not an area code")
    return text


def _choice(options: Mapping[str, str] | tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return text
    return parse


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None


def _weight(text: str) -> float:
    value = _number(text)
    if not 0 <= value <= 100:
        raise ValueError(f"weight {text} must be between 0 and 100")
    return value


def _finite(text: str) -> float:
    value = _number(text)
    if not -MAX_ABS_VALUE <= value <= MAX_ABS_VALUE:  # also refuses nan and ±inf
        raise ValueError(f"{text!r} is not a number between -{MAX_ABS_VALUE:g} and {MAX_ABS_VALUE:g}")
    return value


def _codes(limit: int) -> Callable[[str], tuple[str, ...]]:
    def parse(text: str) -> tuple[str, ...]:
        codes = tuple(dict.fromkeys(_code(c) for c in text.split(",") if c.strip()))
        if len(codes) > limit:
            raise ValueError(f"at most {limit} areas")
        return codes
    return parse


def _bool(text: str) -> bool:
    if text not in ("0", "1", "true", "false"):
        raise ValueError(f"{text!r} is not 0 or 1")
    return text in ("1", "true")


def _ids(limit: int) -> Callable[[str], tuple[str, ...]]:
    def parse(text: str) -> tuple[str, ...]:
        ids = tuple(dict.fromkeys(metric_id(t) for t in text.split(",") if t))
        if len(ids) > limit:
            raise ValueError(f"at most {limit} metrics")
        return ids
    return parse


def _k(text: str) -> int:
    value = int(text)
    low, high = PEER_K_RANGE
    if not low <= value <= high:
        raise ValueError(f"the number of peers must be between {low} and {high}")
    return value


# key -> (where it goes, parser)
_SETTINGS_KEYS: dict[str, tuple[str, Callable[[str], object]]] = {
    "min": ("minimum", _choice(MINIMUM_PRESETS)),
    "tgt": ("target", _choice(TARGET_PRESETS)),
    "minx": ("minimum_overrides", lambda t: _pairs(t, _choice(MINIMUM_PRESETS), metric_id)),
    "tgtx": ("target_overrides", lambda t: _pairs(t, _choice(TARGET_PRESETS), metric_id)),
    "cmin": ("custom_minimum", lambda t: _pairs(t, _finite, metric_id)),
    "ctgt": ("custom_target", lambda t: _pairs(t, _finite, metric_id)),
    "norm": ("normalisation", _choice(NORMALISATIONS)),
    "agg": ("aggregation", _choice(AGGREGATIONS)),
    "ev": ("evidence_based", _bool),
    "wp": ("weight_preset", _choice(WEIGHT_PRESETS)),
    "kill": ("killer", _ids(MAX_KILLER_METRICS)),
    "mw": ("mission_weights", lambda t: _pairs(t, _weight, lambda k: _mission(k))),
    "iw": ("indicator_weights", lambda t: _pairs(t, _weight, metric_id)),
    "lc": ("control", lambda t: _pairs(t, _choice(LOCAL_CONTROL_LEVELS), metric_id)),
    "ex": ("excluded", lambda t: frozenset(_ids(200)(t))),
}


def _mission(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 12:
        raise ValueError(f"mission {text} must be 1-12")
    return value


def decode_query(params: Mapping[str, str], known_area: Known = None, known_metric: Known = None,
                 source: str = "the link", known_variable: Known = None) -> Decoded:
    """URL query parameters → a canonical ``ViewState``; anything invalid is dropped with a notice naming ``source``.

    Canonical: every number finite and in range, every period bounded, a key given twice resolved
    by ``_canonical`` (the last one wins), and (when the ``known_*`` checks are given) no area,
    metric or peer variable the data does not have. So ``encode_query`` of the result is the link
    to show, and decoding that link gives the same state.
    """
    notices: list[str] = []
    settings_kwargs: dict[str, object] = {}
    view: dict[str, object] = {}
    peers: dict[str, object] = {}
    for key, raw in params.items():
        text = str(raw).strip()
        try:
            if key in _SETTINGS_KEYS:
                name, parse = _SETTINGS_KEYS[key]
                settings_kwargs[name] = parse(text)
            elif key == "area":
                view["area"] = _code(text)
            elif key == "peers":
                peers["kind"] = _choice(PEER_KINDS)(text)
            elif key == "k":
                peers["k"] = _k(text)
            elif key == "set":
                peers["custom"] = _codes(MAX_CUSTOM_PEERS)(text)
            elif key == "setname":
                peers["name"] = clean_set_name(text)
            elif key == "vars":
                peers["variables"] = _ids(20)(text)
            elif key == "cmp":
                view["compare"] = _codes(MAX_COMPARE)(text)
            elif key == "base":
                view["baseline"] = _baselines(text, notices, source)
            elif key == "scen":
                view["scenarios"] = decode_scenarios(text)
            elif key in ("present", "anon"):
                view["presenter" if key == "present" else "anonymised"] = _bool(text)
        except (ValueError, TypeError) as exc:
            notices.append(f"“{key}={text[:60]}” in {source} was not used: {exc}.")
    settings = _settings_or_default(settings_kwargs, notices, source)
    malformed = tuple(notices)
    state = ViewState(settings=settings, peers=PeerSpec(**peers), **view)  # type: ignore[arg-type]
    state = drop_unknown(state, notices, source, known_area, known_metric, known_variable)
    return Decoded(state, tuple(notices), malformed=malformed)


def _baselines(text: str, notices: list[str], source: str) -> tuple[tuple[str, str], ...]:
    """Baselines one by one, so one bad item does not lose the others."""
    kept, bad = [], []
    for item in filter(None, text.split(",")):
        try:
            kept += _pairs(item, _period_label, metric_id)
        except ValueError:
            bad.append(item)
    if bad:
        notices.append(f"The baseline “{', '.join(bad)[:80]}” in {source} was not used: a baseline is written "
                       "metric:YYYY-MM-DD or metric:YYYY-MM-DD/PnY.")
    return canonical_pairs(kept)


def _settings_or_default(kwargs: dict[str, object], notices: list[str], source: str) -> Settings:
    try:
        return Settings(**kwargs)  # type: ignore[arg-type]
    except ValueError as exc:
        notices.append(f"The method settings in {source} were not used: {exc}.")
        return Settings()


def _period_label(text: str) -> str:
    from lupcore.periods import parse_period

    return parse_period(text).label


def _join_pairs(pairs: tuple) -> str:
    return ",".join(f"{k}:{_fmt(v)}" for k, v in pairs)


def _fmt(value: object) -> str:
    """Short where that is exact ("25", "0.5"); otherwise the full repr, so a reload gives the same number."""
    if isinstance(value, float):
        short = f"{value:g}"  # six significant figures: 25425.5 survives, 648.4321 or 1234567 would not
        return short if float(short) == value else repr(value)
    return str(value)


def encode_query(state: ViewState) -> dict[str, str]:
    """``ViewState`` → the shortest query parameters that reproduce it (defaults left out)."""
    s, d = state.settings, Settings()
    out: dict[str, str] = {}
    if state.area:
        out["area"] = state.area
    simple = {"min": (s.minimum, d.minimum), "tgt": (s.target, d.target), "norm": (s.normalisation, d.normalisation),
              "agg": (s.aggregation, d.aggregation), "wp": (s.weight_preset, d.weight_preset)}
    out.update({k: v for k, (v, default) in simple.items() if v != default})
    for key, value in (("minx", s.minimum_overrides), ("tgtx", s.target_overrides), ("cmin", s.custom_minimum),
                       ("ctgt", s.custom_target), ("mw", s.mission_weights), ("iw", s.indicator_weights),
                       ("lc", s.control)):
        if value:
            out[key] = _join_pairs(canonical_pairs(value))
    if s.evidence_based:
        out["ev"] = "1"
    if s.killer:
        out["kill"] = ",".join(s.killer)
    if s.excluded:
        out["ex"] = ",".join(sorted(s.excluded))
    p = state.peers
    if p.kind != PeerSpec().kind:
        out["peers"] = p.kind
    if p.k != PeerSpec().k:
        out["k"] = str(p.k)
    if p.custom:
        out["set"] = ",".join(p.custom)
    if p.name:
        out["setname"] = p.name
    if p.variables:
        out["vars"] = ",".join(p.variables)
    if state.compare:
        out["cmp"] = ",".join(state.compare)
    if state.baseline:
        out["base"] = _join_pairs(canonical_pairs(state.baseline))
    if state.scenarios:
        out["scen"] = encode_scenarios(state.scenarios)
    if state.presenter:
        out["present"] = "1"
    if state.anonymised:
        out["anon"] = "1"
    if out:
        out["v"] = URL_VERSION
    return out
