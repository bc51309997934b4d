"""The page list: one place, used by app.py (st.navigation) and by the tests (one AppTest per page).

Page files are named `<name>_page.py` while their URL is `/<name>`: Streamlit still treats a
folder called pages/ as an old-style page folder until st.navigation has run once in the process
(and AppTest re-detects it on every run), and a page whose URL equals its file stem is then run
on its own, without app.py's sidebar. With different names the router falls back to app.py, which
calls st.navigation. tests/test_layout.py keeps the two apart.

That fallback made the first direct visit to a sub-page URL after a server start (a bookmark to
/statements) show "Page not found" over the right page. So each sub-page URL also has a router shim,
`pages/<url_path>.py`, which only runs app.py: the old router finds a file for the URL, runs the shim,
and app.py routes to the real page with the sidebar (st.navigation ends the old router for the process).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repo root (the folder of app.py)
    title: str
    icon: str
    url_path: str  # the default page is served at "/" whatever its url_path


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview_page.py", "Overview", ":material/dashboard:", "overview"),
    PageSpec("pages/articles_page.py", "Articles", ":material/article:", "articles"),
    PageSpec("pages/timeline_page.py", "Timeline", ":material/timeline:", "timeline"),
    PageSpec("pages/actors_page.py", "Actors", ":material/groups:", "actors"),
    PageSpec("pages/duplicates_page.py", "Duplicates", ":material/content_copy:", "duplicates"),
    PageSpec("pages/statements_page.py", "Statements", ":material/format_quote:", "statements"),
    PageSpec("pages/casework_page.py", "Casework", ":material/gavel:", "casework"),
)

HOME = PAGES[0]
ARTICLES = PAGES[1]  # the reader other pages open an article in
PAGE_BY_NAME = {p.url_path: p for p in PAGES}  # for st.page_link: PAGE_BY_NAME["timeline"].path
