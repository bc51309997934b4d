"""The statements stage at the engine seam: distinct bodies (prepare), the per-body regex pass over a
batch (article work), and the driver-side assembly (finish) into the statements table.

    bodies = distinct_bodies(articles)                 # driver: each distinct body once, body_idx 0..n-1
    rows = statement_rows(bodies)                      # article work: any slice of `bodies`, concatenated
    table = assemble_statements(rows, articles, actors, mentions, clusters)   # driver

`extract_statements` is that composition, run serially.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from core import schema
from core.statements.accounts import (
    ACCOUNT_KIND,
    LEAD_SENTENCES,
    MIN_HEADLINE_WORDS,
    OUTLET_SIDE_PREFIX,
    OUTLET_UNKNOWN,
    is_claim_like,
    lead_account,
)
from core.statements.cues import ANONYMOUS, MAX_BODY_CHARS, cue_lemma
from core.statements.extract import extract_article
from core.statements.quotes import normalise_quote_marks, widen_to_double_marks
from core.statements.resolve import NON_SPEAKER_HEADS, resolve_speakers
from core.statements.sides import attach_actors_and_sides, mark_copies
from core.statements.speakers import has_proper_name, speaker_kind, speaker_type
from core.text.sentences import paragraph_spans, sentence_spans

LEAD_SCAN_CHARS = 3000  # the lead is looked for in the body's first characters only


def statement_id(article_id: str, start: int, end: int) -> str:
    """Stable id: sha1 of (article_id, start, end), 16 hex chars."""
    return hashlib.sha1(f"{article_id}\x1f{start}\x1f{end}".encode()).hexdigest()[:16]


# Columns of one statement found in a body, in the order _body_rows gives them (statement_id and
# article_id are added per article: a body repeated by exact copies is read once).
_BODY_COLUMNS: dict[str, Any] = {
    "speaker": pl.String,
    "speaker_start": pl.Int32,
    "speaker_end": pl.Int32,
    "cue": pl.String,
    "text": pl.String,
    "start": pl.Int32,
    "end": pl.Int32,
    "kind": pl.String,
    "sourcing": pl.String,
    "speaker_surface": pl.String,
    "surface_start": pl.Int32,
    "surface_end": pl.Int32,
    "antecedent_start": pl.Int32,
    "antecedent_end": pl.Int32,
    "speaker_role": pl.String,
    "resolved_from": pl.String,
    "cue_start": pl.Int32,
    "cue_end": pl.Int32,
    "sentence_start": pl.Int32,
    "sentence_end": pl.Int32,
    "cue_lemma": pl.String,
}


def _first_sentences(text: str) -> list[tuple[int, int]]:
    """The first LEAD_SENTENCES sentences of a body (its first paragraphs only: the lead is at the top)."""
    out: list[tuple[int, int]] = []
    for ps, pe in paragraph_spans(text[:LEAD_SCAN_CHARS]):
        out.extend(sentence_spans(text, ps, pe))
        if len(out) >= LEAD_SENTENCES:
            break
    return out[:LEAD_SENTENCES]


def _body_rows(body: str, with_lead: bool = True) -> list[tuple[Any, ...]]:
    """Statements of one body as tuples in _BODY_COLUMNS order (no ids, no actor layer); with_lead adds
    the lead's unattributed claim as an account (kind "account", speaker "" until the outlet is known)."""
    if not body:
        return []
    text = body[:MAX_BODY_CHARS]
    work = normalise_quote_marks(text)  # same offsets as text; rows below slice the original
    try:
        stmts = extract_article(work)
        resolve_speakers(work, stmts)
    except RecursionError:  # pathological regex input: skip the article, never the corpus
        return []
    if with_lead:
        lead = lead_account(work, _first_sentences(work), stmts)
        if lead is not None:
            stmts.append(lead)
    rows: list[tuple[Any, ...]] = []
    for st in stmts:
        sp = st.speaker
        eff = st.resolved or sp
        if eff is None or (eff.text and eff.text.split()[-1].lower() in NON_SPEAKER_HEADS):
            continue  # "the World Cup said": an event, a programme or an award does not speak
        resolved = st.resolved is not None
        st.start, st.end = widen_to_double_marks(text, st.start, st.end)
        surface_s = sp.start if sp is not None else -1
        surface_e = sp.end if sp is not None else -1
        kind = eff.kind or speaker_kind(eff.text)
        sourcing = "outlet" if st.kind == ACCOUNT_KIND else _sourcing(eff.text, kind)
        rows.append(
            (
                eff.text,
                -1 if resolved else surface_s,
                -1 if resolved else surface_e,
                st.cue,
                text[st.start : st.end],
                st.start,
                st.end,
                st.kind,
                sourcing,
                sp.text if sp is not None else "",
                surface_s,
                surface_e,
                eff.start if resolved else -1,
                eff.end if resolved else -1,
                (sp.role if sp is not None else "") or "",
                st.resolved_from,
                st.cue_start,
                st.cue_end,
                st.sentence_start,
                st.sentence_end,
                cue_lemma(st.cue),
            )
        )
    return rows


def extract_statement_rows(article_id: str, body: str) -> list[dict]:
    """Statements of one body as plain dict rows (no actor layer); what `extract_statements` finds per article."""
    out = []
    for r in _body_rows(body):
        row = dict(zip(_BODY_COLUMNS, r, strict=True))
        out.append(
            {"statement_id": statement_id(article_id, row["start"], row["end"]), "article_id": article_id, **row}
        )
    return out


def _sourcing(phrase: str, kind: str) -> str:
    if kind == "anonymous" or (ANONYMOUS.search(phrase) and not has_proper_name(phrase)):
        return "anonymous"
    return "named" if speaker_type(phrase, kind) == "person" else "organization"


# The contract columns, then this stage's extra columns (speaker_surface ... cue_lemma, side_how).
_ROW_SCHEMA = {
    **schema.TABLES["statements"],
    **{k: v for k, v in _BODY_COLUMNS.items() if k not in schema.TABLES["statements"]},
    "side_how": pl.String,
    # where the statement comes from, so a CSV row alone can be traced (#14); field: body or title
    # (start/end are offsets into that field)
    "field": pl.String,
    "article_title": pl.String,
    "outlet": pl.String,
    "published": pl.Date,
}
_ARTICLE_TRACE = {"title": "article_title", "outlet": "outlet", "published": "published"}


def _with_article_trace(frame: pl.DataFrame, articles: pl.DataFrame, which: tuple[str, ...]) -> pl.DataFrame:
    """`frame` + the `which` of article_title, outlet, published of each statement's article (null where
    the corpus lacks one)."""
    cols = [pl.col("article_id").cast(pl.String)]
    for src, dst in _ARTICLE_TRACE.items():
        if dst not in which:
            continue
        dtype = _ROW_SCHEMA[dst]
        cols.append((pl.col(src).cast(dtype) if src in articles.columns else pl.lit(None, dtype=dtype)).alias(dst))
    trace = articles.select(cols).unique("article_id", keep="first")
    return frame.drop([c for c in which if c in frame.columns]).join(
        trace, on="article_id", how="left", maintain_order="left"
    )


def empty_statements() -> pl.DataFrame:
    """An empty statements frame with the contract columns and this stage's extra columns."""
    return pl.DataFrame(schema=_ROW_SCHEMA)


# --- the engine seam ---------------------------------------------------------------------------
def _article_body_index(articles: pl.DataFrame) -> pl.DataFrame:
    """(article_id, body, body_idx) of every article with an id and a non-empty body, in article order;
    body_idx numbers the distinct bodies 0..n-1 in first-seen order (an exact copy shares its index)."""
    if "body" not in articles.columns or "article_id" not in articles.columns:
        return pl.DataFrame(schema={"article_id": pl.String, "body": pl.String, "body_idx": pl.Int64})
    arts = articles.select(pl.col("article_id").cast(pl.String), pl.col("body").cast(pl.String)).filter(
        pl.col("article_id").is_not_null() & pl.col("body").is_not_null() & (pl.col("body") != "")
    )
    first_row = pl.col("_row").min().over("body")  # the row of the body's first appearance
    return (
        arts.with_row_index("_row")
        .with_columns((first_row.rank("dense") - 1).cast(pl.Int64).alias("body_idx"))
        .drop("_row")
    )


def distinct_bodies(articles: pl.DataFrame) -> pl.DataFrame:
    """Each distinct non-empty body once: `body_idx` (Int64, 0..n-1 in first-seen article order) and `body`.

    The prepare step of the stage: an exact copy is read once and gets the same rows under its own ids.
    """
    indexed = _article_body_index(articles)
    return indexed.filter(pl.col("body_idx").is_first_distinct()).select("body_idx", "body")


def statement_rows(columns: Mapping[str, Sequence[Any]], ctx: Any = None) -> list[tuple[Any, ...]]:
    """The article work: the regex pass over each body of a slice of `distinct_bodies` rows.

    `columns` holds the slice as plain lists (`body_idx`, `body`); never Polars (it may run in a forked
    worker). One tuple per statement found: `body_idx`, then the body columns (speaker ... cue_lemma),
    in batch order. Pure (no ids, no actor layer): the outputs of any slicing of the batch,
    concatenated in order, equal one call's. Cost: ~2 ms per 3,000-character body.
    """
    out: list[tuple[Any, ...]] = []
    for body_idx, body in zip(columns["body_idx"], columns["body"], strict=True):
        out.extend((body_idx, *row) for row in _body_rows(body or ""))
    return out


def rows_to_frame(rows: list[tuple[Any, ...]]) -> pl.DataFrame:
    """statement_rows' tuples as a frame (`body_idx` + the body columns); on the driver, a chunk at a time."""
    return pl.DataFrame(rows, schema={"body_idx": pl.Int64, **_BODY_COLUMNS}, orient="row")


def assemble_statements(
    rows: pl.DataFrame,
    articles: pl.DataFrame,
    actors: pl.DataFrame | None = None,
    mentions: pl.DataFrame | None = None,
    clusters: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """The finish step: one row per attributed statement (schema "statements" + extra columns).

    `rows` is the concatenated `statement_rows` output over `distinct_bodies(articles)`; each body's
    rows go to every article with that body (article order), get their `statement_id`, their actor
    and side (`attach_actors_and_sides`) and `copy_of` (`mark_copies`).
    speaker_start/end are -1 when the speaker was resolved from context (pronoun / role noun);
    `speaker_surface`/`surface_start` then hold the pronoun and `antecedent_start/end` the name it
    resolved to. `side_how` says where the side came from (actor side / actor country / speaker
    phrase / antecedent phrase / role). Works with empty actors/mentions/clusters.
    """
    if articles is None or articles.height == 0 or "body" not in articles.columns:
        return empty_statements()
    by_article = _article_body_index(articles).select("article_id", "body_idx")
    frame = by_article.join(rows, on="body_idx", how="inner", maintain_order="left_right").drop("body_idx")
    frame = pl.concat([frame.with_columns(pl.lit("body").alias("field")), title_statements(articles)])
    if frame.height == 0:
        return empty_statements()
    ids = [
        statement_id(a if f == "body" else f"{a}\x1ftitle", s, e)
        for a, f, s, e in zip(
            frame.get_column("article_id").to_list(),
            frame.get_column("field").to_list(),
            frame.get_column("start").to_list(),
            frame.get_column("end").to_list(),
            strict=True,
        )
    ]
    frame = frame.select(pl.Series("statement_id", ids, dtype=pl.String), pl.all())
    # mark_copies reads the articles' own `published`: the statement's copy is joined after it
    frame = _with_article_trace(frame, articles, ("article_title", "outlet"))
    outlet_rows = pl.col("sourcing") == "outlet"
    frame = frame.with_columns(
        pl.when(outlet_rows)
        .then(pl.col("outlet").fill_null("").str.strip_chars().replace("", OUTLET_UNKNOWN))
        .otherwise(pl.col("speaker"))
        .alias("speaker")
    )
    frame = attach_actors_and_sides(frame, actors, mentions)
    # an account's party is its outlet: never an actor's side read off the outlet's name
    frame = frame.with_columns(
        pl.when(outlet_rows).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("actor_id")).alias("actor_id"),
        pl.when(outlet_rows).then(OUTLET_SIDE_PREFIX + pl.col("speaker")).otherwise(pl.col("side")).alias("side"),
        pl.when(outlet_rows).then(pl.lit("outlet's own account")).otherwise(pl.col("side_how")).alias("side_how"),
    )
    frame = mark_copies(frame, articles, clusters)
    frame = _with_article_trace(frame, articles, ("published",))
    return frame.select(list(_ROW_SCHEMA))


def title_statements(articles: pl.DataFrame) -> pl.DataFrame:
    """Statements in the articles' titles (`field` = "title", offsets into the title): an attributed
    headline ("Minister says talks will resume") gives that speaker's statement; an unattributed one
    that reads as a claim is the outlet's account (kind "account"). Each distinct title is read once."""
    schema_ = {"article_id": pl.String, **_BODY_COLUMNS, "field": pl.String}
    if "title" not in articles.columns:
        return pl.DataFrame(schema=schema_)
    titled = articles.select(pl.col("article_id").cast(pl.String), pl.col("title").cast(pl.String)).filter(
        pl.col("article_id").is_not_null() & (pl.col("title").fill_null("").str.strip_chars() != "")
    )
    per_title: list[tuple[Any, ...]] = []
    for title in titled.get_column("title").unique(maintain_order=True).to_list():
        found = _body_rows(title, with_lead=False)
        if found:
            # the speaker's span is in the title, not the body: no body mention may be joined to it
            cols = list(_BODY_COLUMNS)
            for r in found:
                row = dict(zip(cols, r, strict=True))
                row.update(speaker_start=-1, speaker_end=-1, antecedent_start=-1, antecedent_end=-1)
                per_title.append((title, *row.values()))
        elif is_claim_like(title, MIN_HEADLINE_WORDS):
            t0, t1 = len(title) - len(title.lstrip()), len(title.rstrip(" .\n"))
            per_title.append(
                (
                    title,
                    "",
                    -1,
                    -1,
                    "",
                    title[t0:t1],
                    t0,
                    t1,
                    ACCOUNT_KIND,
                    "outlet",
                    "",
                    -1,
                    -1,
                    -1,
                    -1,
                    "",
                    "headline in the outlet's own voice",
                    -1,
                    -1,
                    t0,
                    t1,
                    "",
                )
            )
    if not per_title:
        return pl.DataFrame(schema=schema_)
    found_frame = pl.DataFrame(per_title, schema={"title": pl.String, **_BODY_COLUMNS}, orient="row")
    return (
        titled.join(found_frame, on="title", how="inner", maintain_order="left_right")
        .drop("title")
        .with_columns(pl.lit("title").alias("field"))
        .select(list(schema_))
    )


def extract_statements(
    articles: pl.DataFrame,
    actors: pl.DataFrame | None = None,
    mentions: pl.DataFrame | None = None,
    clusters: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """`assemble_statements(statement_rows(distinct_bodies(articles)), ...)` run serially: one row per
    attributed statement, sides resolved, copies marked (see `assemble_statements`)."""
    if articles is None or articles.height == 0 or "body" not in articles.columns:
        return empty_statements()
    rows = rows_to_frame(statement_rows(distinct_bodies(articles).to_dict(as_series=False)))
    return assemble_statements(rows, articles, actors, mentions, clusters)
