"""Read and decode every input file into Documents, with one ingest-report row per file.

Inputs are files or folders (recursive): `.txt` dumps, `.html`/`.htm`, tabular `.csv`/`.tsv`/
`.jsonl`/`.json`/`.parquet` (one article per record) and `.zip` archives of these. Nothing is
ever extracted to disk: zip members are read in memory with size checks while reading, and a
member's name is only ever used as a label. A bad file never stops the run: it gets a report row
with status `error` or `skipped` and a reason, and the rest is read.

Cost: one pass over the bytes (UTF-8 fast path; charset-normalizer only for non-UTF-8 files),
trafilatura for HTML (~10-50 ms a page), Polars readers for tables.

Modules: `model` (file kinds, record columns, limits, Document, the report rows), `decode` (bytes to
text), `reader` (the entry points and the walk over inputs), `formats` (one file by kind, HTML),
`records` (tabular inputs), `archive` (zip archives).
"""

from core.ingest.decode import decode_bytes
from core.ingest.model import (
    DATE_COLUMNS,
    HTML_EXTENSIONS,
    ID_COLUMNS,
    OUTLET_COLUMNS,
    TABLE_EXTENSIONS,
    TEXT_COLUMNS,
    TEXT_EXTENSIONS,
    TITLE_COLUMNS,
    URL_COLUMNS,
    ZIP_EXTENSIONS,
    Document,
    IngestLimits,
    IngestResult,
    ProgressFn,
    size_vs_limit,
)
from core.ingest.reader import (
    declared_upload_bytes,
    finalize_report,
    read_blobs,
    read_inputs,
    upload_budget_problem,
)

__all__ = [
    "DATE_COLUMNS",
    "HTML_EXTENSIONS",
    "ID_COLUMNS",
    "OUTLET_COLUMNS",
    "TABLE_EXTENSIONS",
    "TEXT_COLUMNS",
    "TEXT_EXTENSIONS",
    "TITLE_COLUMNS",
    "URL_COLUMNS",
    "ZIP_EXTENSIONS",
    "Document",
    "IngestLimits",
    "IngestResult",
    "ProgressFn",
    "declared_upload_bytes",
    "decode_bytes",
    "size_vs_limit",
    "finalize_report",
    "read_blobs",
    "read_inputs",
    "upload_budget_problem",
]
