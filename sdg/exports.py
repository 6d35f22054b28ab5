"""Downloads that carry their context: an xlsx with a second sheet "Om tallene" (what,
for which municipality, when, with which settings, from which sources, where the
figures come from, whether demo), and CSV in the language's conventions.

Numbers stay numbers in the workbook (Excel shows them in the reader's own locale);
the "Om tallene" sheet is text written through :mod:`sdg.fmt`. Every cell is written by
the one writer, :mod:`sdg.writers`: a text that starts like a formula (``=``, ``+``,
``-``, ``@``, tab, CR) is a string cell with Excel's quote prefix in the workbook and
gets a leading ``'`` in CSV, never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from sdg import fmt, writers
from sdg.i18n import t


@dataclass
class About:
    """The context of one export.

    Attributes
    ----------
    what : str
        What the table is ("Nullpunktsmåling 2019, 14 indikatorer").
    municipality : str
        "Asker (3203)".
    settings : mapping
        Setting name → value in words (filters, weights, threshold).
    sources : list of str
        One line per source (with n and weight where it has them).
    provenance : list of str
        One line per figure or indicator: where it comes from.
    demo : bool
        True when any of it is demo content.
    made : datetime, optional
        When the file was made (default now).
    """

    what: str
    municipality: str
    settings: Mapping[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)
    demo: bool = False
    made: dt.datetime | None = None

    def rows(self, lang: str = "nb") -> pd.DataFrame:
        """The sheet as two columns (field, value), one line per setting, source and
        provenance entry.

        >>> a = About("Tabell", "Asker (3203)", {"Terskel": "median"}, ["A (n = 5)"],
        ...           made=dt.datetime(2026, 11, 30, 9, 5))
        >>> a.rows().values.tolist()[:3]
        [['Hva', 'Tabell'], ['Kommune', 'Asker (3203)'], ['Laget', '30.11.2026 09:05']]
        """
        lines = [(t("export.about.what", lang), self.what),
                 (t("export.about.municipality", lang), self.municipality),
                 (t("export.about.when", lang),
                  fmt.datetime(self.made or dt.datetime.now().replace(microsecond=0), lang)),
                 (t("export.about.demo", lang),
                  t("demo.badge", lang) if self.demo else t("gains.desired.no", lang))]
        lines += [(f"{t('export.about.settings', lang)}: {k}", v) for k, v in self.settings.items()]
        lines += [(t("export.about.sources", lang), s) for s in self.sources]
        lines += [(t("export.about.provenance", lang), p) for p in self.provenance]
        return pd.DataFrame(lines, columns=[t("export.about.key", lang),
                                            t("export.about.value", lang)])


def xlsx(table: pd.DataFrame, sheet: str, about: About, lang: str = "nb",
         number_formats: Mapping[str, str] | None = None) -> bytes:
    """``table`` on sheet ``sheet`` and ``about`` on a second sheet "Om tallene".

    ``number_formats`` maps a column to an Excel number format (``0.00``); the header
    row is frozen and the columns sized to their content. Cells are written by
    :func:`sdg.writers.write_sheet`, so no text becomes a formula.

    >>> import openpyxl
    >>> data = xlsx(pd.DataFrame({"a": ["=1+1"], "b": [1.5]}), "S", About("x", "y"))
    >>> book = openpyxl.load_workbook(io.BytesIO(data))
    >>> book.sheetnames, book["S"]["A2"].value, book["S"]["A2"].data_type, book["S"]["B2"].value
    (['S', 'Om tallene'], '=1+1', 's', 1.5)
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    main = book.active
    main.title = writers.sheet_name(sheet)
    _write(main, table, number_formats or {})
    info = book.create_sheet(writers.sheet_name(t("export.about.sheet", lang)))
    if about.demo:
        writers.put(info["A1"], t("demo.badge", lang))
        info["A1"].font = Font(bold=True, color="B00020")
    _write(info, about.rows(lang), {}, start_row=2 if about.demo else 1)
    for ws in (main, info):
        for i, column in enumerate(ws.columns, 1):
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 80)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write(ws, table: pd.DataFrame, number_formats: Mapping[str, str],
           start_row: int = 1) -> None:
    """``table`` through :func:`sdg.writers.write_sheet`, the header bold and frozen."""
    from openpyxl.styles import Font

    end = writers.write_sheet(ws, table, start_row=start_row)
    for cell in ws[start_row]:
        cell.font = Font(bold=True)
    for c, column in enumerate(table.columns, 1):
        number_format = number_formats.get(column)
        if not number_format:
            continue
        for r in range(start_row + 1, end):
            cell = ws.cell(r, c)
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = number_format
    ws.freeze_panes = ws.cell(start_row + 1, 1).coordinate


def csv(table: pd.DataFrame, lang: str = "nb") -> bytes:
    """The table as CSV the way a spreadsheet in ``lang`` opens it: bokmål with ``;``
    between fields and a decimal comma, English with ``,`` and a point; UTF-8 with a
    byte-order mark (Excel then reads æøå right). Written by
    :func:`sdg.writers.csv_bytes` (formula-like text gets a leading ``'``).

    >>> csv(pd.DataFrame({"a": [1.5], "b": ["x"]})).decode("utf-8-sig").splitlines()
    ['a;b', '1,5;x']
    >>> csv(pd.DataFrame({"a": [1.5]}), "en").decode("utf-8-sig").splitlines()
    ['a', '1.5']
    >>> csv(pd.DataFrame({"a": ["=1+1"]})).decode("utf-8-sig").splitlines()
    ['a', "'=1+1"]

    Dates and times are written as on the page (:func:`dates_as_text`):

    >>> csv(pd.DataFrame({"når": [pd.Timestamp("2018-09-25 14:03")]})).decode("utf-8-sig").split()
    ['når', '25.09.2018', '14:03']
    """
    nb = fmt.spec(lang).babel.startswith(("nb", "nn"))
    return writers.csv_bytes(dates_as_text(table, lang), sep=";" if nb else ",",
                             decimal="," if nb else ".")


def dates_as_text(table: pd.DataFrame, lang: str = "nb") -> pd.DataFrame:
    """``table`` with its date and time columns written by :func:`sdg.fmt.datetime`
    (:func:`sdg.fmt.date` when every time is midnight), so a CSV says ``25.09.2018``
    as the page does (Excel in Norwegian reads that as a date), and a missing one as an
    empty field, like a missing number; other columns unchanged.

    >>> t = pd.DataFrame({"d": pd.to_datetime(["2018-09-25", None]), "v": [1.5, 2.0],
    ...                   "t": [dt.datetime(2026, 12, 1, 9, 5), None]})
    >>> dates_as_text(t).values.tolist()
    [['25.09.2018', 1.5, '01.12.2026 09:05'], ['', 2.0, '']]
    >>> dates_as_text(t, "en")["d"].tolist()
    ['25 Sep 2018', '']
    """
    out = table.copy()
    for column in table.columns:
        values = table[column]
        if not pd.api.types.is_datetime64_any_dtype(values):
            present = [v for v in values if not fmt.is_missing(v)]
            if values.dtype != object or not present or not all(
                    isinstance(v, dt.date) for v in present):
                continue
            values = pd.to_datetime(values)
        present = values.dropna()
        midnight = bool((present == present.dt.normalize()).all())
        write = fmt.date if midnight else fmt.datetime
        out[column] = ["" if fmt.is_missing(v) else write(v, lang) for v in values]
    return out


def lines(values: Iterable[str]) -> list[str]:
    """Distinct non-empty lines, in order.

    >>> lines(["a", "", "b", "a"])
    ['a', 'b']
    """
    return [v for v in dict.fromkeys(values) if isinstance(v, str) and v.strip()]


# ------------------------------------------------------------------ matrix images
def matrix_context(municipality: str, sources: pd.DataFrame, view: dict, lang: str,
                   made: dt.date | None = None, b: int = 200) -> tuple[str, list[str], bool]:
    """Title, context lines and demo flag of a matrix image (export and report).

    ``sources``: rating sources with ``name``, ``respondents``, ``is_demo`` and
    (optionally) ``id`` and ``weight``; ``view``: the matrix view (weights by source
    id as text, or by name in views saved before sources had ids as keys; threshold). The lines: DEMO (when any source is demo), municipality and date,
    the sources with n and weight, the threshold and robustness settings.

    >>> src = pd.DataFrame({"name": ["Undersøkelse"], "respondents": [1200],
    ...                     "is_demo": [True]})
    >>> title, lines, demo = matrix_context("Asker (3203)", src, {"weights":
    ...     {"Undersøkelse": 1.5}}, "nb", dt.date(2026, 11, 30))
    >>> title, demo
    ('Vesentlighetsmatrise – Asker (3203)', True)
    >>> lines[1:3]
    ['Asker (3203) · laget 30.11.2026', 'Kilder: Undersøkelse (n = 1\xa0200, vekt 1,5)']
    """
    weights = view.get("weights") or {}
    parts = [t("report.matrix.source", lang, name=r.name, n=fmt.number(r.respondents, 0, lang),
               weight=fmt.number(getattr(r, "weight", _weight(weights, r)), None, lang))
             for r in sources.itertuples()]
    thr = view.get("threshold") or {}
    method = t(f"materiality.threshold.{thr.get('method', 'median')}", lang)
    if thr.get("method") == "fixed":
        method += f" ({fmt.number(thr.get('x'), 2, lang)}; {fmt.number(thr.get('y'), 2, lang)})"
    demo = bool(sources["is_demo"].any()) if len(sources) else False
    # two sources a line, so the image stays about as wide as the chart
    pairs = ["; ".join(parts[i:i + 2]) for i in range(0, len(parts), 2)] or [fmt.MISSING]
    lines = [t("report.matrix.made", lang, municipality=municipality,
               date=fmt.date(made or dt.date.today(), lang)),
             t("report.matrix.sources", lang, sources=pairs[0]), *pairs[1:],
             t("report.matrix.settings", lang, threshold=method, b=b)]
    if demo:
        lines.insert(0, t("report.matrix.demo", lang))
    return t("report.matrix.title", lang, municipality=municipality), lines, demo


def _weight(weights: dict, source) -> float:
    """A source's weight in a view: by its id (as text), else by its name, else 1."""
    key = str(int(source.id)) if hasattr(source, "id") and pd.notna(source.id) else None
    return float(weights.get(key, weights.get(source.name, 1.0)))


def with_context(chart, title: str, lines: list[str], demo: bool):
    """``chart`` with a title and context lines above it (red when demo)."""
    import altair as alt

    return chart.properties(title=alt.TitleParams(
        text=title, subtitle=lines, anchor="start", fontSize=16,
        subtitleColor="#B00020" if demo else "#444444", subtitleFontSize=11))


def view_settings(view: dict, lang: str = "nb",
                  names: dict[str, str] | None = None) -> dict[str, str]:
    """The matrix view in words, for the "Om tallene" sheet; ``names`` maps a weight's
    key (the source id as text) to the source's name.

    >>> view_settings({"level": "goal", "threshold": {"method": "median"},
    ...                "x_axis": "influence", "y_axis": "priority"})["Nivå"]
    '17 mål'
    """
    thr = view.get("threshold") or {"method": "median"}
    method = t(f"materiality.threshold.{thr.get('method', 'median')}", lang)
    if thr.get("method") == "fixed":
        method += f" ({fmt.number(thr.get('x'), 2, lang)}; {fmt.number(thr.get('y'), 2, lang)})"
    out = {
        t("materiality.level", lang): t(f"materiality.level.{view.get('level', 'goal')}", lang),
        t("materiality.threshold", lang): method,
        "x": t(f"materiality.axis.{view.get('x_axis', 'influence')}", lang),
        "y": t(f"materiality.axis.{view.get('y_axis', 'priority')}", lang),
    }
    if view.get("goals"):
        out[t("materiality.level.goals", lang)] = ", ".join(map(str, view["goals"]))
    out[t("materiality.groups", lang)] = (", ".join(view["groups"]) if view.get("groups")
                                          else fmt.MISSING)
    names = names or {}
    for key, weight in (view.get("weights") or {}).items():
        label = f"{names[key]} (#{key})" if key in names else key
        out[f"{t('report.col.weight', lang)}: {label}"] = fmt.number(weight, None, lang)
    return out


def source_provenance(sources: pd.DataFrame, lang: str = "nb") -> list[str]:
    """One line per rating source: kind, date, file, who imported it and when."""
    out = []
    for r in sources.itertuples():
        bits = [t(f"materiality.kind.{r.kind}", lang), fmt.date(r.held_on, lang)]
        if isinstance(getattr(r, "file_name", None), str) and r.file_name:
            bits.append(r.file_name)
        bits.append(f"{r.actor or fmt.MISSING}, {fmt.datetime(r.created_at, lang)}")
        out.append(f"{r.name}: " + ", ".join(bits) + (" (DEMO)" if r.is_demo else ""))
    return out


def imports_text(part: pd.DataFrame, lang: str = "nb") -> str:
    """The imports one indicator's figures come from, in words ("nr. 1: fil, hvem,
    dato (2016–2021)"), from rows of :func:`sdg.report.figure_provenance`."""
    return "; ".join(
        t("report.annex.import", lang, batch=int(p.batch_id), file=p.file_name,
          who=p.imported_by, when=fmt.date(p.imported_at, lang))
        + f" ({fmt.year(p.first_year)}–{fmt.year(p.last_year)})"
        for p in part.itertuples() if not fmt.is_missing(p.batch_id)) or fmt.MISSING


def indicator_provenance(prov: pd.DataFrame, lang: str = "nb") -> list[str]:
    """One line per indicator: its source, its imports and how its zero point was made
    (rows of :func:`sdg.report.figure_provenance`)."""
    out = []
    for _, part in prov.groupby("indicator", sort=False):
        first = part.iloc[0]
        demo = " (DEMO)" if first["is_demo"] else ""
        out.append(f"{first['name']}{demo}: {first['source'] or fmt.MISSING}; "
                   f"{imports_text(part, lang)}; {t('gains.col.provenance', lang)}: "
                   f"{first['provenance']}")
    return out
