"""The domain package of the SDG governance dashboard.

Pure calculations (materiality, progress, zero point) and the DuckDB store. This
package never imports Streamlit (enforced by ruff's banned-api rule).
"""

__version__ = "0.1.0"
