"""ui.i18n: a keyed choice widget keeps its value across a language switch and is
written back once so the browser gets its label in the new language (the browser
side is tests/test_browser_vesentlighet.py and tests/test_browser_import.py)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _script():
    import streamlit as st

    from ui.i18n import start_values

    options = st.session_state.get("options", ["a", "b", "c"])
    label = {"a": "A", "b": "B", "c": "C", "d": "D"}
    kwargs = start_values("pick", options, index=2)
    st.session_state["kwargs"] = kwargs
    st.selectbox("Pick", options, key="pick", format_func=label.get, **kwargs)


def test_the_start_value_applies_until_the_widget_holds_one():
    at = AppTest.from_function(_script).run()
    assert at.session_state["kwargs"] == {"index": 2}
    assert at.selectbox(key="pick").value == "c"
    at.selectbox(key="pick").set_value("a").run()
    assert at.session_state["kwargs"] == {}  # held: no default beside the value
    assert at.selectbox(key="pick").value == "a"


def test_a_language_switch_keeps_the_value_and_warns_nothing():
    at = AppTest.from_function(_script).run()
    at.selectbox(key="pick").set_value("b").run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.selectbox(key="pick").value == "b"
    assert at.session_state["_relabel_lang"]["pick"] == "en"


def test_a_value_no_longer_among_the_options_gets_the_defaults():
    at = AppTest.from_function(_script).run()
    at.selectbox(key="pick").set_value("a").run()
    at.session_state["options"] = ["b", "c", "d"]
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.session_state["kwargs"] == {"index": 2}
    assert at.selectbox(key="pick").value == "d"


def _empty_script():
    import streamlit as st

    from ui.i18n import start_values

    kwargs = start_values("sheet", ["a", "b"], index=None)
    st.session_state["kwargs"] = kwargs
    st.selectbox("Sheet", ["a", "b"], key="sheet", **kwargs)


def test_a_widget_left_empty_keeps_no_start_index():
    """A selectbox with no choice must keep ``index=None``: an empty choice sent back
    is read as the start index (it became the first sheet)."""
    at = AppTest.from_function(_empty_script).run()
    at.run()
    assert at.session_state["kwargs"] == {"index": None}
    assert at.selectbox(key="sheet").value is None
