"""The light participant routes (web/workshop.py) through the real server: the plain
form without JavaScript, the JSON endpoints, the old link's redirect, join limits,
languages, and hostile text escaped."""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from sdg.auth import Actor
from sdg.workshop import SessionSpec, close_voting, create_session, open_voting

LEADER = Actor("leder", "facilitator")
GOALS = tuple(str(g) for g in range(1, 18))
CODES: dict[str, str] = {}


def _prepare(store) -> None:
    for key, name, axes, state in [
            ("two", "Verksted <script>alert(1)</script>", ("priority", "influence"), "open"),
            ("closed", "Stengt verksted", ("priority",), "closed"),
            ("draft", "Utkast", ("priority",), "draft")]:
        code = create_session(store, "3203", SessionSpec(name, GOALS, axes), LEADER)
        if state != "draft":
            open_voting(store, code, LEADER)
        if state == "closed":
            close_voting(store, code, LEADER)
        CODES[key] = code


@pytest.fixture(scope="module")
def server(seeded_db, tmp_path_factory):
    import shutil

    from sdg.store import open_store
    from tests.conftest import _streamlit_server

    folder = tmp_path_factory.mktemp("web")
    shutil.copy(seeded_db, folder / "web.duckdb")
    store = open_store(folder / "web.duckdb")
    _prepare(store)
    store.close()
    with _streamlit_server(folder / "web.duckdb", folder / "streamlit.log",
                           {"SDG_WORKSHOP_JOINS_PER_CLIENT": "6"}) as url:
        yield url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _phone(redirects: bool = True):
    handlers = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
    if not redirects:
        handlers.append(NoRedirect())
    return urllib.request.build_opener(*handlers)


def _get(opener, url):
    try:
        with opener.open(url, timeout=30) as r:
            return r.status, r.read().decode(), r.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(), err.headers


def _token(page: str) -> str:
    return re.search(r"name='p' value='([^']+)'", page).group(1)


def test_the_plain_form_saves_both_axes_without_javascript(server):
    code = CODES["two"]
    phone = _phone()
    status, page, _ = _get(phone, f"{server}/w/{code}")
    assert status == 200
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert page.count("class='item unanswered'") == 34
    token = _token(page)
    form = {"p": token} | {f"priority:{g}": "4" for g in GOALS} | {"influence:4": "2"}
    with phone.open(f"{server}/w/{code}", data=urllib.parse.urlencode(form).encode(),
                    timeout=30) as r:  # 303 → the page again
        after = r.read().decode()
        assert "saved=18" in r.url
    assert "Takk! 18 av 34 svar er lagret." in after
    assert after.count("class='item unanswered'") == 16
    assert _token(after) == token  # the cookie keeps the participant


def test_the_json_endpoint_and_the_status(server):
    code = CODES["two"]
    phone = _phone()
    _, page, _ = _get(phone, f"{server}/w/{code}?lang=en")
    assert "How important is the goal" in page
    body = json.dumps({"token": _token(page), "answers": {"priority": {"4": 5},
                                                          "influence": {"4": 1}}}).encode()
    req = urllib.request.Request(f"{server}/api/w/{code}/answers?lang=en", data=body,
                                 headers={"Content-Type": "application/json"})
    with phone.open(req, timeout=30) as r:
        answer = json.loads(r.read())
    assert answer["ok"] and answer["saved"] == 2 and answer["total"] == 34
    assert answer["message"].startswith("Thank you! 2 of 34 answers are saved.")
    bad = json.dumps({"token": _token(page), "answers": {"priority": {"4": 9}}}).encode()
    req = urllib.request.Request(f"{server}/api/w/{code}/answers", data=bad,
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        phone.open(req, timeout=30)
    assert err.value.code == 400
    assert "utenfor skalaen" in json.loads(err.value.read())["message"]
    status, text, _ = _get(phone, f"{server}/api/w/{code}/status")
    assert json.loads(text) == {"state": "open", "show_results": False, "version": "open:0"}
    start = time.monotonic()  # a phone that saw another state gets the news at once
    status, text, _ = _get(phone, f"{server}/api/w/{code}/status?since=draft:0")
    assert json.loads(text)["state"] == "open" and time.monotonic() - start < 5


def test_a_vote_needs_the_token_not_only_the_cookie(server):
    code = CODES["two"]
    phone = _phone()
    _get(phone, f"{server}/w/{code}")  # the cookie is set
    req = urllib.request.Request(f"{server}/api/w/{code}/answers",
                                 data=json.dumps({"answers": {"priority": {"4": 5}}}).encode(),
                                 headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as err:
        phone.open(req, timeout=30)
    assert err.value.code == 404


def test_the_old_link_redirects_and_unknown_codes_are_explained(server):
    status, _, headers = _get(_phone(redirects=False), f"{server}/?w={CODES['two']}&lang=en")
    assert status == 307 and headers["location"] == f"/w/{CODES['two']}?lang=en"
    status, page, _ = _get(_phone(), f"{server}/w/KKKKK")
    assert status == 404 and "Fant ingen workshop med koden KKKKK" in page
    status, page, _ = _get(_phone(), f"{server}/w?code=hello")
    assert status == 400 and "ikke en gyldig kode" in page


def test_closed_and_draft_sessions(server):
    status, page, _ = _get(_phone(), f"{server}/w/{CODES['closed']}")
    assert status == 409 and "er stengt" in page
    status, page, _ = _get(_phone(), f"{server}/w/{CODES['draft']}")
    assert status == 200 and "<section id='waiting' class='note'>" in page
    assert "<form id='vote' method='post'" in page and "hidden>" in page


def test_joins_are_limited_per_client(server):
    code = CODES["draft"]
    seen = []
    for _ in range(8):  # a script without cookies: a new participant each time
        seen.append(_get(_phone(), f"{server}/w/{code}")[0])
    assert 429 in seen
    status, page, _ = _get(_phone(), f"{server}/w/{code}")
    assert status == 429 and "For mange nye deltakere" in page


def test_the_light_routes_follow_the_base_url_path(seeded_db, tmp_path):
    """Behind a proxy at ``/sdg`` (``server.baseUrlPath``) the join link the
    facilitator shows (``/sdg/w/CODE``), the form, the JSON endpoints, the cookie and
    the old link's redirect all live under the prefix."""
    import shutil

    from sdg.store import open_store
    from tests.conftest import _streamlit_server

    shutil.copy(seeded_db, tmp_path / "base.duckdb")
    store = open_store(tmp_path / "base.duckdb")
    code = create_session(store, "3203", SessionSpec("Med prefiks", GOALS, ("priority",)),
                          LEADER)
    open_voting(store, code, LEADER)
    store.close()
    with _streamlit_server(tmp_path / "base.duckdb", tmp_path / "streamlit.log",
                           {"STREAMLIT_SERVER_BASE_URL_PATH": "sdg"}) as url:
        assert url.endswith("/sdg")
        root = url.removesuffix("/sdg")
        assert _get(_phone(), f"{root}/w/{code}")[0] == 404  # not outside the prefix
        phone = _phone()
        status, page, headers = _get(phone, f"{url}/w/{code}")
        assert status == 200 and f"action='/sdg/w/{code}?lang=nb'" in page
        assert "data-base='/sdg'" in page and "href='/sdg/w/" in page
        assert "Path=/sdg" in headers["set-cookie"]
        body = json.dumps({"token": _token(page), "answers": {"priority": {"4": 5}}}).encode()
        req = urllib.request.Request(f"{url}/api/w/{code}/answers", data=body,
                                     headers={"Content-Type": "application/json"})
        with phone.open(req, timeout=30) as r:
            assert json.loads(r.read())["saved"] == 1
        for old in (f"{url}/?w={code}", f"{url}?w={code}"):
            status, _, headers = _get(_phone(redirects=False), old)
            assert status == 307 and headers["location"] == f"/sdg/w/{code}"
