"""The Admin page (issue 14): users in words, user administration, the audit log in
the user's language with filters, raw detail and export; the Konto page for OIDC."""

from __future__ import annotations

import io
import re
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from sdg.auth import SYSTEM, Actor
from tests.apptest import run_app, run_url, shown, texts
from tests.conftest import APP

PASSWORD = "tre blå hester i Hurum"


def _admin(role_users=True, **query) -> AppTest:
    from ui.state import get_store

    if role_users:
        store = get_store()
        store.add_user(SYSTEM, "ola", "analyst", password=PASSWORD)
        store.create_session("ola")
    return run_app("pages/admin.py", role="admin", **query)


def _users_frame(at) -> pd.DataFrame:
    return shown(at.dataframe[0])  # as the browser shows it


def test_users_are_shown_in_words(app_db):
    users = _users_frame(_admin())
    assert list(users.columns)[:5] == ["Brukernavn", "E-post", "Rolle", "Innlogging", "Status"]
    ola = users.set_index("Brukernavn").loc["ola"]
    assert ola["Rolle"] == "analytiker" and ola["Innlogging"] == "lokal konto"
    assert ola["Status"] == "aktiv" and ola["Aktive innlogginger"] == "1"
    assert "None" not in users.astype(str).to_string() and "NaT" not in users.to_string()


def test_users_are_shown_in_english_too(app_db):
    at = _admin(lang="en")
    users = _users_frame(at)
    assert list(users.columns)[:3] == ["User name", "E-mail", "Role"]
    assert "analyst" in users["Role"].tolist()
    assert "Audit log: who wrote what, and when" in texts(at)


@pytest.mark.parametrize("lang, when", [
    ("nb", r"\d\d\.\d\d\.\d{4} \d\d:\d\d"),
    ("en", r"\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d"),
])
def test_times_are_written_in_the_language_and_the_tables_have_csv(app_db, lang, when):
    at = _admin(lang=lang)
    users = _users_frame(at)
    created = users.iloc[:, -1]  # "Opprettet" / "Created"
    assert all(re.fullmatch(when, v) for v in created), created.tolist()
    audit = shown(at.dataframe(key="audit_table"))
    assert all(re.fullmatch(when, v) for v in audit.iloc[:, 0]), audit.iloc[:, 0].tolist()
    assert at.dataframe(key="audit_table").value.iloc[:, 0].dtype.kind == "M"  # sorts as time
    for table in (users, audit):
        assert not set(map(str, table.to_numpy().ravel())) & {"None", "nan", "NaT", "<NA>"}
    csv = "Last ned CSV" if lang == "nb" else "Download CSV"
    assert [b.proto.label for b in at.get("download_button")].count(csv) == 2  # users, log


def test_change_role_disable_and_reset_from_the_page(app_db):
    from ui.state import get_store

    at = _admin()
    at.selectbox(key="manage_user").set_value("ola").run()
    at.selectbox(key="manage_role").set_value("facilitator").run()
    at.button(key="set_role").click().run()
    assert "Lagret: ola: verkstedleder" in texts(at)
    store = get_store()
    assert store.users(SYSTEM).set_index("name").loc["ola", "role"] == "facilitator"
    at.button(key="toggle_user").click().run()
    assert store.users(SYSTEM).set_index("name").loc["ola", "disabled"]
    assert store.users(SYSTEM).set_index("name").loc["ola", "sessions"] == 0
    at.button(key="toggle_user").click().run()  # enable again
    at.button(key="reset_password").click().run()
    message = [s.value for s in at.success if "Midlertidig passord" in s.value][0]
    temporary = message.split("`")[1]
    assert store.must_change_password("ola")
    assert store.sign_in("ola", temporary).name == "ola"


def test_the_last_admin_is_told_why_not(app_db):
    at = _admin(role_users=False)
    at.selectbox(key="manage_user").set_value("test-admin").run()
    at.selectbox(key="manage_role").set_value("viewer").run()
    at.button(key="set_role").click().run()
    assert "siste aktive administratoren" in at.error[0].value


def test_the_audit_log_reads_as_sentences_with_filters_and_raw_detail(app_db):
    from ui.state import get_store

    store = get_store()
    with store.transaction() as cur:
        store.audit(cur, Actor("kari", "analyst"), "data.import",
                    {"file": "13135.xlsx", "rows": 354, "new_indicators": []})
    at = _admin()
    log = at.dataframe[1].value
    assert list(log.columns)[:5] == ["Tidspunkt", "Hva", "Hvem", "Rolle", "Område"]
    assert "kari importerte 354 rader fra 13135.xlsx" in log["Hva"].tolist()
    assert "{" not in "".join(log["Hva"])  # no raw JSON in the readable table
    at.multiselect(key="audit_who").set_value(["kari"]).run()
    log = at.dataframe[1].value
    assert log["Hvem"].unique().tolist() == ["kari"] and len(log) == 1
    raw = at.dataframe[2].value  # behind the "Vis rådata" click
    assert raw["Rådata"].str.contains('"rows": 354').any()
    at.multiselect(key="audit_who").set_value([]).run()
    at.multiselect(key="audit_area").set_value(["users.admin"]).run()
    assert set(at.dataframe[1].value["Område"]) == {"brukere og drift"}


def test_the_export_is_the_readable_table(app_db):
    at = _admin()
    button = at.get("download_button")
    export = [b for b in button if "xlsx" in b.proto.label][0]
    assert export.proto.label == "Last ned loggen (xlsx)"
    # the file itself: the same columns as the page, sentences included
    from sdg.accounts import audit_table
    from ui.state import get_store

    frame = audit_table(get_store().audit_log(SYSTEM))
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    back = pd.read_excel(io.BytesIO(buffer.getvalue()))
    assert "Hva" in back.columns and back["Hva"].str.contains("la til brukeren ola").any()


@pytest.mark.parametrize("expired", [True, False])
def test_an_oidc_sign_in_is_checked_for_expiry(app_db, expired):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback",
                          "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "http://localhost/.well-known"}
    from ui.state import get_store

    get_store().add_user(SYSTEM, "kari@asker.kommune.no", "analyst",
                         email="kari@asker.kommune.no")
    at.user = {"is_logged_in": True, "email": "kari@asker.kommune.no", "name": "Kari",
               "exp": int(time.time()) + (-60 if expired else 3600)}
    at.run()
    at.switch_page("pages/konto.py").run()
    assert not at.exception
    if expired:
        assert "er utløpt" in texts(at)
        assert not any("Importer tall" == e.proto.label for e in at.sidebar.get("page_link"))
    else:
        from sdg.escape import md  # the name is user text: escaped (issue 18)

        assert f"Du er logget inn som **{md('kari@asker.kommune.no')}**" in texts(at)


def test_a_disabled_oidc_user_is_not_let_in(app_db):
    from ui.state import get_store

    store = get_store()
    store.add_user(SYSTEM, "kari@asker.kommune.no", "analyst", email="kari@asker.kommune.no")
    store.add_user(SYSTEM, "sjef", "admin", email="sjef@asker.kommune.no")
    store.set_disabled(SYSTEM, "kari@asker.kommune.no")
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback",
                          "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "http://localhost/.well-known"}
    at.user = {"is_logged_in": True, "email": "kari@asker.kommune.no", "name": "Kari"}
    at.run()
    at.switch_page("pages/konto.py").run()
    assert "deaktivert" in texts(at)


def _oidc_app(email: str = "kari@asker.kommune.no", **cookies: str) -> AppTest:
    from tests.apptest import TEST_COOKIES

    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback",
                          "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "http://localhost/.well-known"}
    at.user = {"is_logged_in": True, "email": email, "name": "Kari",
               "exp": int(time.time()) + 3600}
    at.session_state[TEST_COOKIES] = cookies
    return at


def test_after_an_oidc_sign_in_the_app_goes_back_to_the_page_once(app_db):
    """st.login lands on /; the sdg_return cookie set by /logg-inn/sso names the page."""
    from ui.state import get_store

    get_store().add_user(SYSTEM, "kari@asker.kommune.no", "analyst",
                         email="kari@asker.kommune.no")
    from web.auth import pack_path

    cookie = {"sdg_return": "n0nce1." + pack_path("/nullpunkt?kommune=0301")}
    at = _oidc_app(**cookie)
    at.run()
    assert not at.exception
    assert at.title[0].value == "Nullpunktsmåling 2019"
    assert at.query_params["kommune"] in ("0301", ["0301"])
    again = _oidc_app(**cookie)  # a later visit to / with the cookie still there
    again.run()
    assert again.title[0].value == "Bærekraftsmålene i kommunen"


def test_the_oidc_sign_in_offer_links_to_the_sso_start(app_db):
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback",
                          "cookie_secret": "x", "client_id": "x", "client_secret": "x",
                          "server_metadata_url": "http://localhost/.well-known"}
    at.user = {"is_logged_in": False}  # what st.user says with [auth] and nobody signed in
    at.run()
    at.switch_page("pages/konto.py").run()
    links = [h.proto.body for h in at.get("html") if "sdg-sign-in" in h.proto.body]
    assert links and "/logg-inn/sso?next=%2Fkonto" in links[0]


# ---------------------------------------------------------- default language (issue 16)
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
