"""Sign-in that lasts: the routes that check a password and set the session cookie.

Why a route and not the Streamlit page: a Streamlit script cannot set a cookie (it
talks to the browser over a WebSocket), and certainly not an ``HttpOnly`` one. So the
sign-in form is a small HTML page served by Starlette in the same process
(``st.App(routes=...)``): ``POST /logg-inn`` checks the password through
:meth:`sdg.store.Store.sign_in` (lockout included), stores a new session
(:meth:`~sdg.store.Store.create_session`: a random token, only its SHA-256 kept), sets
the token as the cookie ``sdg_session`` (``HttpOnly``, ``SameSite=Lax``, ``Secure``
behind HTTPS, ``Max-Age`` the session's lifetime) and redirects to the page the user
came from (``next``, a local path only). Every Streamlit run reads the cookie through
``st.context.cookies`` and asks the store who it belongs to *now* (:mod:`ui.state`),
so a reload, a new tab or a bookmark stays signed in, and sign-out, disabling a user or
a new role holds from that user's next request.

After an administrator's password reset, a correct sign-in leads to ``/nytt-passord``
first (a one-time ticket of ten minutes, kept in this process only), and only a new
password starts a session.

The forms carry a CSRF token that must match the ``sdg_csrf`` cookie (double submit);
the pages send ``Cache-Control: no-store`` and a strict Content-Security-Policy.
"""

from __future__ import annotations

import base64
import html
import os
import secrets
import threading
import time
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from sdg.auth import MIN_PASSWORD_LENGTH, SESSION_COOKIE, session_lifetime
from sdg.errors import SdgError
from sdg.i18n import normalise_lang, t

CSRF_COOKIE = "sdg_csrf"
SIGN_IN_PATH = "logg-inn"
CHANGE_PATH = "nytt-passord"
SSO_PATH = "logg-inn/sso"
#: Where an OIDC sign-in (``st.login``, which always returns to the home page) goes
#: back to: ``<nonce>.<local path, base64url>``, read once by the app
#: (:func:`ui.auth.follow_return`).
RETURN_COOKIE = "sdg_return"
RETURN_SECONDS = 600
TICKET_SECONDS = 600
_MAX_FIELD = 512


def base_path() -> str:
    """The URL prefix of the app (``server.baseUrlPath``), ``""`` or ``"/prefix"``."""
    from streamlit import config

    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def sign_in_url(next_path: str = "/", lang: str = "nb") -> str:
    """The sign-in page's URL that comes back to ``next_path`` afterwards.

    >>> sign_in_url("/nullpunkt?kommune=3203", "en")
    '/logg-inn?next=%2Fnullpunkt%3Fkommune%3D3203&lang=en'
    """
    return f"{base_path()}/{SIGN_IN_PATH}?next={quote(next_path, safe='')}&lang={lang}"


def safe_next(value: str | None) -> str:
    """A redirect target that stays on this site: a local absolute path, else ``/``.

    >>> safe_next("/nullpunkt?lang=en"), safe_next("https://evil.example/"), safe_next("//evil")
    ('/nullpunkt?lang=en', '/', '/')
    >>> safe_next("/\\\\evil"), safe_next(None)
    ('/', '/')
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in value):
        return "/"
    return value


def _login_required() -> bool:
    return os.environ.get("SDG_REQUIRE_LOGIN", "") == "1"


def _store():
    from ui.state import get_store  # the one Store of this process (st.cache_resource)

    return get_store()


# ------------------------------------------------------------------ one-time tickets
_tickets: dict[str, tuple[str, float]] = {}
_tickets_lock = threading.Lock()


def _new_ticket(name: str) -> str:
    ticket = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _tickets_lock:
        for key in [k for k, (_, exp) in _tickets.items() if exp < now]:
            del _tickets[key]
        _tickets[ticket] = (name, now + TICKET_SECONDS)
    return ticket


def _ticket_user(ticket: str, *, consume: bool) -> str | None:
    with _tickets_lock:
        entry = _tickets.get(ticket)
        if entry is None or entry[1] < time.monotonic():
            _tickets.pop(ticket, None)
            return None
        if consume:
            del _tickets[ticket]
        return entry[0]


# ------------------------------------------------------------------ the HTML pages
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1F2933;
background:#F2F4F7;margin:0;padding:1rem}
main{max-width:26rem;margin:3rem auto;background:#fff;padding:1.5rem 1.75rem;
border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
h1{font-size:1.5rem;margin:.25rem 0 1rem;color:#19486A}
p.app{margin:0;color:#4A5563;font-size:.95rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{width:100%;box-sizing:border-box;font-size:1rem;padding:.55rem .6rem;
border:1px solid #6B7280;border-radius:.35rem}
input:focus{outline:3px solid #19486A;outline-offset:1px}
button{margin-top:1.25rem;width:100%;font-size:1rem;padding:.65rem;border:0;
border-radius:.35rem;background:#19486A;color:#fff;font-weight:600;cursor:pointer}
button:focus{outline:3px solid #FD9D24;outline-offset:2px}
.help{color:#4A5563;font-size:.9rem}
.error{background:#FDECEC;color:#8A1C1C;border-left:4px solid #C5192D;padding:.6rem .8rem;
margin:1rem 0}
a{color:#19486A}
"""

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'")


def _page(lang: str, title: str, body: str) -> str:
    esc = html.escape
    return (f'<!doctype html><html lang="{esc(lang)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)} – {esc(t('accounts.page.app', lang))}</title>"
            f"<style>{_STYLE}</style></head><body><main>"
            f'<p class="app">{esc(t("accounts.page.app", lang))}</p>'
            f"<h1>{esc(title)}</h1>{body}</main></body></html>")


def _error_box(message: str | None) -> str:
    return f'<div class="error" role="alert">{html.escape(message)}</div>' if message else ""


def _hidden(**fields: str) -> str:
    return "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">'
                   for k, v in fields.items())


def _sign_in_form(lang: str, next_path: str, csrf: str, error: str | None = None,
                  name: str = "") -> str:
    esc = html.escape
    help_key = "accounts.help.required" if _login_required() else "accounts.help.open"
    hours = session_lifetime().total_seconds() / 3600
    hours_text = f"{hours:.0f}" if hours == int(hours) else f"{hours:.1f}".replace(".", ",")
    body = (
        f'<p class="help">{esc(t(help_key, lang))}</p>{_error_box(error)}'
        f'<form method="post" action="{base_path()}/{SIGN_IN_PATH}">'
        f"{_hidden(next=next_path, lang=lang, csrf=csrf)}"
        f'<label for="name">{esc(t("auth.user_name", lang))}</label>'
        f'<input id="name" name="name" autocomplete="username" required maxlength="200" '
        f'value="{esc(name)}"{"" if name else " autofocus"}>'
        f'<label for="password">{esc(t("auth.password", lang))}</label>'
        f'<input id="password" name="password" type="password" '
        f'autocomplete="current-password" required maxlength="{_MAX_FIELD}"'
        f'{" autofocus" if name else ""}>'
        f'<button type="submit">{esc(t("auth.sign_in", lang))}</button></form>'
        f'<p class="help">{esc(t("accounts.help.lasts", lang, hours=hours_text))}</p>'
        f'<p><a href="{esc(base_path() + next_path)}">{esc(t("accounts.back", lang))}</a></p>')
    return _page(lang, t("accounts.page.title", lang), body)


def _change_form(lang: str, next_path: str, csrf: str, ticket: str,
                 error: str | None = None) -> str:
    esc = html.escape
    body = (
        f'<p class="help">{esc(t("accounts.change.lead", lang))}</p>{_error_box(error)}'
        f'<form method="post" action="{base_path()}/{CHANGE_PATH}">'
        f"{_hidden(next=next_path, lang=lang, csrf=csrf, ticket=ticket)}"
        f'<label for="new">{esc(t("accounts.change.new", lang))}</label>'
        f'<input id="new" name="new" type="password" autocomplete="new-password" required '
        f'minlength="{MIN_PASSWORD_LENGTH}" maxlength="{_MAX_FIELD}" '
        f'aria-describedby="rule" autofocus>'
        f'<p id="rule" class="help">'
        f'{esc(t("accounts.change.rule", lang, n=MIN_PASSWORD_LENGTH))}</p>'
        f'<label for="repeat">{esc(t("accounts.change.repeat", lang))}</label>'
        f'<input id="repeat" name="repeat" type="password" autocomplete="new-password" '
        f'required maxlength="{_MAX_FIELD}">'
        f'<button type="submit">{esc(t("accounts.change.submit", lang))}</button></form>')
    return _page(lang, t("accounts.change.title", lang), body)


def _secure(request: Request) -> bool:
    """``Secure`` cookies behind HTTPS: the request's scheme (uvicorn takes it from
    ``X-Forwarded-Proto`` of a trusted proxy) or ``SDG_COOKIE_SECURE=1``."""
    return request.url.scheme == "https" or os.environ.get("SDG_COOKIE_SECURE") == "1"


def _html(request: Request, content: str, csrf: str, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(content, status_code=status, headers={
        "Cache-Control": "no-store", "Content-Security-Policy": _CSP,
        "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff"})
    if request.cookies.get(CSRF_COOKIE) != csrf:
        response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict",
                            secure=_secure(request), path=base_path() or "/")
    return response


def _csrf_of(request: Request) -> str:
    value = request.cookies.get(CSRF_COOKIE, "")
    return value if 20 <= len(value) <= 100 else secrets.token_urlsafe(24)


def _field(form, key: str) -> str:
    value = form.get(key, "")
    return value[:_MAX_FIELD] if isinstance(value, str) else ""


def _csrf_ok(request: Request, form) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie, _field(form, "csrf"))


def _signed_in_redirect(request: Request, name: str, next_path: str) -> Response:
    store = _store()
    store.end_session(request.cookies.get(SESSION_COOKIE), why="replaced")
    token = store.create_session(name)
    response = RedirectResponse(base_path() + next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, token, max_age=int(session_lifetime().total_seconds()),
                        httponly=True, samesite="lax", secure=_secure(request),
                        path=base_path() or "/")
    response.headers["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------ the endpoints
async def sign_in_page(request: Request) -> Response:
    """``GET /logg-inn?next=/side&lang=nb``: the form. ``POST``: check and sign in."""
    if request.method == "GET":
        lang = normalise_lang(request.query_params.get("lang"))
        next_path = safe_next(request.query_params.get("next"))
        csrf = _csrf_of(request)
        return _html(request, _sign_in_form(lang, next_path, csrf), csrf)
    form = await request.form()
    lang = normalise_lang(_field(form, "lang"))
    next_path = safe_next(_field(form, "next"))
    name, password = _field(form, "name").strip(), _field(form, "password")
    csrf = _csrf_of(request)
    if not _csrf_ok(request, form):
        return _html(request, _sign_in_form(lang, next_path, csrf,
                                            t("accounts.err.form_expired", lang), name),
                     csrf, 400)
    store = _store()
    try:
        await run_in_threadpool(store.sign_in, name, password)
    except SdgError as err:
        return _html(request, _sign_in_form(lang, next_path, csrf, err.message(lang), name),
                     csrf, 401)
    if store.must_change_password(name):
        ticket = _new_ticket(name)
        return _html(request, _change_form(lang, next_path, csrf, ticket), csrf)
    return await run_in_threadpool(_signed_in_redirect, request, name, next_path)


async def change_password_page(request: Request) -> Response:
    """``POST /nytt-passord``: the new password after a reset, then the session."""
    if request.method == "GET":  # a bookmark or reload of the form: start again
        return RedirectResponse(sign_in_url(safe_next(request.query_params.get("next"))),
                                status_code=303)
    form = await request.form()
    lang = normalise_lang(_field(form, "lang"))
    next_path = safe_next(_field(form, "next"))
    csrf = _csrf_of(request)
    ticket = _field(form, "ticket")
    name = _ticket_user(ticket, consume=False) if _csrf_ok(request, form) else None
    if name is None:
        return _html(request, _sign_in_form(lang, next_path, csrf,
                                            t("accounts.err.form_expired", lang)), csrf, 400)
    new, repeat = _field(form, "new"), _field(form, "repeat")
    try:
        if new != repeat:
            raise SdgError("accounts.err.mismatch")
        await run_in_threadpool(_store().set_own_password, name, new)
    except SdgError as err:
        return _html(request, _change_form(lang, next_path, csrf, ticket, err.message(lang)),
                     csrf, 400)
    _ticket_user(ticket, consume=True)
    return await run_in_threadpool(_signed_in_redirect, request, name, next_path)


def pack_path(path: str) -> str:
    """A local path in cookie-safe characters (base64url without padding).

    >>> pack_path("/nullpunkt?kommune=0301"), unpack_path(pack_path("/mål?x=1"))
    ('L251bGxwdW5rdD9rb21tdW5lPTAzMDE', '/mål?x=1')
    """
    return base64.urlsafe_b64encode(path.encode("utf-8")).decode("ascii").rstrip("=")


def unpack_path(packed: str) -> str:
    """The path :func:`pack_path` packed, made safe (``/`` for anything broken)."""
    try:
        raw = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4)).decode("utf-8")
    except ValueError:
        return "/"
    return safe_next(raw)


def sso_url(next_path: str = "/", lang: str = "nb") -> str:
    """The start of an OIDC sign-in that comes back to ``next_path``.

    >>> sso_url("/nullpunkt", "en")
    '/logg-inn/sso?next=%2Fnullpunkt&lang=en'
    """
    return f"{base_path()}/{SSO_PATH}?next={quote(next_path, safe='')}&lang={lang}"


async def sso_start(request: Request) -> Response:
    """``GET /logg-inn/sso?next=/side``: remember ``next`` in a short-lived cookie, then
    let the Konto page start ``st.login`` (Streamlit's OIDC flow returns to ``/``, where
    the app follows the cookie once)."""
    lang = normalise_lang(request.query_params.get("lang"))
    next_path = safe_next(request.query_params.get("next"))
    response = RedirectResponse(f"{base_path()}/konto?sso=1&lang={lang}", status_code=303)
    response.set_cookie(RETURN_COOKIE, f"{secrets.token_urlsafe(12)}.{pack_path(next_path)}",
                        max_age=RETURN_SECONDS, httponly=True, samesite="lax",
                        secure=_secure(request), path=base_path() or "/")
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[BaseRoute]:
    """``/logg-inn`` (GET form, POST sign-in), ``/nytt-passord`` (POST) and
    ``/logg-inn/sso`` (the start of an OIDC sign-in that comes back)."""
    base = base_path()
    return [Route(f"{base}/{SSO_PATH}", sso_start, methods=["GET"]),
            Route(f"{base}/{SIGN_IN_PATH}", sign_in_page, methods=["GET", "POST"]),
            Route(f"{base}/{CHANGE_PATH}", change_password_page, methods=["GET", "POST"])]
