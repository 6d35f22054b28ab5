"""The sheet-XML extent scan (:func:`sdg.ingest.read.scan_extent`): the fast pass
against its reference implementation (``_scan_part_all``, every reference read)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.ingest import read

LETTERS = st.text("ABCDEFGHXYZabxz", min_size=0, max_size=4)
DIGITS = st.text("0123456789", min_size=1, max_size=9)


def _reference(xml: bytes) -> tuple[int, int, dict]:
    errors: dict = {}
    rows, cols = read._scan_part_all(xml, 0, 0, errors)
    return rows, cols, errors


def _cell(letters: str, digits: str, error: bool) -> str:
    kind = ' t="e"' if error else ""
    value = "<v>#N/A</v>" if error else "<v>1</v>"
    return f'<c r="{letters}{digits}"{kind}>{value}</c>'


@st.composite
def sheets(draw) -> tuple[bytes, list[int]]:
    """Sheet XML with rows in any order, cells anywhere (either case, leading zeros,
    absurd lengths), row tags with or without numbers, and cut points."""
    parts = ["<worksheet><sheetData>"]
    for _ in range(draw(st.integers(0, 12))):
        number = draw(st.one_of(st.none(), DIGITS))
        parts.append(f'<row r="{number}">' if number is not None else "<row>")
        for _ in range(draw(st.integers(0, 6))):
            parts.append(_cell(draw(LETTERS), draw(DIGITS), draw(st.booleans())))
        parts.append("</row>")
    parts.append('</sheetData><mergeCells><mergeCell ref="A1:B2"/></mergeCells></worksheet>')
    xml = "".join(parts).encode()
    cuts = sorted(draw(st.lists(st.integers(0, len(xml)), max_size=5)))
    return xml, cuts


@settings(max_examples=300, deadline=None)
@given(sheets())
def test_fast_scan_equals_reference(sheet: tuple[bytes, list[int]]) -> None:
    xml, cuts = sheet
    pieces = [xml[a:b] for a, b in zip([0, *cuts], [*cuts, len(xml)], strict=True)]
    extent = read.scan_extent(pieces)
    rows, cols, errors = _reference(xml)
    assert (extent.rows, extent.cols) == (rows, cols)
    # error cells (plain upper-case references) as before; a piece cut inside a cell
    # may miss one, as before: real pieces are 8 MB cut after a row
    assert read.scan_extent(xml).errors == errors


def test_far_cells_found_in_a_sheet_in_order() -> None:
    rows = [f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="H{r}"><v>2</v></c></row>'
            for r in range(1, 2000)]
    for far in ('<c r="XFD3"/>', '<c r="A1048576"/>', '<c r="xfd5"/>', '<c r="A00001048576"/>'):
        xml = "".join(rows[:5]) + rows[5].replace("</row>", far + "</row>") + "".join(rows[6:])
        extent = read.scan_extent(xml.encode())
        assert (extent.rows, extent.cols) == _reference(xml.encode())[:2]
        assert extent.rows == 1048576 or extent.cols == 16384


def test_many_widenings_fall_back_to_the_reference() -> None:
    """A sheet whose every row reaches further than the last one (more than the
    fast pass widens before it reads every reference)."""
    xml = "".join(f'<row r="{r}"><c r="A{r * 7}"/></row>' for r in range(1, 500))
    xml += '<row r="2"><c r="B2"/></row>'
    extent = read.scan_extent(xml.encode())
    assert (extent.rows, extent.cols) == (499 * 7, 2)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 2_000_000), st.integers(1, 20_000), st.integers(-2, 2), st.integers(-2, 2))
def test_a_reference_just_beyond_the_last_row_is_found(row: int, col: int, dr: int,
                                                       dc: int) -> None:
    """The last row seeds the extent; an earlier cell a little further still counts."""
    from sdg.ingest.problems import column_letter

    near = f'<c r="{column_letter(max(col + dc, 1) - 1)}{max(row + dr, 1)}"/>'
    xml = (f'<row r="1"><c r="A1"/>{near}</row>'
           f'<row r="{row}"><c r="{column_letter(col - 1)}{row}"/></row>').encode()
    extent = read.scan_extent(xml)
    assert (extent.rows, extent.cols) == _reference(xml)[:2]
    assert (extent.rows, extent.cols) == (max(row, row + dr, 1), max(col, col + dc, 1))


# Pieces of cells as they come, and odd ones: error cells with or without a value,
# self-closing, attributes in either order, stray ``<c ``, ``>`` and ``</c>``.
_PIECES = st.sampled_from([
    '<c r="A1"><v>1</v></c>', '<c r="B2" t="e"><v>#N/A</v></c>', '<c t="e" r="C3"><v>#REF!</v></c>',
    '<c r="D4" t="e"/>', '<c r="E5" s="1" t="e"><f>1/0</f><v>#DIV/0!</v></c>', '<c ', '>', '</c>',
    't="e"', '<c r="F6" t="s"><v>0</v></c>', '<c <c r="G7" t="e"><v>#NULL!</v></c>', '<v>x</v>',
    '<row r="9">', '</row>', ' r="H8"', '<c r="aa3" t="e"><v>#NAME?</v></c>',
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=30), st.integers(0, 40), st.integers(0, 400))
def test_fast_error_scan_equals_the_plain_pass(pieces: list[str], cut: int, filler: int
                                               ) -> None:
    """:func:`read._scan_errors_fast` against the pattern tried at every cell, on
    whole pieces and cut short (``end``), with few error cells (flag by flag) and
    many (switching to the plain pass part way)."""
    xml = b'<c r="Z9"><v>1</v></c>' * filler + "".join(pieces).encode()
    end = max(len(xml) - cut, 0)
    fast: dict = {}
    plain: dict = {}
    read._scan_errors_fast(xml, fast, end)
    read._scan_errors(xml[:end], plain)
    assert fast == plain


def test_a_few_error_cells_in_a_large_piece_are_found_flag_by_flag(monkeypatch) -> None:
    monkeypatch.setattr(read, "_ERROR_CELL", _Only(read._ERROR_CELL))
    rows = [f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><v>2</v></c></row>'
            for r in range(1, 100_001)]
    rows[50_000] = '<row r="50001"><c r="A50001" t="e"><v>#DIV/0!</v></c></row>'
    xml = "".join(rows).encode()
    extent = read.scan_extent(xml)
    assert extent.errors == {(50_000, 0): "#DIV/0!"}
    monkeypatch.undo()
    assert _reference(xml)[2] == extent.errors


class _Only:
    """A pattern that may be matched at a place, never searched over a piece."""

    def __init__(self, pattern) -> None:
        self.match = pattern.match


# ------------------------------------------------------------ the CSV fast path
def _csv_module_grid(text: str, delimiter: str):
    import csv

    return read._grid(list(csv.reader(text.splitlines(), delimiter=delimiter)))


def _shared_csvs():
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    return sorted([*shared.glob("real/*.csv"), *shared.glob("xlsx/*.csv")])


def test_fast_csv_equals_the_csv_module_on_the_shared_files() -> None:
    """Every shared CSV through pandas' C parser gives the csv module's cells."""
    import csv

    checked = 0
    for path in _shared_csvs():
        text = read.decode_text(path.read_bytes())
        lines = text.splitlines()
        delimiter = max(read.DELIMITERS, key="\n".join(lines[:50]).count)
        width = max(map(len, csv.reader(lines[:50], delimiter=delimiter)), default=1)
        fast = read._fast_csv(text, delimiter, width)
        if fast is None:
            continue
        reference = _csv_module_grid(text, delimiter)
        if fast.shape[0] == reference.shape[0] + 1 and (fast[-1] == "").all():
            fast = fast[:-1]  # a final line break: the C parser reads one more empty row
        assert fast.shape == reference.shape, path.name
        assert (fast == reference).all(), path.name
        assert all(type(c) is str for c in fast.ravel()), path.name
        checked += 1
    if _shared_csvs():
        assert checked >= 5


CSV_CELLS = st.text(st.sampled_from('ab;,. 1Ø"'), max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CSV_CELLS, min_size=1, max_size=4), min_size=1, max_size=8))
def test_fast_csv_equals_the_csv_module(rows: list[list[str]]) -> None:
    import csv
    import io as _io

    buf = _io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(rows)
    text = buf.getvalue()
    width = max(map(len, csv.reader(text.splitlines(), delimiter=";")), default=1)
    fast = read._fast_csv(text, ";", width)
    if fast is None:
        return
    reference = _csv_module_grid(text, ";")
    if fast.shape[0] == reference.shape[0] + 1 and (fast[-1] == "").all():
        fast = fast[:-1]
    assert fast.shape == reference.shape and (fast == reference).all()
