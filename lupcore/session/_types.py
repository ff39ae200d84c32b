"""The shareable view state: what a link or a session file reproduces, and the limits on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lupcore.settings import Settings

URL_VERSION = "1"
PEER_K_RANGE = (5, 20)  # nearest-neighbour group sizes the Peers page offers (methodology §6: default 15)
SESSION_SCHEMA = "levelling-up-place-explorer/session"
SESSION_VERSION = 1
PEER_KINDS = ("ons-global", "ons-economic", "ons-demographic", "nearest", "custom")
MAX_CUSTOM_PEERS = 10
MAX_COMPARE = 4
MAX_ABS_VALUE = 1e15  # custom benchmarks: finite and at most this far from zero (no metric comes near it)
AREA_CODE_RE = re.compile(r"^[EWSNK]\d{8}$")
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


def metric_id(text: str) -> str:
    """``text`` if it is written like a metric id (lower case, digits, underscores); else ValueError."""
    if not _ID.fullmatch(text):
        raise ValueError(f"{text!r} is not a metric id")
    return text
