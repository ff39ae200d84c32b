"""The Local metrics page's form: describe each metric of a checked upload, then add them all or none.

A minimum or target typed here becomes the metric's custom benchmark (``Settings.with_benchmarks``).
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from lupcore import CAPITALS, Dataset, LocalControl, LocalMetricData, Polarity, validate_meta
from lupui import present, render, state

POLARITY_LABELS = {Polarity.HIGHER_IS_BETTER: "Higher is better", Polarity.LOWER_IS_BETTER: "Lower is better",
                   Polarity.CONTEXTUAL: "Context only (not scored)"}


def describe_and_add(ds: Dataset, result: object, existing: tuple[LocalMetricData, ...]) -> None:
    """One row of fields per metric; nothing is added until every metric's details are valid."""
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
            for d in (a.meta for a in added):  # a minimum or target typed here becomes the metric's custom benchmark
                settings = settings.with_benchmarks(
                    {d.id: ("custom" if d.minimum is not None else None, "custom" if d.target is not None else None)},
                    {d.id: (... if d.minimum is None else d.minimum, ... if d.target is None else d.target)})
            state.set_settings(settings)
            state.forget_widget("lupe_upload_digest")
            state.widget_value("lupe_upload_round", state.widget("lupe_upload_round", 0) + 1)  # a fresh, empty uploader
            state.flash(f"Added {len(added)} local metric(s). They now appear on the scorecard, map and peers pages.")
            st.rerun()


def listing(ds: Dataset, metrics: tuple[LocalMetricData, ...]) -> None:
    """The session's local metrics, one line each, with a Remove button (not in presenter mode)."""
    st.subheader("Your local metrics")
    if not metrics:
        st.caption("None yet. They stay in this session, and in the session file you can save on the Export page.")
    for m in metrics:
        c1, c2 = st.columns([5, 1])
        meta = m.meta
        c1.markdown(f"**{render.plain(meta.name)}** (local) · {render.plain(meta.unit or 'no unit')} · "
                    f"{POLARITY_LABELS[Polarity(meta.polarity)].lower()} · "
                    f"{ds.missions[meta.mission].title if meta.mission else 'no mission'} · {m.n_values} values · "
                    f"source: {render.plain(meta.source)}")
        if present.controls() and c2.button("Remove", key=f"w_lm_remove_{meta.id}", icon=":material/delete:"):
            state.set_local_metrics(tuple(x for x in metrics if x.meta.id != meta.id))
            st.rerun()
