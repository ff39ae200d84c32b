"""Presenter mode through AppTest: the spine chart's labels are scaled, the tables are plain HTML tables
(large text reaches them) and the Scorecard's filters are not drawn."""

from __future__ import annotations

import json

from tests.app.pagekit import open_page

WALSALL = "E08000030"


def spine_config(at) -> dict:
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    return spec.get("config", {})


def test_presenter_scales_chart_labels_and_hides_filters() -> None:
    shown = open_page("pages/1_Scorecard.py", area=WALSALL, present="1")
    config = spine_config(shown)
    assert config["axis"]["labelFontSize"] >= 20 and config["legend"]["labelFontSize"] >= 20, config
    assert not shown.main.multiselect and not shown.main.toggle, "filters drawn in presenter mode"
    assert len(shown.table) == 2 and not shown.dataframe

    normal = open_page("pages/1_Scorecard.py", area=WALSALL)
    assert spine_config(normal).get("axis", {}).get("labelFontSize", 11) < 20
    assert len(normal.main.multiselect) >= 4 and normal.dataframe
