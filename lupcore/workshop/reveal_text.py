"""The reveal chart's text alternative: one sentence on how the room shared its points (WCAG 1.1.1)."""

from __future__ import annotations

from typing import Any


def priorities_sentence(priorities: dict[str, Any], mission_names: dict[int, str]) -> str:
    """What the priorities dot chart shows: the missions given most and fewest points, and the agreement.

    Parameters
    ----------
    priorities
        ``results_payload(...)["priorities"]``: ``responses``, ``mean`` (mission number as text -> mean points,
        None where nobody gave a value) and ``kendall_w`` (None when it cannot be computed).
    mission_names
        Mission number -> short name.

    Returns
    -------
    str
        A mission with no mean is left out, never read as 0 points.
    """
    n = priorities["responses"]
    if not n:
        return "No one has shared their points yet, so the chart is empty."
    means = sorted(((float(v), int(m)) for m, v in priorities["mean"].items() if v is not None),
                   key=lambda vm: (-vm[0], vm[1]))
    who = "1 person" if n == 1 else f"{n:,} people"
    text = f"Each dot is one person's points for a mission ({who}); the tick is the room's mean."
    if means:
        (top, m_top), (low, m_low) = means[0], means[-1]
        text += (f" Most points went to {m_top}. {mission_names.get(m_top, '')} (mean {top:.1f}) and fewest to "
                 f"{m_low}. {mission_names.get(m_low, '')} (mean {low:.1f}).")
    w = priorities.get("kendall_w")
    if w is not None:
        strength = "strong" if w >= 0.7 else "moderate" if w >= 0.3 else "weak"
        text += f" Agreement on the order of the missions is {strength} (Kendall's W {w:.2f})."
    return text + " The table above gives every mission's mean, median and spread."
