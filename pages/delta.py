"""Delta (participant): the participant's page is the light page ``/w/CODE``
(:mod:`web.workshop`), which needs no Streamlit session. A browser that reaches the
Streamlit app with ``?w=CODE`` by a full load is redirected there by the server
(:class:`web.workshop.WorkshopLinkRedirect`); this page only covers a link followed
inside the app."""

from urllib.parse import quote

import streamlit as st

from ui.i18n import tr
from ui.nav import require_router
from ui.state import lang
from ui.workshop import join_url, no_sidebar

require_router()

no_sidebar("phone")
code = st.query_params.get("w", "")
st.title(tr("workshop.delta.title"))
st.link_button(tr("workshop.delta.go"), f"{join_url(quote(code))}?lang={lang()}", type="primary",
               width="stretch")
