"""Overview: who the locality is and what each Levelling Up mission can measure for it today."""

import streamlit as st

from lupcore import context_note, describe, format_number, format_value, is_context, mission_gap_text, value_note
from lupui import cache, render, state
from lupui.frame import ROOT, frame

if state.join_link()[0] is not None:  # /?join=CODE: a workshop participant's phone, not the Overview
    from lupui.room_phone import participant_page

    participant_page()
    st.stop()
ctx = frame("Overview")
ds, area = ctx.dataset, ctx.area
facts = describe(ds, area)

st.title(area.name)
st.markdown(f"{facts['kind']} · {area.region + ' · ' if area.region and area.region != area.nation else ''}{area.nation} · `{area.code}`")
cols = st.container(key="lupe-words").columns(4)  # two of the four values are names, which may wrap
cols[0].metric("Population (mid-2024)", format_number(area.population, 0) if area.population else "no data")
density = area.population / (area.land_area_ha / 100) if area.population and area.land_area_ha else None
cols[1].metric("People per km²", format_number(density, 0) if density else "no data")
cols[2].metric("Upper-tier authority", area.utla_name or ("none (single tier)" if area.tier.value == "ltla" else "–"))
cols[3].metric("Combined authority", area.cauth_name or "none")

rows = cache.profile_rows(area.code)
by_mission: dict[int | None, list] = {}
for row in rows:
    by_mission.setdefault(row.meta.mission, []).append(row)

st.subheader("What each mission can measure here")
st.caption("Latest published value for this area, with its period and source. Missing is shown as missing, never as zero.")


def mission_table(items: list) -> tuple[list[str], list[list[str]]]:
    notes = [" · ".join(n for n in (
        value_note(ds, r.meta.id, area.code,
                   county=(area.utla_name or r.source_area) if r.source_area and r.source_area != area.code else ""),
        context_note(r.meta), "Not published for this area" if r.value is None else "") if n) for r in items]
    body = [[r.meta.label, format_value(r.value, r.meta), r.period_label or "–", note, r.meta.source_org]
            for r, note in zip(items, notes, strict=True)]
    return ["Metric", "Latest value", "Period", "Note", "Source"], body


for number, mission in sorted(ds.missions.items()):
    items = by_mission.get(number, [])
    with st.container(border=True):
        st.markdown(f"**{mission.title}**")
        st.caption(mission.ambition)
        measured = any(r.value is not None and not is_context(r.meta) for r in items)
        kind, gap = mission_gap_text(ds, mission, area, measured)
        if items and kind != "not applicable" and any(r.value is not None for r in items):
            st.markdown(render.markdown_table(mission_table(items)))
        if kind == "not applicable":
            st.markdown(f":material/do_not_disturb_on: **Not applicable.** {gap}")
        elif kind == "context only":
            st.markdown(f":material/info: **Not rated: context only.** {gap}")
        elif kind == "none":
            st.markdown(f":material/block: **No local measure.** {gap}")
        elif gap:
            st.caption(f":material/info: {gap}")

context = [r for r in rows if is_context(r.meta) and r.meta.mission is None]
with st.expander("Context: population, age, economy, housing and deprivation", expanded=False):
    st.markdown(render.markdown_table(mission_table(context)))
if (ROOT / "pages/1_Scorecard.py").exists():
    st.page_link("pages/1_Scorecard.py", label="See the scorecard: every metric against a minimum and a target",
                 icon=":material/arrow_forward:", query_params=state.link_params())
