"""The UI layer: the only code besides pages that imports Streamlit."""
