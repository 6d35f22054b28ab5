"""Cell-level problems: collected while reading, returned as one table.

A problem names the file, sheet, 1-based row and Excel column letter, the offending
value and a catalogue key (``ingest.problem.…``) with its parameters; the texts in
bokmål and English are rendered from the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from sdg.i18n import t
from sdg.ingest.model import PROBLEM_COLUMNS


def column_letter(index: int) -> str:
    """Excel column letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(701)
    ('A', 'Z', 'AA', 'ZZ')
    """
    letters = ""
    n = index + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass
class Problems:
    """Collector of problems for one file.

    >>> p = Problems("a.xlsx")
    >>> p.add("Ark1", 3, 1, "x", "ingest.problem.not_a_number")
    >>> p.frame()[["sheet", "row", "column", "reason_key"]].values.tolist()
    [['Ark1', 3, 'B', 'ingest.problem.not_a_number']]
    """

    file: str
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        sheet: str,
        row: int | None,
        col: int | str | None,
        value: object,
        key: str,
        **params: object,
    ) -> None:
        """Record a problem at 1-based ``row`` and 0-based ``col`` (or a letter)."""
        column = column_letter(col) if isinstance(col, int) else col
        full = {"sheet": sheet, "row": row, "column": column, "value": value, **params}
        self.rows.append(
            {
                "file": self.file,
                "sheet": sheet,
                "row": row,
                "column": column,
                "value": None if value is None else str(value),
                "reason_key": key,
                "params": full,
                "reason": t(key, "nb", **full),
                "reason_en": t(key, "en", **full),
            }
        )

    def frame(self) -> pd.DataFrame:
        """All problems as a DataFrame with :data:`PROBLEM_COLUMNS`."""
        if not self.rows:
            return pd.DataFrame({c: pd.Series([], dtype=object) for c in PROBLEM_COLUMNS})
        return pd.DataFrame(self.rows, columns=list(PROBLEM_COLUMNS))
