"""Resource bounds of one import: rows, columns and cells, memory and time.

Every bound is checked *before* the work it bounds: a workbook's sheet extent is read
from its XML before calamine allocates the grid (:func:`sdg.ingest.read.sheet_extents`),
a CSV is counted while it is split, a JSON-stat dataset is bounded by the product of
its ``size`` and by its value count before anything is made dense. The parse itself
runs in a child process with a memory limit and a timeout (:mod:`sdg.sandbox`), so a
file no check foresaw still cannot take the server down.

Settings (environment variables, read when an import starts):

=========================  ===========  ==========================================
variable                   default      bounds
=========================  ===========  ==========================================
``SDG_IMPORT_MAX_ROWS``    500 000      rows of one sheet (or CSV lines)
``SDG_IMPORT_MAX_COLUMNS`` 2 000        columns of one sheet
``SDG_IMPORT_MAX_CELLS``   2 000 000    cells of one sheet (rows × columns from A1),
                                        and of all sheets / a JSON-stat dataset
``SDG_IMPORT_MEMORY_MB``   1 024        peak memory of the child process that parses
``SDG_IMPORT_TIMEOUT_S``   120          wall-clock time of that child process
=========================  ===========  ==========================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sdg.errors import InvalidInput
from sdg.i18n import Count


@dataclass(frozen=True)
class Limits:
    """The bounds of one import (see the module docstring).

    >>> Limits().max_cells
    2000000
    >>> Limits(max_cells=10).check("a.xlsx", "Ark1", rows=3, cols=4)
    Traceback (most recent call last):
    ...
    sdg.errors.InvalidInput: Arket Ark1 i a.xlsx går over 3 rader × 4 kolonner = 12 celler (fra A1). Grensen er 10 celler per import.
    """

    max_rows: int = 500_000
    max_cols: int = 2_000
    max_cells: int = 2_000_000
    memory_mb: int = 1024
    timeout_s: float = 120.0

    @classmethod
    def from_env(cls) -> Limits:
        """The limits from the ``SDG_IMPORT_*`` environment variables (defaults else).

        >>> os.environ["SDG_IMPORT_MAX_CELLS"] = "5000"
        >>> Limits.from_env().max_cells, Limits.from_env().max_rows
        (5000, 500000)
        >>> del os.environ["SDG_IMPORT_MAX_CELLS"]
        """
        d = cls()

        def get(name: str, default: float, kind: type) -> float:
            raw = os.environ.get(f"SDG_IMPORT_{name}", "").strip()
            try:
                return kind(raw) if raw else default
            except ValueError:
                return default

        return cls(int(get("MAX_ROWS", d.max_rows, int)), int(get("MAX_COLUMNS", d.max_cols, int)),
                   int(get("MAX_CELLS", d.max_cells, int)), int(get("MEMORY_MB", d.memory_mb, int)),
                   float(get("TIMEOUT_S", d.timeout_s, float)))

    def check(self, file: str, sheet: str, *, rows: int, cols: int) -> None:
        """Refuse a sheet of ``rows`` × ``cols`` (its extent from A1) over a limit,
        naming the limit it hit (rows, columns or cells)."""
        where = {"file": file, "sheet": sheet, "rows": _n(rows), "cols": _n(cols)}
        if rows > self.max_rows:
            raise InvalidInput("ingest.err.too_many_rows", **where, limit=_n(self.max_rows))
        if cols > self.max_cols:
            raise InvalidInput("ingest.err.too_many_columns", **where, limit=_n(self.max_cols))
        if rows * cols > self.max_cells:
            raise InvalidInput("ingest.err.too_many_cells", **where, cells=_n(rows * cols),
                               limit=_n(self.max_cells))

    def check_total(self, file: str, cells: int) -> None:
        """Refuse a file whose sheets (or JSON-stat values) hold more than ``max_cells``
        in all."""
        if cells > self.max_cells:
            raise InvalidInput("ingest.err.too_many_cells_total", file=file, cells=_n(cells),
                               limit=_n(self.max_cells))


def _n(number: int) -> Count:
    """A count for a message, written in the reader's language (:class:`~sdg.i18n.Count`).

    >>> from sdg.i18n import t
    >>> msg = t("ingest.err.too_many_rows", "nb", file="f", sheet="s", rows=_n(2000000),
    ...         cols=_n(3), limit=_n(1000000))
    >>> "2\u00a0000\u00a0000" in msg
    True
    """
    return Count(number)
