"""News-corpus analyst core: ingest, clean, dates, actors, dedup, statements, conflicts, bundle.

Pure Python + Polars; never imports streamlit or plotly (a test enforces it).
"""

__version__ = "0.1.0"
