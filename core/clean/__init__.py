"""Split documents into articles and give every raw line a fate (title, caption, body, junk, ...).

Input: the Documents from `core.ingest`. Output (`CleanResult`): the `articles` table (title, body,
captions, inline captions, subheadings, metadata) and the `ledger` (one row per raw line of every
document, saying what became of it and why).

How (general signals only, no outlet-specific strings):
- lines are grouped into *units*: one line each, or one paragraph each when a text is hard-wrapped
  (e.g. 65-column wire copy);
- unit features are computed in one vectorised Polars pass (shape, length, terminal punctuation,
  credit/link-list/comment-form patterns) and so is repetition across the whole corpus (a unit seen
  in many different contexts is site furniture; a unit seen in the same context is a reprint and kept);
- a tight per-document loop then splits dumps into articles (longer-than-usual blank gaps before a
  headline-shaped line; a headline re-printed a few lines later) and walks each article: the block
  before the first body paragraph holds the title, captions and furniture; after it come paragraphs,
  inline captions, subheadings and junk.

Cost: linear in the number of lines; ~1 s per 10,000 short articles on one core plus Polars work.

Modules: `textlayer` (lines, words, sentence breaks, the line key), `features` (thresholds, units and
their vectorised features), `shapes` (what a unit looks like in its document), `walker` (the
per-document walk), `documents` (`clean_documents`: the corpus work, which needs the corpus-wide
repeated-line counts), `metadata_dates` (published dates from metadata).
"""

from core.clean.documents import CleanResult, ProgressFn, clean_documents, make_article_id
from core.clean.features import FATES
from core.clean.metadata_dates import DATEPARSER_MAX_STRINGS, parse_metadata_dates
from core.clean.textlayer import normalise_line, split_lines

__all__ = [
    "DATEPARSER_MAX_STRINGS",
    "FATES",
    "CleanResult",
    "ProgressFn",
    "clean_documents",
    "make_article_id",
    "normalise_line",
    "parse_metadata_dates",
    "split_lines",
]
