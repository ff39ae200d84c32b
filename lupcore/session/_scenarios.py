"""The scenario codec ("Name~id=change;id=change|Other~id=target") and the user-named labels a link carries."""

from __future__ import annotations

import re

from lupcore.session._types import metric_id

# ----- scenarios: "Name~id=change;id=change|Other~id=target" -----------------------------------

# At most 12 digits before and 6 after the point: every change is a finite number of a sane size.
_CHANGE = re.compile(r"^(target|minimum|[+-]?[0-9]{1,12}(\.[0-9]{1,6})?%?|=[+-]?[0-9]{1,12}(\.[0-9]{1,6})?)$")


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
            if not _CHANGE.fullmatch(change):
                raise ValueError(f"{change!r} is not a change (use 72.5, +5%, -2 or target)")
            changes.append((metric_id(iid), change))
        scenarios.append((name, tuple(changes)))  # in order: two changes to one metric compound (whatif)
    if len(scenarios) > 6:
        raise ValueError("at most 6 scenarios")
    return tuple(scenarios)


def encode_scenarios(scenarios: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]) -> str:
    return "|".join(f"{name}~" + ";".join(f"{i}={c}" for i, c in changes) for name, changes in scenarios)
