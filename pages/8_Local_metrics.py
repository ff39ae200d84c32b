"""Local metrics: add your own authentic measures (CSV or XLSX), checked row by row, scored like official ones."""

import hashlib

import streamlit as st

from lupcore import (
    MAX_BYTES,
    MAX_METRICS,
    LocalMetricData,
    parse_upload,
    template_csv,
    template_xlsx,
)
from lupui import local_form, present, state
from lupui.frame import frame

ctx = frame("Local metrics")
ds, area, view = ctx.dataset, ctx.area, ctx.view
st.title("Local metrics")
st.markdown("Build on the common measures with your own: a residents' survey, local crime, grants won, pride in place. "
            "Local metrics join the scorecard, weights, map, peers, progress and what-if like official ones, marked "
            "**(local)** and credited to the source you name.")

if not present.controls():
    present.hidden("the templates, the upload and the Remove buttons are hidden")
    local_form.listing(ds, state.local_metrics())
    st.stop()
with st.expander("Templates and rules", expanded=not state.local_metrics()):
    st.markdown(f"* **Long form**: columns `area_code, period, value` and optionally `lci95, uci95` and `metric` "
                f"(one file can hold several metrics).\n* **Wide form**: `area_code` then one column per metric "
                f"(one period for the whole file).\n* Area codes are 2025 GSS codes (e.g. {area.code} for {area.name}); "
                f"an empty cell is a missing value, never zero.\n* At most {MAX_BYTES // 1024 // 1024} MB and "
                f"{MAX_METRICS} metrics per file. A metric with a value for your own area only is fine, but then you "
                f"set its minimum and target yourself.")
    codes = (area.code, *(ds.pickable()["code"].head(2)))
    c1, c2, c3 = st.columns(3)
    c1.download_button("Long form template (CSV)", template_csv("long", codes[:2]), "local-metrics-long.csv",
                       "text/csv", key="w_tpl_long")
    c2.download_button("Wide form template (CSV)", template_csv("wide", codes[:2]), "local-metrics-wide.csv",
                       "text/csv", key="w_tpl_wide")
    c3.download_button("Template with notes (Excel)", template_xlsx("long", codes[:2]), "local-metrics.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="w_tpl_xlsx")

upload = st.file_uploader("Upload a CSV or Excel file", type=["csv", "xlsx"], key=f"w_upload_{state.widget('lupe_upload_round', 0)}",
                          help="Nothing is added until every problem is fixed and you confirm the details below.",
                          max_upload_size=MAX_BYTES // 1024 // 1024)  # the uploader states the same limit as the rules
period = st.text_input("Period for a wide-form file (e.g. 2024, 2024/25)", key="w_upload_period",
                       help="Wide files have no period column; long files ignore this.")

known = {r.code: r.name for r in ds.pickable().itertuples(index=False)}
existing: tuple[LocalMetricData, ...] = state.local_metrics()
if upload is not None:
    raw = upload.getvalue()
    digest = hashlib.sha256(raw + period.encode()).hexdigest()
    if state.widget("lupe_upload_digest") != digest:
        state.widget_value("lupe_upload_result", parse_upload(upload.name, raw, known, period.strip() or None,
                                                              taken_ids=[m.meta.id for m in existing]))
        state.widget_value("lupe_upload_digest", digest)
    result = state.widget("lupe_upload_result")
    (st.success if result.ok else st.error)(result.summary(), icon=":material/fact_check:")
    if result.problems:
        report = result.report_frame().rename(columns=str.capitalize)
        st.dataframe(report, hide_index=True, width="stretch", height=min(38 + 35 * len(report), 420))
    if result.ok:
        local_form.describe_and_add(ds, result, existing)

local_form.listing(ds, state.local_metrics())
