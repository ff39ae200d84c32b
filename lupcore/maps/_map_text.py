"""The map's text alternative: one sentence on what it colours and how the councils fall (WCAG 1.1.1)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from lupcore.maps._layers import RAG_WORDS, MapLayer
from lupcore.model import Rag

_ORDER = (Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY)
_PHRASE = {Rag.GREEN: "at or better than the target", Rag.AMBER: "between the minimum and the target",
           Rag.RED: "worse than the minimum", Rag.GREY: "not rated"}


def map_sentence(layer: MapLayer, names: Sequence[str], area_name: str) -> str:
    """What the map shows: the layer, how many councils have each status, and the locality's own value.

    Parameters
    ----------
    layer
        ``map_layer`` output; ``value_text`` and ``status_text`` run in the same order as ``names``.
    names
        The councils' names, in the panel's order.
    area_name
        The locality; when it is not one of the councils (a county or combined authority), its own
        figures are left to the Scorecard and the sentence says so.

    Returns
    -------
    str
        Councils without a value are counted as "no data", never as the lowest value.
    """
    counts = Counter(layer.status_text)
    parts = [f"{counts[RAG_WORDS[r]]:,} {_PHRASE[r]}" for r in _ORDER if counts[RAG_WORDS[r]]]
    missing = len(layer.no_data)
    if missing and counts[RAG_WORDS[Rag.GREY]]:
        parts[-1] += f" ({missing:,} of them with no data)"
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
    text = f"The map colours {len(names):,} councils by {layer.title}. Of these, {listed}."
    if area_name in names:
        i = list(names).index(area_name)
        status = layer.status_text[i].split(" ", 1)[-1].lower()  # "✔ Green" -> "green"
        text += f" {area_name}: {layer.value_text[i]}, {status}."
    else:
        text += f" {area_name} is not a single council on this map; its own figures are on the Scorecard."
    return text
