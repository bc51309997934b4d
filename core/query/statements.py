"""The Statements page: statements by side, two sides aligned by matter (conflicts first), cue words marked, verdicts.

Conflicts come from the conflicts stage (core.conflicts); this module reads them and aligns the
rest of the two sides' statements by topic with the stage's own term weights, so "same matter"
means what it means in conflict scoring.
"""

from __future__ import annotations

import math
import re

import polars as pl
from polars._typing import PolarsDataType

from core.casework import UNDO, VERDICTS, Decision, join_verdicts, verdict_subject
from core.casework.decisions import VERDICTS_DROPPING_CONFLICT
from core.conflicts import DENIAL_RX, NEGATION_RX, REBUTTAL_RX, negation_cue_spans, term_weights
from core.query.edits import record_editor_edits
from core.statements import OUTLET_SIDE_PREFIX

ALIGN_MIN_OVERLAP = 0.12  # align_statements: weakest topical overlap shown as an aligned (non-conflict) pair
# statements_by_side's label for statements without a side
UNKNOWN_SIDE = "(unknown)"
# Row kinds of the aligned statements view, in the order the view shows them.
ALIGN_ROW_KINDS: tuple[str, ...] = ("conflict", "same_matter", "only_a", "only_b")
# The analyst's verdicts on a pair of statements; UNMARKED = not judged yet (a word, so the table shows it).
UNMARKED = "unmarked"
PAIR_VERDICTS: tuple[str, ...] = (UNMARKED, "contradict", "agree", "unrelated")
# What marks a span red as a negation: the conflicts stage's own patterns, plus "contrary" (the page
# has always marked it; the stage does not score it).
NEGATION_PATTERNS: tuple[re.Pattern[str], ...] = (
    NEGATION_RX,
    DENIAL_RX,
    REBUTTAL_RX,
    re.compile(r"\bcontrary\b", re.IGNORECASE),
)


def statements_by_side(statements: pl.DataFrame) -> pl.DataFrame:
    """Per side: n_statements (copies counted once) and n_articles; sorted by n_statements desc. Null side -> UNKNOWN_SIDE."""
    if statements.height == 0:
        return pl.DataFrame(schema={"side": pl.String, "n_statements": pl.UInt32, "n_articles": pl.UInt32})
    st = statements
    if "copy_of" in st.columns:
        st = st.filter(pl.col("copy_of").is_null())
    return (
        st.with_columns(pl.col("side").fill_null(UNKNOWN_SIDE))
        .group_by("side")
        .agg(pl.len().alias("n_statements"), pl.col("article_id").n_unique().alias("n_articles"))
        .sort(["n_statements", "side"], descending=[True, False])
    )


def most_quoted_sides(statements: pl.DataFrame, n: int = 2) -> list[str]:
    """The n sides with most statements (copies counted once, unknown side excluded); the page's default pair."""
    by = statements_by_side(statements)
    # an outlet's own accounts are a party too, but the page opens on the quoted parties
    return [s for s in by.get_column("side").to_list() if s != UNKNOWN_SIDE and not s.startswith(OUTLET_SIDE_PREFIX)][
        :n
    ]


ALIGN_COLUMNS: dict[str, PolarsDataType] = {
    "row_kind": pl.String,  # conflict / only_a / only_b
    "topic": pl.String,
    "score": pl.Float64,
    "reason": pl.String,
    "conflict_id": pl.String,
    "statement_a": pl.String,
    "speaker_a": pl.String,
    "cue_a": pl.String,
    "text_a": pl.String,
    "article_a": pl.String,
    "statement_b": pl.String,
    "speaker_b": pl.String,
    "cue_b": pl.String,
    "text_b": pl.String,
    "article_b": pl.String,
}


_ALIGN_SCHEMA = {
    "matter": pl.String,
    "a_statement_id": pl.String,
    "a_article_id": pl.String,
    "a_speaker": pl.String,
    "a_text": pl.String,
    "a_cue": pl.String,
    "b_statement_id": pl.String,
    "b_article_id": pl.String,
    "b_speaker": pl.String,
    "b_text": pl.String,
    "b_cue": pl.String,
    "score": pl.Float64,
    "reason": pl.String,
    "is_conflict": pl.Boolean,
}


def align_statements(
    statements: pl.DataFrame, conflicts: pl.DataFrame, side_a: str, side_b: str, keyword: str | None = None
) -> pl.DataFrame:
    """Two sides' statements aligned by matter, as ALIGN_COLUMNS rows ordered by ALIGN_ROW_KINDS: conflicts
    (score desc), pairs on the same matter, then points only side A or only side B made.

    See `align_by_matter` for how rows are paired; `conflict_id` is looked up in `conflicts`.
    """
    return to_align_columns(align_by_matter(statements, conflicts, side_a, side_b, keyword), conflicts)


def align_by_matter(
    statements: pl.DataFrame, conflicts: pl.DataFrame, side_a: str, side_b: str, keyword: str | None = None
) -> pl.DataFrame:
    """Rows for the two-column view (matter, a_*/b_* columns, score, reason, is_conflict): conflicts first (score
    desc), then other a/b pairs aligned by topic (best TF-IDF overlap >= ALIGN_MIN_OVERLAP, is_conflict False),
    then points only one side made (the other side's columns null). Copies are counted once; `keyword` filters
    text/speaker (case-insensitive). Each statement is in one row at most.
    """
    empty = pl.DataFrame(schema=_ALIGN_SCHEMA)
    if statements is None or statements.height == 0:
        return empty
    st = _statements_of_pair(statements, side_a, side_b, keyword)
    if st.height == 0:
        return empty
    info = {
        r["statement_id"]: r
        for r in st.select("statement_id", "article_id", "speaker", "text", "cue", "side").iter_rows(named=True)
    }
    used: set[str] = set()
    rows = _conflict_rows(conflicts, info, side_a, side_b, used)
    rows += _topic_rows(st.filter(~pl.col("statement_id").is_in(list(used))), info, side_a, side_b, used)
    rows += [_one_side_row(r, side_a) for sid, r in info.items() if sid not in used]
    return pl.DataFrame(rows, schema=_ALIGN_SCHEMA) if rows else empty


def _statements_of_pair(statements: pl.DataFrame, side_a: str, side_b: str, keyword: str | None) -> pl.DataFrame:
    """First appearances (no copies) of the two sides' statements, kept by `keyword` in text or speaker."""
    st = statements
    if "copy_of" in st.columns:
        st = st.filter(pl.col("copy_of").is_null())
    st = st.filter(pl.col("side").is_in([side_a, side_b]))
    if keyword:
        kw = keyword.lower()
        st = st.filter(
            pl.col("text").str.to_lowercase().str.contains(kw, literal=True)
            | pl.col("speaker").str.to_lowercase().str.contains(kw, literal=True)
        )
    return st


def _side_cols(prefix: str, r: dict | None) -> dict:
    keys = ("statement_id", "article_id", "speaker", "text", "cue")
    return {f"{prefix}_{k}": (r[k] if r else None) for k in keys}


def _pair_row(matter: str, a: dict, b: dict, score: float | None, reason: str, is_conflict: bool) -> dict:
    return {
        "matter": matter,
        **_side_cols("a", a),
        **_side_cols("b", b),
        "score": score,
        "reason": reason,
        "is_conflict": is_conflict,
    }


def _conflict_rows(
    conflicts: pl.DataFrame | None, info: dict[str, dict], side_a: str, side_b: str, used: set[str]
) -> list[dict]:
    """The conflicts between the two sides whose statements are both in `info`, best score first (adds to `used`)."""
    if conflicts is None or not conflicts.height:
        return []
    cf = conflicts.filter(
        ((pl.col("side_a") == side_a) & (pl.col("side_b") == side_b))
        | ((pl.col("side_a") == side_b) & (pl.col("side_b") == side_a))
    ).sort("score", descending=True)
    rows = []
    for r in cf.iter_rows(named=True):
        a_id, b_id = (
            (r["statement_a"], r["statement_b"]) if r["side_a"] == side_a else (r["statement_b"], r["statement_a"])
        )
        if a_id not in info or b_id not in info:
            continue
        rows.append(_pair_row(r["topic"], info[a_id], info[b_id], r["score"], r["reason"], True))
        used.update((a_id, b_id))
    return rows


def _topic_rows(rest: pl.DataFrame, info: dict[str, dict], side_a: str, side_b: str, used: set[str]) -> list[dict]:
    """Other pairs aligned by topic: each remaining a-statement with its best remaining b-statement (adds to `used`)."""
    if not (rest.filter(pl.col("side") == side_a).height and rest.filter(pl.col("side") == side_b).height):
        return []
    terms, surface = term_weights(rest.with_columns(pl.lit("").alias("context")))
    tw = terms.select("statement_id", "term", "w").join(rest.select("statement_id", "side"), on="statement_id")
    ta = tw.filter(pl.col("side") == side_a)
    tb = tw.filter(pl.col("side") == side_b)
    sims = (
        ta.join(tb, on="term", suffix="_b")
        .group_by("statement_id", "statement_id_b")
        .agg(
            (pl.col("w") * pl.col("w_b")).sum().alias("sim"),
            pl.col("term")
            .sort_by([pl.col("w") * pl.col("w_b"), pl.col("term")], descending=[True, False])
            .head(3)
            .alias("terms"),
        )
        .filter(pl.col("sim") >= ALIGN_MIN_OVERLAP)
        # ties broken by id: the parallel group-by gives its groups in any order, and equal scores are common
        .sort(["sim", "statement_id", "statement_id_b"], descending=[True, False, False])
    )
    rows = []
    for r in sims.iter_rows(named=True):
        a_id, b_id = r["statement_id"], r["statement_id_b"]
        if a_id in used or b_id in used:
            continue
        matter = ", ".join(surface.get(t, t) for t in r["terms"])
        reason = f"same topic ({matter}); no contradiction signal"
        rows.append(_pair_row(matter, info[a_id], info[b_id], round(float(r["sim"]), 4), reason, False))
        used.update((a_id, b_id))
    return rows


def _one_side_row(r: dict, side_a: str) -> dict:
    """A point only one side made: its columns filled, the other side's null."""
    row = _pair_row("", {}, {}, None, f"only {r['side']} side", False)
    row.update(_side_cols("a", r) if r["side"] == side_a else _side_cols("b", r))
    return row


def reason_for(score: float | None) -> str:
    """A one-word strength label for a conflict score (for legends): strong >= 0.75, clear >= 0.6, else weak."""
    if score is None or math.isnan(score):
        return ""
    return "strong" if score >= 0.75 else "clear" if score >= 0.6 else "weak"


_STAGE_ALIGN_RENAMES = {
    "matter": "topic",
    "a_statement_id": "statement_a",
    "a_speaker": "speaker_a",
    "a_cue": "cue_a",
    "a_text": "text_a",
    "a_article_id": "article_a",
    "b_statement_id": "statement_b",
    "b_speaker": "speaker_b",
    "b_cue": "cue_b",
    "b_text": "text_b",
    "b_article_id": "article_b",
}


def empty_aligned() -> pl.DataFrame:
    """An aligned-rows frame with no rows (ALIGN_COLUMNS)."""
    return pl.DataFrame(schema=ALIGN_COLUMNS)


def to_align_columns(rows: pl.DataFrame, conflicts: pl.DataFrame | None = None) -> pl.DataFrame:
    """`align_by_matter` rows (matter, a_*/b_* columns, is_conflict) as ALIGN_COLUMNS rows.

    row_kind: "conflict" (is_conflict), "same_matter" (both sides present, no contradiction signal),
    "only_a" / "only_b" (one side empty). conflict_id is looked up in `conflicts` by the statement pair
    (either order). Rows come back ordered by ALIGN_ROW_KINDS, keeping align_by_matter's order within a kind.
    Raises KeyError when `rows` lacks align_by_matter's columns.
    """
    missing = [c for c in (*_STAGE_ALIGN_RENAMES, "is_conflict", "score", "reason") if c not in rows.columns]
    if missing:
        raise KeyError(f"not align_by_matter rows (missing {missing})")
    out = rows.rename(_STAGE_ALIGN_RENAMES).with_columns(
        row_kind=pl.when(pl.col("is_conflict").fill_null(False))
        .then(pl.lit("conflict"))
        .when(pl.col("statement_a").is_not_null() & pl.col("statement_b").is_not_null())
        .then(pl.lit("same_matter"))
        .when(pl.col("statement_a").is_not_null())
        .then(pl.lit("only_a"))
        .otherwise(pl.lit("only_b")),
        topic=pl.when(pl.col("topic") == "").then(None).otherwise(pl.col("topic")),
    )
    ids = pl.DataFrame(schema={"statement_a": pl.String, "statement_b": pl.String, "conflict_id": pl.String})
    if (
        conflicts is not None
        and conflicts.height
        and {"conflict_id", "statement_a", "statement_b"} <= set(conflicts.columns)
    ):
        c = conflicts.select("conflict_id", "statement_a", "statement_b")
        ids = pl.concat([c, c.select("conflict_id", statement_a="statement_b", statement_b="statement_a")]).unique(
            ["statement_a", "statement_b"], keep="first", maintain_order=True
        )
    out = out.join(
        ids.select("statement_a", "statement_b", "conflict_id"), on=["statement_a", "statement_b"], how="left"
    )
    order = pl.DataFrame({"row_kind": list(ALIGN_ROW_KINDS), "_order": list(range(len(ALIGN_ROW_KINDS)))})
    out = (
        out.with_row_index("_pos")
        .join(order, on="row_kind", how="left")
        .sort(["_order", "_pos"])
        .select([pl.col(n).cast(t) for n, t in ALIGN_COLUMNS.items()])
    )
    return out


def pairs_with_verdicts(aligned: pl.DataFrame, verdicts: pl.DataFrame) -> pl.DataFrame:
    """The two-sided rows of `aligned` (conflict, same_matter) led by the analysts' `verdict`, `decided_by`, `decided_at`.

    `verdicts` is core.casework.verdicts(current): statement_a < statement_b, verdict, who, at; a pair matches
    in either order. Pairs without a verdict get UNMARKED and null decided_by / decided_at.
    """
    # what the analyst judges (the two texts) comes first, ids last
    pairs = aligned.filter(pl.col("statement_a").is_not_null() & pl.col("statement_b").is_not_null()).select(
        "topic",
        "speaker_a",
        "text_a",
        "speaker_b",
        "text_b",
        "row_kind",
        "score",
        "reason",
        "conflict_id",
        "statement_a",
        "article_a",
        "statement_b",
        "article_b",
    )
    joined = join_verdicts(pairs, verdicts).rename({"verdict_who": "decided_by", "verdict_at": "decided_at"})
    # verdict first: it is the column the analyst edits
    return joined.select(
        pl.col("verdict").fill_null(UNMARKED),
        "decided_by",
        "decided_at",
        pl.exclude("verdict", "decided_by", "decided_at"),
    )


def demote_judged_conflicts(aligned: pl.DataFrame, verdicts: pl.DataFrame) -> pl.DataFrame:
    """`aligned` with conflict rows the analysts judged agree/unrelated shown as same-matter rows (kind order kept).

    The page aligns on the conflicts as built so a judged pair stays where the analyst can see and change its
    verdict; it no longer counts as a conflict, as in the conflicts ranking (core.casework.apply_verdicts).
    """
    if verdicts.height == 0 or aligned.height == 0:
        return aligned
    judged = join_verdicts(aligned.select("statement_a", "statement_b"), verdicts).get_column("verdict")
    dropped = judged.is_in(list(VERDICTS_DROPPING_CONFLICT)).fill_null(False)
    if not dropped.any():
        return aligned
    out = aligned.with_columns(
        row_kind=pl.when(dropped & (pl.col("row_kind") == "conflict"))
        .then(pl.lit("same_matter"))
        .otherwise(pl.col("row_kind"))
    )
    order = pl.DataFrame({"row_kind": list(ALIGN_ROW_KINDS), "_order": list(range(len(ALIGN_ROW_KINDS)))})
    return (
        out.with_row_index("_pos")
        .join(order, on="row_kind", how="left")
        .sort(["_order", "_pos"])
        .drop("_pos", "_order")
    )


def verdict_edits_to_decisions(shown: pl.DataFrame, edited_rows: dict) -> list[Decision]:
    """The decisions an st.data_editor's `edited_rows` on `pairs_with_verdicts` ask for (who/scope left to the caller).

    A verdict set to what the row already shows records nothing; UNMARKED on a judged pair records an undo.
    """
    wanted = record_editor_edits(shown, edited_rows, ("statement_a", "statement_b"), "verdict", {}, PAIR_VERDICTS)
    before = {(a, b): v for a, b, v in shown.select("statement_a", "statement_b", "verdict").iter_rows()}
    out = []
    for (a, b), verdict in wanted.items():
        if before.get((a, b)) == verdict:
            continue
        if verdict in VERDICTS:
            out.append(Decision("verdict", verdict_subject(a, b), verdict))
        else:
            out.append(Decision(UNDO, verdict_subject(a, b), family="verdict"))
    return out


def marked_spans(text: str, cue: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, kind) spans of `text` to mark, sorted: kind "negation" where the words negate, deny or rebut
    (NEGATION_PATTERNS), "cue" for speech cues (core.conflicts.negation_cue_spans) and for the statement's own
    `cue` verb (whole word, any case). Cost: a few regex passes over one statement."""
    text = text or ""
    spans = {(s, e, "negation") for s, e in negation_cue_spans(text)}
    if cue and cue.strip():
        spans.update(
            (m.start(), m.end(), "cue") for m in re.finditer(r"\b" + re.escape(cue.strip()) + r"\b", text, re.I)
        )
    return sorted(set(split_negation_from_cues(text, sorted(spans))))


def split_negation_from_cues(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Re-label marked spans (order kept): "negation" only where the span's words match NEGATION_PATTERNS; any
    other span marked "negation" (a speech cue such as "suggest") becomes "cue".

    core.conflicts.negation_cue_spans returns negations and speech cues together without a kind; this
    keeps the red mark for what negates. Cost: a few regex searches per span.
    """
    return [
        (s, e, "negation" if kind == "negation" and any(p.search(text[s:e]) for p in NEGATION_PATTERNS) else "cue")
        for s, e, kind in spans
    ]


def statements_in(statements: pl.DataFrame, article_ids: pl.Series) -> pl.DataFrame:
    """The statements made in the given articles."""
    return statements.filter(pl.col("article_id").is_in(article_ids.implode()))


def side_options(statements: pl.DataFrame) -> list[str]:
    """The sides to choose from: `statements_by_side` order (most statements first), the unknown side left out."""
    return [s for s in statements_by_side(statements).get_column("side").to_list() if s != UNKNOWN_SIDE]


def default_sides(statements: pl.DataFrame, sides: list[str]) -> tuple[str, str]:
    """The pair the page opens on: the two most-quoted sides, else the first two of `sides` (needs >= 2 sides)."""
    default = [s for s in most_quoted_sides(statements, 2) if s in sides] or sides[:2]
    if len(default) < 2:
        default = [default[0], next(s for s in sides if s != default[0])]
    return default[0], default[1]


def conflicts_among(conflicts: pl.DataFrame, statements: pl.DataFrame) -> pl.DataFrame:
    """The conflicts whose two statements are both in `statements`."""
    ids = statements.get_column("statement_id").implode()
    return conflicts.filter(pl.col("statement_a").is_in(ids) & pl.col("statement_b").is_in(ids))


def count_row_kinds(aligned: pl.DataFrame) -> dict[str, int]:
    """Rows of `align_statements` per ALIGN_ROW_KINDS kind (0 when absent)."""
    counts = dict(aligned.group_by("row_kind").len().iter_rows())
    return {k: int(counts.get(k, 0)) for k in ALIGN_ROW_KINDS}


def count_marked(pairs: pl.DataFrame) -> int:
    """How many rows of `pairs_with_verdicts` the analyst has marked."""
    return pairs.filter(pl.col("verdict") != UNMARKED).height


def aligned_article_labels(articles: pl.DataFrame, aligned: pl.DataFrame) -> dict[str, str]:
    """article_id -> "title (outlet, date)" for every article an aligned row cites."""
    cited = pl.concat([aligned["article_a"], aligned["article_b"]]).drop_nulls().unique().implode()
    return {
        r["article_id"]: f"{r['title'] or '(no title)'} ({r['outlet'] or '?'}, {r['published'] or 'undated'})"
        for r in articles.filter(pl.col("article_id").is_in(cited)).iter_rows(named=True)
    }


# Columns of the table of the two sides' statements, in order.
TWO_SIDES_COLUMNS: tuple[str, ...] = (
    "statement_id",
    "side",
    "speaker",
    "cue",
    "text",
    "kind",
    "sourcing",
    "title",
    "outlet",
    "published",
    "article_id",
    "field",
    "start",
    "end",
)


# The plain statements table's columns: who, what, and where from (a CSV row alone is traceable).
STATEMENTS_TABLE_COLUMNS = (
    "speaker",
    "side",
    "cue",
    "kind",
    "sourcing",
    "text",
    "article_id",
    "article_title",
    "outlet",
    "published",
    "field",
    "start",
    "end",
)


def statements_table(statements: pl.DataFrame) -> pl.DataFrame:
    """The statements with STATEMENTS_TABLE_COLUMNS (those present), for the page's table and its CSV."""
    return statements.select([c for c in STATEMENTS_TABLE_COLUMNS if c in statements.columns])


def statements_of_sides(statements: pl.DataFrame, articles: pl.DataFrame, sides: list[str]) -> pl.DataFrame:
    """The statements of `sides` with their article's title, outlet and date (TWO_SIDES_COLUMNS)."""
    st = statements if "field" in statements.columns else statements.with_columns(pl.lit("body").alias("field"))
    return (
        st.filter(pl.col("side").is_in(sides))
        # the statements table carries article_title/outlet/published since #14: the article's own win
        .drop("outlet", "published", strict=False)
        .join(articles.select("article_id", "title", "outlet", "published"), on="article_id", how="left")
        .select(TWO_SIDES_COLUMNS)
    )


def statement_in_context(
    articles: pl.DataFrame, article_id: str, start: int | None, end: int, width: int = 80, field: str | None = "body"
) -> str | None:
    """The statement's span with up to `width` characters of its article's `field` (body, or title for a
    headline statement) either side ("…" where cut); None when the article or the offsets are unknown."""
    body = articles.filter(pl.col("article_id") == article_id)["title" if field == "title" else "body"]
    if not body.len() or start is None:
        return None
    text = body[0] or ""
    s, e = int(start), int(end)
    return (
        ("…" if s > width else "")
        + text[max(0, s - width) : min(len(text), e + width)]
        + ("…" if e + width < len(text) else "")
    )
