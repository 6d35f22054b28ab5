"""Admin: users (roles, disable, unlock, password reset), the audit log, backup."""

import streamlit as st

from sdg import exports, fmt
from sdg.accounts import action_label, audit_table, filter_audit, users_table
from sdg.auth import ROLES
from sdg.errors import SdgError
from sdg.escape import md
from ui.a11y import default_language_form
from ui.i18n import start_values, tr
from ui.nav import require_router
from ui.state import actor as current_actor
from ui.state import get_store, lang, show_error
from ui.tables import norwegian, show

require_router()

store = get_store()
actor = current_actor()
st.title(tr("admin.title"))


# ------------------------------------------------------------------ users
st.subheader(tr("admin.users"))
flash = st.session_state.pop("admin_flash", None)
if flash:
    st.success(flash)
users = store.users(actor)
show(users_table(users, lang()), "brukere.csv", key="users_table")


def _done(message: str) -> None:
    st.session_state["admin_flash"] = tr("accounts.admin.done", what=message)
    st.rerun()


if len(users):
    st.markdown(f"**{tr('accounts.admin.manage')}**")
    names = users["name"].tolist()
    name = st.selectbox(tr("accounts.admin.user"), names, key="manage_user")
    row = users.set_index("name").loc[name]
    role_col, action_col = st.columns([1, 2])
    with role_col:
        new_role = st.selectbox(tr("accounts.admin.new_role"), ROLES, key="manage_role",
                                format_func=lambda r: tr(f"auth.role.{r}"),
                                **start_values("manage_role", ROLES, index=ROLES.index(row["role"])
                                        if row["role"] in ROLES else 0))
        set_role = st.button(tr("accounts.admin.set_role"), key="set_role")
    with action_col:
        toggle_key = "enable" if row["disabled"] else "disable"
        toggle = st.button(tr(f"accounts.admin.{toggle_key}"), key="toggle_user")
        unlock = st.button(tr("accounts.admin.unlock"), key="unlock_user",
                           disabled=not row["failed_count"])
        reset = st.button(tr("accounts.admin.reset"), key="reset_password",
                          disabled=not row["local"])
    try:
        if set_role:
            store.set_role(actor, name, new_role)
            _done(f"{md(name)}: {tr(f'auth.role.{new_role}')}")
        if toggle:
            store.set_disabled(actor, name, not row["disabled"])
            _done(f"{md(name)}: {tr('accounts.status.active' if row['disabled'] else 'accounts.status.disabled')}")
        if unlock:
            store.unlock(actor, name)
            _done(f"{md(name)}: {tr('accounts.admin.unlock').lower()}")
        if reset:
            password = store.reset_password(actor, name)
            st.success(tr("accounts.admin.reset_done", name=md(name), password=password))
    except SdgError as err:
        show_error(err)

with st.form("add_user", clear_on_submit=True):
    st.markdown(f"**{tr('admin.add_user')}**")
    new_name = st.text_input(tr("auth.user_name"), key="new_name")
    email = st.text_input(tr("admin.email"), key="new_email")
    role = st.selectbox(tr("admin.role"), ROLES, key="new_role",
                        format_func=lambda r: tr(f"auth.role.{r}"), **start_values("new_role", ROLES))
    password = st.text_input(tr("auth.password"), type="password", key="new_password",
                             help=tr("admin.password_help"))
    if st.form_submit_button(tr("admin.add")):
        try:
            store.add_user(actor, new_name.strip(), role, password=password or None,
                           email=email.strip() or None)
            st.session_state["admin_flash"] = tr("admin.added", name=md(new_name.strip()))
            st.rerun()
        except SdgError as err:
            show_error(err)

# ------------------------------------------------------------------ audit log
st.subheader(tr("admin.audit"))
log = store.audit_log(actor)
who_col, area_col, date_col = st.columns(3)
with who_col:
    who = st.multiselect(tr("accounts.audit.filter.user"), sorted(log["actor"].unique()),
                         key="audit_who", placeholder=tr("accounts.audit.filter.all"))
with area_col:
    actions = sorted(log["action"].unique())
    areas = st.multiselect(tr("accounts.audit.filter.action"), actions, **start_values("audit_area", actions),
                           key="audit_area", format_func=lambda a: action_label(a, lang()),
                           placeholder=tr("accounts.audit.filter.all"))
with date_col:
    days = st.date_input(tr("accounts.audit.filter.dates"), value=(), key="audit_days",
                         format="DD.MM.YYYY")
start = days[0] if len(days) >= 1 else None
end = days[1] if len(days) == 2 else start
shown = filter_audit(log, actors=who, actions=areas, start=start, end=end)
readable = audit_table(shown, lang())
st.caption(tr("accounts.audit.count", n=len(shown), total=len(log)))
detail_col = tr("accounts.audit.col.detail")
event = st.dataframe(
    norwegian(readable.drop(columns=[detail_col])), hide_index=True, key="audit_table",
    on_select="rerun", selection_mode="single-row")
selected = event.selection.rows if event is not None else []
if selected:
    st.code(readable.iloc[selected[0]][detail_col] or "–", language="json")
else:
    st.caption(tr("accounts.audit.raw_help"))
with st.expander(tr("accounts.audit.raw")):
    st.dataframe(norwegian(readable[[tr("accounts.audit.col.when"),
                                     tr("accounts.audit.col.who"), detail_col]]),
                 hide_index=True)
about = exports.About(what=tr("admin.audit"), municipality="–",
                      settings={"n": fmt.number(len(shown), 0, lang())})
cols = st.columns(2)
cols[0].download_button(tr("admin.export"),
                        lambda: exports.xlsx(readable, "Revisjonslogg", about, lang()),
                        f"{tr('accounts.audit.export_name')}.xlsx", key="export_audit",
                        on_click="ignore")
cols[1].download_button(tr("export.csv"), lambda: exports.csv(readable, lang()),
                        f"{tr('accounts.audit.export_name')}.csv", mime="text/csv",
                        key="export_audit_csv", on_click="ignore")

# ------------------------------------------------------------------ backup
st.subheader(tr("admin.backup"))
st.caption(tr("admin.backup.help"))
if st.button(tr("admin.backup.make"), key="make_backup"):
    try:
        path = store.backup(actor)
    except SdgError as err:
        show_error(err)
    else:
        st.success(tr("admin.backup.done", path=str(path)))
        st.download_button(tr("admin.backup.download"), path.read_bytes(), path.name,
                           key="download_backup")

default_language_form(actor)
