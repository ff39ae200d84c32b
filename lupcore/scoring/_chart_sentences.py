"""One plain-English sentence per chart: what it shows and its main finding (WCAG 1.1.1 text alternative).

The pages put the sentence under the chart and the chart's rows in a table; the same words can go
into exports. Missing is missing: a metric without a value is counted as "not rated" or "no data",
never as a score of 0, and is never the "lowest" or "worst" of anything.
"""

from __future__ import annotations

import math

import pandas as pd

from lupcore.scoring._rag import AMBER, GREEN, GREY, RAG_BY_CODE, RED, rag_text


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def spine_sentence(frame: pd.DataFrame, area_name: str) -> str:
    """What the spine chart shows: how many metrics are green, amber, red and not rated, and the widest gap.

    Parameters
    ----------
    frame
        ``spine_frame`` output: ``metric``, ``rag`` (0 grey, 1 red, 2 amber, 3 green), the oriented positions
        ``value`` and ``minimum`` and ``target`` (0–100, right is better, so "worse" holds whatever the metric's
        polarity) and the texts ``value_text``, ``minimum_text`` and ``target_text``.
    area_name
        The locality's name (data, not user text).

    Returns
    -------
    str
        For example "Walsall is better than the target on 6 metrics, between the minimum and the target on
        12 and worse than the minimum on 9; 2 are not rated. The widest gap is ...". A metric without a
        value is "not rated", never counted as worse.
    """
    if frame.empty:
        return f"The chart has no metric to show for {area_name}."
    rag = frame["rag"].astype(int)
    green, amber, red, grey = ((rag == code).sum() for code in (GREEN, AMBER, RED, GREY))
    text = (f"Across {_count(len(frame), 'metric')}, {area_name} is better than or at the target on {green:,}, "
            f"between the minimum and the target on {amber:,} and worse than the minimum on {red:,}")
    text += f"; {grey:,} {'is' if grey == 1 else 'are'} not rated (no value or no judgement)." if grey else "."
    worst = _widest(frame[rag == RED], "minimum") if red else _widest(frame[rag == AMBER], "target")
    if worst is not None:
        bench = "minimum" if red else "target"
        text += (f" The widest gap {'below the minimum' if red else 'to the target'} is {worst['metric']}: "
                 f"{worst['value_text']} against a {bench} of {worst[bench + '_text']}.")
    return text


def _widest(rows: pd.DataFrame, bench: str) -> pd.Series | None:
    """The row furthest behind ``bench`` on the chart's oriented scale (rows without a position are skipped)."""
    gap = (rows[bench] - rows["value"]).dropna()
    return None if gap.empty else rows.loc[gap.idxmax()]


def heatmap_sentence(heat: pd.DataFrame, area_name: str) -> str:
    """What the peer heatmap shows: where the locality scores highest and lowest in its group, and the gaps.

    Parameters
    ----------
    heat
        ``score_heatmap`` output: one row per (``area``, ``metric``) with ``score`` (0–100, higher is better
        after polarity; None or NaN where there is no value).
    area_name
        The locality's name as the heatmap shows it (its column in ``heat["area"]``).

    Returns
    -------
    str
        A cell with no data is never the lowest score: it is counted separately.
    """
    if heat.empty:
        return f"The heatmap has no scored metric for {area_name} and its peers."
    areas, metrics = heat["area"].nunique(), heat["metric"].nunique()
    scores = pd.to_numeric(heat["score"], errors="coerce")
    scored = heat.assign(score=scores).dropna(subset=["score"])
    best = scored.groupby("metric")["score"].transform("max")
    worst = scored.groupby("metric")["score"].transform("min")
    mine = scored["area"] == area_name
    spread = best > worst  # a metric where every area scores the same has no highest or lowest
    top = int((mine & spread & (scored["score"] == best)).sum())
    bottom = int((mine & spread & (scored["score"] == worst)).sum())
    own_missing = int(((heat["area"] == area_name) & scores.isna()).sum())
    text = (f"Scores from 0 to 100 (higher is better) for {area_name} and {_count(areas - 1, 'peer')} on "
            f"{_count(metrics, 'metric')}. {area_name} has the highest score in the group on {_count(top, 'metric')} "
            f"and the lowest on {bottom:,}")
    if own_missing:
        text += f" and no data on {own_missing:,}"
    missing = int(scores.isna().sum())
    return text + f". {_count(missing, 'cell')} of {len(heat):,} {'has' if missing == 1 else 'have'} no data (grey)."


def spine_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The spine chart's numbers as text: value, status, minimum, target and the worst and best comparable areas."""
    return pd.DataFrame({
        "Metric": frame["metric"], "Value": frame["value_text"],
        "Status": [rag_text(RAG_BY_CODE[int(c)]) for c in frame["rag"]],
        "Minimum": frame["minimum_text"], "Target": frame["target_text"],
        "Worst area": frame["worst_text"], "Best area": frame["best_text"],
    })
