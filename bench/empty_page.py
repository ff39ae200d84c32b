"""The floor for rerun ratios: a page that draws one title and nothing else (`make bench` runs it)."""

import streamlit as st

st.title("Empty page")
