"""A fresh municipality set up from nothing through the UI (AppTest): its own
commitments, goal areas and a manual zero point show on its pages."""

from __future__ import annotations

from sdg.store import open_store
from tests.apptest import run_app, run_url, texts

PAGE = "pages/oppsett.py"
BERGEN = "4601"


def test_a_viewer_is_refused(app_db):
    at = run_url("oppsett", kommune=BERGEN)
    assert "Du har ikke tilgang" in texts(at)


def test_a_fresh_municipality_sets_up_its_own_content(app_db):
    home = run_app(kommune=BERGEN)
    assert "Slik kommer dere i gang" in texts(home)

    at = run_app(PAGE, role="analyst", kommune=BERGEN)
    # a commitment to goal 14, bokmål and English
    at.selectbox(key="set_goal").set_value(14).run()
    at.text_area(key="set_c_nb").input("Vi må holde fjordene rene")
    at.text_area(key="set_c_en").input("We must keep the fjords clean")
    at.button(key="set_c_add").click().run()
    assert not at.exception and "Lagret." in texts(at)
    # goal areas: start from the presentation's seven, add one of its own, retire one
    at.button(key="set_copy_areas").click().run()
    at.text_input(key="set_a_nb").input("Havbyen")
    at.button(key="set_a_add").click().run()
    areas = open_store(app_db, seed=False).goal_areas(BERGEN)
    assert areas["own"].all() and "Havbyen" in areas["name_nb"].tolist()
    at.selectbox(key="set_a_retire").set_value(f"{BERGEN}-6")
    at.button(key="set_a_retire_go").click().run()
    # a manual zero point where the data are missing, with its note (required)
    at.selectbox(key="set_z_ind").set_value("demo_klimagass")  # in a form: sent on submit
    at.number_input(key="set_z_value").set_value(512000.0)
    at.button(key="set_z_save").click().run()
    assert "merknad" in texts(at).lower()  # no note: refused
    at.selectbox(key="set_z_ind").set_value("demo_klimagass")
    at.number_input(key="set_z_value").set_value(512000.0)
    at.text_input(key="set_z_note").input("Miljødirektoratet, kommunefordelt 2019")
    at.button(key="set_z_save").click().run()
    assert not at.exception
    # a target for the same indicator
    at.selectbox(key="set_t_ind").set_value("demo_klimagass")
    at.number_input(key="set_t_value").set_value(256000.0)
    at.number_input(key="set_t_year").set_value(2030)
    at.button(key="set_t_save").click().run()
    store = open_store(app_db, seed=False)
    assert store.manual_zero_points(BERGEN)["value"].tolist() == [512000.0], [e.value for e in at.error]
    assert store.indicator_targets(BERGEN)["target_value"].tolist() == [256000.0]
    store.close()

    # … and its pages show them
    home = run_app(kommune=BERGEN)
    body = texts(home)
    assert "Havbyen" in body and "Slik kommer dere i gang" not in body
    areas_shown = [a for a in open_store(app_db, seed=False).goal_areas(BERGEN)["name_nb"]]
    assert len(areas_shown) == 7  # 7 + 1 − 1
    goal = run_app("pages/mal.py", goal="14", kommune=BERGEN)
    assert "Vi må holde fjordene rene" in texts(goal)
    goal_en = run_app("pages/mal.py", goal="14", kommune=BERGEN, lang="en")
    assert "We must keep the fjords clean" in texts(goal_en)
    zero = run_app("pages/nullpunkt.py", kommune=BERGEN)
    summary = zero.table[0].value
    row = summary[summary.iloc[:, 0].str.startswith("Klimagassutslipp")].iloc[0]
    assert row.iloc[1] == "512\xa0000 (2019)"
    detail = zero.dataframe[0].value
    assert "manuell verdi (2019): Miljødirektoratet, kommunefordelt 2019" in \
        detail.to_string()
    assert "256\xa0000 (2030)" in detail.to_string()
    # a demo indicator with a zero point on screen: the DEMO banner is honest
    assert [w for w in zero.warning if "DEMO" in w.value]
