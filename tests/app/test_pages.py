"""AppTest for every page: it runs on a synthetic bundle without an exception, and one interaction per page works.

PAGE_INTERACTIONS lists one interaction per page in ui.pages.PAGES (tests/test_layout.py checks that
every page has one). Widgets are driven by their keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import polars as pl
import pytest

from core import query
from ui.pages import HOME, PAGES


def _no_problem(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _charts(at) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _table(at, *columns: str):
    """The first dataframe shown with all of `columns` (read-only tables carry no key in AppTest)."""
    for d in at.dataframe:
        value = d.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def _captions(at) -> str:
    return "\n".join(c.value for c in at.caption)


def _html(at) -> str:
    return "\n".join(el.proto.body for el in at.get("html"))


def interact_overview(at) -> None:
    # collapsing copies: 8 articles, of which 3 are copies in two story clusters -> 5 remain
    at.toggle(key="filter_collapse_copies").set_value(True).run()
    _no_problem(at)
    assert "5 of 8 articles" in _captions(at)


def interact_articles(at) -> None:
    # opening the script-carrying article shows its title escaped, never as a tag
    at.selectbox(key="reader_article").set_value("x1").run()
    _no_problem(at)
    html = _html(at)
    assert "&lt;script&gt;window.__pwned=1" in html
    assert "<script>" not in html and "<img" not in html and 'href="javascript' not in html


def interact_timeline(at) -> None:
    # weekly bars: every bar starts on a Monday and the bars add up to the dated articles
    at.segmented_control(key="timeline_period").set_value("week").run()
    _no_problem(at)
    spec = _charts(at)[0]
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    total = sum(sum(t["y"]) for t in bars)
    assert total == 8 - 1  # one synthetic article is undated
    from datetime import date

    assert all(date.fromisoformat(x[:10]).weekday() == 0 for t in bars for x in t["x"])
    events = [t for t in spec["data"] if t["type"] == "scatter" and t.get("mode") == "markers"]
    assert events and all(cd[0] == "event" for t in events for cd in t["customdata"])


def interact_actors(at) -> None:
    # a page callback may set the shared actor filter through session state: only articles naming the actor remain
    at.session_state["filter_actors"] = ["a_gen"]
    at.run()
    _no_problem(at)
    assert at.multiselect(key="filter_actors").value == ["a_gen"]
    assert "5 of 8 articles" in _captions(at)
    bars = _charts(at)[0]["data"][0]
    assert ["a_gen"] in bars["customdata"]


def interact_duplicates(at) -> None:
    # the exact level lists the one exact pair; its members are t1 and t2
    at.segmented_control(key="dedup_level").set_value("exact").run()
    _no_problem(at)
    members = _table(at, "article_id", "similarity", "is_representative")
    assert sorted(members["article_id"]) == ["t1", "t2"]


def interact_statements(at) -> None:
    # a keyword keeps only aligned rows that mention it
    at.text_input(key="statements_keyword").set_value("deal").run()
    _no_problem(at)
    aligned = _table(at, "row_kind", "text_a", "text_b")
    assert len(aligned) > 0
    texts = (
        aligned["text_a"].fillna("") + " " + aligned["text_b"].fillna("") + " " + aligned["topic"].fillna("")
    ).str.lower()
    assert texts.str.contains("deal").all()


def interact_casework(at) -> None:
    # excluding an article through the page's form: saved, listed in force, gone from every count
    assert "8 of 8 articles" in _captions(at)
    at.text_input(key="casework_exclude_id").set_value("t1").run()
    at.text_input(key="casework_exclude_reason").set_value("an op-ed").run()
    at.button(key="casework_exclude").click().run()
    _no_problem(at)
    assert "7 of 7 articles" in _captions(at)  # the count every page shows
    assert {m.label: m.value for m in at.metric}["excluded articles"] == "1"
    in_force = _table(at, "kind", "subject", "value", "who")
    assert in_force[["kind", "subject", "value", "who"]].values.tolist() == [
        ["article_excluded", '{"article_id":"t1"}', "an op-ed", "local"]
    ]


PAGE_INTERACTIONS: dict[str, Callable] = {
    "pages/overview_page.py": interact_overview,
    "pages/articles_page.py": interact_articles,
    "pages/timeline_page.py": interact_timeline,
    "pages/actors_page.py": interact_actors,
    "pages/duplicates_page.py": interact_duplicates,
    "pages/statements_page.py": interact_statements,
    "pages/casework_page.py": interact_casework,
}


def open_page(at, page):
    """Show `page` (the default page is what app.py shows when no other page is asked for)."""
    if page != HOME:
        at.switch_page(page.path)
    return at.run()


@pytest.mark.parametrize("page", PAGES, ids=[p.title for p in PAGES])
def test_page_runs_and_answers_one_interaction(app, page):
    at = open_page(app, page)
    _no_problem(at)
    assert at.title and at.title[0].value == page.title
    PAGE_INTERACTIONS[page.path](at)


@pytest.mark.parametrize("page", PAGES, ids=[p.title for p in PAGES])
def test_page_says_when_nothing_passes_the_filters(app, page):
    # a search nothing matches: every page stays up and says so instead of erroring
    app.text_input(key="filter_search").set_value("zzzz-no-such-text").run()
    at = open_page(app, page)
    _no_problem(at)
    assert "0 of 8 articles" in _captions(at)


@pytest.mark.parametrize(
    "failed_stage, page",
    [
        ("dedup", "pages/duplicates_page.py"),  # clusters missing: the Duplicates page warns
        ("actors", "pages/actors_page.py"),  # actors missing: the Actors page warns
        ("statements", "pages/statements_page.py"),  # statements missing
        ("dates", "pages/timeline_page.py"),  # dates missing: the Timeline warns
    ],
)
def test_failed_stage_is_named_on_its_page(make_app, tmp_path, failed_stage, page):
    from tests.app.synthetic import write_synthetic_bundle

    at = make_app(bundle=write_synthetic_bundle(tmp_path / "b", failed_stage=failed_stage))
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    assert any(failed_stage in w.value and "synthetic failure" in w.value for w in at.warning)


@pytest.mark.parametrize(
    "damage, expected",
    [
        ("truncate", "truncated"),  # a table shorter than the manifest says
        ("no_manifest", "manifest"),  # not a bundle at all
    ],
)
def test_broken_bundle_shows_the_reason_not_a_traceback(make_app, tmp_path, damage, expected):
    from tests.app.synthetic import write_synthetic_bundle

    bundle = write_synthetic_bundle(tmp_path / "b")
    if damage == "truncate":
        path = bundle / "articles.parquet"
        path.write_bytes(path.read_bytes()[:100])
    else:
        (bundle / "manifest.json").unlink()
    at = make_app(bundle=bundle)
    at.run()
    assert not at.exception
    assert any(expected in e.value for e in at.error), [e.value for e in at.error]


def test_articles_download_is_the_filtered_table(app, synthetic_bundle):
    # the bytes a download button gives are table_to_csv_bytes of exactly the table shown
    from core.bundle import load_bundle
    from core.export import table_to_csv_bytes
    from ui.widgets import csv_bytes_builder

    app.multiselect(key="filter_outlets").set_value(["Freedonia Post"]).run()
    at = app.switch_page("pages/articles_page.py")
    at.run()
    shown = [d for d in at.dataframe if d.key == "articles_table"][0].value
    tables = load_bundle(synthetic_bundle).tables
    expected = query.articles_table(
        query.filter_articles(
            tables["articles"], tables["mentions"], tables["clusters"], query.Filters(outlets=("Freedonia Post",))
        )
    )
    assert list(shown["title"]) == expected["title"].to_list()
    data = csv_bytes_builder(expected)()
    assert data == table_to_csv_bytes(expected)
    back = pl.read_csv(data[3:])
    assert back.height == len(shown) and set(back["outlet"]) == {"Freedonia Post"}
    # a title starting with "=" would be a formula in a spreadsheet; the CSV neutralises it
    assert b"\n=" not in data


def test_upload_is_built_for_the_session(make_app, tmp_path):
    # an uploaded CSV with one article per record is built in the session, with a status and a summary
    at = make_app(corpus=tmp_path / "nothing-here")
    at.run()
    at.selectbox(key="corpus_source").set_value("Upload files…").run()
    assert not at.exception
    csv = (
        b"id,title,text,published,outlet\n"
        b'1,Talks resume,"The ministry said on Monday that the talks would resume next week.",2024-03-11,Daily Ruritanian\n'
        b'2,Deal signed,"The department said the deal was signed in February.",2024-03-12,Freedonia Post\n'
    )
    at.file_uploader(key="corpus_upload").set_value(("articles.csv", csv, "text/csv")).run()
    at.button(key="corpus_build_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    # one status in the main area (not the sidebar) whose counts match: 2 articles from 1 file, one row per file
    assert at.status and at.status[0].proto.label == "Built 2 articles from 1 uploaded file"
    assert not at.sidebar.get("expandable") and not at.sidebar.get("status")
    per_file = _table(at, "file", "status", "articles", "skipped")
    assert per_file[["file", "status", "articles"]].values.tolist() == [["articles.csv", "ok", 2]]
    at.switch_page("pages/articles_page.py").run()
    assert not at.exception
    shown = [d for d in at.dataframe if d.key == "articles_table"][0].value
    assert sorted(shown["title"]) == ["Deal signed", "Talks resume"]


def test_bad_upload_says_why(make_app, tmp_path):
    # a file nothing can be read from: the build fails with the reason, no traceback
    at = make_app(corpus=tmp_path / "nothing-here")
    at.run()
    at.selectbox(key="corpus_source").set_value("Upload files…").run()
    at.file_uploader(key="corpus_upload").set_value(
        [("empty.txt", b"", "text/plain"), ("blank.txt", b"   ", "text/plain")]
    ).run()
    at.button(key="corpus_build_upload").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # said once (not in the status and the sidebar and the page), counting the analyst's two files
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and "Could not build the uploaded files" in errors[0], errors
    assert "2 uploaded files" in errors[0] and "input(s)" not in errors[0]


def _stories_line(at) -> tuple[int, int]:
    """(articles, independent stories) from the Duplicates page's headline."""
    import re

    for md in at.markdown:
        m = re.search(r"([\d,]+) articles, ([\d,]+) independent stories", md.value)
        if m:
            return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
    raise AssertionError("no 'N articles, M independent stories' line")


def test_duplicates_rebuild_at_strict_thresholds_splits_stories(app):
    # rebuilding at the strictest thresholds can only split clusters: as many or more stories, same articles
    at = app.switch_page("pages/duplicates_page.py")
    at.run()
    before = _stories_line(at)
    at.slider(key="dedup_near_threshold").set_value(1.0)
    at.slider(key="dedup_story_threshold").set_value(1.0)
    at.button(key="dedup_rebuild").click().run()
    _no_problem(at)
    after = _stories_line(at)
    assert after[0] == before[0] and after[1] >= before[1]
    assert any("rebuilt in this session with near=1.0, story=1.0" in c for c in _captions(at).splitlines())
    # back to the corpus clusters: the first count returns
    at.button(key="dedup_reset").click().run()
    _no_problem(at)
    assert _stories_line(at) == before


def _event_points(at) -> int:
    spec = _charts(at)[0]
    return sum(len(t["x"]) for t in spec["data"] if t["type"] == "scatter" and t.get("mode") == "markers")


def test_timeline_axis_hides_events_far_from_publication(app):
    # the synthetic events include one in September, months after the March articles: hidden until "all events"
    at = app.switch_page("pages/timeline_page.py")
    at.run()
    at.segmented_control(key="timeline_colour_by").set_value("outlet").run()
    near = _event_points(at)
    assert "outside the publication period are hidden" in _captions(at)
    at.segmented_control(key="timeline_axis").set_value("all events").run()
    _no_problem(at)
    everything = _event_points(at)
    assert everything > near > 0
    events = _table(at, "event_id", "expression", "sentence")
    assert len(events) == everything  # coloured by outlet: one row per event, every one drawn


# ---------------------------------------------------------------------------------------------
# Lower-bound dates, filtered Overview counts, the capped events table, heatmap categories
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lower_bound_bundle(tmp_path_factory):
    """The synthetic bundle as the dates stage often leaves real scrapes: only t1 keeps a publication date,
    every other dated article has just a `published_not_before` lower bound (its old date), u1 stays undated."""
    from core.bundle import save_bundle
    from tests.app.synthetic import make_synthetic_corpus

    corpus = make_synthetic_corpus(with_xss=True)
    arts = corpus.tables["articles"]
    keep = pl.col("article_id") == "t1"
    corpus.tables["articles"] = arts.with_columns(
        published_not_before=pl.when(keep).then(None).otherwise(pl.col("published")),
        published_not_before_how=pl.when(keep | pl.col("published").is_null())
        .then(pl.lit(""))
        .otherwise(pl.lit("caption date")),
        published=pl.when(keep).then(pl.col("published")).otherwise(None),
        published_how=pl.when(keep).then(pl.col("published_how")).otherwise(pl.lit("")),
    )
    return save_bundle(corpus, tmp_path_factory.mktemp("lb") / "lower_bounds")


def test_lower_bounds_give_a_date_axis_marked_as_such(make_app, lower_bound_bundle):
    # the sidebar offers a date filter; the Timeline draws the lower-bound articles as their own hatched bars
    at = make_app(bundle=lower_bound_bundle)
    at.run()
    _no_problem(at)
    assert at.date_input(key="filter_dates").label == "Published (or not before) between"
    assert "lower bound" in at.date_input(key="filter_dates").help
    at.switch_page("pages/timeline_page.py").run()
    _no_problem(at)
    bars = [t for t in _charts(at)[0]["data"] if t["type"] == "bar"]
    assert sum(sum(t["y"]) for t in bars) == 7  # t1 by its date, six by their lower bounds; u1 has neither
    lower = [t for t in bars if "not before (lower bound)" in t["name"]]
    published = [t for t in bars if t not in lower]
    assert sum(sum(t["y"]) for t in lower) == 6 and sum(sum(t["y"]) for t in published) == 1
    assert all(t["marker"]["pattern"]["shape"] == "/" for t in lower)
    assert all(t["marker"]["pattern"]["shape"] == "" for t in published)
    assert all(cd[3] == "not before" for t in lower for cd in t["customdata"])
    # a range filters the lower-bound articles by their bound: 18-26 March keeps d1, d2, o1, x1
    from datetime import date

    at.date_input(key="filter_dates").set_value((date(2024, 3, 18), date(2024, 3, 26))).run()
    _no_problem(at)
    assert "4 of 8 articles" in _captions(at)
    # the Articles table shows the bound in its own column, never as `published`
    at.switch_page("pages/articles_page.py").run()
    shown = [d for d in at.dataframe if d.key == "articles_table"][0].value
    # (an unknown publication date reads "—")
    assert (shown["published"] == "—").all() and (shown["published_not_before"] != "—").all()


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_overview_counts_honour_the_filters(app):
    # Freedonia Post alone: t2, d1, x1 are three articles of three stories, from one outlet
    before = _metrics(app)
    assert before["Articles"] == "8" and before["Independent stories"] == "5"
    app.multiselect(key="filter_outlets").set_value(["Freedonia Post"]).run()
    _no_problem(app)
    after = _metrics(app)
    assert (after["Articles"], after["Independent stories"], after["Outlets"]) == ("3", "3", "1")
    assert all("of" in m.help for m in app.metric)  # each says what it is a part of


def test_events_table_is_capped_with_both_downloads(app, monkeypatch):
    # over the cap the table shows the first rows and says so; one CSV of the shown rows, one of all rows
    from ui import widgets

    monkeypatch.setattr(widgets, "MAX_TABLE_ROWS", 2)
    at = app.switch_page("pages/timeline_page.py")
    at.run()
    at.segmented_control(key="timeline_colour_by").set_value("outlet").run()
    at.segmented_control(key="timeline_axis").set_value("all events").run()
    _no_problem(at)
    n_all = _event_points(at)  # by outlet, one row per event and every event drawn
    assert n_all > 2
    events = _table(at, "event_id", "expression", "sentence")
    assert len(events) == 2
    assert f"Showing the first 2 of {n_all:,} event rows" in _captions(at)
    labels = [b.label for b in at.download_button if b.key and b.key.startswith("timeline_events")]
    assert labels == ["CSV of shown rows (2 rows)", f"CSV of all filtered event rows ({n_all:,} rows)"]


def test_heatmap_keeps_actors_sharing_a_name_apart():
    # two actors called "Varo" (a person and a place) must be two rows, labelled apart; a third name stays plain
    from ui import charts

    frame = pl.DataFrame(
        {
            "outlet": ["Post", "Post", "Herald"],
            "name": ["Varo", "Varo", "Brek"],
            "actor_id": ["a_person", "a_place", "a_gen"],
            "n": [4, 1, 2],
        }
    )
    fig = charts.heatmap_figure(frame, "outlet", "name", "n", "t", y_key="actor_id")
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks == ["Varo (a_person)", "Varo (a_place)", "Brek"]
    z = [list(r) for r in fig.data[0].z]
    assert z == [[4, 0], [1, 0], [0, 2]]  # rows in frame order, columns Post, Herald
    # the co-occurrence rows carry the ids (ia, ib): keyed on them, the two "Varo"s stay two rows and columns
    from core import query

    pairs = pl.DataFrame(
        {
            "actor_a": ["a_person", "a_place"],
            "a_name": ["Varo", "Varo"],
            "actor_b": ["a_gen", "a_gen"],
            "b_name": ["Brek", "Brek"],
            "n_articles": [3, 1],
        }
    )
    sym = query.cooccurrence_matrix_rows(pairs, ["a_person", "a_gen", "a_place"])
    cooc = charts.heatmap_figure(sym, "x", "y", "n", "t", x_key="ia", y_key="ib")
    assert sorted(cooc.layout.xaxis.ticktext) == ["Brek", "Varo (a_person)", "Varo (a_place)"]
    assert sum(map(sum, cooc.data[0].z)) == 2 * (3 + 1)  # both pairs, both directions, nothing overwritten
    # without keys the old behaviour stays: categories are the labels (and equal labels add up, never overwrite)
    merged = charts.heatmap_figure(frame, "outlet", "name", "n", "t")
    assert list(merged.layout.yaxis.ticktext) == ["Varo", "Brek"] and [list(r) for r in merged.data[0].z][0] == [5, 0]


def test_actor_filter_offers_the_most_mentioned_and_keeps_a_chosen_one(make_app, synthetic_bundle, monkeypatch):
    # a big corpus has tens of thousands of actors: the sidebar offers the top N, plus whatever is chosen
    import ui.sidebar

    monkeypatch.setattr(ui.sidebar, "ACTOR_OPTIONS_MAX", 2)
    at = make_app(bundle=synthetic_bundle)
    at.run()
    box = at.multiselect(key="filter_actors")
    assert len(box.options) == 2
    assert box.value == []
    # choose an actor outside the top 2 (as a chart click does), rerun: it is offered and kept
    from core.bundle import load_bundle
    from core.query import count_mentions_by_actor

    counts = count_mentions_by_actor(load_bundle(synthetic_bundle).tables["mentions"]).sort(
        ["n_mentions", "actor_id"], descending=[False, False]
    )
    rare = counts.get_column("actor_id")[0]
    at.session_state["filter_actors"] = [rare]
    at.run()
    box = at.multiselect(key="filter_actors")
    assert box.value == [rare]
    assert len(box.options) == 3


@pytest.mark.parametrize(
    ("auth", "expected_title"),
    [
        ({}, "Overview"),  # no [auth] in secrets: no login, the app opens
        (  # OIDC configured and nobody logged in: only the login button, no corpus
            {
                "redirect_uri": "http://localhost:8501/oauth2callback",
                "cookie_secret": "x",
                "client_id": "a",
                "client_secret": "b",
                "server_metadata_url": "https://example.invalid/.well-known/openid-configuration",
            },
            "News corpus analyst",
        ),
    ],
)
def test_login_is_required_only_when_configured(make_app, synthetic_bundle, auth, expected_title):
    at = make_app(bundle=synthetic_bundle)
    if auth:
        at.secrets["auth"] = auth
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == expected_title
    assert ("Log in" in [b.label for b in at.button]) == bool(auth)


def test_clear_filters_resets_every_filter_widget_and_it_stays_cleared(app):
    # every shared filter set, then "Clear filters": the widgets show their neutral values and the next
    # interaction (opening another page, collapsing copies) does not bring any filter back
    app.text_input(key="filter_search").set_value("deal").run()
    app.multiselect(key="filter_outlets").set_value(["Freedonia Post"]).run()
    app.multiselect(key="filter_actors").set_value(["a_gen"]).run()
    _no_problem(app)
    assert "filters:" in _captions(app)
    app.button(key="filter_clear").click().run()
    _no_problem(app)
    assert app.text_input(key="filter_search").value == ""
    assert app.multiselect(key="filter_outlets").value == []
    assert app.multiselect(key="filter_actors").value == []
    assert app.toggle(key="filter_collapse_copies").value is False
    assert "8 of 8 articles" in _captions(app) and "filters:" not in _captions(app)
    at = open_page(app, PAGES[1])
    _no_problem(at)
    assert at.text_input(key="filter_search").value == ""
    assert "8 of 8 articles" in _captions(at)


def test_duplicates_opens_on_copies_with_the_closest_pair_side_by_side(app):
    # issue 15 item 3: the page opens on copies, never on related coverage, the header names the level,
    # and the comparison starts on a pair sharing a passage (the synthetic exact pair t1/t2 is in the near level too)
    at = open_page(app, PAGES[4])
    _no_problem(at)
    level = at.segmented_control(key="dedup_level")
    assert level.value in ("near", "exact")
    assert any("copies" in h.value for h in at.subheader)
    left = [s for s in at.selectbox if str(s.key).startswith("dedup_compare_a_")]
    right = [s for s in at.selectbox if str(s.key).startswith("dedup_compare_b_")]
    assert left and right and left[0].value != right[0].value
    import re

    shared = re.search(r"Passages: (\d+) shared", _captions(at))
    assert shared and int(shared.group(1)) >= 1
    level.set_value("story").run()
    _no_problem(at)
    assert any("Related coverage" in h.value for h in at.subheader)
    assert not any("copies:" in h.value.lower() for h in at.subheader)


def test_timeline_rows_are_labelled_coloured_apart_and_lower_bounds_get_their_own_lane():
    # issue 15 item 4: 30 actors -> 12 labelled rows + "other"; no colour twice; lower bounds on their own axis;
    # whole-number ticks on a small axis; the x range is the dated mass, not a lower bound from 1870
    from datetime import date, timedelta

    from ui import charts

    per_period = pl.DataFrame(
        {
            "period_start": [date(2024, 3, 1), date(2024, 3, 2), date(1870, 5, 1)],
            "outlet": ["A", "B", "A"],
            "date_basis": ["published", "published", "not before"],
            "articles": [2, 1, 1],
        }
    )
    rows = pl.DataFrame(
        {
            "event_id": [f"e{i}" for i in range(60)],
            "group": [f"actor {i % 30}" for i in range(60)],
            "date_start": [date(2024, 3, 1) + timedelta(days=i % 5) for i in range(60)],
            "date_end": [None] * 60,
            "expression": ["x"] * 60,
            "precision": ["day"] * 60,
            "sentence": ["s"] * 60,
            "outlet": ["A"] * 60,
        },
        schema_overrides={"date_end": pl.Date},
    )
    grouped = charts.group_top_and_other(rows, charts.TIMELINE_MAX_GROUPS)
    assert grouped["group"].n_unique() == charts.TIMELINE_MAX_GROUPS + 1
    window = query.axis_window(
        pl.DataFrame({"published": [date(2024, 3, 1), date(2024, 3, 2)], "published_not_before": [None, None]})
    )
    fig = charts.timeline_figure(per_period, grouped, "actor", "day", window=window).to_plotly_json()
    points = [t for t in fig["data"] if t.get("mode") == "markers"]
    colours = [t["marker"]["color"] for t in points if t["name"] != charts.OTHER_LABEL]
    assert len(colours) == len(set(colours)) == charts.TIMELINE_MAX_GROUPS
    layout = fig["layout"]
    event_axis = layout[f"yaxis{3}"]
    assert list(event_axis["tickvals"]) == grouped["group"].unique(maintain_order=True).to_list()
    bars = [t for t in fig["data"] if t["type"] == "bar"]
    assert {t["yaxis"] for t in bars if "not before" in t["name"]} == {"y2"}
    assert {t["yaxis"] for t in bars if "not before" not in t["name"]} == {"y"}
    assert layout["yaxis"]["dtick"] == 1
    assert layout["xaxis"]["range"][0] > "2024"


def test_articles_table_leads_with_title_outlet_date_and_shows_unknown_as_a_dash(app, synthetic_bundle):
    # issue 15 item 6: ids last; an unknown outlet or date reads "—" (never "None"); the CSV keeps it empty
    at = open_page(app, PAGES[1])
    _no_problem(at)
    shown = _table(at, "title", "outlet", "published", "article_id")
    assert list(shown.columns[:3]) == ["title", "outlet", "published"]
    assert shown.columns[-1] == "article_id"
    bundle = pl.read_parquet(synthetic_bundle / "articles.parquet")
    n_undated = bundle["published"].null_count()
    assert n_undated >= 1  # the synthetic corpus has an undated article: it must read "—"
    assert int((shown["published"] == "—").sum()) == n_undated
    assert not shown[["title", "outlet", "published"]].isna().any().any()
