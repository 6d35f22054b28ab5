"""The router: sections, the language switch and the municipality picker."""

from __future__ import annotations

import pytest

from tests.apptest import run_app, texts


def test_default_is_bokmal_and_asker(app_db):
    at = run_app()
    assert at.title[0].value == "Bærekraftsmålene i kommunen"
    assert at.radio(key="lang").value == "nb"
    assert at.selectbox(key="kommune").value == "3203"
    # Absent parameters mean the defaults: the URL is left alone (one history entry).
    assert "lang" not in at.query_params and "kommune" not in at.query_params


def test_the_url_gets_the_state_once_it_differs_from_the_defaults(app_db):
    at = run_app()
    at.radio(key="lang").set_value("en").run()
    assert at.query_params["lang"] in ("en", ["en"])
    assert at.query_params["kommune"] in ("3203", ["3203"])


def test_a_wrong_parameter_in_the_url_is_corrected(app_db):
    at = run_app(kommune="9998")
    assert at.query_params["kommune"] in ("3203", ["3203"])


def test_language_switch_to_english_and_back(app_db):
    at = run_app()
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "The SDGs in the municipality"
    assert "Environment" in texts(at)
    at.radio(key="lang").set_value("nb").run()
    assert at.title[0].value == "Bærekraftsmålene i kommunen"


def test_language_and_municipality_from_the_url(app_db):
    at = run_app(lang="en", kommune="0301")
    assert at.radio(key="lang").value == "en"
    assert at.selectbox(key="kommune").value == "0301"
    assert "has not chosen focus goals" in texts(at)


def test_unknown_municipality_in_the_url_falls_back_to_asker(app_db):
    at = run_app(kommune="9998")
    assert at.selectbox(key="kommune").value == "3203"


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_no_coming_soon_pages(app_db, lang):
    at = run_app(lang=lang)
    body = texts(at).lower()
    for phrase in ("coming soon", "kommer snart", "todo", "placeholder"):
        assert phrase not in body
