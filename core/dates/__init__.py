"""Publication dates and dated events: when an article was published, and when the things it reports happened.

Two jobs, both traceable (every derived date says how it was derived):

* `add_publication_dates` fills `published` / `published_how` (only from evidence that states the
  date: metadata set by clean, a dateline, a "Published: ..." line) and the lower bound
  `published_not_before` / `published_not_before_how` (the latest explicit, non-future date in the
  captions or the text: an article cannot be older than the photo or the event it reports).
  `refine_with_clusters` lets undated articles borrow lower bounds from their copies and rewrites.
* `extract_events` finds date expressions in titles, captions and bodies with one compiled regex
  (fast and precise), normalises them with own code for the common English forms (dateparser only for
  a rare long tail) and resolves relative ones against the article's anchor date.

Anchor rules (see docs/decisions.md, "Dates"):

* exact published date P: a weekday is the most recent such day on/before P; a yearless date or month
  the most recent one on/before P; "yesterday", "last week", "two years ago" count back from P.
* lower bound L only: a bare weekday is the first such day on/after L (the bound is a dated photo or
  event, and the story's weekdays follow it); a yearless date or month is the most recent on/before L;
  year-level relatives ("last year") count from L's year; day-level deictics ("yesterday", "last week")
  stay unresolved, because their date moves one-for-one with the unknown publication day.
* no anchor: only absolute dates resolve; relative expressions are still listed with null dates
  (method "unresolved"), so the analyst sees the sentence and can date it by hand.

Modules: `textlayer` (month/weekday names, the sentence splitter), `patterns` (the detector regex),
`resolve` (date arithmetic, one parser per detector branch), `detect` (find_dates), `publication`
(publication dates and their cluster refinement), `events` (event rows, actors), `work` (the engine
seam: date_work / apply_date_work, moved_articles / event_work / merge_refreshed_events).
"""

from core.dates.coverage import axis_range, publication_coverage
from core.dates.detect import NO_ANCHOR, find_dateline_date, find_dates
from core.dates.events import ATTACH_SLICE_EVENTS, article_anchor, attach_event_actors, event_id
from core.dates.publication import add_publication_dates, latest_stated_date, refine_with_clusters
from core.dates.resolve import Anchor, DateMention, Resolved
from core.dates.textlayer import MONTHS, WEEKDAYS, sentence_bounds
from core.dates.work import (
    DATE_WORK_COLUMNS,
    EVENT_WORK_COLUMNS,
    apply_date_work,
    date_batch,
    date_work,
    dates_and_events,
    event_batch,
    event_work,
    extract_events,
    merge_refreshed_events,
    moved_articles,
    refresh_events,
)

__all__ = [
    "axis_range",
    "publication_coverage",
    "ATTACH_SLICE_EVENTS",
    "DATE_WORK_COLUMNS",
    "EVENT_WORK_COLUMNS",
    "MONTHS",
    "NO_ANCHOR",
    "WEEKDAYS",
    "Anchor",
    "DateMention",
    "Resolved",
    "add_publication_dates",
    "apply_date_work",
    "article_anchor",
    "attach_event_actors",
    "date_batch",
    "date_work",
    "dates_and_events",
    "event_batch",
    "event_id",
    "event_work",
    "extract_events",
    "find_dateline_date",
    "find_dates",
    "latest_stated_date",
    "merge_refreshed_events",
    "moved_articles",
    "refine_with_clusters",
    "refresh_events",
    "sentence_bounds",
]
