"""calamine's read of the first sheet in a thread while the extent scan runs
(:func:`sdg.ingest.read._read_ahead`, on by default only in the parse child):
the same sheets as the plain read in turn, and the same refusals through the child."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest

from sdg import sandbox
from sdg.errors import InvalidInput
from sdg.ingest import parse_file, read
from tests.conftest import SHARED_DATA
from tests.hostile_files import _HEAD

_NS = ('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
       'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _workbook(sheets: list[tuple[str, str, bytes]]) -> bytes:
    """An xlsx of (name, state, sheet XML) worksheets; state ``""``, ``hidden`` …"""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1))
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                   'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override '
                   'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
                   f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                   'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                   f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
                   '</Relationships>')
        entries = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"'
            + (f' state="{state}"' if state else "") + "/>"
            for i, (name, state, _) in enumerate(sheets, 1))
        z.writestr("xl/workbook.xml", '<?xml version="1.0" encoding="UTF-8"?>'
                   f"<workbook {_NS}><sheets>{entries}</sheets></workbook>")
        rels = "".join(f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
                       f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships">{rels}</Relationships>')
        for i, (_, _, xml) in enumerate(sheets, 1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buf.getvalue()


#: Rows of a template sheet over :data:`read.AHEAD_BYTES` (16.5 MB of XML).
BIG = 90_000


def _template(rows: int, extra: str = "", first: int = 3201) -> bytes:
    """Template sheet XML of ``rows`` rows (over :data:`read.AHEAD_BYTES` from ~88,000),
    with an error cell, a merged range, and ``extra`` cells in a last row."""
    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    head = ["kommunenummer", "indikator", "år", "verdi"]
    parts = ['<row r="1">' + "".join(text(f"{c}1", h) for c, h in zip("ABCD", head, strict=True))
             + "</row>"]
    for r in range(2, rows + 2):
        value = ('<c r="D{0}" t="e"><v>#DIV/0!</v></c>' if r == 7
                 else '<c r="D{0}"><v>{1}.5</v></c>').format(r, r)
        parts.append(f'<row r="{r}">{text(f"A{r}", str(first + r % 40))}'
                     f'{text(f"B{r}", f"Indikator {r % 3}")}<c r="C{r}"><v>{2000 + r % 20}</v></c>'
                     f"{value}</row>")
    if extra:
        parts.append(f'<row r="{rows + 2}">{extra}</row>')
    merged = b'<mergeCells count="1"><mergeCell ref="E2:F3"/></mergeCells>'
    return _HEAD + "".join(parts).encode() + b"</sheetData>" + merged + b"</worksheet>"


def _sheets_equal(a: list[read.RawSheet], b: list[read.RawSheet]) -> None:
    assert [s.name for s in a] == [s.name for s in b]
    for x, y in zip(a, b, strict=True):
        assert x.grid.shape == y.grid.shape
        assert [list(map(type, r)) for r in x.grid] == [list(map(type, r)) for r in y.grid]
        assert np.array_equal(x.grid, y.grid)
        assert (x.formula_no_value, x.merged_copies, x.hidden, x.unread) == (
            y.formula_no_value, y.merged_copies, y.hidden, y.unread)


def _read(data: bytes, concurrent: bool, **kwargs) -> list[read.RawSheet]:
    return read.read_workbook(data, "f.xlsx", read.check_zip(data, "f.xlsx"),
                              concurrent=concurrent, **kwargs)


def test_the_read_ahead_is_used_for_a_large_first_sheet():
    data = _workbook([("Data", "", _template(BIG))])
    zf = read.check_zip(data, "f.xlsx")
    assert zf.getinfo("xl/worksheets/sheet1.xml").file_size >= read.AHEAD_BYTES
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    ahead = read._read_ahead(wb, zf, read.sheet_parts(zf), ["Data"])
    assert ahead is not None and ahead.result().height == BIG + 1
    small = _workbook([("Data", "", _template(50))])
    zs = read.check_zip(small, "s.xlsx")
    assert read._read_ahead(wb, zs, read.sheet_parts(zs), ["Data"]) is None


@pytest.mark.parametrize("scan_formulas", [False, True])
def test_read_ahead_equals_the_read_in_turn(scan_formulas):
    """Several sheets (a hidden one first, a visible large one, a small one), error
    cells and merged ranges: the same raw sheets either way."""
    data = _workbook([("Skjult", "hidden", _template(20)), ("Data", "", _template(BIG)),
                      ("Liten", "", _template(30, first=4601))])
    for sheet in (None, "Skjult"):
        _sheets_equal(_read(data, True, sheet=sheet, scan_formulas=scan_formulas),
                      _read(data, False, sheet=sheet, scan_formulas=scan_formulas))


def test_read_ahead_equals_the_read_in_turn_on_the_shared_workbooks(monkeypatch):
    """Every workbook of the shared data, each first sheet read ahead (no threshold)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("reference data not found")
    files = sorted(p for p in SHARED_DATA.glob("*/*.xlsx"))
    assert files
    monkeypatch.setattr(read, "AHEAD_BYTES", 0)
    for path in files:
        data = path.read_bytes()
        _sheets_equal(_read(data, True), _read(data, False))


def test_a_calamine_error_comes_back_as_in_turn():
    """A sheet the scan passes and calamine refuses: the same corrupt-file error."""
    broken = _template(BIG).replace(b"<c r=\"C9\"><v>", b"<c r=\"C9\" t=\"zz\"><v>", 1)
    data = _workbook([("Data", "", broken)])
    keys = []
    for concurrent in (True, False):
        with pytest.raises(InvalidInput) as err:
            _read(data, concurrent)
        keys.append(err.value.key)
    assert keys == ["ingest.err.corrupt"] * 2


def test_the_default_is_in_turn_outside_the_child_and_ahead_inside():
    assert sandbox.in_child() is False
    assert sandbox.run_isolated(sandbox.in_child, file="x") is True


def _parse_in_child(data: bytes) -> list[tuple[str, list]]:
    """In the child (module level, so that it is found by name): the raw sheets as
    the default (read ahead) reads them."""
    assert sandbox.in_child()
    return [(s.name, s.grid.tolist()) for s in
            read.read_workbook(data, "f.xlsx", read.check_zip(data, "f.xlsx"))]


def test_the_child_reads_the_same_sheets():
    data = _workbook([("Data", "", _template(BIG)), ("Liten", "", _template(30))])
    got = sandbox.run_isolated(_parse_in_child, data, file="f.xlsx")
    assert got == [(s.name, s.grid.tolist()) for s in _read(data, False)]
    result = sandbox.run_isolated(parse_file, data, "f.xlsx", file="f.xlsx")
    reference = parse_file(data, "f.xlsx")
    assert len(result.tables) == len(reference.tables) == 6
    for a, b in zip(result.tables, reference.tables, strict=True):
        assert a.data.equals(b.data) and a.title == b.title
    assert result.problems.equals(reference.problems)


def _refusal_in_child(data: bytes) -> InvalidInput:
    """The child's refusal, checked against the read in turn (in-process: safe, the
    scan refuses before calamine reads)."""
    with pytest.raises(InvalidInput) as err:
        sandbox.run_isolated(parse_file, data, "f.xlsx", file="f.xlsx")
    with pytest.raises(InvalidInput) as in_turn:
        parse_file(data, "f.xlsx")
    assert (err.value.key, err.value.message("nb")) == (in_turn.value.key,
                                                        in_turn.value.message("nb"))
    return err.value


def test_a_far_cell_at_the_end_of_a_large_first_sheet_keeps_its_message():
    """The scan (4× faster than calamine) finds the far cell while calamine reads."""
    data = _workbook([("Data", "", _template(BIG, '<c r="XFD1048576"><v>1</v></c>'))])
    err = _refusal_in_child(data)
    assert err.key == "ingest.err.too_many_rows"
    assert "1\u00a0048\u00a0576 rader" in err.message("nb") and err.params["sheet"] == "Data"


def test_a_far_cell_in_the_second_sheet_keeps_its_message():
    """The first (large, harmless) sheet is read ahead; calamine never starts on the
    second, whose far cell the scan refuses."""
    far = _template(30, '<c r="XFD1048576"><v>1</v></c>')
    data = _workbook([("Data", "", _template(BIG)), ("Langt", "", far)])
    err = _refusal_in_child(data)
    assert err.key == "ingest.err.too_many_rows" and err.params["sheet"] == "Langt"
    assert "1\u00a0048\u00a0576 rader" in err.message("nb")


def test_a_hidden_far_sheet_is_not_read_ahead_or_at_all():
    far = _template(30, '<c r="XFD1048576"><v>1</v></c>')
    data = _workbook([("Langt", "hidden", far), ("Data", "", _template(BIG))])
    result = sandbox.run_isolated(parse_file, data, "f.xlsx", file="f.xlsx")
    assert result.hidden == ("Langt",) and len(result.tables) == 3
    with pytest.raises(InvalidInput) as err:
        sandbox.run_isolated(parse_file, data, "f.xlsx", sheet="Langt", file="f.xlsx")
    assert err.value.key == "ingest.err.too_many_rows"


def test_too_many_cells_in_all_keeps_its_message():
    """Two sheets each within the limits, over them together: refused before the
    second is read, while the first may be read ahead."""
    from sdg.ingest.limits import Limits

    data = _workbook([("Data", "", _template(BIG)), ("Mer", "", _template(30))])
    limits = Limits(max_cells=(BIG + 1) * 4 + 100)  # each sheet fits, both do not
    with pytest.raises(InvalidInput) as err:
        sandbox.run_isolated(parse_file, data, "f.xlsx", limits=limits, file="f.xlsx")
    assert err.value.key == "ingest.err.too_many_cells_total"
    with pytest.raises(InvalidInput) as in_turn:
        parse_file(data, "f.xlsx", limits=limits)
    assert err.value.message("nb") == in_turn.value.message("nb")
