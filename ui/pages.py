"""The page list: one place, used by app.py (st.navigation) and by the tests (one AppTest per page)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to the repo root (the folder of app.py)
    title: str
    icon: str
    url_path: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "Overview", ":material/dashboard:", "overview"),
    PageSpec("pages/articles.py", "Articles", ":material/article:", "articles"),
    PageSpec("pages/timeline.py", "Timeline", ":material/timeline:", "timeline"),
    PageSpec("pages/actors.py", "Actors", ":material/groups:", "actors"),
    PageSpec("pages/duplicates.py", "Duplicates", ":material/content_copy:", "duplicates"),
    PageSpec("pages/statements.py", "Statements", ":material/format_quote:", "statements"),
)

HOME = PAGES[0]
