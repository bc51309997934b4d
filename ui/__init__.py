"""Streamlit-aware helpers for the dashboard: page list, corpus loading, shared filters, charts, safe text.

Imports point one way: app.py -> pages -> ui -> core. Nothing in core imports this package.
"""
