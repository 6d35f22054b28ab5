"""The SSB pull end to end against a PxWebApi v2 stand-in on 127.0.0.1 (tests/ssb_standin.py),
through the real client: a full pull for Asker with its predecessors, the cell-limit
split, 429 with Retry-After, a timeout, a malformed body, a revised 2019 value against a
frozen zero point, the proxy setting; and the library's well-formedness."""

from __future__ import annotations

import hashlib
import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pandas as pd
import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from sdg.auth import Actor
from sdg.errors import InvalidInput
from sdg.gains import zero_point_report
from sdg.library import goals_without, load, problems
from sdg.pull import pull
from sdg.ssb import Client, SsbError, Throttle
from sdg.zerofreeze import current_zero_points, freeze, rebase, revision_table
from tests.conftest import ROOT
from tests.ssb_standin import Cube, StandIn

ANALYST = Actor("kari", "analyst")
YEARS = [str(y) for y in range(2015, 2025)]
# population 2015–2019 of the three old municipalities, then Asker 3025 and 3203
POP = {"K-0220": 62000, "K-0627": 32000, "K-0628": 9600, "K-0301": 690000}
KINDERGARTEN_2019 = {"0220": 85.0, "0627": 80.0, "0628": 75.0}


def population_cube() -> Cube:
    regions = {"K-0220": "Asker (-2019)", "K-0627": "Røyken (-2019)",
               "K-0628": "Hurum (-2019)", "K-3025": "Asker (2020-2023)", "K-3203": "Asker",
               "K-0301": "Oslo", "K-Rest": "Delte kommuner og uoppgitt"}
    values: dict[tuple[str, ...], float | None] = {}
    for y in YEARS:
        year = int(y)
        for code in ("K-0220", "K-0627", "K-0628"):
            if year <= 2019:
                values[(code, "Personer1", y)] = POP[code] + (year - 2019) * 100
        if 2020 <= year <= 2023:
            values[("K-3025", "Personer1", y)] = 95000 + (year - 2020) * 500
        if year >= 2024:
            values[("K-3203", "Personer1", y)] = 97500
        values[("K-0301", "Personer1", y)] = POP["K-0301"] + (year - 2019) * 5000
    return Cube("07459", "Befolkning, etter region, statistikkvariabel og år",
                [("Region", "region", regions),
                 ("ContentsCode", "statistikkvariabel", {"Personer1": "Personer"}),
                 ("Tid", "år", {y: y for y in YEARS})],
                values, units={"Personer1": ("personer", 0)}, geo="Region",
                aggregations={"agg_KommSummer": {
                    "K-3203": ["K-0220", "K-0627", "K-0628", "K-3025", "K-3203"],
                    "K-0301": ["K-0301"]}})


def kindergarten_cube() -> Cube:
    regions = {"EAK": "Landet", "0220": "Asker (-2019)", "0627": "Røyken (-2019)",
               "0628": "Hurum (-2019)", "3025": "Asker (2020-2023)", "3203": "Asker",
               "0301": "Oslo"}
    values: dict[tuple[str, ...], float | None] = {}
    for y in YEARS:
        year = int(y)
        for code, v in KINDERGARTEN_2019.items():
            if year <= 2019:
                values[(code, "KOSandel120000", y)] = v - (2019 - year) * 0.5
        if 2020 <= year <= 2023:
            values[("3025", "KOSandel120000", y)] = 84.0 + (year - 2020) * 0.3
        if year >= 2024:
            values[("3203", "KOSandel120000", y)] = 86.0
        values[("0301", "KOSandel120000", y)] = 88.0
        values[("EAK", "KOSandel120000", y)] = 86.5
    return Cube("13502", "Utvalgte nøkkeltall for barnehager, etter region, statistikkvariabel og år",
                [("KOKkommuneregion0000", "region", regions),
                 ("ContentsCode", "statistikkvariabel", {
                     "KOSandel120000": "Andel barn 1-2 år med barnehageplass (prosent)",
                     "KOSandel150000": "Andel barn 1-5 år med barnehageplass (prosent)"}),
                 ("Tid", "år", {y: y for y in YEARS})],
                values, units={"KOSandel120000": ("prosent", 1)}, geo="KOKkommuneregion0000")


@pytest.fixture
def standin():
    server = StandIn([population_cube(), kindergarten_cube()]).start()
    yield server
    server.shutdown()
    server.server_close()


def client_for(server: StandIn, **kw) -> tuple[Client, list[float]]:
    slept: list[float] = []
    kw.setdefault("retries", 2)
    kw.setdefault("timeout", (2.0, 5.0))
    client = Client(server.url, throttle=Throttle(1000, 60), sleep=slept.append,
                    session=requests.Session(), **kw)
    return client, slept


def expected_zero() -> float:
    """Pupil-weighted by hand: Σ rate·population / Σ population of 0220, 0627, 0628."""
    w = {"0220": 62000, "0627": 32000, "0628": 9600}
    return sum(KINDERGARTEN_2019[c] * w[c] for c in w) / sum(w.values())  # 8,550,000 / 103,600


# --------------------------------------------------------------------- library
def test_library_is_well_formed_and_targets_exist():
    lib = load()
    targets = set(pd.read_csv(ROOT / "data/seed/targets.csv", dtype=str)["target"])
    ks = set(pd.read_csv(ROOT / "data/seed/ks_catalogue.csv", dtype=str)["id"])
    assert len(lib) >= 40
    assert problems(lib, targets, ks) == []
    assert goals_without(lib) == [2, 9, 13]
    assert sum(not e.is_thin for e in lib.values()) >= 25


def test_library_problems_are_found():
    lib = load()
    bad = lib["barnehage_1_2"].__class__(**{**lib["barnehage_1_2"].__dict__, "table": "1350",
                                            "targets": ("4.99",), "region_codelist": "x"})
    twin = lib["barnehage_1_2"].__class__(**{**lib["barnehage_1_2"].__dict__, "id": "twin"})
    found = problems({"barnehage_1_2": bad, "befolkning": lib["befolkning"],
                      "ok": lib["barnehage_1_2"], "twin": twin}, {"4.2", "11.3"})
    assert any("twin: the same table and selection as barnehage_1_2" in p for p in found)
    assert any("table id" in p for p in found)
    assert any("targets" in p for p in found)
    assert any("codelist" in p for p in found)


# ------------------------------------------------------------- stand-in shape
def _shape(doc: dict) -> tuple:
    dims = {d: tuple(sorted(v)) for d, v in doc["dimension"].items()}
    cats = {d: tuple(sorted(v["category"])) for d, v in doc["dimension"].items()}
    return tuple(sorted(doc)), dims, cats


def test_standin_speaks_the_shape_of_real_ssb_responses(standin, shared_data):
    real = json.loads((shared_data / "indicators/ssb_exports/07459_20220914-092711_jsonstat2.json")
                      .read_text(encoding="utf-8"))
    ours = requests.get(f"{standin.url}/tables/07459/data?valueCodes[Region]=*"
                        "&valueCodes[ContentsCode]=Personer1&valueCodes[Tid]=2022").json()
    keys, dims, cats = _shape(real)
    our_keys, our_dims, our_cats = _shape(ours)
    assert set(keys) - {"status"} <= set(our_keys)
    assert cats == our_cats
    assert set(dims["Region"]) <= set(our_dims["Region"])
    kostra = json.loads((shared_data / "real/16_ssb_12191_kostra_kommunehelse_jsonstat2_"
                         "KOKkommuneregion.json").read_text(encoding="utf-8"))
    ours = requests.get(f"{standin.url}/tables/13502/data?valueCodes[KOKkommuneregion0000]=*"
                        "&valueCodes[ContentsCode]=KOSandel120000&valueCodes[Tid]=*").json()
    assert set(kostra) <= set(ours) | {"status"} and "status" in ours
    assert isinstance(ours["status"], dict) and set(kostra["role"]) == set(ours["role"])


# ------------------------------------------------------------------ full pull
def test_full_pull_for_asker_with_predecessors(store, standin):
    client, _ = client_for(standin)
    before = store.counts()["observation"]
    result = pull(store, client, ["barnehage_1_2"], ANALYST)
    assert result.batch is not None and not result.skipped
    # the denominator came along, and both tables were read in one call each (+ the sum)
    assert result.tables == ["07459", "13502"]
    data_calls = standin.data_requests()
    assert len(data_calls) == 3
    summed = [r for r in data_calls if ("codelist[Region]", "agg_KommSummer") in r["query"]]
    assert len(summed) == 1 and ("outputValues[Region]", "aggregated") in summed[0]["query"]
    assert not any("codelist" in k for r in data_calls if "13502" in r["path"]
                   for k, _ in r["query"])  # never summing a rate
    obs = store.observations("barnehage_1_2", ["0220", "0627", "0628", "3025", "3203"])
    assert set(obs.query("year == 2019")["municipality"]) == {"0220", "0627", "0628"}
    assert store.counts()["observation"] == before + result.rows
    # K-Rest and the country are no municipality; "." before a municipality existed is dropped
    assert not set(obs["municipality"]) - {"0220", "0627", "0628", "3025", "3203"}
    assert result.dropped_not_applicable > 0
    # the zero point comes from the predecessors by the merger rule, weighted by population
    zp = current_zero_points(store, "3203").set_index("indicator").loc["barnehage_1_2"]
    assert zp["method"] == "weighted"
    assert zp["value"] == pytest.approx(expected_zero())
    assert zp["value"] == pytest.approx(8_550_000 / 103_600)
    # befolkning for 3203 in 2019 comes from SSB's summed codelist (today's borders)
    pop = store.observations("befolkning", ["3203"]).set_index("year")["value"]
    assert pop[2019] == 62000 + 32000 + 9600
    # provenance: table, query URL, fetched at, sha256 of the response, SSB's updated
    prov = store.pull_provenance(result.batch)
    assert len(prov) == 3 and set(prov["table_id"]) == {"07459", "13502"}
    assert prov["query_url"].str.startswith(standin.url).all()
    assert prov["ssb_updated"].eq("2026-06-15T06:00:00Z").all()
    body = requests.get(prov.query("table_id == '13502'")["query_url"].iloc[0]).content
    assert hashlib.sha256(body).hexdigest() in set(prov["response_sha256"])
    batch = store.batch(result.batch)
    assert batch["layout"] == "ssb-api" and "13502" in batch["file_name"]
    # new library indicator with its metadata
    ind = store.indicators().set_index("id").loc["barnehage_1_2"]
    assert ind["aggregation"] == "weighted" and ind["denominator"] == "befolkning"
    # undo and redo work as for files
    store.set_batch_state(result.batch, "undone", ANALYST)
    assert store.observations("barnehage_1_2", ["0220"]).empty
    store.set_batch_state(result.batch, "active", ANALYST)
    assert not store.observations("barnehage_1_2", ["0220"]).empty


def test_zero_point_report_matches_hand_computation(store, standin):
    client, _ = client_for(standin)
    pull(store, client, ["barnehage_1_2"], ANALYST)
    ind = store.indicators()
    ind = ind[ind["id"].isin(["barnehage_1_2", "befolkning"])]
    obs = store.gain_observations(["0220", "0627", "0628", "3025", "3203"])
    rep = zero_point_report("3203", ind, obs, store.municipality_changes()).set_index("indicator")
    row = rep.loc["barnehage_1_2"]
    assert row["zero_value"] == pytest.approx(82.528957, abs=1e-6)
    assert row["latest_year"] == 2024 and row["latest_value"] == 86.0
    assert "0220, 0627, 0628" in row["provenance"]


# ------------------------------------------------------------------ the split
def test_cell_limit_splits_the_query(store):
    cube = kindergarten_cube()
    server = StandIn([population_cube(), cube], max_cells=40).start()
    try:
        client, _ = client_for(server, max_cells=40)   # 7 regions × 1 × 10 years = 70 cells
        result = pull(store, client, ["barnehage_1_2"], ANALYST)
        calls = [r for r in server.data_requests() if "13502" in r["path"]]
        assert len(calls) == 2  # split along time: 5 + 5 years of 35 cells each
        years = [dict(r["query"])["valueCodes[Tid]"].split(",") for r in calls]
        assert sorted(y for part in years for y in part) == YEARS
        prov = store.pull_provenance(result.batch)
        assert (prov["table_id"] == "13502").sum() == 2
        assert len(store.observations("barnehage_1_2", ["0220"])) == 5
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------ failures
def test_429_is_retried_after_retry_after(store, standin):
    client, slept = client_for(standin)
    standin.script = [None, ("status", 429, {"Retry-After": "3"})]
    result = pull(store, client, ["befolkning"], ANALYST)
    assert result.batch is not None
    assert slept == [3.0]
    assert client.calls == len(standin.requests) == 4  # metadata, 429, data, summed data


def test_503_then_backoff(standin):
    client, slept = client_for(standin, backoff=1.5)
    standin.script = [("status", 503, {}), ("status", 503, {})]
    meta = client.metadata("07459")
    assert meta["id"] == ["Region", "ContentsCode", "Tid"] and slept == [1.5, 3.0]


def test_timeout_gives_a_message_and_changes_nothing(store, standin):
    client, _ = client_for(standin, timeout=(1.0, 0.3), retries=1)
    standin.script = [None, ("sleep", 1.0), ("sleep", 1.0)]
    before = store.content_checksum()
    with pytest.raises(SsbError) as err:
        pull(store, client, ["befolkning"], ANALYST)
    assert err.value.key == "ssb.err.timeout" and "Ingenting er endret" in str(err.value)
    assert store.content_checksum() == before


def test_malformed_body_changes_nothing(store, standin):
    client, _ = client_for(standin)
    before = store.content_checksum()
    for body in (b'{"class": "dataset", "value": [', b'{"class": "dataset", "id": ["Region"],'
                 b' "size": [2], "dimension": {"Region": {}}, "value": [1]}', b"<html></html>"):
        standin.script = [None, ("body", body)]
        with pytest.raises(SsbError) as err:
            pull(store, client, ["barnehage_1_2"], ANALYST)
        assert err.value.key == "ssb.err.bad_body"
    assert store.content_checksum() == before


def test_refused_query_is_not_retried(standin):
    client, slept = client_for(standin)
    with pytest.raises(SsbError) as err:
        client.data("13502", {"ContentsCode": ["KOSandel120000"], "Tid": ["*"]})
    assert err.value.key == "ssb.err.status" and "mandantory" in str(err.value)
    assert slept == []


def test_network_down(store):
    client = Client("http://127.0.0.1:9/api/pxwebapi/v2", retries=1, sleep=lambda s: None,
                    throttle=Throttle(100, 60), timeout=(0.5, 0.5))
    before = store.content_checksum()
    with pytest.raises(SsbError) as err:
        pull(store, client, ["befolkning"], ANALYST)
    assert err.value.key == "ssb.err.network"
    assert store.content_checksum() == before


def test_thin_entry_is_listed_not_guessed(store, standin):
    client, _ = client_for(standin)
    lib = load()
    entry = lib["barnehage_1_2"].__class__(**{**lib["barnehage_1_2"].__dict__,
                                              "selection": (("ContentsCode", "~Andel barn"),),
                                              "evidence": "thin"})
    from sdg.pull import Group, resolve

    meta = client.metadata("13502")
    sel, codes, skipped = resolve(Group("13502", "KOKkommuneregion0000", (), [entry]), meta)
    assert codes == {} and "KOSandel120000" in skipped[0][2] and "KOSandel150000" in skipped[0][2]
    entry = entry.__class__(**{**entry.__dict__,
                               "selection": (("ContentsCode", "~barn 1-2 år"),)})
    sel, codes, skipped = resolve(Group("13502", "KOKkommuneregion0000", (), [entry]), meta)
    assert codes == {"KOSandel120000": "barnehage_1_2"} and not skipped
    twin = entry.__class__(**{**entry.__dict__, "id": "twin"})
    sel, codes, skipped = resolve(Group("13502", "KOKkommuneregion0000", (), [entry, twin]),
                                  meta)
    assert codes == {"KOSandel120000": "barnehage_1_2"}
    assert skipped == [("twin", "13502", "samme statistikkvariabel som barnehage_1_2, som hentes")]


# ------------------------------------------------------------ throttle
def test_throttle_holds_thirty_calls_a_minute():
    now = [0.0]
    slept: list[float] = []

    def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    throttle = Throttle(30, 60, clock=lambda: now[0], sleep=sleep)
    for _ in range(61):
        throttle.wait()
        now[0] += 0.1
    assert len(slept) == 2 and slept[0] == pytest.approx(57.0)
    starts = []
    throttle = Throttle(30, 60, clock=lambda: now[0], sleep=sleep)
    for _ in range(90):
        throttle.wait()
        starts.append(now[0])
        now[0] += 0.5
    assert all(b - a >= 60 - 1e-9 for a, b in zip(starts, starts[30:], strict=False))


# ------------------------------------------------------------ frozen zero point
def test_revised_2019_value_against_a_frozen_zero_point(store, standin):
    client, _ = client_for(standin)
    pull(store, client, ["barnehage_1_2"], ANALYST)
    n = freeze(store, ANALYST, "3203", "Vedtatt nullpunkt, kommunestyret sak 12/26")
    assert n >= 2
    frozen = store.frozen_zero_points("3203").set_index("indicator")
    assert frozen.loc["barnehage_1_2", "value"] == pytest.approx(expected_zero())
    assert frozen.loc["barnehage_1_2", "frozen_by"] == "kari"
    assert revision_table(store, "3203").query("revised").empty
    # SSB revises Asker 0220's 2019 figure
    cube = standin.cubes["13502"]
    cube.values[("0220", "KOSandel120000", "2019")] = 90.0
    cube.updated = "2026-12-01T07:00:00Z"
    pull(store, client, ["barnehage_1_2"], ANALYST)
    table = revision_table(store, "3203").set_index("indicator")
    row = table.loc["barnehage_1_2"]
    new = (90.0 * 62000 + 80.0 * 32000 + 75.0 * 9600) / 103600
    assert row["revised"] and row["current_value"] == pytest.approx(new)
    assert row["revision"] == ("SSB har revidert 2019-verdien fra 82,5 til 85,5 (2026-12-01)")
    assert row["frozen_value"] == pytest.approx(expected_zero())  # the frozen value stays
    # re-basing needs a reason and is audited
    with pytest.raises(InvalidInput):
        rebase(store, ANALYST, "3203", "barnehage_1_2", "  ")
    old, moved = rebase(store, ANALYST, "3203", "barnehage_1_2", "SSB-revisjon juni 2026")
    assert old == pytest.approx(expected_zero()) and moved == pytest.approx(new)
    assert not revision_table(store, "3203").set_index("indicator").loc["barnehage_1_2",
                                                                         "revised"]
    history = store.frozen_zero_points("3203", include_rebased=True)
    history = history[history["indicator"] == "barnehage_1_2"]
    assert list(history["state"]) == ["rebased", "active"]
    assert history["rebase_reason"].iloc[0] == "SSB-revisjon juni 2026"
    log = store.audit_log(Actor("admin", "admin"))
    assert (log["action"] == "zero_point.rebase").sum() == 1
    assert "SSB-revisjon juni 2026" in log.loc[log["action"] == "zero_point.rebase",
                                               "detail"].iloc[0]


def test_viewer_cannot_pull_and_nothing_is_asked_of_ssb(store, standin):
    from sdg.auth import PermissionDenied

    client, _ = client_for(standin)
    with pytest.raises(PermissionDenied):
        pull(store, client, ["befolkning"], Actor("ola", "viewer"))
    assert standin.requests == []


def test_viewer_cannot_freeze(store):
    from sdg.auth import PermissionDenied

    with pytest.raises(PermissionDenied):
        freeze(store, Actor("ola", "viewer"), "3203", None)


# ------------------------------------------------------------------ proxy
class _Proxy(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def _forward(self) -> None:
        self.server.seen.append(self.path)
        url = urlsplit(self.path)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        conn.request(self.command, url.path + (f"?{url.query}" if url.query else ""), body=body,
                     headers={k: v for k, v in self.headers.items()
                              if k.lower() not in ("proxy-connection", "connection")})
        resp = conn.getresponse()
        data = resp.read()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = _forward
    do_POST = _forward


def test_proxy_setting_is_passed_through(store, standin, monkeypatch):
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    proxy.seen = []
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    address = f"http://127.0.0.1:{proxy.server_address[1]}"
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", address)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.kommune.example:3128")
    try:
        client, _ = client_for(standin)
        assert client.proxies_for("https://data.ssb.no/api/pxwebapi/v2/tables")["https"] == \
            "http://proxy.kommune.example:3128"
        result = pull(store, client, ["befolkning"], ANALYST)
        assert result.batch is not None
        assert len(proxy.seen) == 3 and all(p.startswith(standin.url) for p in proxy.seen)
        assert len(standin.requests) == 3  # each one forwarded by the proxy
    finally:
        proxy.shutdown()
        proxy.server_close()


# ------------------------------------------------------------------ command line
def test_cli_pull_list(capsys):
    from sdg.cli import main

    assert main(["pull", "--list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(load()) + 1
    assert "barnehage_1_2 | 13502 | 4 (4.2) | weighted(befolkning) | export" in lines


def test_cli_pull_for_asker(app_db, standin, monkeypatch, capsys):
    from sdg.cli import main

    monkeypatch.setenv("SDG_SSB_API", standin.url)
    assert main(["pull", "--kommune", "3203", "--indicator", "barnehage_1_2"]) == 0
    out = capsys.readouterr().out
    assert "Hentet fra SSB:" in out and "barnehage_1_2" in out and "befolkning" in out
    standin.script = [("body", b"not json")]
    assert main(["pull", "--indicator", "barnehage_1_2"]) == 2
    err = capsys.readouterr().err
    assert "ikke er JSON-stat 2.0" in err and "Ingenting er endret" in err
    assert main(["pull", "--indicator", "finnes_ikke"]) == 2
    assert "finnes ikke i SSB-biblioteket" in capsys.readouterr().err


def test_cli_pull_followed_indicators_lists_what_it_could_not_pull(app_db, standin,
                                                                   monkeypatch, capsys):
    """The default is the indicators of Asker's focus goals (4, 9, 11, 13, 17); the
    stand-in lacks most of their tables, so those are listed as not pulled."""
    from sdg.cli import main

    monkeypatch.setenv("SDG_SSB_API", standin.url)
    code = main(["pull", "--kommune", "3203"])
    captured = capsys.readouterr()
    assert code == 0
    assert "Ikke hentet: kulturskole_6_15 (13135)" in captured.err
    assert "barnehage_1_2" in captured.out


# ------------------------------------------------- real SSB responses served back
def test_real_kostra_and_population_responses_through_the_real_client(store, shared_data):
    """The stand-in serves the cells of two real SSB responses (12191 KOSTRA municipal
    health, KOKkommuneregion0000 without a geo role; 07459 population 2022 with K-codes);
    the pull stores exactly SSB's figures."""
    real = {name: json.loads((shared_data / path).read_text(encoding="utf-8")) for name, path in
            {"12191": "real/16_ssb_12191_kostra_kommunehelse_jsonstat2_KOKkommuneregion.json",
             "07459": "indicators/ssb_exports/07459_20220914-092711_jsonstat2.json"}.items()}
    server = StandIn([Cube.from_dataset(real["12191"], "KOKkommuneregion0000"),
                      Cube.from_dataset(real["07459"], "Region")]).start()
    try:
        client, _ = client_for(server)
        ids = ["fysioterapi_avtalehjemler", "jordmor_hjemmebesok", "ergoterapeuter_arsverk",
               "frisklivssentral", "helsestasjon_ungdom", "befolkning"]
        result = pull(store, client, ids, ANALYST)
        assert not result.skipped, result.skipped
        assert len([r for r in server.data_requests() if "12191" in r["path"]]) == 1
        got = store.observations("fysioterapi_avtalehjemler", ["3002", "3005"])
        assert got.set_index(["municipality", "year"])["value"].to_dict() == \
            {("3002", 2020): 20.0, ("3005", 2020): 45.0}  # the real file's figures
        ergo = store.observations("ergoterapeuter_arsverk", ["3005"]).set_index("year")
        assert set(ergo.index) <= {2018, 2019, 2020}
        # 07459 2022: Asker K-3025 = 96 088 (as in the layout notes); K-Rest etc. left out
        pop = store.observations("befolkning", ["3025"]).set_index("year")["value"]
        assert pop[2022] == 96088
        prov = store.pull_provenance(result.batch)
        assert set(prov["ssb_updated"]) >= {"2021-06-13T22:00:00Z", "2022-02-24T07:00:00Z"}
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ properties
@settings(max_examples=200, deadline=None)
@given(regions=st.integers(1, 60), contents=st.integers(1, 5), years=st.integers(1, 40),
       limit=st.integers(1, 3000))
def test_split_covers_every_cell_once_within_the_limit(regions, contents, years, limit):
    from sdg.ssb import cell_count, plan_chunks

    sel = {"Region": [f"{i:04d}" for i in range(regions)],
           "ContentsCode": [f"c{i}" for i in range(contents)],
           "Tid": [str(1990 + i) for i in range(years)]}
    if contents > limit:  # not splittable along time or region: refused with a message
        with pytest.raises(SsbError):
            plan_chunks(sel, limit, split=["Tid", "Region"])
        return
    parts = plan_chunks(sel, limit, split=["Tid", "Region"])
    cells = [(r, c, y) for p in parts for r in p["Region"] for c in p["ContentsCode"]
             for y in p["Tid"]]
    assert len(cells) == len(set(cells)) == regions * contents * years
    assert all(cell_count({k: len(v) for k, v in p.items()}) <= limit for p in parts)


def test_long_selection_goes_as_post(standin):
    client, _ = client_for(standin)
    regions = list(kindergarten_cube().dim("KOKkommuneregion0000"))
    years = YEARS
    # 420 repeated codes make the GET URL too long; the stand-in reads the POST selection
    f = client.data("13502", {"KOKkommuneregion0000": regions * 60,
                              "ContentsCode": ["KOSandel120000"], "Tid": years})
    assert f.method == "POST" and f.body["selection"][0]["variableCode"] == \
        "KOKkommuneregion0000"
    assert standin.requests[-1]["method"] == "POST"
    assert f.doc["size"] == [len(regions), 1, len(years)]


def test_a_municipality_chooses_what_it_follows(store):
    from sdg.library import default_followed
    from sdg.pull import followed

    lib = load()
    default = followed(store, "3203", lib)
    assert default == default_followed(lib, [4, 9, 11, 13, 17])
    assert "barnehage_1_2" in default and "fodte" not in default
    store.set_library_choices(ANALYST, "3203", {"fodte": True, "barnehage_1_2": False})
    chosen = followed(store, "3203", lib)
    assert "fodte" in chosen and "barnehage_1_2" not in chosen
    assert set(chosen) - {"fodte"} == set(default) - {"barnehage_1_2"}
    assert followed(store, "0301", lib) == default_followed(lib, store.focus_goals("0301"))
    log = store.audit_log(Actor("admin", "admin"))
    assert (log["action"] == "library.follow").sum() == 1
