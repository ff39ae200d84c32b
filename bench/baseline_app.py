"""The shared frame without the data: same page config, sidebar title, Locality picker and toggle.

Run against the Overview, it separates what the frame and Streamlit cost on every rerun from what
the page's own content costs. Option codes are synthetic so no data is loaded.
"""

import streamlit as st

st.set_page_config(page_title="Baseline · Levelling Up Place Explorer", layout="wide",
                   initial_sidebar_state="expanded")
OPTIONS = [f"E0{n:07d}" for n in range(397)]  # as many choices as the real picker offers
LABELS = {code: f"Area {code} · District council · Region" for code in OPTIONS}

if "w_area" not in st.session_state:
    st.session_state["w_area"] = OPTIONS[0]
with st.sidebar:
    st.markdown("### Levelling Up Place Explorer")
    st.selectbox("Locality", OPTIONS, key="w_area", format_func=LABELS.__getitem__, index=None,
                 placeholder="Type a council name…")
    st.divider()
    st.toggle("Presenter mode", key="w_presenter")
    st.caption("Contains public sector information licensed under the Open Government Licence v3.0.")
st.title(LABELS[st.session_state["w_area"]])
