"""Red, amber, green per metric and per mission, with statistical clarity (methodology §4).

Per metric: green at or better than the target; red worse than the minimum; amber between;
grey where there is no value or no polarity. With the "evidence-based" switch, red needs
evidence: the whole 95% CI worse than the minimum, or, without a CI, a shortfall larger than
one scaled MAD of the comparison set (the ONS Explore Local Statistics rule).

"Clear" means the 95% CI lies wholly on the side of the threshold that decided the status
(green: above the target; red: below the minimum; amber: between them). Without a CI,
clarity is unknown (NaN), never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lupcore.model import Rag

GREY, RED, AMBER, GREEN = 0, 1, 2, 3
RAG_BY_CODE = {GREY: Rag.GREY, RED: Rag.RED, AMBER: Rag.AMBER, GREEN: Rag.GREEN}


def _oriented(values: np.ndarray, lci: np.ndarray, uci: np.ndarray, polarity: np.ndarray):
    """Multiply by polarity so higher is better; a lower-is-better CI swaps its ends."""
    p = np.where(polarity == 0, 1.0, polarity.astype(float))
    x = values * p
    lo = np.where(p > 0, lci * p, uci * p)
    hi = np.where(p > 0, uci * p, lci * p)
    return x, lo, hi


def classify(
    values: np.ndarray,
    lci: np.ndarray,
    uci: np.ndarray,
    minimum: np.ndarray,
    target: np.ndarray,
    polarity: np.ndarray,
    *,
    evidence_based: bool = False,
    mad: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """RAG codes (0 grey, 1 red, 2 amber, 3 green) and clarity (1.0 clear, 0.0 not, NaN unknown).

    ``values``, ``lci``, ``uci`` are (n_areas, n_ind); ``minimum``, ``target``, ``polarity`` and
    ``mad`` are per indicator. Missing values and contextual indicators (polarity 0) are grey.
    """
    x, lo, hi = _oriented(values, lci, uci, polarity)
    p = np.where(polarity == 0, 1.0, polarity.astype(float))
    m, t = minimum * p, target * p
    has_ci = ~np.isnan(lo) & ~np.isnan(hi)
    green = x >= t
    below = x < m
    if evidence_based:
        spread = np.zeros_like(m) if mad is None else np.nan_to_num(np.asarray(mad, dtype=float))
        evidence = np.where(has_ci, hi < m, (m - x) > spread)
        red = below & evidence & ~green
    else:
        red = below & ~green
    codes = np.where(green, GREEN, np.where(red, RED, AMBER)).astype(np.int8)
    grey = np.isnan(x) | np.isnan(m) | np.isnan(t) | (polarity == 0)
    codes[np.broadcast_to(grey, codes.shape)] = GREY
    clear = np.where(codes == GREEN, lo >= t, np.where(codes == RED, hi < m, (lo >= m) & (hi < t))).astype(float)
    clear[~has_ci | (codes == GREY)] = np.nan
    return codes, clear


def classify_scores(score: np.ndarray, score_at_minimum: np.ndarray, score_at_target: np.ndarray) -> np.ndarray:
    """Mission (or overall) RAG: green at or above the score the targets give, red below the minimums'."""
    codes = np.where(score >= score_at_target, GREEN, np.where(score < score_at_minimum, RED, AMBER)).astype(np.int8)
    codes[np.isnan(score) | np.isnan(score_at_minimum) | np.isnan(score_at_target)] = GREY
    return codes


MISSION_RAG_RULE = (
    "A mission is green when its score is at or above the score the area would get if every metric "
    "were exactly at its target, red when it is below the score every metric at its minimum would give, "
    "and amber in between. Both reference scores use the same weights and the same available metrics."
)


@dataclass(frozen=True, slots=True)
class RagStyle:
    word: str
    meaning: str
    symbol: str
    colour: str
    text_colour: str


RAG_STYLE: dict[Rag, RagStyle] = {
    # Black text on every fill: white on the Okabe-Ito green or vermilion is under 4.5:1 (WCAG AA).
    Rag.GREEN: RagStyle("Green", "at or better than target", "✔", "#009E73", "#000000"),
    Rag.AMBER: RagStyle("Amber", "between minimum and target", "◆", "#E69F00", "#000000"),
    Rag.RED: RagStyle("Red", "worse than minimum", "✖", "#D55E00", "#000000"),
    Rag.GREY: RagStyle("Not rated", "no value or no judgement", "–", "#BBBBBB", "#000000"),
}
RAG_ORDER: tuple[Rag, ...] = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)


def rag_text(rag: Rag) -> str:
    """'✔ Green': the symbol and word every table and export shows."""
    style = RAG_STYLE[rag]
    return f"{style.symbol} {style.word}"


def rag_from_text(text: str) -> Rag | None:
    """The status a '✔ Green'-style cell shows, so writers can colour cells of any table."""
    for rag, style in RAG_STYLE.items():
        if text == f"{style.symbol} {style.word}":
            return rag
    return None
