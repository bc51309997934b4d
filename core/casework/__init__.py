"""The analysts' decisions (casework): an append-only store, and pure functions applying them to a corpus.

store = CaseworkStore(default_url(data_dir))            # SQLite beside the data, or $NEWSDASH_DB
store.record(key, "merge_rejected", merge_subject("iraq", "Iraqi"), who=user)
tables = apply_decisions(corpus.tables, store.current(key, SHARED))
lost = orphans(store.current(key, SHARED), corpus.tables)   # shown to the analyst, never dropped
"""

from core.casework.apply import (
    alias_decisions,
    apply_alias_decisions,
    apply_decisions,
    apply_exclusions,
    apply_merge_decisions,
    apply_merge_statuses,
    apply_verdicts,
    excluded_articles,
    join_verdicts,
    merge_decisions,
    orphans,
    subject_fields,
    verdicts,
)
from core.casework.cli import add_parser, cli, run_decisions
from core.casework.csvio import ImportRefused, export_csv, import_csv, parse_csv
from core.casework.decisions import (
    FAMILIES,
    KIND_FAMILY,
    KINDS,
    LOCAL_USER,
    SHARED,
    UNDO,
    VERDICTS,
    Decision,
    DecisionError,
    alias_subject,
    article_subject,
    check_decision,
    corpus_key,
    merge_subject,
    parse_subject,
    subject_key,
    verdict_subject,
)
from core.casework.migrations import LATEST as SCHEMA_VERSION
from core.casework.migrations import SchemaVersionError
from core.casework.store import DB_ENV, CaseworkStore, default_url, latest_decisions, store_url

__all__ = [
    "DB_ENV",
    "FAMILIES",
    "KINDS",
    "KIND_FAMILY",
    "LOCAL_USER",
    "SCHEMA_VERSION",
    "SHARED",
    "UNDO",
    "VERDICTS",
    "CaseworkStore",
    "Decision",
    "DecisionError",
    "ImportRefused",
    "SchemaVersionError",
    "add_parser",
    "alias_decisions",
    "alias_subject",
    "apply_alias_decisions",
    "apply_decisions",
    "apply_exclusions",
    "apply_merge_decisions",
    "apply_merge_statuses",
    "apply_verdicts",
    "article_subject",
    "check_decision",
    "cli",
    "corpus_key",
    "default_url",
    "excluded_articles",
    "export_csv",
    "import_csv",
    "join_verdicts",
    "latest_decisions",
    "merge_decisions",
    "merge_subject",
    "orphans",
    "parse_csv",
    "parse_subject",
    "run_decisions",
    "store_url",
    "subject_fields",
    "subject_key",
    "verdict_subject",
    "verdicts",
]
