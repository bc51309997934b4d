"""An article's outlet, only from evidence about its publisher; `outlet_how` says which evidence.

Evidence, strongest first (the first that speaks wins):
1. the input record's own outlet (`outlet_how = "metadata"`): a CSV/JSONL/Parquet column, an HTML page's
   site name; never overwritten here;
2. the record's URL: the host, named by the registry outlet whose name it spells ("reuters.com" ->
   "Reuters"), else the host itself ("url: example.com");
3. the page's own lines about itself: a wire credit opening the body ("WASHINGTON, March 3 (Reuters) -"),
   a copyright line ("(c) 2005 Example News Ltd"), a byline naming an outlet ("By Jane Doe, Example
   News") or a masthead line that is exactly an outlet's name; looked for in the first and last
   paragraphs of the body and in the article's (or its one-article file's) removed lines.

What the text says about *other* outlets is never evidence: "told Reuters", "in an interview with X",
"according to X", "X reported" name who was spoken to or quoted, not who published. The analyst's own
outlets (a per-build outlet, a CSV mapping files or ids) are applied afterwards by
`core.clean.analyst_map`. Otherwise the outlet stays unknown (null) and the app says how to supply it.

Cost: a vectorised pre-filter over title/body/ledger (Rust regex), then a Python pass over the few
lines that look like a credit, copyright or byline; a dict lookup per candidate name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import polars as pl
from rapidfuzz import fuzz, process

from core.actors.vocabulary import MEDIA_WORDS, ORG_HEADS
from core.text.lexicons import word_list

# Head words that make a capitalised multi-word name a news outlet's without a registry entry.
MEDIA_HEAD_WORDS = MEDIA_WORDS | {"magazine"}
# A registry organisation is an outlet when its role matches this (case-insensitive).
MEDIA_ROLE_RE = re.compile(r"news|newspaper|agency|broadcaster|television|radio|channel|magazine|media", re.I)
# Typo tolerance for registry names (rapidfuzz ratio 0-100): "Example Gazete" still finds "Example
# Gazette"; only names this long are tried, since short names differ by one letter from other words.
FUZZY_MIN_SCORE = 90.0
FUZZY_MIN_CHARS = 8
# Last words that make a name an event or an institution, not an outlet ("the X Times Media Conference").
NOT_OUTLET_LAST_WORDS = (
    (frozenset("conference summit forum festival awards award prize show fair expo debate lecture".split()) | ORG_HEADS)
    - MEDIA_HEAD_WORDS
    - {"service", "services", "media"}
)  # "World Service", "X Media" can be outlets
COMPANY_SUFFIXES = frozenset(w.lower() for w in word_list("outlet_company_suffixes"))
HOST_PREFIXES = frozenset(w.lower() for w in word_list("outlet_host_prefixes"))
# A line longer than this is prose, not a credit, copyright, byline or masthead line.
MAX_CREDIT_LINE_CHARS = 120
# Paragraphs at each end of the body searched for the page's own lines (credits sit at the edges).
EDGE_PARAGRAPHS = 2
# The longest credit name taken without a registry entry or media head word ("Reuters", "AP", "Xinhua").
MAX_BARE_CREDIT_WORDS = 3

_TOKEN = r"(?:[a-z]{1,3}-)?[A-Z][\w&'’.-]*"
_NAME = rf"{_TOKEN}(?:[ \t]+(?:(?:of|the|de|du|al|el|and|&|for)[ \t]+)?{_TOKEN}){{0,5}}"
# "WASHINGTON (Reuters) -", "BAGHDAD, Jan 5 (AP) —", "(AFP) -" at the very start of the body.
_WIRE_CREDIT = re.compile(
    r"^[ \t]*(?:[A-Z][A-Za-z.'’ -]{1,40}?(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}(?:,[ \t]*\d{4})?)?[ \t]*)?"
    rf"\((?P<name>{_NAME})\)[ \t]*[-–—:]"
)
# "© 2005 Example News Ltd. All rights reserved", "Copyright (c) Example Post 2004", "(C) Reuters Limited 1997".
_COPYRIGHT = re.compile(
    r"^[ \t]*(?:©|\([cC]\)|[Cc]opyright(?:[ \t]*(?:©|\([cC]\)))?)[ \t]*(?:\d{4}(?:[ \t]*[-–][ \t]*\d{4})?[ \t,]*)?"
    rf"(?P<name>{_NAME})"
)
# "By Jane Doe, Example News", "By JANE DOE | Example Post", "By Jane Doe for the Example Times".
_BYLINE = re.compile(
    r"^[ \t]*[Bb][Yy][ \t]+[A-Z][\w.'’-]*(?:[ \t]+[A-Z][\w.'’-]*){0,3}[ \t]*(?:,|\||/|[-–—]|[ \t]for)[ \t]*"
    rf"(?:[Tt]he[ \t]+)?(?P<name>{_NAME})[ \t]*$"
)
# Pre-filter (Polars regex) for a line that may be one of the above.
_LINE_PREFILTER = (
    r"^\s*(?:©|\([cC]\)|[Cc]opyright|[Bb][Yy]\s+[A-Z]|[A-Z][A-Za-z.'’ ,-]{0,50}\([A-Z][^)]{0,40}\)\s*[-–—:])"
)
_POSSESSIVE = re.compile(r"['’]s?$|['’]s\b.*$")
_WORD = re.compile(r"[A-Za-z]+")
_TRAILING_YEAR = re.compile(r"[ \t,]*\d{4}$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class OutletLookup:
    """Lowercased registry outlet names and aliases -> canonical name."""

    names: dict[str, str]

    @classmethod
    def from_registry(cls, registry: pl.DataFrame | None) -> OutletLookup:
        names: dict[str, str] = {}
        if registry is None or registry.height == 0 or "name" not in registry.columns:
            return cls(names)
        cols = registry.columns
        for row in registry.iter_rows(named=True):
            if "type" in cols and (row.get("type") or "").strip().lower() != "organization":
                continue
            if not MEDIA_ROLE_RE.search(row.get("role") or ""):
                continue
            canonical = (row.get("name") or "").strip()
            if not canonical:
                continue
            aliases = row.get("aliases") or []
            # load_registry gives a list; a raw frame may still hold the "|"-separated string
            alias_list = aliases.split("|") if isinstance(aliases, str) else list(aliases)
            for form in [canonical, *alias_list]:
                form = (form or "").strip()
                if form:
                    names.setdefault(form.lower(), canonical)
                    if form.lower().startswith("the "):
                        names.setdefault(form.lower()[4:], canonical)
        return cls(names)

    def resolve(self, name: str, exact: bool = False) -> str | None:
        """Canonical outlet for a name, or None when it is not a news outlet's.

        A registry outlet (name or alias, longest prefix first, small typos tolerated) or a capitalised
        multi-word name with a media head word ("Example Times"). `exact`: the whole name must be the
        outlet's (a masthead line), no prefix.
        """
        name = _POSSESSIVE.sub("", name.strip()).strip(" -'’.")
        if name.lower().startswith("the "):
            name = name[4:]
        if not name:
            return None
        words = name.split()
        for k in range(len(words), 0 if not exact else len(words) - 1, -1):
            hit = self.names.get(" ".join(words[:k]).lower())
            if hit is not None:
                return hit
        low = name.lower()
        if self.names and len(low) >= FUZZY_MIN_CHARS:
            best = process.extractOne(low, self.names.keys(), scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_SCORE)
            if best is not None:
                return self.names[best[0]]
        if words[-1].lower() in NOT_OUTLET_LAST_WORDS:
            return None
        if len(words) >= 2 and any(w.lower() in MEDIA_HEAD_WORDS for w in _WORD.findall(name)):
            return name
        return None

    def by_host(self, host: str) -> str | None:
        """The registry outlet whose name or alias spells the host's site label ("reuters.com" -> "Reuters")."""
        labels = host.split(".")
        # "example.co.uk": the site label sits before a two-letter country code's second level
        second_level = len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3
        site = labels[-3] if second_level else labels[-2] if len(labels) >= 2 else ""
        if not site:
            return None
        for form, canonical in self.names.items():
            if _NON_ALNUM.sub("", form) == site:
                return canonical
        return None


def url_host(url: str | None) -> str | None:
    """The lowercased host of `url` without "www."/"m."-style prefixes; None when there is none."""
    if not url or not url.strip():
        return None
    raw = url.strip()
    parts = urlsplit(raw if "//" in raw else "//" + raw)
    host = (parts.hostname or "").lower().rstrip(".")
    labels = host.split(".")
    while len(labels) > 2 and labels[0] in HOST_PREFIXES:
        labels = labels[1:]
    if len(labels) < 2 or not all(labels):
        return None
    return ".".join(labels)


def _strip_holder(name: str) -> str:
    """A copyright holder's name without its company form, what follows it and a trailing year
    ("Example News Ltd. All" -> "Example News"; "All rights reserved" is not part of a name)."""
    words = _TRAILING_YEAR.sub("", name.strip()).strip(" ,.").split()
    for i in range(1, len(words)):
        if words[i].lower().strip(".,") in COMPANY_SUFFIXES or words[i].lower().strip(".,") == "all":
            words = words[:i]
            break
    return " ".join(words).strip(" ,.")


def _bare_credit(name: str) -> str | None:
    """A short credit name taken as written where its position makes it a credit ("Reuters", "AP")."""
    name = _strip_holder(name)
    words = name.split()
    if not words or len(words) > MAX_BARE_CREDIT_WORDS or words[-1].lower() in NOT_OUTLET_LAST_WORDS:
        return None
    return name


def page_line_outlet(line: str, lookup: OutletLookup, at_body_start: bool = False) -> tuple[str, str] | None:
    """(outlet, kind) when `line` is the page's own credit, copyright, byline or masthead; else None.

    kind: "wire credit" (only `at_body_start`), "copyright line", "byline", "masthead".
    """
    line = line.strip()
    if not line or len(line) > MAX_CREDIT_LINE_CHARS and not at_body_start:
        return None
    if at_body_start:
        m = _WIRE_CREDIT.match(line)
        if m is not None:
            name = m.group("name")
            found = lookup.resolve(name) or _bare_credit(name)
            if found:
                return found, "wire credit"
        if len(line) > MAX_CREDIT_LINE_CHARS:
            return None
    m = _COPYRIGHT.match(line)
    if m is not None:
        name = _strip_holder(m.group("name"))
        found = lookup.resolve(name) or _bare_credit(name)
        return (found, "copyright line") if found else None
    m = _BYLINE.match(line)
    if m is not None:
        found = lookup.resolve(m.group("name"), exact=True)
        return (found, "byline") if found else None
    found = lookup.resolve(line, exact=True) if len(line.split()) <= 6 else None
    return (found, "masthead") if found else None


def _edge_paragraphs(body: str | None) -> list[tuple[str, bool]]:
    """The first and last EDGE_PARAGRAPHS paragraphs of a body, each with 'is the body's first line'."""
    if not body:
        return []
    paras = [p for p in body.split("\n") if p.strip()]
    picked = paras[:EDGE_PARAGRAPHS] + paras[EDGE_PARAGRAPHS:][-EDGE_PARAGRAPHS:]
    return [(p, i == 0) for i, p in enumerate(picked)]


def _page_evidence(lines: list[tuple[str, bool]], lookup: OutletLookup) -> tuple[str, str] | None:
    """(outlet, how) from the page's own lines when they name exactly one outlet; else None."""
    found: dict[str, str] = {}
    for text, at_start in lines:
        hit = page_line_outlet(text, lookup, at_body_start=at_start)
        if hit is not None:
            found.setdefault(hit[0], f'{hit[1]}: "{_short(text)}"')
    if len(found) != 1:
        return None  # none, or the page credits several outlets: not this module's to choose
    return next(iter(found.items()))


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _removed_lines(articles: pl.DataFrame, ledger: pl.DataFrame | None) -> dict[str, list[str]]:
    """article_id -> the removed ledger lines that may be a credit (its own, or its one-article file's)."""
    if ledger is None or ledger.height == 0 or not {"article_id", "text", "fate", "source_file"} <= set(ledger.columns):
        return {}
    cand = ledger.filter(
        pl.col("fate").is_in(["junk", "repeat"]) & pl.col("text").str.contains(_LINE_PREFILTER + "|^.{1,60}$")
    ).select("source_file", "article_id", "text")
    if cand.height == 0:
        return {}
    one = (
        articles.select("source_file", "article_id")
        .filter(pl.col("source_file").is_not_null())
        .group_by("source_file")
        .agg(pl.col("article_id").first(), pl.len().alias("_n"))
        .filter(pl.col("_n") == 1)
        .select("source_file", pl.col("article_id").alias("_only"))
    )
    cand = cand.join(one, on="source_file", how="left").with_columns(pl.coalesce("article_id", "_only").alias("_aid"))
    out: dict[str, list[str]] = {}
    for aid, text in cand.filter(pl.col("_aid").is_not_null()).select("_aid", "text").iter_rows():
        out.setdefault(aid, []).append(text)
    return out


def infer_outlets(
    articles: pl.DataFrame, registry: pl.DataFrame | None, ledger: pl.DataFrame | None = None
) -> pl.DataFrame:
    """`articles` with `outlet` filled from evidence about the publisher, plus `outlet_how`.

    outlet_how: "metadata" (the input's outlet, kept as is), "url: <host>", 'wire credit: "<line>"',
    'copyright line: "<line>"', 'byline: "<line>"', 'masthead: "<line>"', or null (unknown). Rows and
    order unchanged.
    """
    n = articles.height
    if n == 0:
        return articles.with_columns(
            pl.lit(None, dtype=pl.String).alias("outlet_how"),
            *([] if "outlet" in articles.columns else [pl.lit(None, dtype=pl.String).alias("outlet")]),
        )

    def col(name: str) -> list[str | None]:
        if name not in articles.columns:
            return [None] * n
        return articles.get_column(name).cast(pl.String, strict=False).to_list()

    outlets, urls, bodies, ids = col("outlet"), col("url"), col("body"), col("article_id")
    lookup = OutletLookup.from_registry(registry)
    removed = _removed_lines(articles, ledger) if "article_id" in articles.columns else {}
    new_outlets: list[str | None] = []
    hows: list[str | None] = []
    for outlet, url, body, aid in zip(outlets, urls, bodies, ids, strict=True):
        if outlet is not None and outlet.strip():
            new_outlets.append(outlet)
            hows.append("metadata")
            continue
        host = url_host(url)
        if host is not None:
            new_outlets.append(lookup.by_host(host) or host)
            hows.append(f"url: {host}")
            continue
        lines = _edge_paragraphs(body) + [(t, False) for t in removed.get(aid or "", [])]
        found = _page_evidence(lines, lookup) if lines else None
        new_outlets.append(found[0] if found else None)
        hows.append(found[1] if found else None)
    return articles.with_columns(
        pl.Series("outlet", new_outlets, dtype=pl.String),
        pl.Series("outlet_how", hows, dtype=pl.String),
    )
