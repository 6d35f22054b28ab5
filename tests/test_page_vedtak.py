"""The decision page and the front page through the council's cycle, role by role
(AppTest): an analyst proposes but cannot adopt; the front page changes only when the
council's secretary records the adoption."""

from __future__ import annotations

from sdg.auth import Actor
from sdg.store import open_store
from tests.apptest import run_app, texts

PAGE = "pages/vedtak.py"


def _button(at, label: str):
    return next(b for b in at.button if b.label == label)


def _propose(app_db, goals=(4, 6, 11)) -> int:
    store = open_store(app_db, seed=False)
    try:
        return store.save_proposal("3203", goals, rationale="Forslag fra matrisen",
                                   settings={}, actor=Actor("kari", "analyst"))
    finally:
        store.close()


def test_everyone_sees_the_decision_in_force_and_the_history(app_db):
    at = run_app(PAGE)
    body = texts(at)
    assert "Gjeldende vedtak: fokusmål 4, 9, 11, 13, 17." in body
    assert len(at.dataframe[0].value) == 1 and len(at.dataframe[1].value) == 1
    assert "din rolle har ingen steg" in body  # a viewer takes no step
    assert not at.get("form") or not [b for b in at.button if b.label == "Registrer vedtaket"]


def test_analyst_cannot_adopt_but_may_withdraw_a_proposal(app_db):
    pid = _propose(app_db)
    at = run_app(PAGE, role="analyst")
    assert at.selectbox(key="dec_pick").value == pid  # open proposals first
    labels = [b.label for b in at.button]
    assert "Registrer vedtaket" not in labels and "Trekk" in labels
    at.text_input(key=f"dec_reason_{pid}").input("Venter på flere verksteder")
    _button(at, "Trekk").click().run()
    assert "Kryss av for å bekrefte" in texts(at)  # the step asks for confirmation
    at.checkbox(key=f"dec_wc_{pid}").check()
    _button(at, "Trekk").click().run()
    assert "Trukket" in texts(at)
    store = open_store(app_db, seed=False)
    assert store.focus_decision(pid)["state"] == "withdrawn"
    assert store.focus_goals("3203") == [4, 9, 11, 13, 17]
    store.close()


def test_front_page_changes_only_when_the_secretary_records_the_adoption(app_db):
    pid = _propose(app_db)
    home = run_app(role="analyst")
    assert "5 fokusmål" in texts(home) and "6 Rent vann" not in texts(home)
    at = run_app(PAGE, role="secretary")
    assert "Trekk" not in [b.label for b in at.button]  # a proposal is the analyst's
    at.multiselect(key=f"dec_goals_{pid}").set_value([4, 6, 11, 13])
    at.text_input(key=f"dec_case_{pid}").input("2025/117")
    _button(at, "Registrer vedtaket").click().run()
    assert "Kryss av for å bekrefte" in texts(at)
    assert open_store(app_db, seed=False).focus_goals("3203") == [4, 9, 11, 13, 17]
    at.checkbox(key=f"dec_ac_{pid}").check()
    _button(at, "Registrer vedtaket").click().run()
    assert "Vedtaket er registrert" in texts(at)
    history = at.dataframe[-1].value
    assert history.iloc[:, 2].tolist()[-2:] == ["vedtatt", "erstattet"]
    assert "Saksnummer: 2025/117 · Møtedato: " in history.iloc[-2, -1]
    assert "Grunn: sak 2025/117" in history.iloc[-1, -1]
    home = run_app()
    body = texts(home)
    assert "4 fokusmål" in body and "sak 2025/117" in body
    starred = sorted(int(e.proto.label.split("·")[0].strip("★ ")) for e in home.get("page_link")
                     if e.proto.label.startswith("★"))
    assert starred == [4, 6, 11, 13]
    goal6 = run_app("pages/mal.py", goal="6")
    assert "fokusmål" in texts(goal6).lower()


def test_secretary_withdraws_the_adopted_decision_with_a_reason(app_db):
    store = open_store(app_db, seed=False)
    did = int(store.adopted_decision("3203")["id"])
    store.close()
    at = run_app(PAGE, role="secretary")
    at.selectbox(key="dec_pick").set_value(did).run()
    at.text_input(key=f"dec_reason_{did}").input("Opphevet av kommunestyret")
    at.checkbox(key=f"dec_wc_{did}").check()
    _button(at, "Trekk").click().run()
    assert "Trukket" in texts(at)
    assert "ikke vedtatt fokusmål" in texts(run_app(PAGE))
    assert "ikke valgt fokusmål" in texts(run_app())


def test_english(app_db):
    _propose(app_db)
    at = run_app(PAGE, role="secretary", lang="en")
    body = texts(at)
    assert "Decision in force: focus goals 4, 9, 11, 13, 17." in body
    assert "Record the decision" in [b.label for b in at.button]
