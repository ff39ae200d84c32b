"""Charts for pages: the pure specs live in ``lupcore.charts`` so exports draw the same pictures."""

from lupcore.charts import SPINE_LEGEND, spine_chart

__all__ = ["SPINE_LEGEND", "spine_chart"]
