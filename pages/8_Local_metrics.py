"""Local metrics: add your own authentic measures (CSV or XLSX), checked row by row, scored like official ones."""

import hashlib
from dataclasses import replace

import streamlit as st

from lupcore import (
    CAPITALS,
    MAX_BYTES,
    MAX_METRICS,
    LocalControl,
    LocalMetricData,
    Polarity,
    parse_upload,
    template_csv,
    template_xlsx,
    validate_meta,
)
from lupui import render, state
from lupui.frame import frame

POLARITY_LABELS = {Polarity.HIGHER_IS_BETTER: "Higher is better", Polarity.LOWER_IS_BETTER: "Lower is better",
                   Polarity.CONTEXTUAL: "Context only (not scored)"}
ctx = frame("Local metrics")
ds, area, view = ctx.dataset, ctx.area, ctx.view
st.title("Local metrics")
st.markdown("Build on the common measures with your own: a residents' survey, local crime, grants won, pride in place. "
            "Local metrics join the scorecard, weights, map, peers, progress and what-if like official ones, marked "
            "**(local)** and credited to the source you name.")

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
        st.subheader("Tell us about each metric")
        with st.form("w_meta_form"):
            drafts = []
            for k, metric in enumerate(result.metrics):
                m = metric.meta
                single = len(metric.area_codes) == 1
                st.markdown(f"**{k + 1}. {render.plain(m.name)}** · {metric.n_values} values for {len(metric.area_codes)} area(s)"
                            + (" · only one area: set the minimum and target" if single else ""))
                a, b, c, d = st.columns(4)
                name = a.text_input("Name", m.name, key=f"w_lm_name_{k}")
                unit = b.text_input("Unit (e.g. %, per 1,000 people)", m.unit, key=f"w_lm_unit_{k}")
                polarity = c.selectbox("Direction", list(POLARITY_LABELS), format_func=POLARITY_LABELS.get,
                                       key=f"w_lm_pol_{k}")
                mission = d.selectbox("Mission", [None, *ds.missions], key=f"w_lm_mission_{k}",
                                      format_func=lambda n: "None" if n is None else ds.missions[n].title)
                e, f, g, h = st.columns(4)
                capital = e.selectbox("Capital", [None, *CAPITALS], key=f"w_lm_cap_{k}",
                                      format_func=lambda x: "None" if x is None else x.capitalize())
                control = f.selectbox("Local control", list(LocalControl), key=f"w_lm_ctl_{k}",
                                      format_func=lambda x: x.value.capitalize(), index=1)
                minimum = g.number_input("Minimum (optional)", value=None, key=f"w_lm_min_{k}")
                target = h.number_input("Target (optional)", value=None, key=f"w_lm_tgt_{k}")
                source = st.text_input("Source (who collects it, and how)", key=f"w_lm_src_{k}",
                                       placeholder="e.g. Walsall residents' survey 2024, 1,850 respondents")
                drafts.append((metric, replace(m, name=name, unit=unit, polarity=polarity, mission=mission,
                                               capital=capital, local_control=control, source=source,
                                               minimum=minimum, target=target)))
            submitted = st.form_submit_button("Add these metrics", icon=":material/add:")
        if submitted:
            problems = {d.name: validate_meta(d, metric.observations) for metric, d in drafts}
            errors = {name: [p.message for p in ps if p.severity == "error"] for name, ps in problems.items()}
            if any(errors.values()):
                for name, messages in errors.items():
                    for message in messages:
                        st.error(render.plain(f"{name}: {message}"), icon=":material/error:")
                st.info("Nothing was added; your other work is unchanged.")
            else:
                added = [metric.with_meta(d) for metric, d in drafts]
                keep = [m for m in existing if m.meta.id not in {a.meta.id for a in added}]
                state.set_local_metrics((*keep, *added))
                settings = state.get().settings
                for d in (a.meta for a in added):
                    if d.minimum is not None:
                        settings = replace(settings, custom_minimum=(*[x for x in settings.custom_minimum if x[0] != d.id], (d.id, float(d.minimum))))
                        settings = settings.with_override(d.id, minimum="custom")
                    if d.target is not None:
                        settings = replace(settings, custom_target=(*[x for x in settings.custom_target if x[0] != d.id], (d.id, float(d.target))))
                        settings = settings.with_override(d.id, target="custom")
                state.set_settings(settings)
                state.forget_widget("lupe_upload_digest")
                state.widget_value("lupe_upload_round", state.widget("lupe_upload_round", 0) + 1)  # a fresh, empty uploader
                state.flash(f"Added {len(added)} local metric(s). They now appear on the scorecard, map and peers pages.")
                st.rerun()

st.subheader("Your local metrics")
current_metrics = state.local_metrics()
if not current_metrics:
    st.caption("None yet. They stay in this session, and in the session file you can save on the Export page.")
for m in current_metrics:
    c1, c2 = st.columns([5, 1])
    meta = m.meta
    c1.markdown(f"**{render.plain(meta.name)}** (local) · {render.plain(meta.unit or 'no unit')} · "
                f"{POLARITY_LABELS[Polarity(meta.polarity)].lower()} · "
                f"{ds.missions[meta.mission].title if meta.mission else 'no mission'} · {m.n_values} values · "
                f"source: {render.plain(meta.source)}")
    if c2.button("Remove", key=f"w_lm_remove_{meta.id}", icon=":material/delete:"):
        state.set_local_metrics(tuple(x for x in current_metrics if x.meta.id != meta.id))
        st.rerun()
