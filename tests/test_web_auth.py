"""The sign-in routes (web/auth.py) through Starlette's test client: the cookie and its
attributes, the way back, CSRF, lockout, the forced password change after a reset."""

from __future__ import annotations

import re

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import web
from sdg.auth import SESSION_COOKIE, SYSTEM, token_hash
from web.auth import CSRF_COOKIE, unpack_path

PASSWORD = "tre blå hester i Hurum"


@pytest.fixture
def app_store(app_db):
    """The app's own store (the one the routes use), with the user kari (analyst)."""
    from ui.state import get_store

    store = get_store()
    store.add_user(SYSTEM, "kari", "analyst", password=PASSWORD)
    return store


def _client(https: bool = False) -> TestClient:
    app = Starlette(routes=web.routes(), middleware=web.middleware())
    return TestClient(app, base_url="https://testserver" if https else "http://testserver",
                      follow_redirects=False)


def _csrf(client: TestClient, query: str = "") -> str:
    page = client.get(f"/logg-inn{query}")
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def _sign_in(client, name="kari", password=PASSWORD, next_path="/nullpunkt?kommune=3203",
             lang="nb"):
    csrf = _csrf(client)
    return client.post("/logg-inn", data={"name": name, "password": password,
                                          "next": next_path, "lang": lang, "csrf": csrf})


def test_the_form_is_labelled_in_the_users_language(app_store):
    client = _client()
    nb = client.get("/logg-inn?next=/konto")
    assert '<html lang="nb">' in nb.text and ">Brukernavn<" in nb.text
    assert ">Passord<" in nb.text and ">Logg inn<" in nb.text
    assert nb.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in nb.headers["content-security-policy"]
    en = client.get("/logg-inn?next=/konto&lang=en")
    assert '<html lang="en">' in en.text and ">User name<" in en.text


def test_sign_in_sets_a_lasting_httponly_cookie_and_goes_back(app_store):
    client = _client()
    response = _sign_in(client)
    assert response.status_code == 303
    assert response.headers["location"] == "/nullpunkt?kommune=3203"
    cookie = [h for h in response.headers.get_list("set-cookie")
              if h.startswith(SESSION_COOKIE + "=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=36000" in cookie
    assert "Secure" not in cookie  # plain http (a local test); see the next test
    token = cookie.split(";")[0].split("=", 1)[1]
    session = app_store.session(token)
    assert session is not None and session.actor.name == "kari"
    # only the hash is stored
    stored = app_store.df("SELECT token_hash FROM user_session")["token_hash"].tolist()
    assert stored == [token_hash(token)] and token not in stored


def test_the_cookie_is_secure_behind_https(app_store):
    response = _sign_in(_client(https=True))
    cookie = [h for h in response.headers.get_list("set-cookie")
              if h.startswith(SESSION_COOKIE + "=")][0]
    assert "Secure" in cookie


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil"])
def test_next_never_leaves_the_site(app_store, target):
    response = _sign_in(_client(), next_path=target)
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_a_wrong_password_says_so_and_sets_no_session(app_store):
    response = _sign_in(_client(), password="feil passord her")
    assert response.status_code == 401
    assert "Feil brukernavn eller passord." in response.text
    assert SESSION_COOKIE not in response.cookies
    assert app_store.scalar("SELECT count(*) FROM user_session") == 0


def test_five_failures_lock_and_the_admin_unlocks(app_store):
    client = _client()
    for _ in range(5):
        assert _sign_in(client, password="feil passord her").status_code == 401
    locked = _sign_in(client)
    assert locked.status_code == 401 and "sperret" in locked.text
    app_store.unlock(SYSTEM, "kari")
    assert _sign_in(client).status_code == 303


def test_a_post_without_the_csrf_token_is_refused(app_store):
    client = _client()
    _csrf(client)  # the cookie is set, but the form field is missing
    response = client.post("/logg-inn", data={"name": "kari", "password": PASSWORD})
    assert response.status_code == 400 and "utløpt" in response.text
    client.cookies.set(CSRF_COOKIE, "x" * 32)
    response = client.post("/logg-inn", data={"name": "kari", "password": PASSWORD,
                                              "csrf": "y" * 32})
    assert response.status_code == 400


def test_a_reset_password_must_be_changed_before_a_session_starts(app_store):
    temporary = app_store.reset_password(SYSTEM, "kari")
    client = _client()
    response = _sign_in(client, password=temporary, next_path="/data")
    assert response.status_code == 200 and "Velg et nytt passord" in response.text
    assert SESSION_COOKIE not in response.cookies
    ticket = re.search(r'name="ticket" value="([^"]+)"', response.text).group(1)
    csrf = re.search(r'name="csrf" value="([^"]+)"', response.text).group(1)
    form = {"ticket": ticket, "csrf": csrf, "next": "/data", "lang": "nb"}
    mismatch = client.post("/nytt-passord", data=form | {"new": "fire grønne biler",
                                                          "repeat": "fem grønne biler"})
    assert mismatch.status_code == 400 and "ikke like" in mismatch.text
    common = client.post("/nytt-passord", data=form | {"new": "passord123",
                                                        "repeat": "passord123"})
    assert common.status_code == 400 and "for vanlig" in common.text
    done = client.post("/nytt-passord", data=form | {"new": "fire grønne biler i Røyken",
                                                      "repeat": "fire grønne biler i Røyken"})
    assert done.status_code == 303 and done.headers["location"] == "/data"
    assert SESSION_COOKIE in done.cookies
    assert not app_store.must_change_password("kari")
    # the ticket was used once
    again = client.post("/nytt-passord", data=form | {"new": "seks røde busser i Asker",
                                                       "repeat": "seks røde busser i Asker"})
    assert again.status_code == 400


def test_signing_in_again_in_the_same_browser_replaces_the_old_session(app_store):
    client = _client()
    first = _sign_in(client).cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, first)
    second = _sign_in(client).cookies[SESSION_COOKIE]
    assert app_store.session(first) is None and app_store.session(second) is not None
    assert app_store.users(SYSTEM).set_index("name").loc["kari", "sessions"] == 1


def test_after_a_failed_attempt_the_password_field_has_the_focus(app_store):
    page = _sign_in(_client(), password="feil passord her").text
    assert re.search(r'id="password"[^>]*autofocus', page)
    assert not re.search(r'id="name"[^>]*autofocus', page)


def test_the_sso_start_remembers_where_to_come_back_to(app_store):
    response = _client().get("/logg-inn/sso?next=/nullpunkt%3Fkommune%3D0301&lang=en")
    assert response.status_code == 303
    assert response.headers["location"] == "/konto?sso=1&lang=en"
    cookie = [h for h in response.headers.get_list("set-cookie")
              if h.startswith("sdg_return=")][0]
    assert "HttpOnly" in cookie and "Max-Age=600" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    assert '"' not in value  # cookie-safe characters only, sent back as they are
    assert unpack_path(value.split(".", 1)[1]) == "/nullpunkt?kommune=0301"
    evil = _client().get("/logg-inn/sso?next=https://evil.example/")
    assert unpack_path(evil.cookies["sdg_return"].split(".", 1)[1]) == "/"
