"""AppTest: the facilitator creates and opens a session, a participant votes via
``?w=CODE``, the projector shows the counts; errors for unknown and closed sessions."""

from __future__ import annotations

from sdg.auth import Actor
from sdg.store import open_store
from sdg.workshop import (
    SessionSpec,
    close_voting,
    create_session,
    join,
    open_voting,
    record_vote,
    show_results,
)
from tests.apptest import run_app, texts

FACILITATOR = Actor("tester", "facilitator")

GOALS = tuple(str(g) for g in range(1, 18))


def _session(app_db, state="open", **spec):
    store = open_store(app_db)
    try:
        code = create_session(store, "3203", SessionSpec("Verksted test", GOALS, **spec), FACILITATOR)
        if state in ("open", "closed"):
            open_voting(store, code, FACILITATOR)
        if state == "closed":
            close_voting(store, code, FACILITATOR)
        return code
    finally:
        store.close()


def test_facilitator_creates_and_opens_a_session(app_db):
    at = run_app("pages/workshop.py", role="facilitator")
    at.text_input[0].input("Verksted næringsliv")
    at.button[0].click()  # the form's submit button is the first button on the page
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    code = at.query_params["ws"][0] if isinstance(at.query_params["ws"], list) else at.query_params["ws"]
    assert f"koden {code}" in texts(at)
    assert len(at.image) >= 1  # the QR code
    open_button = next(b for b in at.button if b.label == "Åpne for stemmer")
    open_button.click()
    at.run()
    assert not at.exception
    store = open_store(app_db)
    try:
        assert store.workshop(code)["state"] == "open"
    finally:
        store.close()
    assert any(b.label == "Steng avstemningen" for b in at.button)


def test_the_streamlit_participant_link_points_to_the_light_page(app_db):
    code = _session(app_db)
    at = run_app(None, w=code)  # a link followed inside the app (a full load is redirected)
    assert not at.exception
    assert any(b.url.startswith(f"/w/{code}") for b in at.get("link_button"))


def test_participant_and_projector_are_not_in_the_menu(app_db):
    at = run_app(None, role="facilitator")
    pages = {str(p.proto.page) for p in at.get("page_link")}
    assert "workshop" in pages  # the facilitator's page is in the menu …
    assert not pages & {"delta", "projektor"}  # … its participant and projector views not


def _html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_projector_shows_counts_and_bars(app_db):
    code = _session(app_db, axes=("priority", "influence"))
    store = open_store(app_db)
    try:
        for value in (5, 3):
            token = join(store, code)
            record_vote(store, code, token, {"4": value, "13": 4}, "priority")
            record_vote(store, code, token, {"4": 4, "13": 2}, "influence")
    finally:
        store.close()
    at = run_app("pages/projektor.py", w=code)
    assert "Resultatet vises her når ordstyreren velger" in _html(at)
    assert len(at.get("vega_lite_chart")) == 0  # not before the facilitator shows it
    assert "data-testid='wall-count'>2<" in _html(at)
    store = open_store(app_db)
    try:
        show_results(store, code, True, FACILITATOR)
    finally:
        store.close()
    at = run_app("pages/projektor.py", w=code)
    assert len(at.get("vega_lite_chart")) == 1  # the matrix (both axes rated)


def test_projector_needs_login_unless_the_session_is_public(app_db, monkeypatch):
    code = _session(app_db)
    monkeypatch.setenv("SDG_REQUIRE_LOGIN", "1")
    at = run_app("pages/projektor.py", w=code)
    assert "krever innlogging" in texts(at)
    store = open_store(app_db)
    try:
        store.set_workshop_public(code, True, FACILITATOR)
        show_results(store, code, True, FACILITATOR)
    finally:
        store.close()
    at = run_app("pages/projektor.py", w=code)
    assert "krever innlogging" not in texts(at)


def test_facilitator_removes_a_participants_answers(app_db):
    code = _session(app_db)
    store = open_store(app_db)
    try:
        for value in (5, 1):
            record_vote(store, code, join(store, code), {"4": value, "13": value}, "priority")
    finally:
        store.close()
    at = run_app("pages/workshop.py", role="facilitator", ws=code)
    assert "Koblet på: 2 · har stemt: 2 · vurderinger i alt: 4" in texts(at)
    remove = next(b for b in at.button if b.label == "Fjern svarene til deltakeren")
    remove.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "2 vurderinger fra deltaker 1 er fjernet fra tellingen." in texts(at)
    store = open_store(app_db)
    try:
        assert len(store.workshop_ratings([code])) == 2  # the other participant's
        assert store.audit_log(Actor("a", "admin"))["detail"].str.contains(
            "remove_participant").any()
    finally:
        store.close()
