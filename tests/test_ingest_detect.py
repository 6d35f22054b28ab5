"""Detection (sdg.ingest.detect): a sheet's explanation looks at each label once."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg.ingest import detect, read
from tests.shared_sheets import DATA, FILES, columns_of
from tests.test_ingest_tidy_fast import long_tables


def test_a_long_table_s_labels_are_classified_once_each(monkeypatch):
    seen: list[str] = []
    real = detect.classify_label

    def counting(label, known):
        seen.append(label)
        return real(label, known)

    monkeypatch.setattr(detect, "classify_label", counting)
    rows = [["kilde", "år", "verdi"]] + [[f"{k} Kilde", str(1990 + y), float(y)]
                                          for k in range(3) for y in range(30)]
    grid = np.array(rows, dtype=object)
    assert detect._code_column(grid, {}) is False
    # each text once (the years are digits, the values numbers): 6 calls, not 93
    assert sorted(seen) == sorted({"kilde", "0 Kilde", "1 Kilde", "2 Kilde", "år", "verdi"})


# detect_sheet: a sheet read as columns, from its first rows and its columns ---------

def _same_detection(raw, year=None) -> None:
    from tests.test_ingest_tidy_fast import assert_same

    expected = detect.detect(read.grid_of(raw.columns), raw.name, {}, year, raw.columns)
    found = detect.detect_sheet(raw, {}, year)
    if isinstance(expected, list):
        assert_same(found, expected)
    else:
        assert found == expected


@pytest.mark.shared
@pytest.mark.parametrize("path", [p for p in FILES if p.suffix.lower() == ".csv"],
                         ids=lambda p: p.name)
def test_detect_sheet_of_real_csv_files_as_from_the_grid(path) -> None:
    if not DATA.is_dir():
        pytest.skip("../shared/data is absent on this machine")
    raw = read.read_csv(path.read_bytes(), path.name)
    columns = raw.columns if raw.columns is not None else columns_of(raw.grid)
    for year in (None, 2020):
        _same_detection(read.RawSheet(raw.name, None, columns=columns), year)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(long_tables(), st.integers(1, 3))
def test_detect_sheet_of_generated_tables_as_from_the_grid(table, times) -> None:
    """Long tables with blank rows, repeated headers, notes and titles, with their body
    repeated so that some run past the first rows (and some do not)."""
    grid, year = table
    big = np.concatenate([grid] + [grid[-1:]] * (times * 30)) if len(grid) > 1 else grid
    columns = columns_of(big)
    if columns is None or not big.size:
        return
    _same_detection(read.RawSheet("generert.csv", None, columns=columns), year)


def test_detect_sheet_reads_a_large_statbank_csv_without_its_grid() -> None:
    rows = [f'"{3201 + i % 40} Kommune";"{("1 Menn", "2 Kvinner")[i % 2]}";"{2000 + i // 80}";{i}'
            for i in range(8000)]
    data = ('"region";"kjønn";"år";"Personer"\r\n' + "\r\n".join(rows)).encode("latin-1")
    raw = read.read_csv(data, "statbank.csv")
    assert raw.columns is not None and "grid" not in raw.__dict__
    blocks = detect.detect_sheet(raw, {})
    assert "grid" not in raw.__dict__  # never built
    assert len(blocks) == 1 and len(blocks[0].cells) == 8000
    assert blocks[0].measures[0] == "1 Menn" and blocks[0].years[-1] == 2099.0
    _same_detection(raw)
