"""Admin: users and roles, and the audit log with export."""

import streamlit as st

from sdg.auth import ROLES
from sdg.errors import SdgError
from sdg.escape import md
from sdg.writers import xlsx_bytes
from ui.i18n import tr
from ui.nav import require_router
from ui.state import actor as current_actor
from ui.state import get_store, show_error

require_router()

store = get_store()
actor = current_actor()
st.title(tr("admin.title"))

st.subheader(tr("admin.users"))
st.dataframe(store.users(actor), hide_index=True)
with st.form("add_user", clear_on_submit=True):
    st.markdown(f"**{tr('admin.add_user')}**")
    name = st.text_input(tr("auth.user_name"), key="new_name")
    email = st.text_input(tr("admin.email"), key="new_email")
    role = st.selectbox(tr("admin.role"), ROLES, key="new_role",
                        format_func=lambda r: tr(f"auth.role.{r}"))
    password = st.text_input(tr("auth.password"), type="password", key="new_password",
                             help=tr("admin.password_help"))
    if st.form_submit_button(tr("admin.add")):
        try:
            store.add_user(actor, name.strip(), role, password=password or None,
                           email=email.strip() or None)
            st.success(tr("admin.added", name=md(name)))
        except SdgError as err:
            show_error(err)

st.subheader(tr("admin.audit"))
log = store.audit_log(actor)
st.dataframe(log, hide_index=True)
st.download_button(tr("admin.export"), xlsx_bytes({"Revisjonslogg": log}), "revisjonslogg.xlsx",
                   key="export_audit")

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
