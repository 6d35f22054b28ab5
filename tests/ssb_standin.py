"""A small PxWebApi v2 stand-in for the tests, on 127.0.0.1 (never the real SSB).

It serves ``/tables/{id}/metadata`` and ``/tables/{id}/data`` (GET with
``valueCodes[...]``, ``codelist[...]``, ``outputValues[...]``, or POST with a
``selection`` body) for tables described by :class:`Cube`, in the JSON-stat 2.0 shape
of SSB's real responses (``../shared/data/indicators/ssb_exports/07459_…json`` and
``../shared/data/real/16_ssb_12191_…json``: ``class``, ``label``, ``source``,
``updated``, ``id``, ``size``, ``dimension`` with ``label`` and ``category``
``index``/``label``/``unit``, ``value``, a sparse ``status``, ``role``, ``version`` and
``extension.px``). ``script`` queues misbehaviour for the next requests: a status with
headers, a delay, or a body.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Cube:
    """One table: dimensions (id, label, {code: label}) and a value per cell key."""

    table: str
    title: str
    dims: list[tuple[str, str, dict[str, str]]]
    values: dict[tuple[str, ...], float | None]
    status: dict[tuple[str, ...], str] = field(default_factory=dict)
    units: dict[str, tuple[str, int]] = field(default_factory=dict)
    geo: str | None = None
    eliminable: frozenset[str] = frozenset()
    updated: str = "2026-06-15T06:00:00Z"
    #: codelist id → {group code: [member codes]} (sums, like agg_KommSummer)
    aggregations: dict[str, dict[str, list[str]]] = field(default_factory=dict)

    @classmethod
    def from_dataset(cls, doc: dict, geo: str, eliminable: frozenset[str] = frozenset()
                     ) -> Cube:
        """A cube serving exactly the cells of a real SSB JSON-stat 2.0 response."""
        dims = []
        for d in doc["id"]:
            cat = doc["dimension"][d]["category"]
            index = cat["index"]
            codes = sorted(index, key=index.__getitem__) if isinstance(index, dict) else index
            dims.append((d, doc["dimension"][d].get("label", d),
                         {c: cat.get("label", {}).get(c, c) for c in codes}))
        keys = list(itertools.product(*[list(c) for _, _, c in dims]))
        raw = doc["value"]
        values = ([raw[i] for i in range(len(keys))] if isinstance(raw, list)
                  else [raw.get(str(i)) for i in range(len(keys))])
        status = doc.get("status") or {}
        if isinstance(status, list):
            status = {str(i): v for i, v in enumerate(status) if v}
        units = {c: (u.get("base", ""), int(u.get("decimals", 0))) for c, u in
                 doc["dimension"]["ContentsCode"]["category"].get("unit", {}).items()}
        label = doc.get("label", "")
        return cls(table=doc["extension"]["px"]["tableid"], title=label.split(": ", 1)[-1],
                   dims=dims, values=dict(zip(keys, values, strict=True)),
                   status={keys[int(i)]: v for i, v in status.items()}, units=units,
                   geo=geo, eliminable=eliminable, updated=doc.get("updated", ""))

    def dim(self, name: str) -> dict[str, str]:
        return next(c for d, _, c in self.dims if d == name)

    def _dimension(self, name: str, label: str, codes: dict[str, str]) -> dict:
        category: dict = {"index": {c: i for i, c in enumerate(codes)},
                          "label": dict(codes)}
        if name == "ContentsCode":
            category["unit"] = {c: {"base": self.units.get(c, ("antall", 0))[0],
                                    "decimals": self.units.get(c, ("antall", 0))[1]}
                                for c in codes}
        out = {"label": label, "category": category,
               "extension": {"elimination": name in self.eliminable, "show": "value",
                             "codeLists": [{"id": k, "label": k, "type": "Aggregation"}
                                           for k in self.aggregations] if name == self.geo
                             else []}}
        if name == self.geo:
            out["link"] = {"describedby": [{"extension": {name: "urn:ssb:classification:klass:131"}}]}
        return out

    def role(self) -> dict:
        role = {"time": ["Tid"], "metric": ["ContentsCode"]}
        if self.geo and not self.geo.startswith("KOK"):  # like 07459; KOSTRA (12191) has none
            role["geo"] = [self.geo]
        return role

    def metadata(self) -> dict:
        return {"version": "2.0", "class": "dataset", "label": f"{self.table}: {self.title}",
                "source": "Statistisk sentralbyrå", "updated": self.updated,
                "id": [d for d, _, _ in self.dims],
                "size": [len(c) for _, _, c in self.dims],
                "dimension": {d: self._dimension(d, lab, c) for d, lab, c in self.dims},
                "role": self.role(),
                "extension": {"px": {"infofile": "None", "tableid": self.table, "decimals": 0}},
                "value": []}

    def dataset(self, chosen: dict[str, list[str]], output: dict[str, str],
                codelists: dict[str, str]) -> dict:
        dims, status, values = [], {}, []
        for d, lab, codes in self.dims:
            if d in chosen:
                if codelists.get(d) in self.aggregations:
                    groups = self.aggregations[codelists[d]]
                    keep = {c: self.dim(d).get(groups[c][0], c) for c in chosen[d]}
                else:
                    keep = {c: codes[c] for c in chosen[d]}
            else:  # eliminated: the first code stands for the total
                keep = dict(itertools.islice(codes.items(), 1))
            dims.append((d, lab, keep))
        for i, key in enumerate(itertools.product(*[list(c) for _, _, c in dims])):
            geo_at = [d for d, _, _ in dims].index(self.geo) if self.geo else None
            members = [key]
            if geo_at is not None and output.get(self.geo) == "aggregated":
                groups = self.aggregations[codelists[self.geo]]
                members = [key[:geo_at] + (m,) + key[geo_at + 1:] for m in groups[key[geo_at]]]
            found = [self.values.get(k) for k in members]
            if all(v is None for v in found):
                values.append(None)
                symbol = self.status.get(key, ".")
                status[str(i)] = symbol
            else:
                values.append(sum(v for v in found if v is not None))
        doc = self.metadata()
        doc["id"] = [d for d, _, _ in dims]
        doc["size"] = [len(c) for _, _, c in dims]
        doc["dimension"] = {d: self._dimension(d, lab, c) for d, lab, c in dims}
        doc["value"] = values
        if status:
            doc["status"] = status
        return doc


def _select(codes: list[str], expr: list[str]) -> list[str]:
    out: list[str] = []
    for e in expr:
        if e == "*":
            out += codes
        elif m := re.fullmatch(r"top\((\d+)\)", e):
            out += codes[-int(m.group(1)):]
        elif m := re.fullmatch(r"from\((.+)\)", e):
            out += codes[codes.index(m.group(1)):]
        elif e in codes:
            out.append(e)
        else:
            raise KeyError(e)
    return list(dict.fromkeys(out))


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, cubes: list[Cube], max_cells: int = 800_000) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.cubes = {c.table: c for c in cubes}
        self.max_cells = max_cells
        self.script: list[tuple] = []
        self.requests: list[dict] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/pxwebapi/v2"

    def start(self) -> StandIn:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def data_requests(self) -> list[dict]:
        return [r for r in self.requests if r["path"].endswith("/data")]


class _Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, *args) -> None:  # quiet
        pass

    def _reply(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, doc: dict, headers: dict | None = None) -> None:
        self._reply(status, json.dumps(doc, ensure_ascii=False).encode("utf-8"), headers)

    def do_GET(self) -> None:  # noqa: N802
        self._handle(None)

    def do_POST(self) -> None:  # noqa: N802
        n = int(self.headers.get("Content-Length") or 0)
        self._handle(json.loads(self.rfile.read(n) or b"{}"))

    def _handle(self, body: dict | None) -> None:
        parts = urlsplit(self.path)
        query = parse_qsl(parts.query)
        with self.server.lock:
            self.server.requests.append({"method": self.command, "path": parts.path,
                                         "query": query, "body": body})
            action = self.server.script.pop(0) if self.server.script else None
        if action is not None:
            kind = action[0]
            if kind == "status":
                return self._json(action[1], {"title": "Too many requests"}, action[2])
            if kind == "sleep":
                time.sleep(action[1])
            if kind == "body":
                return self._reply(200, action[1])
        m = re.fullmatch(r".*/tables/(\w+)/(metadata|data)", parts.path)
        if not m or m.group(1) not in self.server.cubes:
            return self._json(404, {"title": "Non-existent table"})
        cube = self.server.cubes[m.group(1)]
        if m.group(2) == "metadata":
            return self._json(200, cube.metadata())
        chosen: dict[str, list[str]] = {}
        codelists: dict[str, str] = {}
        output: dict[str, str] = {}
        for k, v in query:
            if km := re.fullmatch(r"valueCodes\[(.+)\]", k, re.IGNORECASE):
                chosen[km.group(1)] = v.split(",")
            elif km := re.fullmatch(r"codelist\[(.+)\]", k, re.IGNORECASE):
                codelists[km.group(1)] = v
            elif km := re.fullmatch(r"outputValues\[(.+)\]", k, re.IGNORECASE):
                output[km.group(1)] = v
        for item in (body or {}).get("selection", []):
            chosen[item["variableCode"]] = item["valueCodes"]
            if item.get("codelist"):
                codelists[item["variableCode"]] = item["codelist"]
        try:
            resolved = {}
            for d, _, codes in cube.dims:
                if d in codelists:
                    pool = list(cube.aggregations[codelists[d]])
                else:
                    pool = list(codes)
                if d in chosen:
                    resolved[d] = _select(pool, chosen[d])
                elif d not in cube.eliminable:
                    return self._json(400, {"title": "Missing selection for mandantory variable"})
        except KeyError as exc:
            return self._json(400, {"title": f"Non-existent value {exc}"})
        cells = 1
        for v in resolved.values():
            cells *= len(v)
        if cells > self.server.max_cells:
            return self._json(400, {"title": "Too many cells selected"})
        return self._json(200, cube.dataset(resolved, output, codelists))
