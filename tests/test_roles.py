"""Roles and access (issue 7): menus per role, refused URLs, refused writes, sign-in."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sdg.auth import ANONYMOUS, SYSTEM, Actor, PermissionDenied
from sdg.benefits import BenefitChanges
from sdg.workshop import SessionSpec
from tests.apptest import TEST_COOKIE, run_app, run_url, signed_in_cookie, texts
from tests.conftest import APP


def menu(at) -> set[str]:
    return {e.proto.label for e in at.sidebar.get("page_link")}


def test_a_viewer_sees_only_the_reading_pages(app_db):
    labels = menu(run_app())
    assert "Importer tall" not in labels and "Innspill" not in labels
    assert not any("Brukere" in label for label in labels)
    assert {"Oversikt", "Mål", "Konto"} <= labels


@pytest.mark.parametrize("role, present, absent", [
    ("analyst", {"Importer tall", "Innspill"}, {"Brukere og revisjonslogg"}),
    ("facilitator", set(), {"Importer tall", "Innspill", "Brukere og revisjonslogg"}),
    ("admin", {"Importer tall", "Innspill", "Brukere og revisjonslogg"}, set()),
])
def test_each_role_sees_its_pages(app_db, role, present, absent):
    labels = menu(run_app(role=role))
    assert present <= labels, labels
    assert not absent & labels, labels


@pytest.mark.parametrize("url", ["data", "historikk", "innspill", "workshop", "admin"])
def test_a_forbidden_page_by_url_is_refused_politely(app_db, url):
    at = run_url(url)
    assert at.warning and "har ikke tilgang" in at.warning[0].value
    assert not at.file_uploader and not at.dataframe


def test_the_refusal_is_in_english_too(app_db):
    at = run_url("admin", lang="en")
    assert "You do not have access" in at.warning[0].value


def test_a_viewer_reads_the_benefits_plan_but_cannot_edit_it(app_db):
    at = run_app("pages/gevinstplan.py")
    assert "Analytikere logger inn" in texts(at)
    assert not _has_button(at, "benefits_save")


def _has_button(at, key):
    return any(getattr(b, "key", None) == key for b in at.button)


def test_the_analyst_gets_the_editor(app_db):
    at = run_app("pages/gevinstplan.py", role="analyst")
    assert _has_button(at, "benefits_save")


# -------------------------------------------------------- every write refuses viewers
def _writes(store):
    spec = SessionSpec("V", tuple(str(g) for g in range(1, 18)))
    empty = BenefitChanges(pd.DataFrame(), pd.DataFrame(), ())
    ratings = pd.DataFrame({"respondent": ["a"], "subject": ["4"], "axis": ["priority"],
                            "value": [3.0], "scale_min": [1.0], "scale_max": [5.0]})
    return {
        "save_benefits": lambda a: store.save_benefits("3203", empty, a),
        "commit_import": lambda a: store.commit_import(a, {"file_name": "x"}, pd.DataFrame(
            columns=["municipality", "indicator", "year", "value", "status_symbol", "note"])),
        "set_batch_state": lambda a: store.set_batch_state(1, "undone", a),
        "import_survey": lambda a: store.import_survey("3203", ratings, name="x", actor=a),
        "save_assessment": lambda a: store.save_assessment(
            "3203", pd.DataFrame({"subject": ["4"], "value": [3.0]}), actor=a),
        "load_demo_ratings": lambda a: store.load_demo_ratings(a, "0301"),
        "save_materiality_settings": lambda a: store.save_materiality_settings({}, a),
        "save_proposal": lambda a: store.save_proposal(
            "3203", [4], rationale="x", settings={}, actor=a),
        "adopt": lambda a: store.adopt(1, goals=[4], case_number="1/1",
                                       meeting_date=dt.date(2025, 1, 1), actor=a),
        "withdraw_adopted": lambda a: store.withdraw(1, reason="x", actor=a),
        "set_source_included": lambda a: store.set_source_included(1, False, actor=a),
        "add_commitment": lambda a: store.add_commitment("3203", 4, "Vi må", actor=a),
        "add_goal_area": lambda a: store.add_goal_area("0301", "Kultur", actor=a),
        "set_indicator_target": lambda a: store.set_indicator_target(
            "3203", "befolkning", 1.0, 2030, actor=a),
        "set_manual_zero_point": lambda a: store.set_manual_zero_point(
            "3203", "befolkning", 1.0, "x", actor=a),
        "save_note": lambda a: store.save_note("3203", "4.1", "challenge", "x", actor=a),
        "create_workshop": lambda a: store.create_workshop("ACDEF", "3203", spec, a),
        "reset_workshop": lambda a: store.reset_workshop("ACDEF", "HJKMN", spec, a),
        "set_workshop_state": lambda a: store.set_workshop_state("ACDEF", "open", ["draft"], a),
        "set_workshop_show_results": lambda a: store.set_workshop_show_results("ACDEF", True, a),
        "add_user": lambda a: store.add_user(a, "x", "admin", password="et langt passord"),
        "set_role": lambda a: store.set_role(a, "x", "admin"),
    }


def test_every_write_function_refuses_a_viewer_and_writes_nothing(store):
    before = store.content_checksum()
    log_before = store.scalar("SELECT count(*) FROM audit_log")
    for name, write in _writes(store).items():
        with pytest.raises(PermissionDenied):
            write(ANONYMOUS)
        assert store.content_checksum() == before, name
    assert store.scalar("SELECT count(*) FROM audit_log") == log_before


@pytest.mark.parametrize("role, allowed", [
    ("facilitator", {"create_workshop", "reset_workshop", "set_workshop_state",
                     "set_workshop_show_results"}),
    ("analyst", {"save_benefits", "commit_import", "set_batch_state", "import_survey",
                 "save_assessment", "load_demo_ratings", "save_materiality_settings",
                 "save_proposal", "save_note", "set_source_included", "add_commitment",
                 "add_goal_area", "set_indicator_target", "set_manual_zero_point"}),
    # the council's secretary records adoptions (and withdraws adopted decisions) only
    ("secretary", {"adopt", "withdraw_adopted"}),
])
def test_each_role_may_write_only_its_own(store, role, allowed):
    actor = Actor("x", role)
    for name, write in _writes(store).items():
        if name in allowed:
            continue
        with pytest.raises(PermissionDenied):
            write(actor)


def test_writes_are_in_the_audit_log(store):
    analyst = Actor("kari", "analyst")
    store.save_note("3203", "4.1", "challenge", "Frafall i videregående", actor=analyst)
    store.save_proposal("3203", [4, 11], rationale="Test", settings={}, actor=analyst)
    log = store.audit_log(SYSTEM)
    assert log["actor"].tolist()[:2] == ["kari", "kari"]
    assert log["action"].tolist()[:2] == ["decision.propose", "ratings.write"]


# ------------------------------------------------------------ sign-in in the app
def test_a_session_cookie_shows_the_analyst_pages_and_sign_out_hides_them(app_db):
    """The sign-in itself is the route's (tests/test_web_auth.py); here the page reads
    the cookie it set, and sign-out ends that session for every tab that has it."""
    token = signed_in_cookie("analyst", name="kari")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[TEST_COOKIE] = token
    at.run()
    at.switch_page("pages/konto.py").run()
    assert "Du er logget inn som **kari** (analytiker)." in [s.value for s in at.success]
    assert "Importer tall" in menu(at)
    other_tab = AppTest.from_file(APP, default_timeout=60)
    other_tab.session_state[TEST_COOKIE] = token
    other_tab.run()
    assert "Importer tall" in menu(other_tab)
    at.button(key="sign_out").click().run()
    assert "Importer tall" not in menu(at)
    assert "Du er logget ut, også i andre faner." in texts(at)
    other_tab.run()  # the other tab's next click
    assert "Importer tall" not in menu(other_tab)


def test_sign_out_on_all_devices_ends_every_session_of_the_user(app_db):
    from ui.state import get_store

    laptop = signed_in_cookie("analyst", name="kari")
    phone = get_store().create_session("kari")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[TEST_COOKIE] = laptop
    at.run()
    at.switch_page("pages/konto.py").run()
    at.button(key="sign_out_all").click().run()
    assert get_store().session(laptop) is None and get_store().session(phone) is None
    assert "Importer tall" not in menu(at)
    log = get_store().audit_log(SYSTEM)
    assert log["detail"].iloc[0] == '{"sign_out_all": "kari", "sessions": 2}'


def test_oidc_user_gets_the_role_mapped_to_the_email(app_db):
    from streamlit.testing.v1 import AppTest

    from sdg.store import open_store
    from tests.conftest import APP

    s = open_store(app_db)
    s.add_user(SYSTEM, "kari@asker.kommune.no", "analyst", email="kari@asker.kommune.no")
    s.close()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback",
                          "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "http://localhost/.well-known"}
    at.user = {"is_logged_in": True, "email": "kari@asker.kommune.no", "name": "Kari"}
    at.run()
    assert not at.exception
    assert "Importer tall" in menu(at)


def test_login_required_deployment_offers_sign_in_and_keeps_the_deep_link(app_db, monkeypatch):
    monkeypatch.setenv("SDG_REQUIRE_LOGIN", "1")
    at = run_app()
    assert not menu(at)
    assert "bare for innloggede brukere" in texts(at)
    assert "Alle kan lese" not in texts(at)
    at = run_url("nullpunkt", kommune="3203")
    assert at.title[0].value == "Nullpunkt 2019"
    link = [h.proto.body for h in at.get("html") if "logg-inn" in h.proto.body]
    assert link and "next=%2Fnullpunkt%3Fkommune%3D3203" in link[0]
    at = run_app(role="viewer")
    assert at.title[0].value == "Bærekraftsmålene i kommunen"
    assert "Nullpunkt 2019" in menu(at)


def test_the_account_page_text_matches_the_setting(app_db, monkeypatch):
    assert "Alle kan lese uten å logge inn" in texts(run_url("konto"))
    monkeypatch.setenv("SDG_REQUIRE_LOGIN", "1")
    body = texts(run_url("konto"))
    assert "Alle kan lese" not in body and "bare for innloggede brukere" in body


def test_user_text_is_rendered_as_text_not_html(app_db):
    """Names users type (here a workshop name) never reach the page as HTML."""
    from sdg.store import open_store
    from sdg.workshop import create_session

    s = open_store(app_db)
    code = create_session(s, "3203", SessionSpec("<script>alert(1)</script>",
                                                 tuple(str(g) for g in range(1, 18))),
                          Actor("f", "facilitator"))
    s.close()
    at = run_app("pages/workshop.py", role="facilitator", ws=code)
    assert not at.exception
    for el in at.get("html"):
        assert "<script>alert(1)</script>" not in el.proto.body


def test_admin_makes_a_backup_from_the_admin_page(app_db):
    at = run_app("pages/admin.py", role="admin")
    at.button(key="make_backup").click().run()
    assert at.success and "sdg-" in at.success[0].value
    assert (app_db.parent / "backup").is_dir()


def test_a_viewer_sees_the_matrix_and_decisions_but_no_decision_form(app_db):
    at = run_app("pages/vesentlighet.py")
    assert not any(t.key == "mat_dec_text" for t in at.text_area)
    assert not any(t.key.startswith("mat_set_") for t in at.text_input if t.key)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")
    at = run_app("pages/vesentlighet.py", role="analyst")
    assert any(t.key == "mat_dec_text" for t in at.text_area)
