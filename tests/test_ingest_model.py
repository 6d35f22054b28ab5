"""The parse result types (sdg.ingest.model): a table from a parse child arrives
lean, and its columns read one at a time equal the frame built whole."""

from __future__ import annotations

import pickle

import numpy as np

from sdg import sandbox
from sdg.ingest import parse_file


def _statbank(rows: int) -> bytes:
    """A Statbank long CSV: quoted fields, some status symbols among the figures."""
    lines = ['"region";"kjønn";"år";"Personer"']
    for i in range(rows):
        value = (".", "..", ":", str(i))[i % 4] if i % 3 == 0 else str(i)
        lines.append(f'"{("0301", "3203", "1101")[i % 3]} Kommune";"{1 + i % 2} Kjønn";'
                     f'"{2000 + i % 20}";{value}')
    return "\r\n".join(lines).encode("latin-1")


def test_a_table_from_a_parse_child_reads_column_by_column_as_built_whole() -> None:
    data = _statbank(12_000)
    child = sandbox.run_isolated(parse_file, data, "s.csv", file="s.csv")
    direct = parse_file(data, "s.csv")
    for got, want in zip(child.tables, direct.tables, strict=True):
        assert "data" not in vars(got)  # lean: nothing built yet
        assert "status_symbol" in got.coded  # the symbols travelled as codes
        for name in want.data.columns:
            column = got.column(name)
            assert column.dtype == want.data[name].dtype, name
            assert column.equals(want.data[name]), name
        assert "data" not in vars(got)  # reading columns built no frame
        assert got.data.equals(want.data) and got.data.dtypes.equals(want.data.dtypes)
        again = pickle.loads(pickle.dumps(got, protocol=5))  # built, then pickled again
        assert again.data.equals(want.data)
    symbols = direct.tables[0].data["status_symbol"]
    assert set(symbols.dropna()) == {".", "..", ":"} and np.isnan(
        direct.tables[0].data["value"][symbols.notna()]).all()
