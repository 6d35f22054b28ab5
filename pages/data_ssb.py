"""Data → Hent fra SSB: the indicator library, the municipality's choice of indicators
and a pull from SSB's PxWebApi v2 with progress (one import batch with provenance)."""

import streamlit as st

from sdg.errors import SdgError
from sdg.library import goals_without, load
from sdg.pull import followed, pull
from sdg.ssb import Client, base_url
from ui.i18n import tr
from ui.nav import require_router
from ui.ssb import follow_editor, provenance_table, skipped_table
from ui.state import actor, get_store, lang, municipality, municipality_label, show_error
from ui.tables import show

require_router()

store = get_store()
code = municipality()
library = load()
st.title(tr("ssb.page.title"))
st.markdown(tr("ssb.page.intro"))
st.caption(tr("ssb.page.api", base=base_url()))

if done := st.session_state.pop("ssb_done", None):
    if done["batch"] is None:
        st.warning(tr("ssb.cli.nothing"))
    else:
        st.success(tr("ssb.page.done", rows=done["rows"], tables=len(done["tables"]),
                      batch=done["batch"]))
        with st.expander(tr("ssb.page.provenance"), expanded=True):
            show(provenance_table(store.pull_provenance(done["batch"])),
                 f"ssb_kall_{done['batch']}.csv", key="ssb_provenance")
    if done["skipped"]:
        st.warning(tr("ssb.page.skipped", n=len(done["skipped"])))
        show(skipped_table(done["skipped"]), "ssb_utelatt.csv", key="ssb_skipped")

st.subheader(tr("ssb.page.follow", municipality=municipality_label()))
st.caption(tr("ssb.page.follow_help"))
follows = followed(store, code, library)
edited = follow_editor(library, follows, lang())
chosen = edited.loc[edited["follow"], "id"].tolist()
missing = ", ".join(map(str, goals_without(library)))
st.caption(tr("ssb.page.no_goals", goals=missing))

left, right = st.columns(2)
with left:
    if st.button(tr("ssb.page.save_follow"), key="ssb_save", icon=":material/save:"):
        try:
            store.set_library_choices(actor(), code, dict(zip(edited["id"], edited["follow"],
                                                              strict=True)))
            st.success(tr("ssb.page.saved", n=len(chosen)))
        except SdgError as err:
            show_error(err)
with right:
    go = st.button(tr("ssb.page.pull"), type="primary", key="ssb_pull", disabled=not chosen,
                   icon=":material/cloud_download:", help=tr("ssb.page.pull_help", n=len(chosen)))
if go:
    bar = st.progress(0.0, text=tr("ssb.page.pull"))
    try:
        result = pull(store, Client(), chosen, actor(), lang=lang(),
                      progress=lambda share, text: bar.progress(min(max(share, 0.0), 1.0),
                                                                text=text))
    except SdgError as err:
        bar.empty()
        show_error(err)
        st.stop()
    bar.progress(1.0)
    st.cache_data.clear()
    st.session_state["ssb_done"] = {"batch": result.batch, "rows": result.rows,
                                    "tables": result.tables, "skipped": result.skipped}
    st.rerun()
