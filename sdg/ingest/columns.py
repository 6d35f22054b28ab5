"""Why a column of a sheet read holds no figures: one reason per column.

Every reader lists, per table, the non-empty columns it did not turn into figures
(:attr:`~sdg.ingest.blocks.Block.col_notes`), so that the reconciliation accounts for
every column as well as every row. The readers name the columns they use for a role
themselves (``ingest.skip.col_region``, ``col_year``, ``col_category`` …);
:func:`column_reasons` classifies the rest from the header and the cells in the
table's rows, in this order:

1. only a header, nothing below it: ``col_empty``;
2. a notes header (``Merknad``, ``Kommentar``, ``…Brudd``): ``col_note``;
3. the same cells as another column: ``col_duplicate`` (names the column);
4. a geography header: ``col_region_name`` (``…navn``) or ``col_geo``;
5. codes (``0634``, organisation numbers): ``col_code``;
6. numbers without a header: ``col_no_header``; under a sort-key header
   (``sortering år``): ``col_order``; under any other header (naming no period):
   ``col_no_year``;
7. one value in every row: ``col_constant``;
8. one value per region: ``col_region_name``;
9. otherwise text: ``col_text``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sdg.ingest.cells import to_values
from sdg.ingest.problems import column_letter

#: Header words of a column of remarks, not figures.
NOTE_WORDS = ("merknad", "merknader", "note", "notes", "notat", "kommentar", "kommentarer",
              "fotnote", "fotnoter", "anmerkning", "anm", "brudd", "forklaring", "comment",
              "comments", "remark", "remarks", "tegnforklaring")  # fmt: skip
#: Header words of a sort key or running number (``sortering år``, ``Rekkefølge``).
ORDER_WORDS = ("sortering", "sorter", "sort", "rekkefølge", "order", "løpenr", "lnr", "rank")
_NUMBERISH = re.compile(r"^[+\-\u2212]?[\d\s\u00a0.,]*\d[\d\s\u00a0.,]*%?$")


def is_note_header(header: str) -> bool:
    """True when a header names a column of remarks.

    >>> [is_note_header(h) for h in ("merknad", "2016-17.grunnskolepoeng.brudd", "antall")]
    [True, True, False]
    """
    words = set(re.split(r"[\s._:()-]+", header.casefold())) - {""}
    return bool(words & set(NOTE_WORDS))


def _key(cells: np.ndarray) -> tuple:
    """The cells of a column as a comparable tuple (text stripped, ``1.0`` = ``"1"``)."""
    out = []
    for x in cells.tolist():
        if isinstance(x, str):
            x = x.strip()
        elif isinstance(x, float) and x.is_integer():
            x = str(int(x))
        else:
            x = str(x)
        out.append(x)
    return tuple(out)


def column_reasons(grid: np.ndarray, rows: np.ndarray, columns: list[int] | range,
                   headers: list[str], *, region: int | None = None
                   ) -> tuple[dict[int, str], dict[int, dict[str, object]]]:
    """Reason (and its parameters) for each of ``columns`` with a non-empty header or
    cell in ``rows`` (0-based grid rows of the table's body).

    ``headers[c]`` is the normalised header text of column ``c``; ``region`` the
    region column (for "one value per region"). Columns without content get no
    reason. Returns (column → reason key, column → parameters of the reason).

    >>> g = np.array([["kommune", "navn", "kopi", "merknad", "x"],
    ...               ["3203", "Asker", "3203", "ny", ""],
    ...               ["3201", "Bærum", "3201", "", ""]], dtype=object)
    >>> reasons, params = column_reasons(g, np.array([1, 2]), [1, 2, 3, 4],
    ...                                  ["kommune", "navn", "kopi", "merknad", "x"], region=0)
    >>> reasons
    {1: 'ingest.skip.col_region_name', 2: 'ingest.skip.col_duplicate', 3: 'ingest.skip.col_note', 4: 'ingest.skip.col_empty'}
    >>> params
    {2: {'column': 'A'}}
    """
    from sdg.ingest.tidy import _is_code_column, is_geo_header

    reasons: dict[int, str] = {}
    params: dict[int, dict[str, object]] = {}
    rows = np.asarray(rows, dtype=int)
    seen: dict[tuple, int] | None = None
    for c in columns:
        cells = grid[rows, c] if len(rows) else np.empty(0, dtype=object)
        filled = cells != ""
        header = headers[c] if c < len(headers) else ""
        if not filled.any():
            if header:
                reasons[c] = "ingest.skip.col_empty"
            continue
        if header and is_note_header(header):
            reasons[c] = "ingest.skip.col_note"
            continue
        if seen is None:  # every column's cells, once, for the duplicate test
            seen = {}
            for other in range(grid.shape[1]):
                seen.setdefault(_key(grid[rows, other]), other)
        twin = seen.get(_key(cells))
        if twin is not None and twin != c:
            reasons[c] = "ingest.skip.col_duplicate"
            params[c] = {"column": column_letter(twin)}
            continue
        if header and is_geo_header(header):
            named = "navn" in header or "name" in header
            reasons[c] = "ingest.skip.col_region_name" if named else "ingest.skip.col_geo"
            continue
        present = cells[filled]
        if _is_code_column(header, present):
            reasons[c] = "ingest.skip.col_code"
            continue
        index, uniques = pd.factorize(pd.Series(present, dtype=object))
        parsed = to_values(np.asarray(uniques, dtype=object))
        numeric = ~np.isnan(parsed.value) | np.array(
            [bool(_NUMBERISH.match(str(x).strip())) for x in uniques], dtype=bool)
        if numeric[index].mean() >= 0.9:
            order = any(w.startswith(ORDER_WORDS) for w in re.split(r"[\s._]+", header))
            reasons[c] = ("ingest.skip.col_no_header" if not header else
                          "ingest.skip.col_order" if order else "ingest.skip.col_no_year")
            continue
        if len(uniques) <= 1:
            reasons[c] = "ingest.skip.col_constant"
            continue
        if region is not None:
            per_region = pd.DataFrame({"r": grid[rows, region][filled], "v": present}).groupby(
                "r", sort=False)["v"].nunique()
            if len(per_region) and per_region.max() <= 1:
                reasons[c] = "ingest.skip.col_region_name"
                continue
        reasons[c] = "ingest.skip.col_text"
    return reasons, params
