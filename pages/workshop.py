"""Workshop (facilitator): create a session, show its code, QR code and link, open and
close voting, show results, reset a mistaken session, compare two sessions."""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.i18n import Count
from sdg.workshop import (
    close_voting,
    live_ratings,
    open_voting,
    reset_session,
    show_results,
)
from ui.i18n import tr
from ui.nav import require_router
from ui.state import actor, get_store, lang, municipality, show_error
from ui.workshop import (
    act,
    action_error,
    catalogue,
    create_form,
    join_panel,
    participants_panel,
    projector_url,
    results,
    session_picker,
    state_label,
    stored_toggle,
    subject_labels,
)

require_router()

store = get_store()
code_m = municipality()
goals, targets = catalogue()
labels = subject_labels(goals, targets, lang())

st.title(tr("workshop.title"))
st.caption(tr("workshop.intro"))

sessions = store.workshops(code_m)
with st.expander(tr("workshop.new"), expanded=sessions.empty):
    created = create_form(goals, targets, code_m, actor())
if created:
    st.query_params["ws"] = created
    st.success(tr("workshop.created", code=created))
    sessions = store.workshops(code_m)
if sessions.empty:
    st.info(tr("workshop.none"))
    st.stop()

code = session_picker(sessions, "workshop-pick", tr("workshop.pick"),
                      default=st.query_params.get("ws"))
if st.query_params.get("ws") != code:
    st.query_params["ws"] = code
row = sessions.set_index("code").loc[code]

# ------------------------------------------------------------ code and controls
left, right = st.columns([2, 3])
with left:
    join_panel(code)
with right:
    st.subheader(f"{md(row['name'])} · {state_label(row['state'])}")
    st.write(tr("workshop.counts", joined=Count(row["joined"]), voted=Count(row["voted"]),
                ratings=Count(row["ratings"])))
    action_error()
    who = actor()
    # transitions run as callbacks, before the script: this run already shows their state
    if row["state"] == "open":
        st.button(tr("workshop.close"), icon=":material/lock:",
                  on_click=act, args=(close_voting, store, code, who))
    else:
        st.button(tr("workshop.open"), type="primary", icon=":material/play_arrow:",
                  on_click=act, args=(open_voting, store, code, who))
    stored_toggle(tr("workshop.show_results"), f"workshop-show-{code}",
                  bool(row["show_results"]), lambda on: show_results(store, code, on, who))
    stored_toggle(tr("workshop.public"), f"workshop-public-{code}", bool(row["public"]),
                  lambda on: store.set_workshop_public(code, on, who))
    try:
        st.link_button(tr("workshop.projector.open"), projector_url(code), icon=":material/tv:")
        with st.expander(tr("workshop.reset")):
            st.caption(tr("workshop.reset.help"))
            sure = st.checkbox(tr("workshop.reset.confirm"), key=f"workshop-sure-{code}")
            if st.button(tr("workshop.reset"), disabled=not sure, key=f"workshop-reset-{code}"):
                new = reset_session(store, code, actor())
                st.query_params["ws"] = new
                st.session_state.pop("workshop-pick", None)
                st.success(tr("workshop.reset.done", old=code, new=new))
                st.rerun()
    except SdgError as err:
        show_error(err)

# --------------------------------------------------------------------- results
st.header(tr("workshop.results"))
st.caption(tr("workshop.preview"))
results(live_ratings(store, code), labels, goals)

# ------------------------------------------------------------ participants (abuse)
with st.expander(tr("workshop.participants")):
    removed = participants_panel(store, code, actor())
    if removed is not None:
        st.rerun()

# --------------------------------------------------------------------- compare
with st.expander(tr("workshop.compare")):
    all_sessions = store.workshops(code_m, include_archived=True)
    columns = st.columns(2)
    for i, col in enumerate(columns, start=1):
        with col:
            other = session_picker(all_sessions, f"workshop-compare-{i}",
                                   tr("workshop.compare.pick", n=i),
                                   default=all_sessions["code"].iloc[min(i - 1, len(all_sessions) - 1)])
            results(live_ratings(store, other), labels, goals, key=f"ws_compare_{i}")
