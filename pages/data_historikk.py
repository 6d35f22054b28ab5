"""Data → Importhistorikk: every import batch, with undo and redo."""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.tables import batch_rows, import_history
from ui.i18n import start_values, tr
from ui.importer import batch_preview, history
from ui.nav import require_router
from ui.state import actor, get_store, lang, show_error
from ui.tables import show

require_router()

store = get_store()
st.title(tr("importer.history.title"))
st.markdown(tr("importer.history.intro"))

if done := st.session_state.pop("history_done", None):
    st.success(done)

batches = history(store)
if batches.empty:
    st.info(tr("importer.history.empty"))
    st.stop()
show(import_history(batches, lang()), "importhistorikk.csv", key="history_table")

ids = batches["id"].tolist()
files = dict(zip(ids, batches["file_name"], strict=True))
chosen = st.selectbox(tr("importer.history.pick"), ids, key="history_batch", **start_values("history_batch", ids),
                      format_func=lambda i: tr("importer.history.option", batch=i,
                                               file=files[i]))
row = batches.set_index("id").loc[chosen]
with st.expander(tr("importer.history.rows", batch=chosen)):
    show(batch_rows(batch_preview(store, store.path, int(chosen)), store.indicators(), lang()),
         f"import_{int(chosen)}.csv", key="history_rows")
if row["layout"] == "ssb-api":  # a pull from SSB: its calls (issue 17)
    from ui.ssb import provenance_table

    with st.expander(tr("ssb.page.provenance")):
        show(provenance_table(store.pull_provenance(int(chosen))),
             f"ssb_kall_{int(chosen)}.csv", key="history_provenance")
if row["state"] == "active":
    created = store.batch_indicators_created(int(chosen))
    catalogue = store.indicators()
    names = dict(zip(catalogue["id"], catalogue[f"name_{lang()}"], strict=True))
    shown = ", ".join(md(names.get(i, i)) for i in created)
    st.warning(tr("importer.history.undo_what", batch=chosen, rows=int(row["rows_current"]))
               + (" " + tr("importer.history.undo_indicators", ids=shown) if created else ""))
    sure = st.checkbox(tr("importer.history.undo_confirm", batch=chosen),
                       key=f"undo_sure_{chosen}")
    clicked = st.button(tr("importer.history.undo"), key="undo", icon=":material/undo:",
                        disabled=not sure)
    state, message = "undone", tr("importer.history.undone", batch=chosen)
else:
    clicked = st.button(tr("importer.history.redo"), key="redo", icon=":material/redo:")
    state, message = "active", tr("importer.history.redone", batch=chosen)
if clicked:
    try:
        store.set_batch_state(int(chosen), state, actor())
    except SdgError as err:
        show_error(err)
        st.stop()
    st.cache_data.clear()
    st.session_state["history_done"] = message
    st.rerun()
