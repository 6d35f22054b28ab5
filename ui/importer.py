"""Widgets and tables of the Data pages (import wizard and import history)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from sdg import fmt
from sdg.errors import SdgError
from sdg.escape import md
from sdg.importer import FileRead, Mapping, NewIndicator, Plan, read_file, sha256_of, slug
from sdg.importer import suggest_targets as _suggest_targets
from sdg.tables import batch_rows, detected_series, import_conflicts, import_problems
from sdg.template import template_workbook
from ui.i18n import start_values, tr
from ui.state import lang
from ui.tables import show

NEW = "__new__"
SKIP = "__skip__"


def read_upload(data: bytes, name: str, history: pd.DataFrame,
                year: int | None = None, sheet: str | None = None) -> FileRead:
    """The parsed upload, kept in the session so reruns do not read the file again.

    The reads of the current file are kept per (year, sheet): the page reads the file
    once with its chosen sheet and once with all sheets (for the sheet list), and each
    read is a parse in the child process, so neither may evict the other."""
    key = (sha256_of(data), name, year, sheet)
    reads = st.session_state.get("import_read")
    reads = reads if isinstance(reads, dict) else {}
    if key not in reads:
        size = fmt.number(len(data) / 1e6, 1, lang())
        with st.status(tr("importer.reading", file=md(name), mb=size)) as status:
            try:
                fr = read_file(data, name, history, year=year, sheet=sheet)
            except SdgError:
                status.update(label=tr("importer.read_failed", file=md(name)), state="error")
                raise
            status.update(label=tr("importer.read_done", file=md(name)), state="complete")
        reads = {k: v for k, v in reads.items() if k[:2] == key[:2]}  # this file only
        reads[key] = fr
        st.session_state["import_read"] = reads
    return reads[key]


def detection(fr: FileRead, series: pd.DataFrame) -> None:
    """Step 2: what was found — sheets, layouts, series — and what was explained."""
    show(detected_series(series, lang()), None, key="import_series")
    for e in fr.result.explanations:
        st.caption(md(e.message(lang())))


def form_prefix(fr: FileRead) -> str:
    """The key prefix of the wizard's fields for one file and the sheets read from it: a
    second upload in the same session, or another sheet chosen in the picker, starts
    from its own defaults (the keys of the first read's fields are never reused)."""
    sheets = sha256_of("\x00".join(fr.result.read_rows).encode())[:6]
    return f"{fr.sha256[:12]}{sheets}"


def mapping_form(series: pd.DataFrame, default: Mapping, indicators: pd.DataFrame,
                 targets: pd.DataFrame | list[str], ks: pd.DataFrame,
                 prefix: str = "") -> Mapping:
    """Step 3: per series an existing indicator, a new one, or skip it.

    Field keys carry ``prefix`` (:func:`form_prefix`) and the series key, so they
    belong to one file."""
    names = dict(zip(indicators["id"], indicators[f"name_{lang()}"], strict=True))
    if isinstance(targets, pd.DataFrame):
        titles = dict(zip(targets["target"], targets.get(f"title_{lang()}", targets["target"]),
                          strict=True))
    else:
        titles = {t: t for t in targets}
    options = [NEW, SKIP, *names]
    label = {NEW: tr("importer.map.new"), SKIP: tr("importer.map.skip")} | {
        i: f"{i} – {n}" for i, n in names.items()}
    assign: dict[str, str] = {}
    new: dict[str, NewIndicator] = {}
    for n, s in enumerate(series.itertuples()):
        chosen = default.assign.get(s.key)
        start = chosen if chosen in names else NEW
        field = f"{prefix}_{n}_{s.key}"
        pick = st.selectbox(md(s.label), options, format_func=label.get, key=f"map_{field}",
                            **start_values(f"map_{field}", index=options.index(start)))
        if pick == SKIP:
            continue
        if pick != NEW:
            assign[s.key] = pick
            continue
        spec = _new_indicator(field, s, default.new.get(chosen), names, titles, ks)
        assign[s.key] = spec.id
        new.setdefault(spec.id, spec)
    return Mapping(assign, new)


def _new_indicator(field: str, s, proposed: NewIndicator | None, names: dict[str, str],
                   titles: dict[str, str], ks: pd.DataFrame) -> NewIndicator:
    """The fields of a new indicator for one series (keys end in ``field``).

    Defaults that do not trap an analyst: the English name starts empty (and is stored
    empty if left so: English pages show the Norwegian name marked as not translated),
    the weighting indicator is none until chosen and
    is shown by name, and SDG targets are suggested only on a good title match."""
    with st.container(border=True):
        c1, c2 = st.columns(2)
        name_nb = c1.text_input(tr("importer.map.name_nb"), s.label, key=f"nb_{field}")
        name_en = c2.text_input(tr("importer.map.name_en"), "", key=f"en_{field}",
                                help=tr("importer.map.name_en_help"))
        unit = c1.text_input(tr("importer.map.unit"), s.unit or "", key=f"unit_{field}")
        ident = c2.text_input(tr("importer.map.id"), proposed.id if proposed else slug(s.label),
                              key=f"id_{field}")
        direction = c1.selectbox(tr("importer.map.direction"), [0, 1, -1], key=f"dir_{field}",
                                 format_func=lambda d: tr(f"direction.{d}"),
                                 **start_values(f"dir_{field}"))
        aggregation = c2.selectbox(tr("importer.map.aggregation"), ["none", "sum", "weighted"],
                                   key=f"agg_{field}",
                                   format_func=lambda a: tr(f"importer.agg.{a}"),
                                   **start_values(f"agg_{field}"))
        denominator = None
        if aggregation == "weighted":
            denominator = st.selectbox(tr("importer.map.denominator"), list(names),
                                       key=f"den_{field}", format_func=names.get,
                                       **start_values(f"den_{field}", index=None),
                                       placeholder=tr("importer.map.denominator_none"))
        suggested = [t for t in _suggest_targets(s.label, ks, min_score=GOOD_MATCH)
                     if t in titles]
        chosen = st.multiselect(tr("importer.map.targets"), list(titles),
                                **start_values(f"tg_{field}", default=suggested),
                                key=f"tg_{field}", help=tr("importer.map.targets_help"),
                                format_func=lambda t: f"{t} {titles.get(t, '')}".strip(),
                                placeholder=tr("a11y.multiselect.placeholder"))
    return NewIndicator(ident.strip(), name_nb.strip(), name_en.strip(),
                        unit or None, unit or None, int(direction), aggregation, denominator,
                        s.source, tuple(chosen))


#: Token overlap a KS title needs before its SDG targets are suggested.
GOOD_MATCH = 0.5


def reconciliation(fr: FileRead, plan: Plan | None) -> None:
    """What happened to every row: one line per sheet, then the columns not used and
    the hidden sheets not read."""
    from sdg.importer import column_notes, reconcile, reconciliation_lines

    st.markdown(f"**{tr('importer.reconcile.title')}**")
    for line in reconciliation_lines(reconcile(fr, plan), lang()):
        st.markdown(f"- {md(line)}")
    for line in column_notes(fr, lang()):
        st.caption(md(line))
    for e in fr.result.explanations:  # sheets not read at all
        if e.key == "ingest.explain.hidden_sheet":
            st.caption(md(e.message(lang())))


def problems_table(plan: Plan) -> pd.DataFrame:
    """Step 4: every problem with sheet, row, column, value and reason."""
    return import_problems(plan.problems, lang())


def conflicts_table(plan: Plan) -> pd.DataFrame:
    """Values the import changes: old → new (every decimal)."""
    return import_conflicts(plan.conflicts, lang())


def preview_table(plan: Plan, catalogue: pd.DataFrame | None = None,
                  n: int = 200) -> pd.DataFrame:
    """The first rows that would be written, each value with its indicator's decimals."""
    return batch_rows(plan.rows.head(n), catalogue, lang())


@st.cache_data(show_spinner=False, max_entries=8)
def import_history(_store, path: str, version: str) -> pd.DataFrame:
    """``store.import_batches()``, cached per database file and
    :meth:`~sdg.store.Store.batches_version` (a new import, an undo or a redo changes
    the version, also from another process, e.g. ``sdg import``)."""
    return _store.import_batches()


@st.cache_data(show_spinner=False, max_entries=32)
def batch_preview(_store, path: str, batch_id: int, n: int = 500) -> pd.DataFrame:
    """The first ``n`` rows of a batch (a batch's rows never change), cached."""
    return _store.batch_observations(batch_id, limit=n)


def history(store) -> pd.DataFrame:
    """The import history of ``store`` (cheap on a rerun: one small version query)."""
    return import_history(store, store.path, store.batches_version())


@st.cache_data(show_spinner=False, max_entries=8)
def template_bytes(indicators: pd.DataFrame, lang: str) -> bytes:
    """:func:`sdg.template.template_workbook`, built once per catalogue (the frame is the
    cache key) and language."""
    return template_workbook(indicators, lang)
