"""Streamlit-side helpers: translation, formatting, cached data access, chart builders."""
