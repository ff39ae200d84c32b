"""The maps wing: a map layer (values, mission scores or statuses) for every council, and its colours.
"""

from lupcore.maps._colours import DIVERGING, NO_DATA, lookup_expression
from lupcore.maps._layers import LAYER_KINDS, RAG_COLOURS, RAG_WORDS, map_layer
from lupcore.maps._map_text import map_sentence

__all__ = [
    "DIVERGING",
    "LAYER_KINDS",
    "NO_DATA",
    "RAG_COLOURS",
    "RAG_WORDS",
    "lookup_expression",
    "map_layer",
    "map_sentence",
]
