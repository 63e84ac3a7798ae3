"""Pipeline Pulse analytics core: store, import and every metric. Never imports Streamlit."""
