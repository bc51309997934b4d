"""News-corpus analyst dashboard: page config, navigation, the shared sidebar. Nothing else.

Run with `streamlit run app.py`. The corpus is the sample in data/sample unless NEWSDASH_BUNDLE
(a prebuilt bundle folder) or NEWSDASH_CORPUS (a folder of raw files) names another, or the
analyst uploads files in the sidebar.
"""

import streamlit as st

from ui.pages import HOME, PAGES
from ui.sidebar import render_sidebar

st.set_page_config(page_title="News corpus analyst", page_icon=":material/newspaper:", layout="wide")

page = st.navigation(
    [st.Page(p.path, title=p.title, icon=p.icon, url_path=p.url_path, default=(p == HOME)) for p in PAGES]
)
render_sidebar()
page.run()
