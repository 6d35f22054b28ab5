"""Numbers and dates the way each language writes them: the one formatting module.

Pages, exports and the council report all format through these functions, so a figure
reads the same everywhere: ``43,09`` and ``93 679`` (a non-breaking space between
thousands) and ``25.09.2018`` in bokmål, ``43.09``, ``93,679`` and ``25 Sep 2018`` in
English. The digits come from Babel (CLDR data, :mod:`babel.numbers`,
:mod:`babel.dates`); the charts get the same separators through a Vega locale
(:func:`vega_locale`, :func:`localise`), so an Altair axis says ``1 000,5`` too.

A language is one entry in :data:`LOCALES` (nynorsk writes numbers and short dates as
bokmål does; Babel's ``nn_NO`` has its own day and month names).

Missing values (None, NaN, NA) are written :data:`MISSING` (an en dash) by every
function, never ``None`` or ``nan``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from numbers import Integral
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

MISSING = "–"


@dataclass(frozen=True)
class LocaleSpec:
    """How one language writes numbers and dates.

    Attributes
    ----------
    babel : str
        The Babel/CLDR locale whose symbols and percent pattern are used.
    date, datetime : str
        CLDR date patterns (``dd.MM.y`` gives 25.09.2018).
    moment_date : str
        The same date for widgets that take a Moment.js pattern (Streamlit's date
        columns and date inputs).
    """

    babel: str
    date: str
    datetime: str
    moment_date: str = "DD.MM.YYYY"


#: The languages the app writes; one entry per language (see the module docstring).
LOCALES: dict[str, LocaleSpec] = {
    "nb": LocaleSpec("nb_NO", date="dd.MM.y", datetime="dd.MM.y HH:mm"),
    "nn": LocaleSpec("nn_NO", date="dd.MM.y", datetime="dd.MM.y HH:mm"),
    "en": LocaleSpec("en", date="d MMM y", datetime="d MMM y HH:mm", moment_date="D MMM YYYY"),
}
DEFAULT = "nb"


def spec(lang: str | None) -> LocaleSpec:
    """The :class:`LocaleSpec` of ``lang`` (bokmål for an unknown language).

    >>> spec("en").babel, spec("xx").babel
    ('en', 'nb_NO')
    """
    return LOCALES.get((lang or DEFAULT).lower(), LOCALES[DEFAULT])


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(spec(lang).babel)


def is_missing(value: Any) -> bool:
    """True for None, NaN, pandas NA/NaT and an empty string.

    >>> [is_missing(v) for v in (None, float("nan"), "", 0, "x")]
    [True, True, True, False, False]
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(value != value)  # NaN, NaT; pandas NA raises
    except (TypeError, ValueError):
        return True


def _decimal(value: Any, decimals: int | None) -> Decimal:
    """``value`` as a Decimal rounded half-to-even to ``decimals`` places (not rounded
    for None), through its shortest repr so 0.1 stays 0.1."""
    number = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
    if decimals is None:
        return number
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def number(value: Any, decimals: int | None = None, lang: str = DEFAULT) -> str:
    """A number with the language's decimal sign and thousands separator.

    Parameters
    ----------
    value : number or None
    decimals : int, optional
        Exactly this many decimals (an indicator's own ``decimals``; 0 for a head
        count). None: as many as needed, at most two.
    lang : {"nb", "nn", "en"}

    Returns
    -------
    str
        ``–`` for a missing value.

    >>> number(93679, 0), number(43.0946, 2), number(16.36, None, "en")
    ('93\\xa0679', '43,09', '16.36')
    >>> number(100000, 0, "en"), number(-7830, 1), number(None)
    ('100,000', '-7\\xa0830,0', '–')
    >>> number(2.5), number(2.0), number(1.23456)
    ('2,5', '2', '1,23')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, float) and math.isinf(value):
        return MISSING
    locale = _locale(lang)
    if decimals is None:
        return format_decimal(_decimal(value, 2), format="#,##0.##", locale=locale)
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(_decimal(value, decimals), format=pattern, locale=locale)


def signed(value: Any, decimals: int | None = None, lang: str = DEFAULT) -> str:
    """A change with its sign: ``+7 830``, ``-1,5``; zero has none.

    >>> signed(7830, 0), signed(-1.5, 1, "en"), signed(0.0, 2), signed(None)
    ('+7\\xa0830', '-1.5', '0,00', '–')
    >>> signed(-0.004, 2)
    '0,00'
    """
    if is_missing(value):
        return MISSING
    text = number(abs(float(value)), decimals, lang)
    rounded = _decimal(value, 2 if decimals is None else decimals)
    if rounded == 0:
        return text
    return ("+" if rounded > 0 else "-") + text


def percent(fraction: Any, decimals: int = 1, lang: str = DEFAULT) -> str:
    """A share (0.163) as a percentage in the language's pattern (``16,3 %``).

    >>> percent(0.163), percent(0.163, 0, "en"), percent(1), percent(None)
    ('16,3\\xa0%', '16%', '100,0\\xa0%', '–')
    """
    if is_missing(fraction):
        return MISSING
    locale = _locale(lang)
    rounded = _decimal(float(fraction) * 100, decimals) / 100
    return format_percent(rounded, locale=locale, decimal_quantization=False,
                          format=_percent_pattern(lang, decimals))


@cache
def _percent_pattern(lang: str, decimals: int) -> str:
    """The locale's percent pattern with exactly ``decimals`` decimals."""
    base = _locale(lang).percent_formats[None].pattern
    frac = "." + "0" * decimals if decimals else ""
    return base.replace("#,##0", "#,##0" + frac, 1)


def signed_percent(fraction: Any, decimals: int = 1, lang: str = DEFAULT) -> str:
    """A relative change with its sign: ``+12,5 %``, ``-3.0%``.

    >>> signed_percent(0.125), signed_percent(-0.03, 1, "en"), signed_percent(0)
    ('+12,5\\xa0%', '-3.0%', '0,0\\xa0%')
    """
    if is_missing(fraction):
        return MISSING
    text = percent(abs(float(fraction)), decimals, lang)
    rounded = _decimal(float(fraction) * 100, decimals)
    if rounded == 0:
        return text
    return ("+" if rounded > 0 else "-") + text


def interval(low: Any, high: Any, decimals: int = 2, lang: str = DEFAULT) -> str:
    """A 95 % interval ``0,52–0,61`` (an en dash between; ``–`` if either is missing).

    >>> interval(0.52, 0.614), interval(0.52, 0.614, 2, "en"), interval(None, 1)
    ('0,52–0,61', '0.52–0.61', '–')
    """
    if is_missing(low) or is_missing(high):
        return MISSING
    return f"{number(low, decimals, lang)}–{number(high, decimals, lang)}"


def _as_datetime(value: Any) -> dt.datetime | dt.date:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value.strip())
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime()
    return value


def date(value: Any, lang: str = DEFAULT) -> str:
    """A date: ``25.09.2018`` in bokmål, ``25 Sep 2018`` in English.

    Accepts a date, a datetime, a pandas Timestamp or an ISO string.

    >>> date(dt.date(2018, 9, 25)), date("2018-09-25", "en"), date(None)
    ('25.09.2018', '25 Sep 2018', '–')
    """
    if is_missing(value):
        return MISSING
    value = _as_datetime(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, spec(lang).date, locale=_locale(lang))


def datetime(value: Any, lang: str = DEFAULT) -> str:
    """A date and time: ``25.09.2018 14:05`` / ``25 Sep 2018 14:05``.

    >>> datetime(dt.datetime(2018, 9, 25, 14, 5)), datetime("2018-09-25T14:05", "en")
    ('25.09.2018 14:05', '25 Sep 2018 14:05')
    """
    if is_missing(value):
        return MISSING
    value = _as_datetime(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return format_datetime(value, spec(lang).datetime, locale=_locale(lang))


def moment_date(lang: str = DEFAULT) -> str:
    """The Moment.js pattern of :func:`date` (for Streamlit date columns).

    >>> moment_date("nb"), moment_date("en")
    ('DD.MM.YYYY', 'D MMM YYYY')
    """
    return spec(lang).moment_date


def year(value: Any) -> str:
    """A year without a thousands separator (``2019``; ``–`` when missing).

    >>> year(2019.0), year(None)
    ('2019', '–')
    """
    return MISSING if is_missing(value) else str(int(value))


# ------------------------------------------------------------------ charts
def d3_format(decimals: int | None = 2) -> str:
    """The d3-format string of :func:`number` for an Altair ``format=`` (``,.2f``;
    ``,.2~f`` trims zeros when ``decimals`` is None).

    >>> d3_format(0), d3_format(2), d3_format(None)
    (',.0f', ',.2f', ',.2~f')
    """
    return ",.2~f" if decimals is None else f",.{int(decimals)}f"


@cache
def _vega_locale(lang: str) -> tuple:
    loc = _locale(lang)
    group = loc.number_symbols["latn"]["group"]
    dec = loc.number_symbols["latn"]["decimal"]
    days = loc.days["format"]
    months = loc.months["format"]
    number_locale = {"decimal": dec, "thousands": group, "grouping": [3],
                     "currency": ["", "\u00a0kr"] if lang != "en" else ["$", ""]}
    # d3 wants Sunday first; CLDR numbers the days Monday = 0
    order = [6, 0, 1, 2, 3, 4, 5]
    time_locale = {
        "dateTime": "%x %X", "date": "%d.%m.%Y" if dec == "," else "%m/%d/%Y",
        "time": "%H:%M:%S",
        "periods": ["AM", "PM"],  # the app writes 24-hour times
        "days": [days["wide"][i] for i in order],
        "shortDays": [days["abbreviated"][i] for i in order],
        "months": [months["wide"][i] for i in range(1, 13)],
        "shortMonths": [months["abbreviated"][i] for i in range(1, 13)],
    }
    return number_locale, time_locale


def vega_locale(lang: str = DEFAULT) -> dict:
    """The Vega ``config.locale`` of ``lang``: d3 number and time locales from CLDR.

    >>> loc = vega_locale("nb")
    >>> loc["number"]["decimal"], loc["number"]["thousands"], loc["time"]["months"][8]
    (',', '\\xa0', 'september')
    >>> vega_locale("en")["number"]["thousands"]
    ','
    """
    number_locale, time_locale = _vega_locale((lang or DEFAULT).lower())
    return {"number": dict(number_locale), "time": dict(time_locale)}


def localise(chart, lang: str = DEFAULT):
    """``chart`` (any top-level Altair chart) with the Vega locale of ``lang`` in its
    config, keeping the rest of the config: axes and tooltips with a d3 ``format``
    then write ``1 000,5`` in bokmål (Streamlit and vl-convert both honour it)."""
    import altair as alt

    copy = chart.copy(deep=["config"])  # the data and layers stay shared
    if copy.config is alt.Undefined:
        copy.config = alt.Config()
    copy.config["locale"] = vega_locale(lang)
    return copy


# ------------------------------------------------------------------ tables
#: How a table column is written (see :func:`formatter`): an int is the number of
#: decimals (0 for a head count), None "as needed" (at most two), or one of the words
#: ``"exact"``, ``"date"``, ``"datetime"``, ``"year"``, ``"id"`` and ``"text"``.
Kind = int | str | None
KINDS = ("exact", "date", "datetime", "year", "id", "text")


def exact(value: Any, lang: str = DEFAULT) -> str:
    """A number with every decimal it has, up to 15 (an imported value before it is
    rounded; two values that differ in the third decimal do not read the same).

    >>> exact(12.345), exact(1234567.125, "en"), exact(3.0), exact(None)
    ('12,345', '1,234,567.125', '3', '–')
    """
    if is_missing(value) or (isinstance(value, float) and math.isinf(value)):
        return MISSING
    return format_decimal(_decimal(value, None), format="#,##0." + "#" * 15,
                          locale=_locale(lang))


def text(value: Any) -> str:
    """A cell as text, ``–`` when missing (never ``None``, ``nan`` or ``NaT``).

    >>> text("Asker"), text(None), text(float("nan")), text(7)
    ('Asker', '–', '–', '7')
    """
    return MISSING if is_missing(value) else str(value)


def formatter(kind: Kind, lang: str = DEFAULT):
    """The function that writes one cell of a column of ``kind`` in ``lang``.

    Parameters
    ----------
    kind : int, None or str
        Decimals (:func:`number`), None for "as needed", ``"exact"`` (:func:`exact`),
        ``"date"``, ``"datetime"``, ``"year"`` (:func:`year`), ``"id"`` or ``"text"``
        (:func:`text`: as it is, without a thousands separator).
    lang : {"nb", "nn", "en"}

    Returns
    -------
    callable
        value → str; a missing value gives ``–``.

    >>> [formatter(k)(v) for k, v in [(1, 1234.5), (0, 1234), (None, 2.50),
    ...                               ("exact", 0.125), ("year", 2019.0), ("id", 1234)]]
    ['1\\xa0234,5', '1\\xa0234', '2,5', '0,125', '2019', '1234']
    >>> formatter("datetime", "en")(dt.datetime(2018, 9, 25, 14, 3)), formatter("date")(None)
    ('25 Sep 2018 14:03', '–')
    """
    if kind is None or (isinstance(kind, Integral) and not isinstance(kind, bool)):
        places = None if kind is None else int(kind)
        return lambda v: number(v, places, lang)
    return {"exact": lambda v: exact(v, lang), "date": lambda v: date(v, lang),
            "datetime": lambda v: datetime(v, lang), "year": year,
            "id": text, "text": text}[kind]


def infer_kind(column) -> Kind:
    """The kind of a column nobody named (:func:`display`): datetimes as date and time,
    floats "as needed", anything else (ints such as ids and years too) as text.

    >>> import pandas as pd
    >>> [infer_kind(pd.Series(v)) for v in ([1.5], [3], ["a"], [pd.Timestamp("2018-09-25")])]
    [None, 'id', 'text', 'datetime']
    """
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(column):
        return "datetime"
    if pd.api.types.is_bool_dtype(column):
        return "text"
    if pd.api.types.is_float_dtype(column):
        return None
    if pd.api.types.is_integer_dtype(column):
        return "id"
    return "text"


def column_kinds(table, kinds=None) -> dict:
    """Every column of ``table`` with its kind: the one given in ``kinds`` (a kind, or
    one kind per row), else :func:`infer_kind`.

    >>> import pandas as pd
    >>> column_kinds(pd.DataFrame({"a": [1.5], "b": [2], "c": ["x"]}), {"b": 0})
    {'a': None, 'b': 0, 'c': 'text'}
    """
    kinds = kinds or {}
    return {c: kinds[c] if c in kinds else infer_kind(table[c]) for c in table.columns}


def display(table, kinds=None, lang: str = DEFAULT):
    """A copy of ``table`` for reading: every cell text, written by :func:`formatter` in
    ``lang`` (``kinds`` maps a column to its kind or to one kind per row; other columns
    get :func:`infer_kind`), so no cell says ``None``, ``nan`` or ``NaT``.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"når": [pd.Timestamp("2018-09-25 14:03"), pd.NaT],
    ...                   "verdi": [1234.5, None], "år": [2019, 2020]})
    >>> display(t, {"verdi": 1}).values.tolist()
    [['25.09.2018 14:03', '1\\xa0234,5', '2019'], ['–', '–', '2020']]
    >>> display(t, {"verdi": [0, 2]}, "en")["verdi"].tolist()  # half to even
    ['1,234', '–']
    """
    shown = table.copy()
    for column, kind in column_kinds(table, kinds).items():
        values = table[column]
        if isinstance(kind, list | tuple) or hasattr(kind, "__array__"):
            shown[column] = [formatter(as_kind(k), lang)(v) for v, k in zip(values, kind,
                                                                          strict=True)]
        else:
            write = formatter(kind, lang)
            shown[column] = [write(v) for v in values]
    return shown


def as_kind(kind: Any) -> Kind:
    """A per-row kind as the int, None or word :func:`formatter` takes (a numpy or
    float number of decimals is an int; NaN is "as needed").

    >>> as_kind(2.0), as_kind(float("nan")), as_kind("date")
    (2, None, 'date')
    """
    if isinstance(kind, str) or kind is None:
        return kind
    return None if is_missing(kind) else int(kind)
