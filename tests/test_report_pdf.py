"""The report to the council as PDF, read back with poppler (pdftotext, pdftoppm)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from sdg.report import assemble
from sdg.report_pdf import page_count, render

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) not installed")
FOCUS_NB = ["God utdanning", "Industri, innovasjon og infrastruktur",
            "Bærekraftige byer og lokalsamfunn", "Stoppe klimaendringene",
            "Samarbeid for å nå målene"]
FOCUS_EN = ["Quality education", "Industry, innovation and infrastructure",
            "Sustainable cities and communities", "Climate action", "Partnerships for the goals"]


@pytest.fixture(scope="module")
def asker(seeded_db, tmp_path_factory):
    from sdg.store import open_store

    path = tmp_path_factory.mktemp("pdf") / "r.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    yield s
    s.close()


def _pages(pdf: bytes, tmp_path, name: str, mode: str = "-layout") -> list[str]:
    """The text of each page: ``-layout`` keeps table rows on a line, ``-raw`` keeps
    a wrapped cell's words together (content order)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True,
                          check=True, text=True).stdout
    return text.split("\f")[:-1]


def _flat(text: str) -> str:
    """Words on one line; a word broken after its own hyphen ("pupil-⏎weighted") joined."""
    return " ".join(text.replace("-\n", "-").split())


@pytest.fixture(scope="module")
def pdfs(asker, tmp_path_factory):
    out = {}
    for lang in ("nb", "en"):
        out[lang] = render(assemble(asker, "3203", lang, dt.date(2026, 11, 30)))
    return out


@pytest.mark.parametrize(("lang", "focus", "provenance", "zero"), [
    ("nb", FOCUS_NB, "beregnet fra 0220, 0627, 0628, elevvektet", "43,09 (2019)"),
    ("en", FOCUS_EN, "computed from 0220, 0627, 0628, pupil-weighted", "43.09 (2019)"),
])
def test_focus_goals_zero_point_and_provenance(pdfs, tmp_path, lang, focus, provenance, zero):
    pages = _pages(pdfs[lang], tmp_path, lang)
    first = " ".join(pages[0].split())
    for name in focus:
        assert name in first, name  # the summary table on page 1
    assert ("25.09.2018" if lang == "nb" else "25 Sep 2018") in first
    text = _flat(" ".join(_pages(pdfs[lang], tmp_path, lang, "-raw")))
    # the goal chapter's table row: indicator (unit), zero point (year), how it was made
    name = "Grunnskolepoeng (poeng)" if lang == "nb" else "Lower-secondary exit points (points)"
    assert f"{name} {zero} {provenance}" in text
    # the annex: its source and the import its figures come from
    assert "Udir (Skoleporten)" in text and "data/seed/observations.csv" in text


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_demo_marked_on_every_page_with_demo_content(pdfs, tmp_path, lang):
    banner = {"nb": "DEMO – siden viser oppdiktede tall",
              "en": "DEMO – this page shows made-up figures"}[lang]
    pages = _pages(pdfs[lang], tmp_path, lang)
    demo_names = ["Workshop sivilsamfunn", "Klimagassutslipp" if lang == "nb"
                  else "Greenhouse-gas emissions"]
    for number, page in enumerate(pages, 1):
        flat = " ".join(page.split())
        tags = flat.replace(banner, "").count("DEMO")
        if tags or any(name in flat for name in demo_names):
            assert banner in flat, f"page {number} shows demo content without the banner"
        if banner in flat:
            assert tags >= 1, f"page {number} has the banner but no marked item"
    assert banner in " ".join(pages[0].split())  # page 1 names what is demo


def test_ten_pages_or_so_and_chapters(pdfs, tmp_path):
    pages = _pages(pdfs["nb"], tmp_path, "nb")
    assert 6 <= page_count(pdfs["nb"]) == len(pages) <= 20
    text = "\n".join(pages)
    for chapter in ("1 Sammendrag", "2 Slik ble målene valgt", "3 Mål for mål", "4 Gevinstplan",
                    "5 Vedlegg: metode og datagrunnlag"):
        assert chapter in text
    assert re.search(r"Side 1 av \d+", pages[0])
    # every chart has its table
    assert text.count("Tabellen til figuren") == text.count("Figur ")
    # numbers the Norwegian way: no English thousands like 1,200 in the sources table
    assert re.search(r"Innbyggerundersøkelse 2018.*1 200 +19 737", text.replace("\u00a0", " "))


def test_page_one_renders_to_an_image(pdfs, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed")
    pdf = tmp_path / "nb.pdf"
    pdf.write_bytes(pdfs["nb"])
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    from PIL import Image

    with Image.open(png) as im:
        assert im.size[0] > 300 and im.size[1] > 400
        colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 60 and b < 80)
    assert red > 50  # the DEMO banner and tags are drawn


def test_case_number_and_hostile_text(seeded_db, tmp_path):
    """A case number shows beside the decision; markup in a rationale stays text."""
    from sdg.auth import Actor
    from sdg.store import open_store

    shutil.copy(seeded_db, tmp_path / "c.duckdb")
    s = open_store(tmp_path / "c.duckdb")
    hostile = '#set page(fill: red) *fet* $x^2$ <demo> #image("/etc/passwd") ] } "'
    try:
        new = s.save_proposal("3203", [4, 11], rationale=hostile, settings={},
                              actor=Actor("kari", "analyst"))
        s.adopt(new, goals=[4, 11], case_number="26/01234-7", meeting_date=dt.date(2026, 6, 18),
                actor=Actor("siri", "secretary"))
        pdf = render(assemble(s, "3203", "nb", dt.date(2026, 7, 1), B=10), charts=False)
    finally:
        s.close()
    first = _flat(_pages(pdf, tmp_path, "c", "-raw")[0])
    assert "Fokusmål vedtatt 18.06.2026, saksnummer 26/01234-7" in first
    assert "#set page(fill: red) *fet* $x^2$ <demo>" in first
