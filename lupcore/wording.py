"""Words that match the numbers: plain-English help for the terms the app uses, the weights in force
and values printed with enough decimals to show why a status differs from what the rounding suggests.

Pure (no Streamlit): the pages use these as help icons and captions, and the exports can use the
same sentences.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from lupcore.format import format_change, format_number, format_value
from lupcore.model import IndicatorMeta, Mission
from lupcore.settings import MINIMUM_PRESETS, NORMALISATIONS, TARGET_PRESETS, WEIGHT_PRESETS, Settings

MAX_DECIMALS = 4

GLOSSARY: dict[str, str] = {
    "minimum": ("The level below which a Levelling Up focus is needed. Worse than the minimum is red. By default it "
                "is the national value; you can change it on the Weights and methods page."),
    "target": ("The level to aim for. At or better than the target is green; between the minimum and the target is "
               "amber. By default it is the upper quartile of all areas."),
    "clarity": ("Whether the published 95% confidence interval lies wholly on one side of the minimum or target that "
                "decided the status: 'clear' means the status would not change within that interval; 'not clear' "
                "means it might. 'No interval published' means the source gives no confidence interval."),
    "red_reds": ("Metrics that are worse than the minimum now and were also worse in the latest period than in the "
                 "one before: the urgent ones."),
    "worse_since_baseline": ("Metrics that are red now and have got worse since the baseline period (by default "
                             "the latest period ending in 2019) or in their recent trend."),
    "capitals": ("The White Paper's six capitals (physical, human, intangible, financial, social, institutional): "
                 "the same metric scores grouped by the kind of asset they measure rather than by mission."),
    "score": ("Each metric is put on a 0 to 100 scale across all comparable areas (100 = best, whichever way round "
              "the metric runs); a mission's score is the weighted average of its metrics, and the Levelling Up "
              "score the weighted average of the missions."),
    "rank_range": ("How far the rank could move if reasonable choices were made differently: mission weights varied "
                   "by up to a quarter either way, another way of scaling the scores, and values drawn within their "
                   "confidence intervals, 1,000 times. The range holds the middle 90% of those ranks."),
}

def weights_in_force(settings: Settings, missions: Mapping[int, Mission]) -> str:
    """'Equal' or, after changes, 'Equal, changed: Mission 4: Digital ×3; 2 metric weights' (never stale)."""
    text = WEIGHT_PRESETS[settings.weight_preset].split(":")[0]
    changed = [f"{missions[n].title if n in missions else f'Mission {n}'} ×{format_number(w, 2).rstrip('0').rstrip('.')}"
               for n, w in sorted(settings.mission_weights) if w != 1]
    metric_changes = [w for _, w in settings.indicator_weights if w != 1]
    if metric_changes:
        changed.append(f"{len(metric_changes)} metric weight{'s' if len(metric_changes) != 1 else ''} changed")
    if settings.excluded:
        changed.append(f"{len(settings.excluded)} metric{'s' if len(settings.excluded) != 1 else ''} left out")
    return f"{text}, changed: {'; '.join(changed)}" if changed else text


def settings_caption(settings: Settings) -> str:
    """The benchmark and scale in force, in words a council officer uses (no method jargon)."""
    return (f"Minimum: {MINIMUM_PRESETS[settings.minimum]} · Target: {TARGET_PRESETS[settings.target]} · "
            f"Scores: {NORMALISATIONS[settings.normalisation][0].lower()}{NORMALISATIONS[settings.normalisation][1:]}"
            + (" · Red needs statistical evidence" if settings.evidence_based else ""))


def decisive_decimals(value: float | None, others: Iterable[float | None], decimals: int) -> int:
    """The fewest decimals (at least ``decimals``) at which ``value`` and each different ``other`` print differently.

    Edinburgh's 4G coverage 99.96% against a target of 100% prints "100.0%" twice at one decimal, so
    its amber status looks wrong; at two decimals it reads 99.96% against 100.00%.
    """
    if value is None:
        return decimals
    rivals = [o for o in others if o is not None and o != value]
    for d in range(decimals, MAX_DECIMALS + 1):
        if all(format_number(value, d) != format_number(o, d) for o in rivals):
            return d
    return MAX_DECIMALS


def format_decisive(value: float | None, meta: IndicatorMeta, decimals: int) -> str:
    """``format_value`` at ``decimals`` (from ``decisive_decimals``) rather than the metric's usual decimals."""
    return format_value(value, meta if decimals == meta.decimals else replace(meta, decimals=decimals))


def change_words(change: str, meta: IndicatorMeta) -> str:
    """A scenario change in the metric's unit: '700' → 'new value £700', '+2' → '+£2', '+5%' → '+5%'."""
    text = change.strip()
    if text in ("target", "minimum"):
        return f"reach the {text}"
    if text.endswith("%") and text[:1] in "+-":
        return text.replace("-", "−")
    try:
        number = float(text.lstrip("=").rstrip("%"))
    except ValueError:
        return text
    if text[:1] in "+-":  # a change in the metric's units: percentage points for a percentage
        return format_change(number, replace(meta, decimals=max(meta.decimals, _decimals_in(text))))
    shown = format_value(number, replace(meta, decimals=max(meta.decimals, _decimals_in(text))))
    return f"new value {shown}"


def _decimals_in(text: str) -> int:
    return min(len(text.split(".", 1)[1].rstrip("%")), MAX_DECIMALS) if "." in text else 0


def no_scenario_message(has_draft: bool) -> str:
    """What the What-if page says before any scenario is saved (a change added but not saved is not 'nothing')."""
    if has_draft:
        return ("Your changes are not saved yet: give the scenario a name and press Save scenario to see what they "
                "do to the scores and ranks.")
    return "No scenarios yet: build one above. Scenarios are kept in the page link and the session file."
