"""Data → Importer tall: the import wizard (upload, detection, mapping, check, import)."""

import streamlit as st

from sdg.errors import SdgError
from sdg.escape import md
from sdg.i18n import Count
from sdg.importer import commit, default_mapping, detected_series, partial_plan, plan_import
from sdg.tables import rows_per_indicator
from sdg.template import template_name
from ui.a11y import upload_instruction
from ui.i18n import start_values, tr
from ui.importer import (
    conflicts_table,
    detection,
    form_prefix,
    mapping_form,
    preview_table,
    problems_table,
    read_upload,
    reconciliation,
    template_bytes,
)
from ui.nav import require_router
from ui.state import actor, get_store, lang, show_error
from ui.tables import show

require_router()

store = get_store()
st.title(tr("importer.title"))
st.markdown(tr("importer.intro"))
st.page_link("pages/data_ssb.py", label=tr("ssb.page.link"), icon=":material/cloud_download:")
indicators = store.indicators()
language = lang()
# built once per catalogue and language (it was most of the page's cost on every run)
st.download_button(tr("importer.template.download"), template_bytes(indicators, language),
                   file_name=template_name(language), icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

if done := st.session_state.pop("import_done", None):
    st.success(tr("importer.done", batch=done["batch"], rows=Count(done["rows"])))

st.subheader(tr("importer.step.upload"))
upload = st.file_uploader(tr("importer.upload"), type=["xlsx", "xlsm", "xls", "csv", "json"],
                          key="import_file")
upload_instruction()
if upload is None:
    st.stop()

history = store.municipalities(current_only=False)
data = upload.getvalue()
year_key = f"import_year_{upload.file_id}"  # the fields belong to this upload
sheet_key = f"import_sheet_{upload.file_id}"
year = st.session_state.get(year_key)
sheet = st.session_state.get(sheet_key)
try:
    fr = read_upload(data, upload.name, history, year=year, sheet=sheet)
    every = read_upload(data, upload.name, history, year=year).result if sheet else fr.result
    sheets = list(every.sheets or every.read_rows)
    if len(sheets) > 1 or every.hidden:  # hidden sheets are read only when chosen here
        st.selectbox(tr("importer.sheet"), sheets, key=sheet_key,
                     **start_values(sheet_key, sheets, index=None),
                     placeholder=tr("importer.sheet_all"),
                     format_func=lambda s: tr("importer.sheet_hidden", sheet=s)
                     if s in every.hidden else s)
    if year is not None or any(e.key == "ingest.explain.no_period"
                               for e in fr.result.explanations):
        if year is None:
            for e in fr.result.explanations:
                st.warning(md(e.message(lang())))
        st.number_input(tr("importer.year_for_file"), min_value=1990, max_value=2100,
                        value=None, step=1, key=year_key, help=tr("importer.year_for_file_help"))
        if year is None:
            st.stop()
    series = detected_series(fr)
except SdgError as err:
    show_error(err)
    if "fr" in locals():
        reconciliation(fr, None)
    st.stop()

st.subheader(tr("importer.step.detect"))
detection(fr, series)

st.subheader(tr("importer.step.map"))
ks = store.ks_indicators()
mapping = mapping_form(series, default_mapping(series, indicators), indicators,
                       store.targets(), ks, prefix=form_prefix(fr))
if not mapping.assign:
    st.info(tr("importer.nothing_chosen"))
    st.stop()

st.subheader(tr("importer.step.check"))
try:
    with st.status(tr("importer.checking"), expanded=False) as status:
        plan = plan_import(store, fr, mapping, series=series, history=history,
                           indicators=indicators)
        status.update(label=tr("importer.checked", rows=Count(len(plan.rows))), state="complete")
except SdgError as err:
    show_error(err)
    st.stop()
if plan.same_file:
    st.warning(tr("importer.same_file", batches=", ".join(map(str, plan.same_file))))
if not plan.problems.empty:
    st.error(tr("importer.problems", n=Count(plan.problem_cells)))
    if plan.unlisted:
        st.caption(tr("importer.problems_unlisted", shown=Count(len(plan.problems)),
                      more=Count(plan.unlisted)))
    show(problems_table(plan), "importproblemer.csv", key="import_problems")
    rest = st.checkbox(tr("importer.partial", n=Count(plan.problem_cells)),
                       key=f"partial_{form_prefix(fr)}", help=tr("importer.partial_help"))
    if not rest:
        reconciliation(fr, plan)
        st.stop()
    plan = partial_plan(plan)
st.success(tr("importer.valid", rows=Count(len(plan.rows)), unchanged=Count(plan.unchanged),
              skipped=Count(plan.skipped_aggregates)))
reconciliation(fr, plan)
if not plan.conflicts.empty:
    st.warning(tr("importer.conflicts", n=Count(len(plan.conflicts))))
    show(conflicts_table(plan), "importendringer.csv", key="import_conflicts")

st.subheader(tr("importer.step.preview"))
if plan.new_indicators:
    st.markdown(tr("importer.new_indicators",
                   names=", ".join(f"{md(s.id)} ({md(s.name_nb)})" for s in plan.new_indicators)))
show(rows_per_indicator(plan.summary(), lang()), None, key="import_summary")
show(preview_table(plan, indicators), "importforhandsvisning.csv", key="import_preview")
if st.button(tr("importer.import", rows=Count(len(plan.rows))), type="primary", key="import_go"):
    try:
        with st.status(tr("importer.working")) as status:
            batch = commit(store, plan, actor())
            status.update(state="complete")
    except SdgError as err:
        show_error(err)
        st.stop()
    st.cache_data.clear()
    st.session_state.pop("import_read", None)
    st.session_state.pop("import_file", None)
    for key in [k for k in st.session_state if str(k).startswith(form_prefix(fr))
                or str(k).split("_", 1)[-1].startswith(form_prefix(fr))]:
        st.session_state.pop(key, None)  # this file's fields: the next file starts fresh
    st.session_state["import_done"] = {"batch": batch, "rows": len(plan.rows)}
    st.rerun()
