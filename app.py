"""News-corpus analyst dashboard: page config, navigation, the shared sidebar. Nothing else.

Run with `streamlit run app.py`. The corpus is the sample in data/sample unless NEWSDASH_BUNDLE
(a prebuilt bundle folder) or NEWSDASH_CORPUS (a folder of raw files) names another, or the
analyst uploads files in the sidebar.
"""

import streamlit as st

from ui.pages import HOME, PAGES
from ui.sessions import start_session_reaper
from ui.sidebar import render_sidebar

# An emoji icon is drawn in the browser (a data: SVG); a ":material/...:" one is fetched from fonts.gstatic.com,
# which an air-gapped deployment cannot reach.
st.set_page_config(page_title="News corpus analyst", page_icon="📰", layout="wide")
start_session_reaper()  # closed sessions freed on time (ui/sessions.py)


def login_configured() -> bool:
    """True when the deployment's secrets configure OIDC login ([auth], see docs/deploy.md)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: st.secrets raises
        return False


if login_configured() and not st.user.get("is_logged_in", False):
    st.title("News corpus analyst")
    st.write("This deployment asks you to log in.")
    st.button("Log in", on_click=st.login)
    st.stop()

page = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=(p == HOME)) for p in PAGES]
)
render_sidebar()
page.run()
