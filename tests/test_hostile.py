"""Hostile text through the write and read functions: stored and read back as text.

Names with quotes, semicolons, SQL fragments and HTML go through every write that takes
user text; the database stays intact and the text comes back exactly as typed.
"""

from __future__ import annotations

import shutil

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg.auth import SYSTEM, Actor
from sdg.store import open_store
from sdg.workshop import SessionSpec, create_session, session

ANALYST = Actor("kari", "analyst")
HOSTILE = st.lists(
    st.sampled_from([*"aZø'\";-- )(*%_\\<>/&", "DROP TABLE goal;", "' OR 1=1 --",
                     "<script>alert(1)</script>", "$m", "{x}", "'); DELETE FROM rating; --"]),
    min_size=1, max_size=12).map("".join).filter(lambda s: s.strip())


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE)
def test_hostile_text_through_every_text_write(seeded_db, tmp_path, text):
    path = tmp_path / "h.duckdb"
    shutil.copy(seeded_db, path)
    s = open_store(path)
    try:
        m = "3203"
        s.save_note(m, "11.2", "challenge", text, actor=Actor(text, "analyst"))
        assert s.notes(m, ["11.2"])["text"].tolist()[-1] == text.strip()
        s.save_proposal(m, [4], rationale=text, settings={"note": text}, actor=ANALYST)
        assert s.focus_decisions(m).iloc[0]["rationale_nb"] == text.strip()
        ratings = pd.DataFrame({"respondent": [text], "subject": ["4"], "axis": ["priority"],
                                "value": [3.0], "scale_min": [1.0], "scale_max": [5.0],
                                "group": [text]})
        s.import_survey(m, ratings, name=text, actor=ANALYST)
        assert text.strip() in s.rating_sources(m)["name"].tolist()
        code = create_session(s, m, SessionSpec(text, ("4", "11"), group=text),
                              Actor("f", "facilitator"))
        assert session(s, code)["name"] == text.strip()
        obs = pd.DataFrame({"municipality": ["3203"], "indicator": ["fiendtlig"],
                            "year": [2020], "value": [1.0], "status_symbol": [None],
                            "note": [text]})
        new = pd.DataFrame({"id": ["fiendtlig"], "name_nb": [text], "name_en": [text],
                            "unit_nb": [text], "unit_en": [None], "direction": [0],
                            "aggregation": ["none"], "denominator": [None], "source": [text],
                            "targets": [["4.1"]]})
        s.commit_import(ANALYST, {"file_name": text, "sha256": None, "sheet": text,
                                  "layout": "long"}, obs, new)
        ind = s.indicators().set_index("id")
        assert ind.at["fiendtlig", "name_nb"] == text
        assert s.observations("fiendtlig")["note"].tolist() == [text]
        assert s.counts()["goal"] == 17 and s.counts()["target"] == 169
        assert len(s.audit_log(SYSTEM)) >= 5
    finally:
        s.close()
