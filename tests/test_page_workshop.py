"""AppTest: the facilitator creates and opens a session, a participant votes via
``?w=CODE``, the projector shows the counts; errors for unknown and closed sessions."""

from __future__ import annotations

from sdg.auth import Actor
from sdg.store import open_store
from sdg.workshop import SessionSpec, close_voting, create_session, join, open_voting, record_vote
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


def test_participant_votes_through_the_link_and_can_change(app_db):
    code = _session(app_db)
    at = run_app(None, w=code)
    assert "Verksted test" in [t.value for t in at.title]
    token = at.query_params["p"]
    assert token
    assert len(at.segmented_control) == 17
    at.segmented_control[3].set_value(5)  # goal 4
    at.segmented_control[12].set_value(4)  # goal 13
    next(b for b in at.button if b.label == "Send svarene").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Takk! Svarene dine er lagret (2 vurderinger)" in texts(at)
    at.segmented_control[3].set_value(2)
    next(b for b in at.button if b.label == "Send svarene").click()
    at.run()
    store = open_store(app_db)
    try:
        r = store.workshop_ratings([code])
    finally:
        store.close()
    assert sorted(zip(r["subject"], r["value"], strict=True)) == [("13", 4.0), ("4", 2.0)]
    assert at.query_params["p"] == token  # the same participant throughout


def test_unknown_and_closed_sessions_give_a_clear_message(app_db):
    at = run_app(None, w="KKKKK")
    assert "Fant ingen workshop med koden KKKKK" in texts(at)
    code = _session(app_db, state="closed")
    at = run_app(None, w=code)
    assert "Avstemningen i økten" in texts(at) and "er stengt" in texts(at)


def test_draft_session_asks_to_wait_and_the_code_box_joins(app_db):
    code = _session(app_db, state="draft")
    at = run_app("pages/delta.py")
    at.text_input[0].input(code.lower())
    at.button[0].click()
    at.run()
    assert not at.exception
    at.run()  # the page reloads as ?w=CODE
    assert "Avstemningen har ikke startet ennå" in texts(at)


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
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Deltakere"] == "2" and metrics["Vurderinger"] == "8"
    assert len(at.get("vega_lite_chart")) == 3  # the matrix and one ranking per axis
