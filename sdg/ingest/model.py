"""The result types of :func:`sdg.ingest.parse_file` and the status symbols.

A file yields a :class:`ParseResult`: the tables found (one :class:`ParsedTable` per
indicator block or sheet, each with a long ``data`` frame), the problems found in
single cells, and explanations for sheets that hold no municipal figures.

Status symbols (SSB standard, see ``SSB_EXPORT_LAYOUT.md`` §4; ``*`` is Udir's):

====== ============================================================ ============
symbol meaning                                                      value
====== ============================================================ ============
``.``  not applicable: the category did not exist / cannot occur    NaN
``..`` not available: figures missing or too uncertain to publish   NaN
``...`` not available (older SSB tables, "oppgave mangler"); read   NaN
       as ``..``
``:``  confidential: not shown for reasons of confidentiality       NaN
``-``  zero or nil: a real zero                                     0.0
``*``  suppressed (Udir "prikket"): small groups hidden for privacy NaN
====== ============================================================ ============
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sdg.i18n import t

#: Status symbol → short English meaning.
STATUS_SYMBOLS: dict[str, str] = {
    ".": "not applicable",
    "..": "not available",
    ":": "confidential",
    "-": "zero or nil",
    "*": "suppressed",
}

#: Columns of :attr:`ParsedTable.data`, in order.
DATA_COLUMNS: tuple[str, ...] = (
    "region_label",
    "municipality",
    "year",
    "value",
    "status_symbol",
    "measure",
    "src_row",
    "src_col",
    "period",
)

#: Columns of :attr:`ParseResult.problems`, in order.
PROBLEM_COLUMNS: tuple[str, ...] = (
    "file",
    "sheet",
    "row",
    "column",
    "value",
    "reason_key",
    "params",
    "reason",
    "reason_en",
)


def empty_data() -> pd.DataFrame:
    """An empty data frame with the columns of :attr:`ParsedTable.data`.

    >>> list(empty_data().columns) == list(DATA_COLUMNS)
    True
    """
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in DATA_COLUMNS})


@dataclass(frozen=True)
class Explanation:
    """Why a sheet (or file) yields no municipal figures.

    >>> e = Explanation("Ark1", "ingest.explain.no_figures", {"sheet": "Ark1"})
    >>> str(e)
    'Arket Ark1 inneholder ingen tall.'
    >>> e.message("en")
    'The sheet Ark1 holds no figures.'
    """

    sheet: str
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def message(self, lang: str = "nb") -> str:
        return t(self.key, lang, **self.params)

    def __str__(self) -> str:
        return self.message("nb")


@dataclass(frozen=True)
class ParsedTable:
    """One indicator block read from a sheet.

    Attributes
    ----------
    sheet : str
        Sheet name (the file name for CSV and JSON-stat).
    layout : str
        ``template_long``, ``long``, ``wide_years``, ``ssb_statbank``, ``udir``,
        ``kostra_blocks`` or ``jsonstat``.
    title : str
        Indicator title found in the file (Statbank title, block title, measure).
    unit : str or None
        Unit when the file names one (e.g. ``prosent``).
    source : str or None
        E.g. ``SSB 07459`` or ``Udir``.
    data : pandas.DataFrame
        Long frame with :data:`DATA_COLUMNS`: ``region_label`` as in the file,
        ``municipality`` (4-character code or None), ``year`` (int), ``value``
        (float, NaN when missing), ``status_symbol`` (None or a key of
        :data:`STATUS_SYMBOLS`), ``measure`` (str or None), ``src_row`` (1-based),
        ``src_col`` (Excel column letter) and ``period`` (the period as written,
        ``2023-24``; ``year`` follows the period rule of :mod:`sdg.ingest.cells`).
    """

    sheet: str
    layout: str
    title: str
    unit: str | None
    source: str | None
    data: pd.DataFrame
    #: 1-based row → reason key (``ingest.skip.…``) of rows read and left out.
    notes: dict[int, str] = field(default_factory=dict)
    #: Column letter → reason key of columns read and not used as figures (in column
    #: order): the region, year and category columns, and every other non-empty column
    #: of the table with why it holds no figures (:mod:`sdg.ingest.columns`).
    col_notes: dict[str, str] = field(default_factory=dict)
    #: Column letter → parameters of its reason (``{"column": "B"}``: a duplicate of B).
    col_params: dict[str, dict[str, object]] = field(default_factory=dict)
    #: Columns of ``data`` as the reader built them, from codes: column →
    #: ``(distinct, index)`` with the column's values ``distinct[index]``
    #: (:func:`with_codes`). A table is pickled with the codes instead of the texts of
    #: its object columns (the parse child's answer: a 200,000-row table's four text
    #: columns are ~0.03 s of pickling), and :func:`sdg.importer.table_codes`
    #: factorizes the codes instead of the texts. Not an argument: a table made anew
    #: (``dataclasses.replace``) has none.
    coded: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        lean = state.pop("_lean", None)
        if self.coded:  # the frame without the coded object columns, and their order
            frame, columns = lean or (self.data, list(self.data.columns))
            rebuilt = [c for c in self.coded if c in frame and frame[c].dtype == object]
            state["data"] = frame.drop(columns=rebuilt)
            state["columns"] = columns
            state["coded"] = {c: (d, _compact(i, len(d))) for c, (d, i) in self.coded.items()}
        return state

    def __setstate__(self, state: dict) -> None:
        columns = state.pop("columns", None)
        if columns is not None:  # lean, as pickled: the text columns built when read
            state["_lean"] = (state.pop("data"), columns)
        self.__dict__.update(state)  # (frozen: not through __setattr__)

    def __getattr__(self, name: str) -> object:
        """``data`` of a lean table (:func:`lean_table`, or unpickled), built on first
        use."""
        lean = self.__dict__.get("_lean") if name == "data" else None
        if lean is None:
            raise AttributeError(name)
        frame = _rebuilt(*lean, self.coded)
        object.__setattr__(self, "data", frame)
        self.__dict__.pop("_lean", None)  # (another thread may have built it too)
        return frame

    def column(self, name: str) -> pd.Series:
        """``data[name]``; of a lean table whose ``data`` is not built yet, that column
        alone (the importer reads a few columns of a parsed table: building each of
        the others of 200,000 rows from its codes is ~0.001 s).

        >>> frame = pd.DataFrame({"year": [1, 2]})
        >>> coded = {"measure": (np.array(["a", "b"], dtype=object), np.array([1, 1]))}
        >>> table = lean_table(ParsedTable("Ark1", "long", "T", None, None, frame), coded,
        ...                    ["measure", "year"])
        >>> table.column("measure").tolist(), table.column("year").tolist(), "data" in vars(table)
        (['b', 'b'], [1, 2], False)
        >>> table.column("measure").equals(table.data["measure"])
        True
        """
        lean = self.__dict__.get("_lean")
        if lean is None:
            return self.data[name]
        frame, columns = lean
        if name in frame:
            return frame[name]
        if name not in columns:
            raise KeyError(name)
        return _from_codes(self.coded[name], frame.index, name)


def _rebuilt(frame: pd.DataFrame, columns: list[str],
             coded: dict[str, tuple[np.ndarray, np.ndarray]]) -> pd.DataFrame:
    """``frame`` with the object columns it lacks built from their codes, in the order
    ``columns`` (a pickled or :func:`lean_table`'s frame)."""
    return pd.DataFrame(
        {c: frame[c] if c in frame else _from_codes(coded[c], frame.index, c)
         for c in columns}, index=frame.index, copy=False)


def _from_codes(coded: tuple[np.ndarray, np.ndarray], index: pd.Index, name: str
                ) -> pd.Series:
    """The object column ``distinct[codes]`` of ``coded`` (:attr:`ParsedTable.coded`)."""
    distinct, codes = coded
    return pd.Series(distinct[codes], index=index, dtype=object, copy=False, name=name)


def lean_table(table: ParsedTable, coded: dict[str, tuple[np.ndarray, np.ndarray]],
               columns: list[str]) -> ParsedTable:
    """:func:`with_codes` of a table whose ``data`` lacks the object columns of
    ``coded`` (``columns``: all of them, in order): they are built from the codes when
    ``data`` is first read, and a table pickled before that never builds them (the
    parse child's tables: they travel as codes anyway; 200,000 rows' four text columns
    are ~0.01 s). Equal to the table built whole.

    >>> frame = pd.DataFrame({"year": [1, 2, 3]})
    >>> coded = {"measure": (np.array(["a", "b"], dtype=object), np.array([0, 1, 0]))}
    >>> table = lean_table(ParsedTable("Ark1", "long", "T", None, None, frame), coded,
    ...                    ["measure", "year"])
    >>> import pickle
    >>> back = pickle.loads(pickle.dumps(table))
    >>> back.data.to_dict("list"), table.data.equals(back.data), back.data["measure"].dtype
    ({'measure': ['a', 'b', 'a'], 'year': [1, 2, 3]}, True, dtype('O'))
    """
    object.__setattr__(table, "_lean", (table.__dict__.pop("data"), list(columns)))
    return with_codes(table, coded)


def _compact(index: np.ndarray, size: int) -> np.ndarray:
    """Codes into ``size`` distinct values in the smallest signed integer type that
    holds them (-1 too): a quarter of the bytes to send for a few thousand values.

    >>> _compact(np.array([0, -1, 300]), 301).dtype, _compact(np.array([1]), 2**20).dtype
    (dtype('int16'), dtype('int32'))
    """
    for dtype in (np.int16, np.int32):
        if size <= np.iinfo(dtype).max:
            return index.astype(dtype)
    return index


def with_codes(table: ParsedTable, coded: dict[str, tuple[np.ndarray, np.ndarray]]
               ) -> ParsedTable:
    """``table`` with :attr:`ParsedTable.coded` set: the values of each column named
    in ``coded`` are ``distinct[index]`` of its ``(distinct, index)`` (an object array
    indexed by integers, -1 the last; a missing value may be None in ``distinct`` and
    NaN in a column of pandas' ``str``), and a column of dtype object is that array.
    For the reader that built the columns so; nothing checks it.

    >>> import pickle
    >>> data = pd.DataFrame({"measure": pd.Series(["a", "b", "a"], dtype=object),
    ...                      "year": [1, 2, 3]})
    >>> table = with_codes(ParsedTable("Ark1", "long", "T", None, None, data),
    ...                    {"measure": (np.array(["a", "b"], dtype=object), np.array([0, 1, 0]))})
    >>> back = pickle.loads(pickle.dumps(table))
    >>> back.data.equals(data), back.data["measure"].dtype, list(back.coded)
    (True, dtype('O'), ['measure'])
    """
    object.__setattr__(table, "coded", coded)  # frozen: set once, as it is made
    return table


@dataclass(frozen=True)
class ParseResult:
    """Everything read from one file: tables, cell problems and explanations.

    ``read_rows`` holds, per sheet read, the 1-based numbers of its non-empty rows
    (what the reconciliation counts as "rader lest"). ``sheets`` names every worksheet
    of the file in order (read or not) and ``hidden`` those hidden in Excel; a hidden
    sheet is read only when chosen.
    """

    tables: list[ParsedTable]
    problems: pd.DataFrame
    explanations: list[Explanation]
    read_rows: dict[str, np.ndarray] = field(default_factory=dict)
    sheets: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
