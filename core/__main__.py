"""Command line: `python -m core build INPUT... --out DIR`, `export DIR TABLE --format csv`, `stages`."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from core import __version__, schema
from core.bundle import BuildError, BuildParams, BundleError, build_bundle, build_summary, load_bundle
from core.casework.cli import add_parser as add_decisions_parser
from core.clean.analyst_map import MetadataMapError, read_metadata_map
from core.engines import ENGINES, EngineError, get_engine
from core.export import table_to_csv_bytes
from core.pipeline import stage_markdown, stage_table


class StageBars:
    """Draws one text progress bar per stage on stderr (plain lines when stderr is not a terminal)."""

    WIDTH = 30

    def __init__(self, stream=sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.current: str | None = None
        self.last_draw = 0.0
        self.started = time.perf_counter()

    def __call__(self, stage: str, fraction: float, message: str) -> None:
        now = time.perf_counter()
        fraction = min(max(fraction, 0.0), 1.0)
        if stage != self.current:
            if self.current is not None and self.tty:
                self.stream.write("\n")
            self.current = stage
            self.last_draw = 0.0
        if self.tty:
            if now - self.last_draw < 0.1 and fraction < 1.0:
                return
            filled = int(fraction * self.WIDTH)
            bar = "#" * filled + "-" * (self.WIDTH - filled)
            self.stream.write(f"\r{stage:<11} [{bar}] {fraction * 100:5.1f}% {message[:40]:<40}")
        elif fraction in (0.0, 1.0):
            self.stream.write(f"{stage:<11} {'start' if fraction == 0.0 else 'done '} {message}\n")
        self.stream.flush()
        self.last_draw = now

    def close(self) -> None:
        if self.tty and self.current is not None:
            self.stream.write("\n")
        self.stream.flush()


def print_stages() -> None:
    """The stage list (core.pipeline.STAGES) as a table: name, step, kind, reads -> writes, what it does."""
    for i, row in enumerate(stage_table(), start=1):
        print(f"{i:2d}. {row['name']:<15} [{row['step']}] {row['kind']}")
        print(f"    reads:  {row['reads']}")
        print(f"    writes: {row['writes']}")
        print(f"    {row['doc']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m core", description="News-corpus bundle builder")
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="build a corpus bundle from files, folders or .zip archives")
    b.add_argument("inputs", nargs="+", help=".txt/.html/.csv/.jsonl/.parquet/.zip files or folders")
    b.add_argument("--out", required=True, help="bundle folder to write (replaced atomically)")
    b.add_argument("--registry", default=None, help="actor registry CSV (default: data/actor_registry.csv)")
    b.add_argument("--no-registry", action="store_true", help="build with an empty actor registry")
    b.add_argument("--near-threshold", type=float, default=None)
    b.add_argument("--story-threshold", type=float, default=None)
    b.add_argument("--skip", action="append", default=[], help="skip a stage (repeatable)")
    b.add_argument("--quiet", action="store_true", help="no progress bars")
    b.add_argument("--outlet", default=None, help="outlet of every article whose input names none")
    b.add_argument(
        "--metadata",
        default=None,
        help="CSV mapping files or ids to outlets and dates (columns: file|id, outlet, published)",
    )
    b.add_argument(
        "--engine",
        choices=ENGINES,
        default=os.environ.get("NEWSDASH_ENGINE", "local"),
        help="how article work runs (default: local, or $NEWSDASH_ENGINE)",
    )
    b.add_argument("--address", default=None, help="with --engine ray: host:port of a Ray cluster to join")

    sg = sub.add_parser("stages", help="print the build's stages in run order: what each reads and writes")
    sg.add_argument("--markdown", action="store_true", help="as the Markdown table of docs/architecture.md")

    e = sub.add_parser("export", help="write one bundle table as CSV (the dashboard's download bytes)")
    e.add_argument("bundle")
    e.add_argument("table", choices=schema.TABLE_NAMES)
    e.add_argument("--format", choices=["csv"], default="csv")
    e.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")

    add_decisions_parser(sub)

    args = parser.parse_args(argv)
    if args.command == "decisions":
        return int(args.func(args))
    if args.command == "build":
        kwargs: dict[str, str | None] = {}
        if args.no_registry:
            kwargs["registry"] = None
        elif args.registry:
            kwargs["registry"] = args.registry
        params = BuildParams(
            near_threshold=args.near_threshold,
            story_threshold=args.story_threshold,
            skip_stages=tuple(args.skip),
            outlet=args.outlet,
            metadata=str(Path(args.metadata).resolve()) if args.metadata else None,
            **kwargs,
        )
        if args.metadata:
            try:
                read_metadata_map(args.metadata)
            except MetadataMapError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
        missing = [p for p in args.inputs if not Path(p).exists()]
        if missing:
            print(f"error: input not found: {', '.join(missing)}", file=sys.stderr)
            if len(missing) == len(args.inputs):
                return 1
        bars = StageBars() if not args.quiet else None
        engine = None
        try:
            engine = get_engine(args.engine, **({"address": args.address} if args.engine == "ray" else {}))
            corpus = build_bundle(args.inputs, args.out, params=params, progress=bars, engine=engine)
        except (BuildError, BundleError, EngineError, OSError) as exc:  # nothing usable, or no bundle written
            if bars:
                bars.close()
            print(f"error: {exc}", file=sys.stderr)
            return 1
        finally:
            if engine is not None:
                engine.shutdown()
        if bars:
            bars.close()
        print(build_summary(corpus))
        print(f"bundle written to {corpus.path}")
        return 0

    if args.command == "stages":
        if args.markdown:
            print(stage_markdown(), end="")
        else:
            print_stages()
        return 0

    if args.command == "export":
        try:
            corpus = load_bundle(args.bundle)
        except BundleError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        data = table_to_csv_bytes(corpus[args.table])
        if args.output == "-":
            sys.stdout.buffer.write(data)
        else:
            try:
                Path(args.output).write_bytes(data)
            except OSError as exc:
                print(f"error: cannot write {args.output}: {exc}", file=sys.stderr)
                return 1
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
