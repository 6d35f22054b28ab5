"""The "Hent fra SSB" page and the frozen zero point on the zero-point page (AppTest),
against the PxWebApi v2 stand-in on 127.0.0.1."""

from __future__ import annotations

import pytest

from sdg.auth import Actor
from sdg.library import load
from sdg.ssb import Throttle
from tests.apptest import run_app, run_url, texts
from tests.ssb_standin import StandIn
from tests.test_ssb import kindergarten_cube, population_cube

PAGE = "pages/data_ssb.py"


@pytest.fixture
def standin(monkeypatch):
    server = StandIn([population_cube(), kindergarten_cube()]).start()
    monkeypatch.setenv("SDG_SSB_API", server.url)
    monkeypatch.setattr("sdg.ssb.SHARED_THROTTLE", Throttle(1000, 60))
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("lang, title, button", [("nb", "Hent fra SSB", "Hent fra SSB"),
                                                 ("en", "Pull from SSB", "Pull from SSB")])
def test_page_lists_the_library_with_the_focus_goal_default(app_db, standin, lang, title,
                                                            button):
    at = run_app(PAGE, role="analyst", lang=lang, kommune="3203")
    assert title in texts(at)
    table = at.data_editor(key="ssb_follow").value
    assert len(table) == len(load())
    followed = set(table.loc[table["follow"], "id"])
    assert {"barnehage_1_2", "kulturskole_6_15", "netto_driftsresultat"} <= followed
    assert "fodte" not in followed  # goal 3 is not one of Asker's focus goals
    assert any(b.label == button for b in at.button)
    assert ("2, 9, 13" in texts(at))


def test_pull_from_the_page_shows_progress_result_and_provenance(app_db, standin):
    at = run_app(PAGE, role="analyst", kommune="3203")
    next(b for b in at.button if b.key == "ssb_pull").click()
    at.run(timeout=120)
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "Hentet" in shown and "tabeller i import" in shown
    assert "ble ikke hentet" in shown  # the tables the stand-in lacks are listed
    frames = [d.value for d in at.dataframe]
    prov = next(f for f in frames if "SHA-256 av svaret" in f.columns)
    assert set(prov["SSB-tabell"]) == {"07459", "13502"}
    assert prov["Spørring"].str.contains("valueCodes").all()
    skipped = next(f for f in frames if "Årsak" in f.columns)
    assert "kulturskole_6_15" in set(skipped["Indikator"])


def test_viewer_is_refused(app_db):
    at = run_url("ssb", kommune="3203")
    assert not any(b.key == "ssb_pull" for b in at.button)


def test_frozen_zero_point_shows_ssb_revision_beside_the_frozen_value(app_db, standin):
    from sdg.pull import pull
    from sdg.ssb import Client
    from sdg.store import open_store
    from sdg.zerofreeze import freeze

    store = open_store(app_db)
    client = Client(standin.url, sleep=lambda s: None)
    analyst = Actor("kari", "analyst")
    pull(store, client, ["barnehage_1_2"], analyst)
    freeze(store, analyst, "3203", "Vedtatt i kommunestyret")
    standin.cubes["13502"].values[("0220", "KOSandel120000", "2019")] = 90.0
    standin.cubes["13502"].updated = "2026-12-01T07:00:00Z"
    pull(store, client, ["barnehage_1_2"], analyst)
    store.close()
    at = run_app("pages/nullpunkt.py", role="analyst", kommune="3203")
    shown = texts(at)
    assert "Frosset nullpunkt 2019" in shown
    assert "SSB har revidert 2019-verdien fra 82,5 til 85,5 (2026-12-01)" in shown
    assert "Frosset av kari" in shown and "Vedtatt i kommunestyret" in shown
    frozen = next(d.value for d in at.dataframe if "Frosset verdi" in d.value.columns)
    row = frozen[frozen["Indikator"] == load()["barnehage_1_2"].name_nb].iloc[0]
    assert row["Frosset verdi"] == "82,5" and row["Verdi nå"] == "85,5"
    # re-basing from the page needs a reason
    form_button = next(b for b in at.button if b.label == "Flytt nullpunktet til den nye verdien")
    form_button.click()
    at.run()
    assert "Skriv en begrunnelse" in texts(at)


def test_analyst_freezes_from_the_page(app_db):
    at = run_app("pages/nullpunkt.py", role="analyst", kommune="3203")
    assert "ikke frosset ennå" in texts(at)
    at.text_input[0].input("Nullpunkt vedtatt")
    next(b for b in at.button if b.label.startswith("Frys nullpunktene")).click()
    at.run()
    shown = texts(at)
    assert "nullpunkter er frosset" in shown and "Frosset av test-analyst" in shown
