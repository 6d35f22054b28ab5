"""The participant's side of a live workshop as light routes beside Streamlit.

A vote must not cost a Streamlit rerun (issue 13: a rerun plus Streamlit's post-script
GC per submission made 300 phones wait minutes). So the participant never opens a
Streamlit session: ``/w/CODE`` is a small server-rendered HTML page with one plain
form for all of the session's items on every axis (it works without JavaScript), and
a few lines of JavaScript make it nicer: the count of answered items and the list of
unanswered ones before sending, sending as JSON without a reload, and following the
facilitator (a long poll of ``/api/w/CODE/status``: opened → the form, closed →
"Avstemningen er stengt", results shown → the result).

Routes (served by the same process as Streamlit through ``st.App``, so they use the
same :func:`sdg.store.shared_store` and its one vote writer):

- ``GET /w`` — the code box; ``GET /w?code=K7M4P`` → ``/w/K7M4P``.
- ``GET /w/{code}`` — join (a new participant, or the one in the cookie ``sdg_w_CODE``
  or ``?p=``) and the page. ``POST /w/{code}`` — the plain form: saves, then redirects
  to the page with the count of what was saved (post/redirect/get).
- ``POST /api/w/{code}/answers`` — ``{"token": …, "answers": {axis: {subject: value}}}``
  → ``{"ok", "status", "saved", "total", "message"}``.
- ``GET /api/w/{code}/status[?since=VERSION]`` — ``{"state", "show_results", "version",
  "results_html"?}``; with ``since`` it waits until the status changes (a long poll).

The participant token is the credential: every write needs it in the request body
(a form field or JSON), so a cross-site form cannot vote for someone; the cookie only
recognises a returning phone. Everything written into the page is escaped.
"""

from __future__ import annotations

import asyncio
import html
import json
import threading
import time
from urllib.parse import parse_qs, quote, urlencode

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from sdg.errors import InvalidInput, NotFound, SdgError
from sdg.i18n import LANGS, normalise_lang, t
from sdg.store import shared_store
from sdg.workshop import (
    join,
    live_ratings,
    my_ratings,
    normalise_code,
    ranking,
    record_answers,
    scale_steps,
    status,
    status_cached,
    subject_labels,
    valid_token,
)
from web.auth import base_path

WAIT_STEP_S = 0.5  # a waiting status request looks at the session this often …
WAIT_MAX_S = 25.0  # … and answers after this long at the latest (proxies time out)
RESULTS_TTL_S = 1.0  # the result as HTML is rebuilt at most this often per session
COOKIE = "sdg_w_"


def routes() -> list[BaseRoute]:
    """The participant's routes (see the module docstring), under the app's
    ``server.baseUrlPath`` like the rest of the app."""
    base = base_path()
    return [
        Route(f"{base}/w", enter_code, methods=["GET"]),
        Route(f"{base}/w/{{code}}", participant_page, methods=["GET", "POST"]),
        Route(f"{base}/api/w/{{code}}/answers", answers_api, methods=["POST"]),
        Route(f"{base}/api/w/{{code}}/status", status_api, methods=["GET"]),
    ]


def middleware() -> list[Middleware]:
    """Old links and QR codes (``/?w=CODE``, ``/delta?w=CODE``) go to ``/w/CODE``."""
    return [Middleware(WorkshopLinkRedirect)]


class WorkshopLinkRedirect:
    """ASGI middleware: a browser's ``GET /?w=CODE`` (the participant link of the
    Streamlit app before issue 13) is redirected to the light page ``/w/CODE``, with
    the language kept. Anything else passes through untouched."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET" \
                and scope.get("path") in (base_path() or "/", f"{base_path()}/",
                                          f"{base_path()}/delta"):
            query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
            code = (query.get("w") or [""])[0]
            if code:
                extra = {"lang": query["lang"][0]} if "lang" in query else {}
                target = f"{base_path()}/w/{quote(code)}" + (f"?{urlencode(extra)}" if extra else "")
                await RedirectResponse(target, status_code=307)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# ------------------------------------------------------------------------ helpers
def _store():
    return shared_store()


def _lang(request: Request) -> str:
    """``?lang=`` if given, else English for a browser that asks for it first, else nb."""
    if "lang" in request.query_params:
        return normalise_lang(request.query_params["lang"])
    accept = request.headers.get("accept-language", "").lower().lstrip()
    return "en" if accept.startswith("en") else "nb"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


_CATALOGUE: dict[str, tuple[pd.DataFrame, dict[str, dict[str, str]]]] = {}
_CATALOGUE_LOCK = threading.Lock()


def _labels(store, lang: str) -> dict[str, str]:
    """Subject labels in ``lang`` (the catalogue is read once per process)."""
    with _CATALOGUE_LOCK:
        cached = _CATALOGUE.get(store.path)
        if cached is None:
            goals, targets = store.goals(), store.targets()
            cached = _CATALOGUE[store.path] = (goals, {
                lg: subject_labels(goals, targets, lg) for lg in LANGS})
    return cached[1][lang]


def _goal_colours(store) -> dict[int, str]:
    _labels(store, "nb")
    goals = _CATALOGUE[store.path][0]
    return dict(zip(goals["goal"].astype(int), goals["colour"], strict=True))


def _num(x: float, lang: str) -> str:
    """One decimal, the Norwegian comma in bokmål and nynorsk.

    >>> _num(4.25, "nb"), _num(4.25, "nn"), _num(4.25, "en")
    ('4,2', '4,2', '4.2')
    """
    text = f"{x:.1f}"
    return text if lang == "en" else text.replace(".", ",")


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _message(err: SdgError, lang: str) -> str:
    return err.message(lang)


def _http_status(err: SdgError) -> int:
    if isinstance(err, NotFound):
        return 404
    key = getattr(err, "key", "")
    if key in ("workshop.err.too_fast", "workshop.err.too_many_joins"):
        return 429
    if key in ("workshop.err.not_open", "workshop.err.closed", "workshop.err.archived",
               "workshop.err.session_full"):
        return 409
    return 400


# ----------------------------------------------------------------------- results
_RESULTS: dict[tuple[str, str], tuple[float, str]] = {}
_RESULTS_LOCK = threading.Lock()


def results_html(store, code: str, lang: str) -> str:
    """The session's ranking per axis as plain HTML bars in ``lang`` (rebuilt at most
    every :data:`RESULTS_TTL_S` seconds)."""
    key = (code, lang)
    with _RESULTS_LOCK:  # one thread builds it; the others of a burst wait and reuse it
        cached = _RESULTS.get(key)
        now = time.monotonic()
        if cached is not None and now - cached[0] < RESULTS_TTL_S:
            return cached[1]
        text = _build_results(store, code, lang)
        _RESULTS[key] = (time.monotonic(), text)
        return text


def _build_results(store, code: str, lang: str) -> str:
    rank = ranking(live_ratings(store, code))
    labels = _labels(store, lang)
    colours = _goal_colours(store)
    parts = [f"<h2>{_e(t('workshop.results', lang))}</h2>"]
    if rank.empty:
        parts.append(f"<p>{_e(t('workshop.no_votes', lang))}</p>")
    s = status(store, code)
    lo, hi = float(s["scale_min"]), float(s["scale_max"])
    for axis, part in rank.groupby("axis", sort=False):
        parts.append(f"<h3>{_e(t(f'materiality.axis.{axis}', lang))}</h3><ol class='bars'>")
        for row in part.itertuples():
            mean = row.mean if pd.notna(row.mean) else lo + row.score * (hi - lo)
            width = 100 * (mean - lo) / (hi - lo) if hi > lo else 0
            colour = colours.get(int(str(row.subject).split(".")[0]), "#777777")
            parts.append(
                f"<li><span class='lbl'>{_e(labels.get(row.subject, row.subject))}</span>"
                f"<span class='bar'><span style='width:{max(width, 2):.0f}%;"
                f"background:{_e(colour)}'></span></span>"
                f"<span class='val'>{_e(_num(mean, lang))} (n={int(row.n)})</span></li>")
        parts.append("</ol>")
    return "".join(parts)


# ------------------------------------------------------------------------- pages
_CSS = """
*{box-sizing:border-box}body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
margin:0;color:#1F2933;background:#fff;font-size:17px;line-height:1.4}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:1.5rem 0 .25rem}
.lang{text-align:right;margin:0}.lang a{color:#19486A}
fieldset.item{border:1px solid #D0D5DD;border-radius:.5rem;margin:.6rem 0;padding:.5rem .6rem}
fieldset.item legend{font-weight:600;padding:0 .25rem}
fieldset.unanswered{border-color:#B54708;background:#FFFAEB}
.un{display:none;color:#B54708;font-weight:600;font-size:.9rem;margin-left:.4rem}
fieldset.unanswered .un{display:inline}
.steps{display:flex;gap:.4rem}.steps label{flex:1}
.steps input{position:absolute;opacity:0;width:1px;height:1px}
.steps span{display:block;text-align:center;padding:.7rem 0;border:2px solid #19486A;
border-radius:.5rem;font-size:1.2rem;min-height:3rem;cursor:pointer}
.steps input:checked+span{background:#19486A;color:#fff}
.steps input:focus-visible+span{outline:3px solid #1F2933;outline-offset:2px}
button:focus-visible,a:focus-visible,input[type=text]:focus-visible{outline:3px solid #1F2933;
outline-offset:2px}
button{width:100%;font-size:1.2rem;padding:.9rem;margin:1rem 0;border:0;border-radius:.5rem;
background:#19486A;color:#fff;cursor:pointer}button:disabled{opacity:.6}
.ok{background:#ECFDF3;border-left:5px solid #067647;padding:.7rem}
.err{background:#FEF3F2;border-left:5px solid #B42318;padding:.7rem}
.note{background:#F2F4F7;padding:.7rem;border-radius:.5rem}
#summary{font-weight:600}#missing{margin:.25rem 0 0;padding-left:1.2rem;color:#B54708}
ol.bars{list-style:none;padding:0}ol.bars li{margin:.4rem 0}
.lbl{display:block}.bar{display:inline-block;width:70%;height:1rem;background:#F2F4F7;
vertical-align:middle}.bar span{display:block;height:100%}.val{margin-left:.5rem}
input[type=text]{font-size:1.4rem;width:100%;padding:.6rem;text-transform:uppercase}
[hidden]{display:none!important}
"""

_JS = """
(function(){
var b=document.body,code=b.dataset.code,lang=b.dataset.lang,T=JSON.parse(b.dataset.texts);
var form=document.getElementById('vote'),msg=document.getElementById('msg');
var sum=document.getElementById('summary'),miss=document.getElementById('missing');
function update(){var items=form.querySelectorAll('fieldset.item'),n=0,m=[];
 items.forEach(function(f){var ok=!!f.querySelector('input:checked');
  f.classList.toggle('unanswered',!ok);if(ok){n++}else{m.push(f.dataset.label)}});
 sum.textContent=T.answered.replace('{n}',n).replace('{total}',items.length);
 miss.innerHTML='';if(m.length){var h=document.createElement('li');h.textContent=T.missing;
  h.style.listStyle='none';h.style.marginLeft='-1.2rem';miss.appendChild(h);
  m.forEach(function(x){var li=document.createElement('li');li.textContent=x;miss.appendChild(li)})}}
form.addEventListener('change',update);update();
form.addEventListener('submit',function(e){e.preventDefault();var a={};
 form.querySelectorAll('input[type=radio]:checked').forEach(function(i){
  var k=i.name.split(':');(a[k[0]]=a[k[0]]||{})[k[1]]=Number(i.value)});
 var btn=form.querySelector('button');btn.disabled=true;msg.className='note';msg.textContent=T.sending;
 fetch(b.dataset.base+'/api/w/'+code+'/answers?lang='+lang,{method:'POST',headers:{'Content-Type':'application/json'},
  body:JSON.stringify({token:form.elements.p.value,answers:a})})
 .then(function(r){return r.json()}).then(function(j){msg.className=j.ok?'ok':'err';msg.textContent=j.message})
 .catch(function(){msg.className='err';msg.textContent=T.failed})
 .then(function(){btn.disabled=false;msg.scrollIntoView({block:'nearest'})})});
var parts={draft:'waiting',open:'vote',closed:'closed',archived:'closed'};
function apply(j){['waiting','vote','closed'].forEach(function(id){
  document.getElementById(id).hidden=(parts[j.state]!==id)});
 var r=document.getElementById('results');r.hidden=!j.show_results;
 if(j.show_results&&j.results_html!==undefined&&r.dataset.html!==j.results_html){
  r.innerHTML=j.results_html;r.dataset.html=j.results_html}
 b.dataset.state=j.state}
var version=b.dataset.version;
function poll(){fetch(b.dataset.base+'/api/w/'+code+'/status?lang='+lang+'&since='+encodeURIComponent(version),
  {cache:'no-store'}).then(function(r){if(!r.ok)throw r;return r.json()})
 .then(function(j){if(j.state){apply(j);version=j.version}setTimeout(poll,50)})
 .catch(function(){setTimeout(poll,2000)})}
setTimeout(poll,200);
})();
"""


def _page(title: str, body: str, lang: str, attrs: str = "", script: bool = False) -> str:
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f"<body {attrs}><main>{body}</main>"
            + (f"<script>{_JS}</script>" if script else "") + "</body></html>")


def _lang_link(path: str, lang: str, extra: dict | None = None) -> str:
    other = "nb" if lang == "en" else "en"  # nb and nn readers get English, English readers bokmål
    query = urlencode({**(extra or {}), "lang": other})
    return (f"<p class='lang'><a href='{_e(path)}?{_e(query)}' hreflang='{other}'>"
            f"{_e(t('workshop.delta.language', lang))}</a></p>")


def _code_form(lang: str, error: str = "", typed: str = "") -> str:
    msg = f"<div id='msg' class='err' role='alert'>{_e(error)}</div>" if error else ""
    body = (_lang_link(f"{base_path()}/w", lang) + f"<h1>{_e(t('workshop.delta.title', lang))}</h1>{msg}"
            f"<form method='get' action='{base_path()}/w'><input type='hidden' name='lang' value='{lang}'>"
            f"<label for='code'>{_e(t('workshop.delta.code', lang))}</label>"
            f"<input type='text' id='code' name='code' maxlength='9' autocomplete='off'"
            f" autocapitalize='characters' value='{_e(typed)}' required>"
            f"<button type='submit'>{_e(t('workshop.delta.go', lang))}</button></form>")
    return _page(t("workshop.delta.title", lang), body, lang)


def enter_code(request: Request) -> Response:
    """``GET /w``: the code box; with ``?code=`` → the session's page."""
    lang = _lang(request)
    typed = request.query_params.get("code", "")
    if not typed:
        return HTMLResponse(_code_form(lang))
    try:
        code = normalise_code(typed)
    except SdgError as err:
        return HTMLResponse(_code_form(lang, _message(err, lang), typed), status_code=400)
    return RedirectResponse(f"{base_path()}/w/{code}?lang={lang}", status_code=303)


def _token_of(request: Request, code: str) -> str | None:
    for token in (request.query_params.get("p"), request.cookies.get(COOKIE + code)):
        if token and valid_token(token):
            return token
    return None


async def participant_page(request: Request) -> Response:
    """``GET``: join and show the page; ``POST``: the plain form (no JavaScript)."""
    if request.method == "POST":
        return await _form_post(request)
    return await run_in_threadpool(_show, request)


async def _form_post(request: Request) -> Response:
    form = await request.form()
    fields = {k: str(v) for k, v in form.items()}
    return await run_in_threadpool(_save_form, request, fields)


def _show(request: Request, notice: tuple[str, str] | None = None) -> Response:
    lang = _lang(request)
    store = _store()
    try:
        code = normalise_code(request.path_params["code"])
        s = status(store, code)  # the session, read at most twice a second
    except SdgError as err:
        return HTMLResponse(_code_form(lang, _message(err, lang)), status_code=404)
    known = _token_of(request, code)
    token = known
    try:
        token = join(store, code, known, client=_client(request))
    except InvalidInput as err:
        if token is None or s["state"] != "closed":  # a closed session: still show its page
            return HTMLResponse(_error_page(s, lang, _message(err, lang)),
                                status_code=_http_status(err))
    saved = request.query_params.get("saved")
    if notice is None and saved is not None and saved.isdigit():
        total = len(s["subjects"]) * len(s["axes"])
        notice = ("ok", t("workshop.delta.saved_count", lang, n=int(saved), total=total))
    mine = my_ratings(store, code, token) if token and token == known else {}  # new: none
    response = HTMLResponse(_participant_html(store, s, token or "", mine, lang, notice))
    if token:
        response.set_cookie(COOKIE + code, token, max_age=7 * 24 * 3600, httponly=True,
                            samesite="lax", path=base_path() or "/")
    response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(s: dict, lang: str, message: str) -> str:
    body = (f"<h1>{_e(s['name'])}</h1><div id='msg' class='err' role='alert'>{_e(message)}</div>")
    return _page(s["name"], body, lang)


def _participant_html(store, s: dict, token: str, mine: dict, lang: str,
                      notice: tuple[str, str] | None) -> str:
    code = s["code"]
    labels = _labels(store, lang)
    steps = scale_steps(s["scale_min"], s["scale_max"])
    scale_labels = list(s.get("scale_labels") or [])
    legend = " · ".join(f"{v} = {lab}" for v, lab in zip(steps, scale_labels, strict=False)
                        if lab) or f"{steps[0]}–{steps[-1]}"
    state = s["state"]
    items = []
    for axis in s["axes"]:
        items.append(f"<h2>{_e(t(f'workshop.delta.question.{axis}', lang))}</h2>"
                     f"<p>{_e(t('workshop.delta.scale', lang, legend=legend))}</p>")
        for subject in s["subjects"]:
            label = labels.get(subject, subject)
            now = mine.get(axis, {}).get(subject)
            name = f"{axis}:{subject}"
            radios = "".join(
                f"<label><input type='radio' name='{_e(name)}' value='{v}'"
                f"{' checked' if now is not None and int(now) == v else ''}><span>{v}</span></label>"
                for v in steps)
            axis_name = t(f"materiality.axis.{axis}", lang)
            items.append(
                f"<fieldset class='item{'' if now is not None else ' unanswered'}'"
                f" data-label='{_e(label)} ({_e(axis_name)})'>"
                f"<legend>{_e(label)}<span class='un'>{_e(t('workshop.delta.unanswered', lang))}"
                f"</span></legend><div class='steps'>{radios}</div></fieldset>")
    n_items = len(s["subjects"]) * len(s["axes"])
    answered = sum(len(v) for v in mine.values())
    msg_class, msg_text = notice or ("", "")
    if not notice and answered and state == "open":
        msg_class, msg_text = "note", t("workshop.delta.saved_before", lang)
    texts = json.dumps({"answered": t("workshop.delta.answered", lang, n="{n}", total="{total}"),
                        "missing": t("workshop.delta.unanswered_list", lang),
                        "sending": t("workshop.delta.sending", lang),
                        "failed": t("workshop.delta.send_failed", lang)}, ensure_ascii=False)
    show = bool(s["show_results"])
    body = (
        _lang_link(f"{base_path()}/w/{code}", lang)
        + f"<h1>{_e(s['name'])}</h1>"
        + f"<div id='msg' class='{msg_class}' role='status' aria-live='polite'>{_e(msg_text)}</div>"
        + f"<section id='waiting' class='note'{'' if state == 'draft' else ' hidden'}>"
        f"{_e(t('workshop.delta.waiting_live', lang))}</section>"
        + f"<section id='closed' class='note'{'' if state in ('closed', 'archived') else ' hidden'}>"
        f"{_e(t('workshop.delta.closed', lang))}</section>"
        + f"<form id='vote' method='post' action='{base_path()}/w/{code}?lang={lang}'"
        f"{'' if state == 'open' else ' hidden'}>"
        f"<input type='hidden' name='p' value='{_e(token)}'>" + "".join(items)
        + f"<p id='summary'>{_e(t('workshop.delta.answered', lang, n=answered, total=n_items))}</p>"
        "<ul id='missing'></ul>"
        f"<button type='submit'>{_e(t('workshop.delta.submit', lang))}</button></form>"
        + f"<section id='results'{'' if show else ' hidden'}>"
        + (results_html(store, code, lang) if show else "") + "</section>"
        + f"<noscript><p class='note'>{_e(t('workshop.delta.noscript', lang))}</p></noscript>")
    attrs = (f"data-code='{_e(code)}' data-base='{_e(base_path())}' data-lang='{lang}' data-state='{_e(state)}'"
             f" data-version='{_e(state)}:{int(show)}'"
             f" data-texts='{_e(texts)}'")
    return _page(s["name"], body, lang, attrs, script=True)


def _answers_from_form(fields: dict[str, str]) -> dict[str, dict[str, float]]:
    """``{"priority:4": "5", …}`` → ``{"priority": {"4": 5.0}}`` (other fields ignored).

    >>> _answers_from_form({"p": "x", "priority:4": "5", "influence:4": "2"})
    {'priority': {'4': 5.0}, 'influence': {'4': 2.0}}
    """
    answers: dict[str, dict[str, float]] = {}
    for name, value in fields.items():
        axis, sep, subject = name.partition(":")
        if sep and subject:
            try:
                answers.setdefault(axis, {})[subject] = float(value)
            except ValueError:
                answers.setdefault(axis, {})[subject] = value  # refused by the check
    return answers


def _save_form(request: Request, fields: dict[str, str]) -> Response:
    lang = _lang(request)
    store = _store()
    token = fields.get("p", "")
    try:
        code = normalise_code(request.path_params["code"])
        result = record_answers(store, code, token, _answers_from_form(fields))
    except SdgError as err:
        return _show(request, ("err", _message(err, lang)))
    query = urlencode({"lang": lang, "saved": result.n_ratings}
                      | ({} if request.cookies.get(COOKIE + code) else {"p": token}))
    return RedirectResponse(f"{base_path()}/w/{code}?{query}", status_code=303)


# --------------------------------------------------------------------------- API
async def answers_api(request: Request) -> Response:
    """``POST /api/w/{code}/answers``: one submission of all the participant's answers."""
    lang = _lang(request)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("answers"), dict) \
            or not all(isinstance(v, dict) for v in body["answers"].values()):
        return JSONResponse({"ok": False, "message": t("workshop.err.empty_vote", lang)},
                            status_code=400)
    return await run_in_threadpool(_save_json, request, body, lang)


def _save_json(request: Request, body: dict, lang: str) -> Response:
    store = _store()
    try:
        code = normalise_code(request.path_params["code"])
        result = record_answers(store, code, str(body.get("token") or ""), body["answers"])
    except SdgError as err:
        return JSONResponse({"ok": False, "message": _message(err, lang)},
                            status_code=_http_status(err))
    return JSONResponse({
        "ok": True, "status": result.status, "saved": result.n_ratings,
        "total": result.n_items,
        "message": t("workshop.delta.saved_count", lang, n=result.n_ratings,
                     total=result.n_items)})


def _version(now: dict) -> str:
    return f"{now['state']}:{int(now['show_results'])}"


async def _current(store, code: str) -> dict:
    """The session's status: from memory when fresh (no thread hop, no query), else
    read in the thread pool."""
    now = status_cached(store, code)
    if now is None:
        now = await run_in_threadpool(status, store, code)
    return now


async def status_api(request: Request) -> Response:
    """``GET /api/w/{code}/status[?since=VERSION]``: what the phone follows (see
    :func:`sdg.workshop.status`), with the result as HTML once it is shown.

    With ``since`` (the ``version`` of the phone's last answer) this is a long poll: it
    answers as soon as the status differs, checking every :data:`WAIT_STEP_S` seconds,
    or after :data:`WAIT_MAX_S` with the same status. So a waiting phone costs a
    coroutine, not a request every second and a half, and still follows within
    about a second."""
    lang = _lang(request)
    store = _store()
    try:
        code = normalise_code(request.path_params["code"])
        now = await _current(store, code)
        since = request.query_params.get("since")
        if since:
            deadline = time.monotonic() + WAIT_MAX_S
            while _version(now) == since and time.monotonic() < deadline:
                await asyncio.sleep(WAIT_STEP_S)  # a phone gone meanwhile costs only this
                now = await _current(store, code)
    except SdgError as err:
        return JSONResponse({"message": _message(err, lang)}, status_code=_http_status(err))
    out = {"state": now["state"], "show_results": now["show_results"], "version": _version(now)}
    if now["show_results"]:
        cached = _RESULTS.get((code, lang))
        if cached is not None and time.monotonic() - cached[0] < RESULTS_TTL_S:
            out["results_html"] = cached[1]
        else:
            out["results_html"] = await run_in_threadpool(results_html, store, code, lang)
    return JSONResponse(out, headers={"Cache-Control": "no-store"})
