"""Issue 11: the CSV reader's pyarrow path (:func:`sdg.ingest.read._arrow_csv`) against
pandas' C parser (:func:`~sdg.ingest.read._fast_csv`) and the csv module (the
reference of every CSV read), and the decoding and line counts it relies on."""

from __future__ import annotations

import codecs
import csv

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg.ingest import read
from tests.shared_sheets import FILES


def _csv_module_grid(text: str, delimiter: str) -> np.ndarray:
    return read._grid(list(csv.reader(text.splitlines(), delimiter=delimiter)))


def _same_grid(a: np.ndarray, b: np.ndarray) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype == object
    assert all(type(x) is str for x in a.ravel()) and all(type(x) is str for x in b.ravel())
    assert (a == b).all()


def _consistent(grid: np.ndarray, columns: tuple) -> None:
    """Each column is its codes into its distinct cells, in order of first appearance
    (as :func:`pandas.factorize` gives them)."""
    assert len(columns) == grid.shape[1]
    for c, (codes, distinct) in enumerate(columns):
        assert codes.dtype == np.intp and distinct.dtype == object
        expected_codes, expected = pd.factorize(grid[:, c])
        assert distinct.tolist() == list(expected)
        assert np.array_equal(codes, expected_codes)


def check_arrow(text: str, raw: bytes, codec: str, delimiter: str) -> bool:
    """``_arrow_csv`` gives the cells of ``_fast_csv`` and of the csv module, or None;
    True when it read the text."""
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    width = max(map(len, rows), default=1)
    found = read._arrow_csv((raw, codec), delimiter, width)
    if found is None:
        return False
    columns = found
    grid = read.grid_of(columns)
    fast = read._fast_csv(text, delimiter, width)
    assert fast is not None
    _same_grid(grid, fast)
    _same_grid(grid, _csv_module_grid(text, delimiter))
    _consistent(grid, columns)
    return True


_CELL = st.text(st.sampled_from(["a", "Ø", "1", " ", ",", ";", "|", "\t", "é", '"', "K"]),
                max_size=5)
_ODD = ["\r", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\ufeff", '"', "\n", ";",
        "\r\n", '""', "ï»¿"]


@st.composite
def csv_texts(draw) -> tuple[str, str]:
    """A CSV as an exporter writes one (cells quoted or not, blank lines, ``\\n`` or
    ``\\r\\n``), sometimes with a line of another width or an odd character put in."""
    delimiter = draw(st.sampled_from([";", ",", "|", "\t"]))
    width = draw(st.integers(1, 4))
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        shape = draw(st.sampled_from(["row"] * 6 + ["blank", "ragged"]))
        if shape == "blank":
            lines.append("")
            continue
        cells = draw(st.lists(_CELL, min_size=width, max_size=width) if shape == "row"
                     else st.lists(_CELL, min_size=1, max_size=5))
        quoted = draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells)))
        lines.append(delimiter.join('"' + c.replace('"', '""') + '"' if q else c
                                    for c, q in zip(cells, quoted, strict=True)))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = end.join(lines) + draw(st.sampled_from(["", end, end + end]))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(_ODD)) + text[at:]
    return text, delimiter


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_texts())
def test_arrow_csv_equals_the_c_parser_and_the_csv_module(case: tuple[str, str]) -> None:
    text, delimiter = case
    check_arrow(text, text.encode("utf-8"), "utf-8", delimiter)
    try:
        latin = text.encode("latin-1")
    except UnicodeEncodeError:
        return
    check_arrow(text, latin, "latin-1", delimiter)


def test_arrow_csv_reads_plain_files_and_leaves_the_rest() -> None:
    plain = '"region";"år";"x"\r\n"0301 Oslo";"2024";12,5\r\n\r\n"3203 Asker";"2024";""\r\n'
    assert check_arrow(plain, plain.encode("latin-1"), "latin-1", ";")
    for odd in ('"a;b";1\n2;3\n',            # a quoted delimiter
                'a;b\n1\n',                  # a short line (the C parser fills it)
                'a;"b"x\n1;2\n',             # text after a closing quote
                'a;b"\n1;2\n',               # a quote inside a field
                '"a\nb";1\n2;3\n',           # a quoted line break
                'a;b\r1;2\n',                # a lone carriage return
                'a;b\x0b\n1;2\n',            # a line break only splitlines knows
                '\ufeffa;b\n1;2\n'):         # a BOM the C parser would drop
        assert not check_arrow(odd, odd.encode("utf-8"), "utf-8", ";"), odd
    assert read._arrow_csv(("ï»¿a;b\n".encode("latin-1"), "latin-1"), ";", 2) is None


def _big(encoding: str, end: str = "\n", quote: bool = True) -> tuple[bytes, str]:
    q = '"' if quote else ""
    lines = [f'{q}region{q};{q}kjønn{q};{q}år{q};{q}Personer{q}']
    for i in range(6000):
        lines.append(f'{q}{i % 400:04d} Bø{q};{q}{i % 2 + 1} Menn{q};{q}{2000 + i % 7}{q};{i}')
    text = end.join(lines) + end
    return text.encode(encoding), text


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8", "utf-8-sig", "utf-16"])
@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_read_csv_encodings(encoding: str, end: str) -> None:
    data, text = _big(encoding, end)
    sheet = read.read_csv(data, "s.csv")
    assert sheet.columns is not None
    _same_grid(sheet.grid, _csv_module_grid(text, ";"))
    _consistent(sheet.grid, sheet.columns)
    assert sheet.grid[1, 1] == "1 Menn" and sheet.grid[1, 0] == "0000 Bø"


@pytest.mark.parametrize("change", ["title", "quoted delimiter", "lone cr", "no quotes"])
def test_read_csv_other_files(change: str) -> None:
    data, text = _big("latin-1", quote=change != "no quotes")
    if change == "title":
        text = "07459: Befolkning\n\n" + text
    elif change == "quoted delimiter":
        text = text.replace('"0001 Bø"', '"0001; Bø"')
    elif change == "lone cr":
        text = text.replace("\n", "\r", 3)
    sheet = read.read_csv(text.encode("latin-1"), "s.csv")
    _same_grid(sheet.grid, _csv_module_grid(text, ";"))
    assert (sheet.columns is not None) == (change == "no quotes")
    if sheet.columns is not None:
        _consistent(sheet.grid, sheet.columns)


@pytest.mark.shared
@pytest.mark.parametrize("path", [p for p in FILES if p.suffix.lower() == ".csv"],
                         ids=[p.name for p in FILES if p.suffix.lower() == ".csv"])
def test_real_csv_as_the_csv_module(path) -> None:
    data = path.read_bytes()
    text = read.decode_text(data)
    delimiter = max(read.DELIMITERS, key="\n".join(text.splitlines()[:50]).count)
    sheet = read.read_csv(data, path.name)
    _same_grid(sheet.grid, _csv_module_grid(text, delimiter))
    if sheet.columns is not None:
        _consistent(sheet.grid, sheet.columns)
        check_arrow(text, text.encode("utf-8"), "utf-8", delimiter)


# Decoding and counting ---------------------------------------------------------------

def _decode_reference(data: bytes) -> str:
    """``decode_text`` as it was: each codec tried on the whole file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_PIECES = st.sampled_from(["a", "ø", "€", "😀", "\ufeff"]).map(str.encode) | st.binary(max_size=3)


@settings(max_examples=300, deadline=None)
@given(st.integers(-8, 4), st.lists(_PIECES, max_size=6), st.booleans())
def test_decode_as_before(shift: int, pieces: list[bytes], bom: bool) -> None:
    """Around the end of the UTF-8 probe (a character cut there is no error)."""
    head = codecs.BOM_UTF8 if bom else b""
    data = head + b"a" * (read._UTF8_PROBE - len(head) + shift) + b"".join(pieces)
    assert read._decode(data)[0] == _decode_reference(data)
    assert read.decode_text(data) == _decode_reference(data)
    short = head + b"".join(pieces)
    assert read._decode(short)[0] == _decode_reference(short)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(["a", "\r", "\n", "ø", "\x0b"]), max_size=40))
def test_breaks_and_line_count(text: str) -> None:
    lone = text.count("\r") - text.count("\r\n")
    assert read._breaks(text) == (text.count("\n"), lone)
    assert read._breaks((text.encode("utf-8"), "utf-8")) == (text.count("\n"), lone)
    assert read._breaks((memoryview(text.encode("latin-1")), "latin-1")) == (text.count("\n"), lone)
    assert read.line_count(text, *read._breaks(text)) == len(text.splitlines())


# The distinct fields: unquoted and decoded by pyarrow, against the plain loop ----------

@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(st.sampled_from(['"', "a", "Ø", " ", "€"]), max_size=5), unique=True,
                max_size=12))
def test_arrow_cells_as_unquoted(fields: list[str]) -> None:
    import pyarrow as pa

    ref, fast = read._unquoted(fields), read._arrow_cells(pa.array(fields, pa.string()))
    assert (ref is None) == (fast is None)
    if ref is not None:
        index, distinct = fast
        assert distinct.dtype == object and distinct.tolist() == ref[1].tolist()
        assert (index if index is not None else np.arange(len(fields))).tolist() == ref[0].tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.binary(max_size=6), max_size=10), st.integers(0, 3))
def test_arrow_text_decodes_latin1(fields: list[bytes], skip: int) -> None:
    import pyarrow as pa

    array = pa.array([b"x"] * skip + fields, pa.binary())[skip:]  # an offset into buffers
    assert read._arrow_text(array, "latin-1").to_pylist() == [f.decode("latin-1") for f in fields]


# Reading a file without decoding it: the codec, its lines and breaks on the bytes ------

_RAW_PIECES = (st.sampled_from(["a", "ø", "€", "\r\n", "\n", "\r", "\x85", "\u2028", "\x0b",
                                "\ufeff", ";", '"'])
               .map(str.encode) | st.binary(max_size=3) | st.sampled_from(
                   [b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82"]))


@settings(max_examples=500, deadline=None)
@given(st.integers(-8, 4), st.lists(_RAW_PIECES, max_size=8), st.sampled_from(
    [b"", codecs.BOM_UTF8, b"\xff\xfe", b"\xfe\xff"]), st.booleans())
def test_codec_lines_and_breaks_on_the_bytes(shift: int, pieces: list[bytes], head: bytes,
                                             long: bool) -> None:
    body = b"".join(pieces)
    data = head + (b"a" * (read._UTF8_PROBE - len(head) + shift) if long else b"") + body
    text, codec = read._decode(data)
    found, decoded = read._codec(data)
    assert found == codec and (decoded is None or decoded == text)
    raw = read._raw_text(data, codec)
    if raw is None:
        return
    assert bytes(raw[0]).decode(raw[1]) == text
    newlines, lone = read._breaks(raw)
    assert (newlines, lone) == (text.count("\n"), text.count("\r") - text.count("\r\n"))
    assert read._raw_line_count(data, raw, newlines, lone) == len(text.splitlines())
    for n in (1, 3, 50):
        assert read._first_raw_lines(raw, n) == text.splitlines()[:n]
    for part in (b"\x00", b"\xc2\x85", b"\x0b", b"a"):
        assert read._holds(raw[0], part) == (part in bytes(raw[0]))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=12) | st.lists(_RAW_PIECES, max_size=6).map(b"".join))
def test_valid_utf8_as_python(data: bytes) -> None:
    try:
        data.decode("utf-8")
        valid = True
    except UnicodeDecodeError:
        valid = False
    assert read._valid_utf8(data) == valid


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "ø", "€", "\r\n", "\n", "\r", "\x85", "\u2028", ";"]),
                min_size=1, max_size=12), st.sampled_from(["utf-8", "latin-1"]))
def test_first_lines_of_long_bytes(pieces: list[str], codec: str) -> None:
    """Prefixes of 4,096 bytes and more cut anywhere: in a character, a ``\\r\\n``."""
    text = "".join(pieces) * (20_000 // len("".join(pieces)) + 1)
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        return
    for n in (1, 50):
        assert read._first_raw_lines((memoryview(data), codec), n) == text.splitlines()[:n]
    assert read._raw_line_count(data, (memoryview(data), codec), *read._breaks(
        (memoryview(data), codec))) == len(text.splitlines())


@pytest.mark.parametrize("limits", [{"max_rows": 5_000}, {"max_cells": 20_000}])
def test_a_large_csv_is_refused_before_it_is_split(limits: dict, monkeypatch) -> None:
    """The line count (rows) and the first lines' width (cells) refuse the file before
    pyarrow or pandas splits it."""
    from sdg.errors import InvalidInput
    from sdg.ingest.limits import Limits

    def split(*args, **kwargs):
        raise AssertionError("split before the limits were checked")

    monkeypatch.setattr(read.pa_csv, "read_csv", split)
    monkeypatch.setattr(read.pd, "read_csv", split)
    data, _ = _big("latin-1")
    with pytest.raises(InvalidInput):
        read.read_csv(data, "s.csv", Limits(**limits))
