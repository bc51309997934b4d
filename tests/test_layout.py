"""Layout rules: core/ imports no streamlit/plotly; the page list, the page files and the AppTests agree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ui.pages import HOME, PAGES

REPO = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_CORE = ("streamlit", "plotly")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted((REPO / "core").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_core_imports_no_streamlit_or_plotly(path):
    bad = {m for m in _imported_modules(path) if m.split(".")[0] in FORBIDDEN_IN_CORE}
    assert not bad, f"{path.relative_to(REPO)} imports {sorted(bad)}; core must stay UI-free"


def test_every_listed_page_exists_and_every_page_file_is_listed():
    listed = {p.path for p in PAGES}
    shims = {f"pages/{p.url_path}.py" for p in PAGES if p != HOME}
    on_disk = {str(p.relative_to(REPO)) for p in (REPO / "pages").glob("*.py") if p.name != "__init__.py"}
    assert listed == on_disk - shims


@pytest.mark.parametrize("spec", [p for p in PAGES if p != HOME], ids=lambda p: p.url_path)
def test_every_sub_page_url_has_a_router_shim_that_only_runs_app_py(spec):
    # a first direct visit to /<url> on a fresh server is answered by Streamlit's old pages/ router; without a
    # file named like the URL it shows "Page not found" (see ui/pages.py). The shim runs app.py and nothing else.
    shim = REPO / "pages" / f"{spec.url_path}.py"
    assert shim.exists(), shim
    code = [
        line
        for line in shim.read_text(encoding="utf-8").split('"""')[-1].splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert code == [
        "import runpy",
        "from pathlib import Path",
        'runpy.run_path(str(Path(__file__).resolve().parents[1] / "app.py"), run_name="__main__")',
    ]


def test_page_urls_differ_from_file_stems():
    # a URL equal to the file stem lets Streamlit's old pages/ router run the page without app.py (see ui/pages.py)
    for p in PAGES:
        assert p.url_path and p.url_path != Path(p.path).stem, p
    assert len({p.url_path for p in PAGES}) == len(PAGES)


def test_every_page_has_an_apptest_interaction():
    from tests.app.test_pages import PAGE_INTERACTIONS

    assert set(PAGE_INTERACTIONS) == {p.path for p in PAGES}


@pytest.mark.parametrize("path", sorted((REPO / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_do_not_import_core_stages_directly(path):
    # pages read widgets, call core.query and draw; what a page needs from a stage comes through core.query or a ui helper
    stages = {
        "core.actors",
        "core.dedup",
        "core.statements",
        "core.conflicts",
        "core.dates",
        "core.clean",
        "core.ingest",
    }
    assert not (_imported_modules(path) & stages)


@pytest.mark.parametrize(
    "path", sorted((REPO / "pages").glob("*.py")) + sorted((REPO / "ui").glob("*.py")), ids=lambda p: p.name
)
def test_no_unsafe_markdown_html(path):
    # article text must never be rendered as HTML through Markdown; st.html with escaped text is the one way
    assert "unsafe_allow_html" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted((REPO / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_hold_no_polars_and_no_cache(path):
    # a page reads widgets, calls core.query.<page> and draws: frames are built in core.query, caches live in ui/
    text = path.read_text(encoding="utf-8")
    assert "polars" not in _imported_modules(path), f"{path.name} imports polars"
    assert "pl." not in text, f"{path.name} holds Polars code; move it to core.query"
    assert "st.cache_" not in text, f"{path.name} keeps a cache of its own; caches belong in a ui helper"


@pytest.mark.parametrize(
    "path", sorted((REPO / "pages").glob("*.py")) + sorted((REPO / "ui").glob("*.py")), ids=lambda p: p.name
)
def test_no_module_loaded_by_name(path):
    # one path per result: import directly and fail loudly, never load a module by name to swallow its failure
    text = path.read_text(encoding="utf-8")
    assert "importlib" not in _imported_modules(path) and "__import__(" not in text, path.name
    assert "compat" not in {m.rsplit(".", 1)[-1] for m in _imported_modules(path)}, path.name
