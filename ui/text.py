"""Safe rendering of untrusted article text.

Article text is never handed to Markdown or HTML as is. Two ways out:
- `md_escape` backslash-escapes every Markdown/HTML-significant character, for messages that
  go through st.error/st.warning/st.info (which render Markdown);
- the *_html builders html.escape every piece of text first and only then add our own tags
  (<mark>, <span>, <div>), for st.html, which renders HTML without Markdown. No attribute ever
  carries text from an article, so no URL, handler or style from the text can reach the page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

# Every ASCII punctuation character (CommonMark lets any of them be backslash-escaped): links, images,
# emphasis, LaTeX ($), colour directives (:red[...]), HTML, GFM autolinks (http\:, www\.) all need one.
_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Some Markdown is found in the *parsed* text, after the backslash escapes are gone: remark-emoji and
# Streamlit's :material/...: icons (":word:"), and GFM's literal autolinks (mdast-util-gfm-autolink-literal
# runs /(https?:\/\/|www(?=\.))…/ and /…@…\.…/ over text nodes). A word joiner (U+2060: invisible, zero
# width) after every colon and "@", and between "www" and its dot, keeps them from matching.
_WORD_JOINER = "\u2060"
_AFTER_PARSE = re.compile(r"(\\[:@])|(www)(?=\\\.)", re.IGNORECASE)


STYLE = """
<style>
.nd-doc { font-family: Georgia, 'Times New Roman', serif; line-height: 1.55; font-size: 1.0rem; overflow-wrap: anywhere; }
.nd-doc h3 { font-family: inherit; margin: 0 0 .4rem 0; }
.nd-caption { color: #555; font-style: italic; font-size: .9rem; margin: .2rem 0; }
.nd-lines { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .8rem; line-height: 1.4; }
.nd-line { padding: 1px 4px; border-left: 3px solid transparent; display: flex; gap: .5em; }
.nd-line .nd-no { color: #999; flex: 0 0 3em; text-align: right; text-decoration: none; }
.nd-line .nd-tx { flex: 1 1 auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.nd-removed { color: #8a8a8a; text-decoration: line-through; border-left-color: #d9534f; background: #fbeeee; }
.nd-fate { font-size: .72rem; color: #fff; background: #777; border-radius: 3px; padding: 0 4px; margin-left: .4em;
           text-decoration: none; display: inline-block; }
.nd-removed .nd-fate { background: #d9534f; }
.nd-kept-title .nd-fate, .nd-kept-caption .nd-fate, .nd-kept-inline_caption .nd-fate { background: #337ab7; }
.nd-kept-subheading .nd-fate { background: #5b8c5a; }
mark.nd-negation { background: #ffd6d6; padding: 0 2px; }
mark.nd-cue { background: #d6e9ff; padding: 0 2px; }
mark.nd-surface { background: #fff3b0; padding: 0 2px; }
mark.nd-diff { background: #ffe08a; padding: 0 1px; }
.nd-shared { color: #333; }
.nd-side { font-size: .92rem; line-height: 1.5; overflow-wrap: anywhere; }
.nd-stmt { overflow-wrap: anywhere; }
table.nd-cmp { width: 100%; border-collapse: collapse; font-size: .9rem; line-height: 1.45; table-layout: fixed; }
table.nd-cmp th { text-align: left; border-bottom: 2px solid #ccc; padding: 4px; }
table.nd-cmp td { vertical-align: top; padding: 4px 6px; border-bottom: 1px solid #eee; word-break: break-word; }
tr.nd-shared td { color: #444; }
tr.nd-changed td { background: #fffbe6; }
mark.nd-only { background: #ffd9b3; padding: 0 1px; }
</style>
"""


def md_escape(text: str | None) -> str:
    """`text` shown literally by anything that renders Streamlit Markdown (st.error/warning/info/success/toast/
    caption/markdown, widget labels): no link, image, emphasis, LaTeX, colour directive, emoji or icon code.

    The one escape helper for user-supplied text (file names, article text, reasons quoting either).
    Every ASCII punctuation character is backslash-escaped, and an invisible word joiner follows each
    colon, "@" and "www" before a dot (shortcodes and autolinks are matched after escapes are resolved);
    the visible text is unchanged.
    """
    escaped = _MD_SPECIAL.sub(r"\\\1", text or "")
    return _AFTER_PARSE.sub(lambda m: (m.group(1) or m.group(2)) + _WORD_JOINER, escaped)


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def marked_html(text: str, spans: Iterable[tuple[int, int, str]], css: str = "nd-doc") -> str:
    """`text` escaped, with each (start, end, kind) span wrapped in <mark class="nd-<kind>">; overlaps are skipped."""
    text = text or ""
    parts: list[str] = []
    pos = 0
    for start, end, kind in sorted(spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        parts.append(esc(text[pos:start]))
        parts.append(f'<mark class="nd-{re.sub(r"[^a-z_]", "", kind)}">{esc(text[start:end])}</mark>')
        pos = end
    parts.append(esc(text[pos:]))
    return f'<div class="{css}">' + "".join(parts) + "</div>"


# The reader ships at most this many characters of one article (or of its raw lines) to the browser; a
# configured corpus may hold multi-MB "articles", and st.html sends everything it is given.
READER_MAX_CHARS = 200_000


def _cut_note(shown: int, total: int, what: str) -> str:
    return (
        f'<div class="nd-caption">Showing the first {shown:,} of {total:,} characters of {esc(what)}; '
        "the full text is in the corpus's articles table (python -m core export).</div>"
    )


def article_html(title: str | None, captions: Sequence[str] | None, body: str | None) -> str:
    """The cleaned article for reading: title, captions, then body paragraphs (split on blank lines / newlines).

    A body longer than READER_MAX_CHARS is cut there, and the page says so."""
    body = body or ""
    note = ""
    if len(body) > READER_MAX_CHARS:
        note = _cut_note(READER_MAX_CHARS, len(body), "the body")
        body = body[:READER_MAX_CHARS]
    paras = [p.strip() for p in re.split(r"\n+", body) if p.strip()]
    caps = "".join(f'<div class="nd-caption">{esc(c)}</div>' for c in (captions or []) if c)
    return (
        STYLE
        + '<div class="nd-doc">'
        + f"<h3>{esc(title) or '<em>(no title)</em>'}</h3>"
        + caps
        + "".join(f"<p>{esc(p)}</p>" for p in paras)
        + note
        + "</div>"
    )


def raw_lines_html(lines: Iterable[dict]) -> str:
    """Raw ledger lines, one per row: line number, text, and a badge with the fate (and reason);
    removed lines (repeat/junk) struck through in red. Stops after READER_MAX_CHARS characters of text."""
    rows = []
    budget = READER_MAX_CHARS
    for line in lines:
        budget -= len(line.get("text") or "")
        if budget < 0:
            rows.append(
                '<div class="nd-caption">The raw lines stop here: the rest would be more than '
                f"{READER_MAX_CHARS:,} characters.</div>"
            )
            break
        fate = line.get("fate") or ""
        reason = line.get("reason") or ""
        removed = bool(line.get("removed"))
        cls = "nd-line nd-removed" if removed else f"nd-line nd-kept-{re.sub(r'[^a-z_]', '', fate)}"
        # plain body lines carry no badge (most lines are body; a badge on each hides the ones that matter)
        plain = fate == "body" and reason in ("", "body")
        badge = (
            ""
            if plain
            else f'<span class="nd-fate">{esc(fate + (f": {reason}" if reason and reason != fate else ""))}</span>'
        )
        rows.append(
            f'<div class="{cls}"><span class="nd-no">{int(line.get("line_no") or 0)}</span>'
            f'<span class="nd-tx">{esc(line.get("text")) or "&nbsp;"}{badge}</span></div>'
        )
    return STYLE + '<div class="nd-lines">' + "".join(rows) + "</div>"


def _marked_words(passages: Sequence[tuple[str, bool]]) -> str:
    return " ".join(esc(t) if shared else f'<mark class="nd-diff">{esc(t)}</mark>' for t, shared in passages)


def comparison_rows_html(rows: Sequence[tuple[str, str, str]], label_a: str, label_b: str) -> str:
    """Two aligned columns: shared passages plain, changed passages with their differing words marked,
    passages only one side has marked whole (the other cell left blank)."""
    from core.query import compare_texts_by_words

    out = [
        STYLE,
        '<table class="nd-cmp"><colgroup><col style="width:50%"><col style="width:50%"></colgroup>',
        f"<thead><tr><th>{esc(label_a)}</th><th>{esc(label_b)}</th></tr></thead><tbody>",
    ]
    for kind, a, b in rows:
        if kind == "shared":
            ca, cb = esc(a), esc(b)
        elif kind == "changed":
            cmp = compare_texts_by_words(a, b, min_shared_words=1)
            ca, cb = _marked_words(cmp.a), _marked_words(cmp.b)
        else:
            ca = f'<mark class="nd-only">{esc(a)}</mark>' if a else ""
            cb = f'<mark class="nd-only">{esc(b)}</mark>' if b else ""
        out.append(f'<tr class="nd-{re.sub(r"[^a-z_]", "", kind)}"><td>{ca}</td><td>{cb}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)
