"""A client for SSB's PxWebApi v2 (Statistikkbanken): table metadata and data as JSON-stat 2.0.

URL forms used (PxWebApi 2 user guide, https://github.com/PxTools/pxtools.github.io,
``docs/PxWebApi/documentation/user-guide.md``; the OpenAPI specification
https://github.com/PxTools/PxApiSpecs; the R package pxweb's ``pxweb_v2_data_request``
(POST to ``/tables/{tableId}/data`` with ``lang`` and ``outputFormat`` as query
parameters) and SSB's own PxWebApiData, which wraps the same endpoints)::

    {base}/tables/{id}?lang=no                                   table information
    {base}/tables/{id}/metadata?lang=no                          metadata, JSON-stat 2.0
    {base}/tables/{id}/data?lang=no&outputFormat=json-stat2
        &valueCodes[Region]=*&valueCodes[ContentsCode]=Personer1
        &valueCodes[Tid]=*                                       data by GET
        &codelist[Region]=agg_KommSummer&outputValues[Region]=aggregated
    POST {base}/tables/{id}/data?lang=no&outputFormat=json-stat2
        {"selection": [{"variableCode": "Region", "valueCodes": ["*"],
                        "codelist": "..."}, ...]}                data by POST

``base`` is ``$SDG_SSB_API``, default :data:`DEFAULT_BASE`. Selection expressions
(``*``, ``top(n)``, ``from(x)``) are passed through. A variable left out of the
selection is eliminated (SSB sums it or uses its elimination value); the time and
contents variables and KOSTRA's region ``KOKkommuneregion0000`` cannot be left out.

SSB's limits (SSB's API page; repeated in the guide and in public clients): 800,000
cells per extract and 30 calls a minute per address; a GET URL may not exceed about
2,100 characters. So this client

* counts the cells of a query from the metadata and splits it along time (then region)
  when it exceeds :data:`MAX_CELLS` (:func:`plan_chunks`);
* waits so that no more than :data:`CALLS_PER_MINUTE` calls start in any 60 seconds
  (:class:`Throttle`, every attempt counts);
* retries on 429 and 5xx and on lost connections, honouring ``Retry-After`` (seconds
  or an HTTP date), else with exponential backoff;
* uses a connect and a read timeout;
* goes through the proxy of ``HTTPS_PROXY`` / ``HTTP_PROXY`` (and honours ``NO_PROXY``):
  requests reads them from the environment (:meth:`Client.proxies_for` shows which);
* raises :class:`SsbError` with a message for the user on any failure, before anything
  is written (the pull writes only after every call has succeeded).

Why not ``pxwebpy`` (PyPI, v2 only): it returns parsed data frames, batches with its
own thread pool and caches in memory, while a pull here needs the response bytes
(their sha256 and SSB's ``updated`` are the provenance), our own JSON-stat reader
(:mod:`sdg.ingest`, so an API pull and a downloaded file are read the same way), a
strictly sequential throttle and explicit proxy and timeout handling. ``requests`` is
already in the environment, and the client is a page of code.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import math
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import quote

import requests

from sdg.errors import SdgError

DEFAULT_BASE = "https://data.ssb.no/api/pxwebapi/v2"
MAX_CELLS = 800_000
CALLS_PER_MINUTE = 30
#: Longest GET URL sent; longer queries go as POST (SSB: about 2,100 characters).
MAX_URL = 2000
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


def base_url() -> str:
    """The API base: ``$SDG_SSB_API`` or SSB's v2 endpoint.

    >>> import os; os.environ.pop("SDG_SSB_API", None) and None
    >>> base_url()
    'https://data.ssb.no/api/pxwebapi/v2'
    """
    return (os.environ.get("SDG_SSB_API") or DEFAULT_BASE).rstrip("/")


class SsbError(SdgError):
    """SSB or the network failed; nothing was written."""


# ------------------------------------------------------------------ throttle
class Throttle:
    """At most ``calls`` starts in any window of ``per`` seconds (a sliding window).

    >>> t = [0.0]; slept = []
    >>> th = Throttle(2, 60, clock=lambda: t[0], sleep=lambda s: (slept.append(s),
    ...                                                            t.__setitem__(0, t[0] + s)))
    >>> for _ in range(3): th.wait()
    >>> slept
    [60.0]
    """

    def __init__(self, calls: int = CALLS_PER_MINUTE, per: float = 60.0, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.calls, self.per = calls, per
        self._clock, self._sleep = clock, sleep
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            while self._starts and now - self._starts[0] >= self.per:
                self._starts.popleft()
            if len(self._starts) >= self.calls:
                self._sleep(self._starts[0] + self.per - now)
                now = self._clock()
                self._starts.popleft()
            self._starts.append(now)


#: One throttle per process: the limit is per address, not per client object.
SHARED_THROTTLE = Throttle()


# ------------------------------------------------------------------ queries
def cell_count(sizes: dict[str, int]) -> int:
    """Cells of a query: the product of the selected value counts.

    >>> cell_count({"Region": 900, "ContentsCode": 3, "Tid": 15})
    40500
    """
    return math.prod(sizes.values()) if sizes else 0


def plan_chunks(codes: dict[str, list[str]], max_cells: int = MAX_CELLS,
                split: Iterable[str] = ()) -> list[dict[str, list[str]]]:
    """Split a selection of explicit codes into queries of at most ``max_cells``.

    ``split`` names the dimensions that may be split, in order (time first, then
    region); each is cut into equal runs of codes. One query when it fits.

    >>> sel = {"Region": [f"{i:04d}" for i in range(900)], "ContentsCode": ["a", "b", "c"],
    ...        "Tid": [str(y) for y in range(1990, 2025)]}     # 900 × 3 × 35 = 94,500
    >>> len(plan_chunks(sel))
    1
    >>> parts = plan_chunks(sel, 40_000, split=["Tid", "Region"])
    >>> [len(p["Tid"]) for p in parts], max(cell_count({k: len(v) for k, v in p.items()})
    ...                                     for p in parts) <= 40_000
    ([14, 14, 7], True)
    >>> parts = plan_chunks(sel, 1_000, split=["Tid", "Region"])   # one year is 2,700
    >>> len(parts), {len(p["Tid"]) for p in parts}, sorted({len(p["Region"]) for p in parts})
    (105, {1}, [234, 333])
    """
    sizes = {k: len(v) for k, v in codes.items()}
    if cell_count(sizes) <= max_cells:
        return [codes]
    for dim in split:
        if dim not in codes or len(codes[dim]) <= 1:
            continue
        rest = cell_count(sizes) // sizes[dim]
        if rest <= max_cells:
            step = max(1, max_cells // rest)
            return [codes | {dim: codes[dim][i:i + step]}
                    for i in range(0, len(codes[dim]), step)]
        # even one code of this dimension is too much: one query per code, split further
        later = [d for d in split if d != dim]
        return [part for code in codes[dim]
                for part in plan_chunks(codes | {dim: [code]}, max_cells, later)]
    raise SsbError("ssb.err.too_many_cells", cells=cell_count(sizes), limit=max_cells)


def query_string(selection: dict[str, list[str]], codelists: dict[str, str] | None = None,
                 output_values: dict[str, str] | None = None, lang: str = "no") -> str:
    """The GET query of a selection (brackets and commas as in SSB's examples).

    >>> query_string({"Region": ["K-3203"], "Tid": ["*"]}, {"Region": "agg_KommSummer"},
    ...              {"Region": "aggregated"})
    'lang=no&outputFormat=json-stat2&valueCodes[Region]=K-3203&valueCodes[Tid]=*&codelist[Region]=agg_KommSummer&outputValues[Region]=aggregated'
    """
    def q(text: str) -> str:
        return quote(text, safe="*(),-_.")

    parts = [f"lang={lang}", "outputFormat=json-stat2"]
    parts += [f"valueCodes[{q(d)}]={','.join(q(c) for c in v)}" for d, v in selection.items()]
    parts += [f"codelist[{q(d)}]={q(c)}" for d, c in (codelists or {}).items()]
    parts += [f"outputValues[{q(d)}]={q(c)}" for d, c in (output_values or {}).items()]
    return "&".join(parts)


def post_body(selection: dict[str, list[str]], codelists: dict[str, str] | None = None) -> dict:
    """The POST body of a selection (PxWebApi 2 ``selection`` objects).

    >>> post_body({"Tid": ["2019"]}, {"Tid": "x"})
    {'selection': [{'variableCode': 'Tid', 'valueCodes': ['2019'], 'codelist': 'x'}]}
    """
    out = []
    for dim, values in selection.items():
        item = {"variableCode": dim, "valueCodes": list(values)}
        if codelists and dim in codelists:
            item["codelist"] = codelists[dim]
        out.append(item)
    return {"selection": out}


def metadata_codes(meta: dict) -> dict[str, list[str]]:
    """Every dimension's value codes in index order, from a JSON-stat metadata document.

    >>> metadata_codes({"id": ["Tid"], "dimension": {"Tid": {"category": {
    ...     "index": {"2020": 1, "2019": 0}}}}})
    {'Tid': ['2019', '2020']}
    """
    out = {}
    for dim in meta.get("id", []):
        index = meta["dimension"][dim].get("category", {}).get("index", {})
        out[dim] = sorted(index, key=index.__getitem__) if isinstance(index, dict) else list(index)
    return out


def eliminable(meta: dict, dim: str) -> bool:
    """Whether ``dim`` may be left out of a query (``extension.elimination``)."""
    return bool(meta["dimension"][dim].get("extension", {}).get("elimination", False))


def codelists(meta: dict, dim: str) -> set[str]:
    """The codelists (value sets and groupings) the metadata offers for ``dim``.

    >>> codelists({"dimension": {"Region": {"extension": {"codeLists": [
    ...     {"id": "agg_KommSummer", "label": "Kommuner 2024, summert"}]}}}}, "Region")
    {'agg_KommSummer'}
    """
    found = meta["dimension"].get(dim, {}).get("extension", {}).get("codeLists") or []
    return {c["id"] for c in found if isinstance(c, dict) and "id" in c}


def role_dim(meta: dict, role: str, fallback: str) -> str | None:
    """The dimension of a role (``geo``, ``time``, ``metric``), else the one named
    ``fallback`` or containing it.

    >>> role_dim({"id": ["KOKkommuneregion0000", "Tid"], "role": {"time": ["Tid"]}},
    ...          "geo", "region")
    'KOKkommuneregion0000'
    """
    names = meta.get("role", {}).get(role) or [d for d in meta.get("id", [])
                                               if d.lower() == fallback]
    if not names:
        names = [d for d in meta.get("id", []) if fallback in d.lower()]
    return names[0] if len(names) >= 1 else None


# ------------------------------------------------------------------ responses
@dataclass(frozen=True)
class Fetched:
    """One successful data call, with what its provenance needs."""

    table: str
    url: str
    method: str
    body: dict | None
    raw: bytes
    doc: dict
    fetched_at: datetime
    sha256: str
    updated: str | None
    cells: int


def _retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date).

    >>> _retry_after("7"), _retry_after(None), _retry_after("soon")
    (7.0, None, None)
    >>> _retry_after("Tue, 01 Dec 2026 20:00:30 GMT", datetime(2026, 12, 1, 20, 0, tzinfo=UTC))
    30.0
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def decode_dataset(raw: bytes, table: str) -> dict:
    """The JSON-stat 2.0 dataset of a response body, or :class:`SsbError`.

    >>> decode_dataset(b'{"class": "dataset", "id": ["Tid"], "size": [1],'
    ...                b' "dimension": {}, "value": [1]}', "x")["size"]
    [1]
    >>> decode_dataset(b"<html>", "07459")
    Traceback (most recent call last):
    ...
    sdg.ssb.SsbError: SSB svarte med noe som ikke er JSON-stat 2.0 for tabell 07459 (not JSON). Ingenting er endret.
    """
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SsbError("ssb.err.bad_body", table=table, detail="not JSON") from exc
    ok = (isinstance(doc, dict) and doc.get("class") == "dataset"
          and isinstance(doc.get("id"), list) and isinstance(doc.get("size"), list)
          and isinstance(doc.get("dimension"), dict) and "value" in doc
          and len(doc["id"]) == len(doc["size"]))
    if not ok:
        raise SsbError("ssb.err.bad_body", table=table, detail="not a JSON-stat dataset")
    return doc


@dataclass
class Client:
    """PxWebApi v2 client: metadata, data, splitting, throttle, retries, timeouts.

    Parameters
    ----------
    base : str, optional
        API base URL (default :func:`base_url`).
    timeout : (float, float)
        Connect and read timeout in seconds.
    retries : int
        Further attempts after a 429, a 5xx, a timeout or a lost connection.
    backoff : float
        First wait in seconds when SSB gives no ``Retry-After``; doubled each attempt.
    max_cells : int
        Cells per data call before the query is split.
    """

    base: str = field(default_factory=base_url)
    timeout: tuple[float, float] = (10.0, 120.0)
    retries: int = 4
    backoff: float = 2.0
    max_cells: int = MAX_CELLS
    lang: str = "no"
    throttle: Throttle = field(default_factory=lambda: SHARED_THROTTLE)
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    calls: int = 0

    # ------------------------------------------------------------- plumbing
    def proxies_for(self, url: str) -> dict[str, str]:
        """The proxies requests will use for ``url`` (from HTTPS_PROXY, HTTP_PROXY,
        NO_PROXY)."""
        return requests.utils.get_environ_proxies(url)

    def _send(self, method: str, url: str, table: str, body: dict | None = None
              ) -> requests.Response:
        """One request with throttle, retries and the user's messages on failure."""
        last: SsbError | None = None
        for attempt in range(self.retries + 1):
            self.throttle.wait()
            self.calls += 1
            wait = self.backoff * 2 ** attempt
            try:
                resp = self.session.request(method, url, json=body, timeout=self.timeout,
                                            headers={"Accept": "application/json"})
            except requests.Timeout:
                last = SsbError("ssb.err.timeout", table=table, seconds=self.timeout[1])
            except requests.RequestException as exc:
                last = SsbError("ssb.err.network", table=table, detail=type(exc).__name__)
            else:
                if resp.status_code < 400:
                    return resp
                if resp.status_code not in RETRY_STATUS:
                    raise SsbError("ssb.err.status", table=table, status=resp.status_code,
                                   detail=_ssb_message(resp))
                last = SsbError("ssb.err.unavailable", table=table, status=resp.status_code)
                after = _retry_after(resp.headers.get("Retry-After"))
                wait = after if after is not None else wait
            if attempt < self.retries:
                self.sleep(wait)
        raise last  # type: ignore[misc]

    # ------------------------------------------------------------------ API
    def metadata(self, table: str) -> dict:
        """The table's metadata (JSON-stat 2.0 with ``value: []``)."""
        url = f"{self.base}/tables/{quote(table)}/metadata?lang={self.lang}"
        resp = self._send("GET", url, table)
        try:
            meta = json.loads(resp.content.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SsbError("ssb.err.bad_body", table=table, detail="metadata") from exc
        if not (isinstance(meta, dict) and isinstance(meta.get("id"), list)
                and isinstance(meta.get("dimension"), dict)):
            raise SsbError("ssb.err.bad_body", table=table, detail="metadata")
        return meta

    def data(self, table: str, selection: dict[str, list[str]], *,
             codelists: dict[str, str] | None = None,
             output_values: dict[str, str] | None = None, cells: int = 0) -> Fetched:
        """One data call: GET when the URL is short enough, else POST."""
        query = query_string(selection, codelists, output_values, self.lang)
        url = f"{self.base}/tables/{quote(table)}/data?{query}"
        method, body = "GET", None
        if len(url) > MAX_URL:
            method = "POST"
            url = (f"{self.base}/tables/{quote(table)}/data?lang={self.lang}"
                   "&outputFormat=json-stat2"
                   + "".join(f"&outputValues[{d}]={v}" for d, v in (output_values or {}).items()))
            body = post_body(selection, codelists)
        resp = self._send(method, url, table, body)
        raw = resp.content
        doc = decode_dataset(raw, table)
        return Fetched(table=table, url=url, method=method, body=body, raw=raw, doc=doc,
                       fetched_at=datetime.now(UTC).replace(tzinfo=None),
                       sha256=hashlib.sha256(raw).hexdigest(), updated=doc.get("updated"),
                       cells=len(doc["value"]) if isinstance(doc["value"], list) else cells)

    def fetch(self, table: str, selection: dict[str, list[str]], meta: dict, *,
              codelists: dict[str, str] | None = None,
              output_values: dict[str, str] | None = None) -> list[Fetched]:
        """All of a selection, in as few calls as the cell limit allows.

        ``*`` is counted from the metadata; a query over :attr:`max_cells` is split
        along time, then region, with explicit codes.
        """
        all_codes = metadata_codes(meta)
        sizes = {d: (len(all_codes.get(d, [])) if v == ["*"] else len(v))
                 for d, v in selection.items()}
        cells = cell_count(sizes)
        if cells <= self.max_cells or codelists:
            return [self.data(table, selection, codelists=codelists,
                              output_values=output_values, cells=cells)]
        explicit = {d: (all_codes[d] if v == ["*"] else list(v)) for d, v in selection.items()}
        split = [d for d in (role_dim(meta, "time", "tid"), role_dim(meta, "geo", "region"))
                 if d]
        return [self.data(table, part) for part in plan_chunks(explicit, self.max_cells, split)]


def _ssb_message(resp: requests.Response) -> str:
    """SSB's own explanation of an error (``title``/``detail`` of a problem document)."""
    try:
        doc = resp.json()
    except ValueError:
        return resp.reason or ""
    if isinstance(doc, dict):
        return str(doc.get("title") or doc.get("detail") or doc.get("message") or "")[:200]
    return ""
