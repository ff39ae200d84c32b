"""The shareable view state and its two encodings: URL query parameters and the JSON session file.

Both encodings are small, human-readable and validated on read against allow-lists: unknown
keys are ignored, bad values fall back to the default with a plain-English notice, and nothing
is ever unpickled or evaluated. The same ``ViewState`` drives the app, the CLI (``--session``)
and the exports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

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

URL_VERSION = "1"
PEER_K_RANGE = (5, 20)  # nearest-neighbour group sizes the Peers page offers (methods §4: default 15)
SESSION_SCHEMA = "levelling-up-place-explorer/session"
SESSION_VERSION = 1
PEER_KINDS = ("ons-global", "ons-economic", "ons-demographic", "nearest", "custom")
MAX_CUSTOM_PEERS = 10
MAX_COMPARE = 4
_CODE = re.compile(r"^[EWSNK]\d{8}$")
_ID = re.compile(r"^[a-z0-9_]{1,60}$")


@dataclass(frozen=True)
class PeerSpec:
    kind: str = "ons-global"
    k: int = 15
    custom: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    name: str = ""  # the user's name for the custom comparator set ("Black Country"), in the link as setname=


@dataclass(frozen=True)
class ViewState:
    """Everything a shared link or a session file reproduces (local metric data travel separately)."""

    area: str | None = None
    settings: Settings = field(default_factory=Settings)
    peers: PeerSpec = field(default_factory=PeerSpec)
    compare: tuple[str, ...] = ()
    baseline: tuple[tuple[str, str], ...] = ()
    scenarios: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (name, ((indicator, change), …))
    presenter: bool = False
    anonymised: bool = False


@dataclass(frozen=True)
class Decoded:
    state: ViewState
    notices: tuple[str, ...]  # what was ignored, in plain English
    malformed: tuple[str, ...] = ()  # the notices about values that could not be read (not about data that moved on)


# ----- small parsers: each returns a value or raises ValueError with a readable reason ---------

def _pairs(text: str, value: Callable[[str], object], key: Callable[[str], object] = str) -> tuple:
    out = []
    for item in filter(None, text.split(",")):
        if ":" not in item:
            raise ValueError(f"{item!r} is not in key:value form")
        k, v = item.split(":", 1)
        out.append((key(k), value(v)))
    return tuple(out)


def _ident(text: str) -> str:
    if not _ID.match(text):
        raise ValueError(f"{text!r} is not a metric id")
    return text


def _code(text: str) -> str:
    text = text.strip().upper()
    if not _CODE.match(text):
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
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a number")
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
        ids = tuple(dict.fromkeys(_ident(t) for t in text.split(",") if t))
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
    "minx": ("minimum_overrides", lambda t: _pairs(t, _choice(MINIMUM_PRESETS), _ident)),
    "tgtx": ("target_overrides", lambda t: _pairs(t, _choice(TARGET_PRESETS), _ident)),
    "cmin": ("custom_minimum", lambda t: _pairs(t, _finite, _ident)),
    "ctgt": ("custom_target", lambda t: _pairs(t, _finite, _ident)),
    "norm": ("normalisation", _choice(NORMALISATIONS)),
    "agg": ("aggregation", _choice(AGGREGATIONS)),
    "ev": ("evidence_based", _bool),
    "wp": ("weight_preset", _choice(WEIGHT_PRESETS)),
    "kill": ("killer", _ids(MAX_KILLER_METRICS)),
    "mw": ("mission_weights", lambda t: _pairs(t, _weight, lambda k: _mission(k))),
    "iw": ("indicator_weights", lambda t: _pairs(t, _weight, _ident)),
    "ex": ("excluded", lambda t: frozenset(_ids(200)(t))),
    "lc": ("control", lambda t: _pairs(t, _choice(LOCAL_CONTROL_LEVELS), _ident)),
}


def _mission(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 12:
        raise ValueError(f"mission {text} must be 1-12")
    return value


def decode_query(params: Mapping[str, str], known_area: Callable[[str], bool] | None = None,
                 known_metric: Callable[[str], bool] | None = None, source: str = "the link") -> Decoded:
    """URL query parameters → ``ViewState``; anything invalid is dropped with a notice naming ``source``."""
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
    return Decoded(*_checked(state, notices, known_area, known_metric, source), malformed=malformed)


def _baselines(text: str, notices: list[str], source: str) -> tuple[tuple[str, str], ...]:
    """Baselines one by one, so one bad item does not lose the others."""
    kept, bad = [], []
    for item in filter(None, text.split(",")):
        try:
            kept += _pairs(item, _period_label, _ident)
        except ValueError:
            bad.append(item)
    if bad:
        notices.append(f"The baseline “{', '.join(bad)[:80]}” in {source} was not used: a baseline is written "
                       "metric:YYYY-MM-DD or metric:YYYY-MM-DD/PnY.")
    return tuple(kept)


def _settings_or_default(kwargs: dict[str, object], notices: list[str], source: str) -> Settings:
    try:
        return Settings(**kwargs)  # type: ignore[arg-type]
    except ValueError as exc:
        notices.append(f"The method settings in {source} were not used: {exc}.")
        return Settings()


def _checked(state: ViewState, notices: list[str], known_area: Callable[[str], bool] | None,
             known_metric: Callable[[str], bool] | None, source: str) -> tuple[ViewState, tuple[str, ...]]:
    """Drop references to areas or metrics the data does not have, item by item."""
    if known_area is not None:
        if state.area and not known_area(state.area):
            notices.append(f"The area code {state.area} in {source} is not a current UK local authority.")
            state = replace(state, area=None)
        kept = tuple(c for c in state.compare if known_area(c))
        custom = tuple(c for c in state.peers.custom if known_area(c))
        if len(kept) < len(state.compare) or len(custom) < len(state.peers.custom):
            notices.append(f"Some area codes in {source} are not current UK local authorities and were left out.")
        state = replace(state, compare=kept, peers=replace(state.peers, custom=custom))
    if known_metric is not None:
        s = state.settings
        unknown = {i for i in s.excluded | set(s.killer) if not known_metric(i)}
        unknown |= {i for i, _ in s.indicator_weights + s.minimum_overrides + s.target_overrides + s.control
                    if not known_metric(i)}
        unknown |= {i for i, _ in state.baseline if not known_metric(i)}
        unknown |= {i for _, changes in state.scenarios for i, _ in changes if not known_metric(i)}
        if unknown:
            notices.append(f"{source[0].upper()}{source[1:]} names metrics this data does not have "
                           f"({', '.join(sorted(unknown))[:120]}); they were left out.")
            state = replace(state, baseline=tuple(p for p in state.baseline if known_metric(p[0])),
                            scenarios=tuple((name, tuple(c for c in changes if known_metric(c[0])))
                                            for name, changes in state.scenarios))
    return state, tuple(notices)


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
            out[key] = _join_pairs(tuple(sorted(value)))
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
        out["base"] = _join_pairs(tuple(sorted(state.baseline)))
    if state.scenarios:
        out["scen"] = encode_scenarios(state.scenarios)
    if state.presenter:
        out["present"] = "1"
    if state.anonymised:
        out["anon"] = "1"
    if out:
        out["v"] = URL_VERSION
    return out


# ----- scenarios: "Name~id=change;id=change|Other~id=target" -----------------------------------

_CHANGE = re.compile(r"^(target|minimum|[+-]?\d+(\.\d+)?%?|=[+-]?\d+(\.\d+)?)$")


SCENARIO_SEPARATORS = "|~;="  # the link's own punctuation, so never part of a name


def clean_scenario_name(name: str, taken: tuple[str, ...] = (), fallback: str = "Scenario") -> str:
    """A scenario name that survives a link: no separators or control characters, at most 40 characters,
    and distinct from ``taken`` (a repeated name gets " (2)", " (3)"…)."""
    text = "".join(ch for ch in str(name) if ch.isprintable() and ch not in SCENARIO_SEPARATORS + "<>")
    text = " ".join(text.split())[:40].strip() or fallback
    unique, n = text, 2
    while unique in taken:
        unique, n = f"{text[:36]} ({n})", n + 1
    return unique


def clean_set_name(name: str) -> str:
    """A comparator set's name as a link keeps it: printable, no markup, at most 40 characters ("" if none)."""
    text = "".join(ch for ch in str(name) if ch.isprintable() and ch not in "<>")
    return " ".join(text.split())[:40].strip()


def decode_scenarios(text: str) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    scenarios: list[tuple[str, tuple[tuple[str, str], ...]]] = []
    for chunk in filter(None, text.split("|")):
        name, _, body = chunk.partition("~")
        name = clean_scenario_name(name, tuple(n for n, _ in scenarios), f"Scenario {len(scenarios) + 1}")
        changes = []
        for item in filter(None, body.split(";")):
            iid, _, change = item.partition("=")
            if not _CHANGE.match(change):
                raise ValueError(f"{change!r} is not a change (use 72.5, +5%, -2 or target)")
            changes.append((_ident(iid), change))
        scenarios.append((name, tuple(changes)))
    if len(scenarios) > 6:
        raise ValueError("at most 6 scenarios")
    return tuple(scenarios)


def encode_scenarios(scenarios: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> str:
    return "|".join(f"{name}~" + ";".join(f"{i}={c}" for i, c in changes) for name, changes in scenarios)


# ----- session file ------------------------------------------------------------------------

def to_session_file(state: ViewState, local_metrics: list[dict] | None = None) -> bytes:
    """The JSON session file: schema id, version, timestamp, the URL form of the state, local metrics."""
    doc = {
        "schema": SESSION_SCHEMA,
        "version": SESSION_VERSION,
        "saved_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "state": encode_query(state),
        "local_metrics": local_metrics or [],
    }
    return (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class SessionFileError(ValueError):
    """A session file that cannot be restored; the message says why in one sentence."""


MAX_SESSION_BYTES = 12 * 1024 * 1024


def from_session_file(data: bytes, known_area: Callable[[str], bool] | None = None,
                      known_metric: Callable[[str], bool] | None = None) -> tuple[Decoded, list[dict]]:
    """Parse and validate a session file; raises ``SessionFileError`` and changes nothing on failure."""
    if len(data) > MAX_SESSION_BYTES:
        raise SessionFileError("This session file is larger than 12 MB, so it was not loaded.")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SessionFileError(f"This is not a session file (not valid JSON: {exc.msg if hasattr(exc, 'msg') else exc}).") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SESSION_SCHEMA:
        raise SessionFileError("This JSON file is not a Levelling Up Place Explorer session file.")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= SESSION_VERSION:
        readable = f"versions 1 to {SESSION_VERSION}" if SESSION_VERSION > 1 else "version 1"
        raise SessionFileError(f"This session file is version {version!r}; this app reads {readable}.")
    state = doc.get("state")
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in state.items()):
        raise SessionFileError("The session file's state is damaged (expected text settings).")
    metrics = doc.get("local_metrics", [])
    if not isinstance(metrics, list) or not all(isinstance(m, dict) for m in metrics):
        raise SessionFileError("The session file's local metrics are damaged.")
    if known_metric is not None:  # a local metric is known only if this file carries it
        declared = {m["meta"].get("id") for m in metrics if isinstance(m.get("meta"), dict)}
        data_metric = known_metric

        def known_metric(i: str) -> bool:
            return i in declared if i.startswith("local_") else data_metric(i)
    decoded = decode_query(state, known_area, known_metric, source="the session file")
    if decoded.malformed:  # a damaged value: restored whole or not at all, never half a session over the user's view
        raise SessionFileError(f"The session file's settings are damaged ({decoded.malformed[0].rstrip('.')}).")
    return decoded, metrics
