"""Every page of the router, in every language, for the role that may use it."""

from __future__ import annotations

import re

import pytest

from sdg.i18n import LANGS
from tests.apptest import run_app
from tests.conftest import ROOT

PAGES = list(dict.fromkeys(re.findall(r'PageSpec\("(pages/[a-z_]+\.py)"',
                                      (ROOT / "app.py").read_text(encoding="utf-8"))))


def test_every_page_file_is_registered():
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert set(PAGES) == files


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_with_a_title(app_db, page, lang):
    query = {}
    if page in ("pages/delta.py", "pages/projektor.py"):  # reached only with ?w=CODE
        from sdg.auth import Actor
        from sdg.store import open_store
        from sdg.workshop import SessionSpec, create_session

        store = open_store(app_db)
        query["w"] = create_session(store, "3203", SessionSpec("Økt", ("4", "13")),
                                    Actor("t", "facilitator"))
        store.close()
    at = run_app(page, role="admin", lang=lang, **query)
    assert not at.exception
    assert at.title, f"{page} has no title"
    assert not at.error, [e.value for e in at.error]


def test_matrix_exports_are_real_png_svg_and_xlsx(app_db):
    """The download callables make valid files (they run on click, outside the script)."""
    import io
    from functools import partial

    import openpyxl

    from sdg.exports import About, xlsx
    from sdg.materiality import quadrants
    from sdg.store import open_store
    from ui.materiality import chart_image, matrix_chart, ranking_table

    store = open_store(app_db)
    goals = store.goals()
    store.close()
    matrix = quadrants(__import__("pandas").DataFrame({
        "subject": ["4", "4", "11", "11"], "axis": ["influence", "priority"] * 2,
        "score": [0.8, 0.7, 0.3, 0.9], "n": [9, 100, 9, 80], "se": 0.05,
        "ci_low": 0.1, "ci_high": 0.95, "level": "goal"}), x_threshold=0.5, y_threshold=0.5)
    chart = partial(matrix_chart, matrix, goals, "nb")
    png = chart_image(chart().to_json(), "png")
    svg = chart_image(chart().to_json(), "svg")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert svg.lstrip().startswith(b"<svg") and b"</svg>" in svg
    book = openpyxl.load_workbook(io.BytesIO(xlsx(ranking_table(matrix, goals, "nb"),
                                                  "Matrise", About("Matrise", "Asker (3203)"))))
    assert book.active.max_row == 3  # header + two goals
