"""Streamlit glue shared by the pages: store resource, state, i18n, widgets, charts."""
