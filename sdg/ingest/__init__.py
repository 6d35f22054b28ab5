"""Reading indicator files (issue 5, reading half): pure, no database.

``parse_file(data, filename, sheet=None, known_codes=None)`` reads an Excel workbook
(the project template, SSB Statbank exports, Udir, KOSTRA key figures, analysts'
multi-sheet workbooks), a Statbank CSV or a JSON-stat 2.0 file and returns a
:class:`ParseResult`. Modules: :mod:`~sdg.ingest.read` (bytes → raw sheets, safely),
:mod:`~sdg.ingest.detect` (which layout), :mod:`~sdg.ingest.layouts` and
:mod:`~sdg.ingest.jsonstat` (one parser per layout), :mod:`~sdg.ingest.cells`
(numbers, symbols, years), :mod:`~sdg.ingest.regions` (label → code),
:mod:`~sdg.ingest.blocks` and :mod:`~sdg.ingest.problems` (results and problems).
"""

from sdg.ingest.cells import parse_year
from sdg.ingest.layouts import template_columns
from sdg.ingest.model import (
    DATA_COLUMNS,
    PROBLEM_COLUMNS,
    STATUS_SYMBOLS,
    Explanation,
    ParsedTable,
    ParseResult,
)
from sdg.ingest.parse import parse_file
from sdg.ingest.regions import code_from_label

__all__ = [
    "DATA_COLUMNS",
    "PROBLEM_COLUMNS",
    "STATUS_SYMBOLS",
    "Explanation",
    "ParseResult",
    "ParsedTable",
    "code_from_label",
    "parse_file",
    "parse_year",
    "template_columns",
]
