"""Overview: who the locality is and what each Levelling Up mission can measure for it today."""

import pandas as pd
import streamlit as st

from lupcore.format import format_number, format_value
from lupcore.profile import describe, profile
from lupui import state
from lupui.frame import ROOT, frame

ctx = frame("Overview")
ds, area = ctx.dataset, ctx.area
facts = describe(ds, area)

st.title(area.name)
st.markdown(f"{facts['kind']} · {area.region + ' · ' if area.region and area.region != area.nation else ''}{area.nation} · `{area.code}`")
cols = st.columns(4)
cols[0].metric("Population (mid-2024)", format_number(area.population, 0) if area.population else "no data")
density = area.population / (area.land_area_ha / 100) if area.population and area.land_area_ha else None
cols[1].metric("People per km²", format_number(density, 0) if density else "no data")
cols[2].metric("Upper-tier authority", area.utla_name or ("none (single tier)" if area.tier.value == "ltla" else "–"))
cols[3].metric("Combined authority", area.cauth_name or "none")

rows = profile(ds, area.code)
by_mission: dict[int | None, list] = {}
for row in rows:
    by_mission.setdefault(row.meta.mission, []).append(row)

st.subheader("What each mission can measure here")
st.caption("Latest published value for this area, with its period and source. Missing is shown as missing, never as zero.")


def mission_table(items: list) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Metric": [r.meta.label for r in items],
            "Latest value": [format_value(r.value, r.meta) for r in items],
            "Period": [r.period_label or "–" for r in items],
            "Note": [("County value: " + (area.utla_name or r.source_area)) if r.source_area and r.source_area != area.code
                     else ("Not published for this area" if r.value is None else "") for r in items],
            "Source": [r.meta.source_org for r in items],
        }
    )


for number, mission in sorted(ds.missions.items()):
    items = [r for r in by_mission.get(number, []) if r.meta.role.value != "context"]
    with st.container(border=True):
        st.markdown(f"**{mission.title}**")
        st.caption(mission.ambition)
        measured = [r for r in items if r.value is not None]
        if measured:
            st.dataframe(mission_table(items), hide_index=True, width="stretch")
        if not measured:
            st.markdown(f":material/block: **No local measure.** {mission.local_gap or 'No indicator in this data covers this area.'}")
        elif mission.local_gap:
            st.caption(f":material/info: {mission.local_gap}")

context = [r for r in rows if r.meta.role.value == "context"]
with st.expander("Context: population, age, economy and housing", expanded=False):
    st.dataframe(mission_table(context), hide_index=True, width="stretch")
if (ROOT / "pages/1_Scorecard.py").exists():
    st.page_link("pages/1_Scorecard.py", label="See the scorecard: every metric against a minimum and a target",
                 icon=":material/arrow_forward:", query_params=state.link_params())
