"""A page never dies on a value: a non-finite figure in the database (stored before
the import refused them, or written by another tool) is named, the rest is shown."""

from __future__ import annotations

import duckdb
import pytest

from tests.apptest import run_app, texts


@pytest.fixture
def bad_values(app_db):
    con = duckdb.connect(str(app_db))
    try:
        con.execute("UPDATE observation SET value = 'inf'::DOUBLE WHERE municipality = '3203'"
                    " AND indicator = 'demo_klimagass' AND year = 2024")
        con.execute("UPDATE observation SET value = '-inf'::DOUBLE WHERE municipality = '0220'"
                    " AND indicator = 'grunnskolepoeng' AND year = 2019")
        con.execute("UPDATE observation SET value = 'nan'::DOUBLE WHERE municipality = '3203'"
                    " AND indicator = 'befolkning' AND year = 2024")
        n = con.execute("SELECT count(*) FROM observation WHERE NOT isfinite(value)").fetchone()
    finally:
        con.close()
    assert n[0] == 3
    return app_db


@pytest.mark.parametrize("page, query", [
    ("pages/nullpunkt.py", {}), ("pages/mal.py", {"goal": "4"}), ("pages/oversikt.py", {}),
    ("pages/gevinstplan.py", {}),
])
def test_pages_show_the_rest(bad_values, page, query):
    at = run_app(page, kommune="3203", **query)  # asserts no exception
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page, query", [("pages/nullpunkt.py", {}),
                                         ("pages/mal.py", {"goal": "4"})])
def test_the_figure_it_cannot_use_is_named(bad_values, page, query):
    at = run_app(page, kommune="3203", **query)
    warnings = " ".join(w.value for w in at.warning)
    assert "0220, 2019: -inf" in warnings  # grunnskolepoeng of old Asker
    if page == "pages/nullpunkt.py":
        assert "3203, 2024: inf" in warnings
        assert len(at.dataframe[0].value) > 5  # the other indicators are all there
    assert "Nullpunkt" in texts(at) or "Indikatorer" in texts(at)
