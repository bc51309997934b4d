"""The Duplicates page: clusters by level and size, their members, and two members compared passage by passage.

The clusters come from the dedup stage (core.dedup); this module only reads them. Comparing two
texts is for two articles side by side, never for a whole corpus.
"""

from __future__ import annotations

import bisect
import difflib
import re
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

import polars as pl
from rapidfuzz import fuzz

# Texts longer than this many words are cut before the word diff (SequenceMatcher is quadratic
# in the worst case; two 20,000-word texts still compare in well under a second).
DIFF_MAX_WORDS = 20_000
# The cluster levels in the order the page offers them (copies first, related coverage last).
LEVELS: tuple[str, ...] = ("exact", "near", "story")
# What each level means to an analyst: the story level groups different articles on one subject.
LEVEL_LABELS: dict[str, str] = {"exact": "exact copies", "near": "near copies", "story": "related coverage"}
# Pairs of one cluster tried for a shared passage before the page settles for the closest one.
CLOSEST_PAIR_TRIES = 6
# Passage kinds of `compare_texts`, in the order the page counts them.
PASSAGE_KINDS: tuple[str, ...] = ("shared", "changed", "only_a", "only_b")


def cluster_overview(clusters: pl.DataFrame, articles: pl.DataFrame, level: str, min_size: int = 2) -> pl.DataFrame:
    """Clusters of one level among `articles`: `cluster_id`, `size`, `n_outlets`, `outlets`, `first_published`,
    `last_published`, `representative_title`, `mean_similarity`; biggest first. Size counts members in `articles`."""
    members = clusters.filter(pl.col("level") == level).join(
        articles.select("article_id", "outlet", "published", "title"), on="article_id", how="inner"
    )
    rep_title = pl.col("title").sort_by(pl.col("is_representative").not_()).first()
    return (
        members.group_by("cluster_id")
        .agg(
            size=pl.len().cast(pl.Int64),
            n_outlets=pl.col("outlet").drop_nulls().n_unique().cast(pl.Int64),
            outlets=pl.col("outlet").drop_nulls().unique().sort().str.join("; "),
            first_published=pl.col("published").min(),
            last_published=pl.col("published").max(),
            representative_title=rep_title,
            mean_similarity=pl.col("similarity").mean(),
        )
        .filter(pl.col("size") >= min_size)
        .sort(["size", "cluster_id"], descending=[True, False])
    )


def cluster_members(clusters: pl.DataFrame, articles: pl.DataFrame, level: str, cluster_id: str) -> pl.DataFrame:
    """Members of one cluster: `article_id`, `title`, `outlet`, `published`, `similarity`, `is_representative`."""
    return (
        clusters.filter((pl.col("level") == level) & (pl.col("cluster_id") == cluster_id))
        .join(articles.select("article_id", "title", "outlet", "published", "n_chars"), on="article_id", how="inner")
        .select("article_id", "title", "outlet", "published", "similarity", "is_representative", "n_chars")
        .sort(["is_representative", "similarity", "article_id"], descending=[True, True, False], nulls_last=True)
    )


@dataclass(frozen=True)
class TextComparison:
    """Two texts split into passages marked shared or differing.

    `a` and `b` are lists of (passage, shared) in text order; joining the passages gives back
    the (whitespace-normalised) text. `shared_ratio` is the share of words in matching passages
    (0-1, over both texts).
    """

    a: list[tuple[str, bool]] = field(default_factory=list)
    b: list[tuple[str, bool]] = field(default_factory=list)
    shared_ratio: float = 0.0


def compare_texts_by_words(a: str, b: str, min_shared_words: int = 3) -> TextComparison:
    """Word-level diff (difflib) of two texts; matching runs shorter than `min_shared_words` count as differing.

    Cost: SequenceMatcher on word lists, texts cut at DIFF_MAX_WORDS words.
    """
    wa = (a or "").split()[:DIFF_MAX_WORDS]
    wb = (b or "").split()[:DIFF_MAX_WORDS]
    if not wa and not wb:
        return TextComparison([], [], 0.0)
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    out_a: list[tuple[str, bool]] = []
    out_b: list[tuple[str, bool]] = []

    def push(seq: list[tuple[str, bool]], words: list[str], shared: bool) -> None:
        if not words:
            return
        text = " ".join(words)
        if seq and seq[-1][1] == shared:
            seq[-1] = (seq[-1][0] + " " + text, shared)
        else:
            seq.append((text, shared))

    shared_words = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        shared = tag == "equal" and (i2 - i1) >= min_shared_words
        if shared:
            shared_words += 2 * (i2 - i1)
        push(out_a, wa[i1:i2], shared)
        push(out_b, wb[j1:j2], shared)
    return TextComparison(out_a, out_b, shared_words / (len(wa) + len(wb)))


def independent_story_count(clusters: pl.DataFrame, article_ids: Iterable[str], level: str = "story") -> int:
    """How many distinct clusters at `level` the given articles fall into (an unclustered id counts as one)."""
    wanted = pl.Series("article_id", list(article_ids), dtype=pl.String).unique()
    if wanted.len() == 0:
        return 0
    at_level = clusters.filter(pl.col("level") == level).select("article_id", "cluster_id")
    joined = pl.DataFrame({"article_id": wanted}).join(at_level, on="article_id", how="left")
    return int(
        joined.select(pl.coalesce("cluster_id", pl.concat_str([pl.lit("\x00"), "article_id"])).n_unique()).item()
    )


SENTENCE_MATCH_CUTOFF = 80.0
"""compare_texts: RapidFuzz ratio (0-100) at or above which two sentences count as the same passage."""
COMPARE_MAX_CHARS = 100_000
"""compare_side_by_side: characters of each text compared and shown (about 15,000 words; the rest is cut and the
page says so). Two long articles fit; a hostile 4.5 MB "article" does not reach the browser or the matcher."""
PASSAGE_MAX_CHARS = 1_000
"""A passage (sentence) longer than this is cut into pieces at word boundaries: text without sentence ends would
otherwise be one passage, and comparing two such passages character by character is quadratic in their length."""
COMPARE_BUDGET_SECONDS = 2.0
"""compare_side_by_side: wall-clock budget of the fuzzy matching; passages not reached in time stay unmatched."""
FUZZY_WINDOW = 30
"""compare_texts: an unmatched passage of a is compared with the unmatched passages of b at most this many places
before or after where it would fall (from the nearest exact match): O(n x window), not O(n x m)."""
# text-layer: a sentence splitter (the lead merges it into core/text). After a sentence end (optionally closed by a
# quote), or at a line break.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])\s+|(?<=[.!?…][\"”’'])\s+|\n+")


def split_passages(text: str) -> list[str]:
    """Sentences (or lines) of `text`, stripped, empty ones dropped; one longer than PASSAGE_MAX_CHARS is cut
    into pieces at word boundaries (joining the pieces with spaces gives the sentence back)."""
    out: list[str] = []
    for s in _SENTENCE_SPLIT.split(text or ""):
        s = s.strip() if s else ""
        if len(s) <= PASSAGE_MAX_CHARS:
            if s:
                out.append(s)
            continue
        piece: list[str] = []
        size = 0
        for word in s.split():
            if piece and size + len(word) + 1 > PASSAGE_MAX_CHARS:
                out.append(" ".join(piece))
                piece, size = [], 0
            piece.append(word)
            size += len(word) + 1
        if piece:
            out.append(" ".join(piece))
    return out


@dataclass(frozen=True)
class SideBySide:
    """`compare_texts` rows for the page, and what was left out: characters compared of each text (of how many),
    and whether the time budget ran out before every passage was matched."""

    rows: list[tuple[str, str, str]]
    shown_chars: tuple[int, int]
    total_chars: tuple[int, int]
    complete: bool = True

    def notes(self, label_a: str = "the left text", label_b: str = "the right text") -> list[str]:
        """Plain sentences saying what is not shown or not matched (empty when everything was)."""
        out = []
        sides = zip((label_a, label_b), self.shown_chars, self.total_chars, strict=True)
        for label, shown, total in sides:
            if shown < total:
                out.append(f"Showing the first {shown:,} of {total:,} characters of {label}.")
        if not self.complete:
            out.append(
                f"The comparison stopped after its {COMPARE_BUDGET_SECONDS:g} s budget: passages it had not reached "
                "are shown as one-sided even where the other text has a similar one."
            )
        return out


def compare_side_by_side(
    a: str,
    b: str,
    max_chars: int = COMPARE_MAX_CHARS,
    budget_seconds: float = COMPARE_BUDGET_SECONDS,
) -> SideBySide:
    """`compare_texts` on the first `max_chars` characters of each text within `budget_seconds`, saying what was cut.

    Cost: bounded whatever the input: O(n log n) in the passages of the capped texts plus at most the budget
    of fuzzy matching. This is what an interactive page calls; `compare_texts` has no caps.
    """
    a, b = a or "", b or ""
    deadline = time.monotonic() + budget_seconds
    ca, cb = _cut_at_word(a, max_chars), _cut_at_word(b, max_chars)
    rows, complete = _align_passages(split_passages(ca), split_passages(cb), SENTENCE_MATCH_CUTOFF, deadline)
    return SideBySide(rows, (len(ca), len(cb)), (len(a), len(b)), complete)


def _cut_at_word(text: str, max_chars: int) -> str:
    """The first `max_chars` characters of `text`, backed off to the last white space when one is near."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return cut[:space] if space > max_chars - 200 else cut


def compare_texts(a: str, b: str, cutoff: float = SENTENCE_MATCH_CUTOFF) -> list[tuple[str, str, str]]:
    """Align two texts sentence by sentence for a side-by-side view.

    Returns rows (kind, passage_in_a, passage_in_b) in reading order of `a`, with passages only in
    `b` placed after the last aligned passage before them. kind: "shared" (same words after
    normalisation), "changed" (RapidFuzz ratio >= cutoff, 0-100), "only_a", "only_b" (the other
    side is ""). Each sentence of b is matched at most once. Cost: exact matches by dictionary
    (O(n)), then each unmatched sentence of a against the unmatched sentences of b within
    FUZZY_WINDOW of where it would fall: O(n x window) RapidFuzz ratios of sentences of at most
    PASSAGE_MAX_CHARS. No cap on the input: pages call `compare_side_by_side`.
    """
    rows, _ = _align_passages(split_passages(a), split_passages(b), cutoff, None)
    return rows


def _passage_key(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def _align_passages(
    sa: list[str], sb: list[str], cutoff: float, deadline: float | None
) -> tuple[list[tuple[str, str, str]], bool]:
    """compare_texts on split passages; (rows, False) when `deadline` (time.monotonic) passed mid-way."""
    if not sa and not sb:
        return [], True
    ka, kb = [_passage_key(s) for s in sa], [_passage_key(s) for s in sb]
    match_of_a: dict[int, int] = {}
    free_b: dict[str, list[int]] = {}
    for j, k in enumerate(kb):
        free_b.setdefault(k, []).append(j)
    for positions in free_b.values():
        positions.reverse()  # pop() hands out the earliest occurrence first
    for i, key in enumerate(ka):
        pool = free_b.get(key)
        if pool:
            match_of_a[i] = pool.pop()
    complete = _fuzzy_matches(ka, kb, match_of_a, cutoff, deadline)
    matched_b = set(match_of_a.values())
    rows: list[tuple[str, str, str]] = []
    next_b = 0  # b passages before this one are placed already (or matched)

    def flush_b_until(j_max: int) -> None:
        nonlocal next_b
        while next_b < j_max:
            if next_b not in matched_b:
                rows.append(("only_b", "", sb[next_b]))
            next_b += 1

    for i, s in enumerate(sa):
        if i in match_of_a:
            j = match_of_a[i]
            flush_b_until(j)
            rows.append(("shared" if ka[i] == kb[j] else "changed", s, sb[j]))
        else:
            rows.append(("only_a", s, ""))
    flush_b_until(len(sb))
    return rows, complete


def _fuzzy_matches(
    ka: list[str], kb: list[str], match_of_a: dict[int, int], cutoff: float, deadline: float | None
) -> bool:
    """In reading order of a, match each unmatched passage to the best free passage of b (ratio >= cutoff) near
    where it would fall: just after the last match before it (exact or fuzzy), else proportionally.

    Returns False when `deadline` passed before every unmatched passage of a was scored.
    """
    taken = set(match_of_a.values())
    free_b = [j for j in range(len(kb)) if j not in taken]
    if not free_b or len(match_of_a) == len(ka):
        return True
    exact = dict(match_of_a)
    last: tuple[int, int] | None = None
    scale = len(kb) / max(len(ka), 1)
    for n, i in enumerate(range(len(ka))):
        if i in exact:
            last = (i, exact[i])
            continue
        if deadline is not None and n % 16 == 0 and time.monotonic() > deadline:
            return False
        expected = last[1] + (i - last[0]) if last is not None else round(i * scale)
        lo = bisect.bisect_left(free_b, expected - FUZZY_WINDOW)
        hi = bisect.bisect_right(free_b, expected + FUZZY_WINDOW)
        best, best_j = cutoff, -1
        for j in free_b[lo:hi]:
            if j in taken:
                continue
            score = fuzz.ratio(ka[i], kb[j], score_cutoff=best)
            # the nearest of equal scores: a repeated sentence pairs with its own copy
            if (
                score > best
                or (score == best and best_j < 0)
                or (score == best and abs(j - expected) < abs(best_j - expected))
            ):
                best, best_j = score, j
        if best_j >= 0:
            match_of_a[i] = best_j
            taken.add(best_j)
            last = (i, best_j)
    return True


SHARED_PASSAGE_MIN_WORDS = 8
"""shared_passages: a run of at least this many identical words counts as a shared passage (shorter runs are
common phrases such as "said in a statement on")."""
# text-layer: a word tokenizer (letters and digits, no underscore); the lead merges it into core/text.
_WORD_RE = re.compile(r"[^\W_]+")
_PASSAGE_MAX_SEEDS = 32  # occurrences of one k-word window in b looked at per position of a


def shared_passages(
    text_a: str, text_b: str, min_words: int = SHARED_PASSAGE_MIN_WORDS
) -> list[tuple[int, int, int, int]]:
    """Passages both texts contain word for word: (start_a, end_a, start_b, end_b) character offsets.

    Words are compared case-folded after NFKC, ignoring punctuation and spacing, so a passage survives
    restyled quotes or re-wrapped lines; offsets point into the texts as given (from the first word's
    first character to the last word's last character). Passages are maximal runs of >= `min_words`
    equal words, found in any order (a moved paragraph is still shared), one-to-one (no word of either
    text is in two passages), sorted by start_a. Cost: O(len(a) + len(b)) dictionary look-ups plus
    the length of the runs; meant for two articles side by side, not for whole corpora.
    """
    k = max(int(min_words), 1)
    wa = [
        (m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).casefold())
        for m in _WORD_RE.finditer(text_a or "")
    ]
    wb = [
        (m.start(), m.end(), unicodedata.normalize("NFKC", m.group()).casefold())
        for m in _WORD_RE.finditer(text_b or "")
    ]
    if len(wa) < k or len(wb) < k:
        return []
    ka, kb = [w[2] for w in wa], [w[2] for w in wb]
    # every k-word window of b, by content: the seeds of shared runs
    seeds: dict[tuple[str, ...], list[int]] = {}
    for j in range(len(kb) - k + 1):
        seeds.setdefault(tuple(kb[j : j + k]), []).append(j)
    used_b = [False] * len(kb)
    out: list[tuple[int, int, int, int]] = []
    i = 0
    while i <= len(ka) - k:
        best_j, best_len = -1, 0
        tried = 0
        for j in seeds.get(tuple(ka[i : i + k]), ()):
            tried += 1
            if tried > _PASSAGE_MAX_SEEDS or best_len == len(ka) - i:
                break  # repetitive text: bounded work per position instead of quadratic
            if used_b[j]:
                continue
            length = 0
            # extend while words agree and b's words are still free (one-to-one)
            while i + length < len(ka) and j + length < len(kb) and not used_b[j + length]:
                if ka[i + length] != kb[j + length]:
                    break
                length += 1
            if length > best_len:
                best_j, best_len = j, length
        if best_len >= k:
            for t in range(best_j, best_j + best_len):
                used_b[t] = True
            out.append((wa[i][0], wa[i + best_len - 1][1], wb[best_j][0], wb[best_j + best_len - 1][1]))
            i += best_len
        else:
            i += 1
    return out


def default_level(levels: list[str]) -> str | None:
    """The level the Duplicates page opens on: copies (near, else exact) before related coverage."""
    for level in ("near", "exact", "story"):
        if level in levels:
            return level
    return levels[0] if levels else None


def closest_pair(members: pl.DataFrame, texts: dict[str, str]) -> tuple[str, str] | None:
    """The two members to show side by side first: the representative and the most similar other member
    that shares a passage with it (SHARED_PASSAGE_MIN_WORDS words word for word); None when fewer than two.

    `members` is `cluster_members` output (representative first, then by similarity); at most
    CLOSEST_PAIR_TRIES pairs are compared. When none shares a passage the first pair is returned."""
    ids = members.get_column("article_id").to_list()
    if len(ids) < 2:
        return None
    first = ids[0]
    for other in ids[1 : 1 + CLOSEST_PAIR_TRIES]:
        if shared_passages(texts.get(first, ""), texts.get(other, "")):
            return first, other
    return first, ids[1]


def levels_present(clusters: pl.DataFrame) -> list[str]:
    """The LEVELS the clusters table has rows for, in LEVELS order."""
    present = set(clusters.get_column("level").unique().to_list()) if clusters.height else set()
    return [lvl for lvl in LEVELS if lvl in present]


def cluster_title(overview: pl.DataFrame, cluster_id: str) -> str:
    """The representative title of one row of `cluster_overview` ("(no title)" when it has none)."""
    hit = overview.filter(pl.col("cluster_id") == cluster_id)
    return (hit.item(0, "representative_title") if hit.height else None) or "(no title)"


def member_labels(members: pl.DataFrame) -> dict[str, str]:
    """article_id -> "outlet · date · title" for the members of one cluster (`cluster_members` rows)."""
    return {
        r["article_id"]: f"{r['outlet'] or '?'} · {r['published'] or 'undated'} · {r['title'] or '(no title)'}"
        for r in members.iter_rows(named=True)
    }


def bodies(articles: pl.DataFrame, article_ids: list[str]) -> dict[str, str]:
    """article_id -> body ("" when null) for the given ids."""
    rows = articles.filter(pl.col("article_id").is_in(article_ids)).select("article_id", "body").iter_rows()
    return {aid: body or "" for aid, body in rows}


def count_passages(rows: list[tuple[str, str, str]]) -> dict[str, int]:
    """How many `compare_texts` rows of each PASSAGE_KINDS kind (0 for a kind not present)."""
    counts = dict.fromkeys(PASSAGE_KINDS, 0)
    for kind, _, _ in rows:
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def comparison_table(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """`compare_texts` rows as a frame: `kind`, `left`, `right` (the comparison's CSV)."""
    return pl.DataFrame(
        {"kind": [r[0] for r in rows], "left": [r[1] for r in rows], "right": [r[2] for r in rows]},
        schema={"kind": pl.String, "left": pl.String, "right": pl.String},
    )
