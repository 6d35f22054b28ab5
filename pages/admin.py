"""Admin: users and roles, and the audit log with export."""

import streamlit as st

from sdg import exports, fmt
from sdg.auth import ROLES
from sdg.errors import SdgError
from ui.i18n import tr
from ui.nav import require_router
from ui.state import actor as current_actor
from ui.state import get_store, lang, show_error

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
            st.success(tr("admin.added", name=name))
        except SdgError as err:
            show_error(err)

st.subheader(tr("admin.audit"))
log = store.audit_log(actor)
st.dataframe(log, hide_index=True)
about = exports.About(what=tr("admin.audit"), municipality="–",
                      settings={"n": fmt.number(len(log), 0, lang())})
cols = st.columns(2)
cols[0].download_button(tr("admin.export"),
                        lambda: exports.xlsx(log, "Revisjonslogg", about, lang()),
                        "revisjonslogg.xlsx", key="export_audit", on_click="ignore")
cols[1].download_button(tr("export.csv"), lambda: exports.csv(log, lang()), "revisjonslogg.csv",
                        mime="text/csv", key="export_audit_csv", on_click="ignore")

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
