"""Admin page: a municipality's default language, set on the page, opens new sessions
in it (unless the link names a language)."""

from __future__ import annotations

from tests.apptest import run_app, run_url


def test_an_admin_sets_nynorsk_and_a_new_session_opens_in_it(app_db):
    at = run_app("pages/admin.py", role="admin", kommune="4601")
    at.radio(key="default_lang_pick").set_value("nn")
    next(b for b in at.button if b.label == "Lagre standardspråket").click()
    at.run()
    assert not at.exception
    assert any("4601 Bergen åpner nå på Nynorsk" in s.value for s in at.success)

    fresh = run_app("pages/oversikt.py", kommune="4601")  # a new session, no ?lang=
    assert fresh.title[0].value == "Berekraftsmåla i kommunen"
    english = run_app("pages/oversikt.py", kommune="4601", lang="en")
    assert english.title[0].value == "The SDGs in the municipality"
    other = run_app("pages/oversikt.py", kommune="3203")
    assert other.title[0].value == "Bærekraftsmålene i kommunen"


def test_a_viewer_never_sees_the_language_form(app_db):
    at = run_url("admin", kommune="4601")
    assert not [r for r in at.radio if r.key == "default_lang_pick"]
