"""`python -m core decisions export|import`: a corpus's decisions to and from CSV.

`add_parser(sub)` adds the `decisions` command to the CLI's subparsers; `cli(argv)` runs it alone.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from core.casework.csvio import ImportRefused, export_csv, import_csv
from core.casework.decisions import LOCAL_USER
from core.casework.migrations import SchemaVersionError
from core.casework.store import DB_ENV, CaseworkStore


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `decisions {export,import}` to `sub`; the parsed args carry `func` = run_decisions."""
    parser = sub.add_parser("decisions", help="export or import the analysts' decisions on a corpus as CSV")
    actions = parser.add_subparsers(dest="decisions_command", required=True)
    db_help = f"store URL (sqlite:///path, postgresql+psycopg://...) or SQLite file; default ${DB_ENV}"
    e = actions.add_parser("export", help="write every decision on a corpus (its history) as CSV")
    i = actions.add_parser("import", help="append decisions from a CSV file (all or none)")
    for p in (e, i):
        p.add_argument("--db", default=os.environ.get(DB_ENV), help=db_help)
        p.add_argument("--corpus", required=True, help="the corpus key (a bundle's build key or an upload's key)")
    e.add_argument("-o", "--output", default="-", help="file to write (default: stdout)")
    i.add_argument("file", help="the CSV file (columns: kind, subject, and optionally scope, family, value, who, at)")
    i.add_argument("--who", default=os.environ.get("USER") or LOCAL_USER, help="who rows without one are by")
    parser.set_defaults(func=run_decisions)
    return parser


def run_decisions(args: argparse.Namespace) -> int:
    """Handle a parsed `decisions` command; returns the exit code (1 = a file or store error, 2 = refused).

    A refused import writes nothing.
    """
    if not args.db:
        print(f"error: no store given: pass --db or set {DB_ENV}", file=sys.stderr)
        return 2
    try:
        data = Path(args.file).read_bytes() if args.decisions_command == "import" else b""
        with CaseworkStore(args.db) as store:
            if args.decisions_command == "export":
                return _write(export_csv(store, args.corpus), args.output)
            n = import_csv(store, args.corpus, data, args.who)
    except ImportRefused as exc:
        print(f"error: {args.file}, {exc}; nothing was imported", file=sys.stderr)
        return 2
    except SchemaVersionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"imported {n} decision(s) into corpus {args.corpus}")
    return 0


def _write(data: bytes, output: str) -> int:
    """Write `data` to the file `output` ("-": stdout); returns 0."""
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(output).write_bytes(data)
    return 0


def cli(argv: list[str] | None = None) -> int:
    """Run `decisions ...` on its own (the same arguments as `python -m core decisions ...`)."""
    parser = argparse.ArgumentParser(prog="python -m core")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))
