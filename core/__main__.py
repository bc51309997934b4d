"""Command line: `python -m core build INPUT... --out DIR`, `export DIR TABLE --format csv`, `stages`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.progress import TaskID

from core import __version__, schema
from core.bundle import BuildError, BuildParams, BundleError, build_bundle, build_summary, load_bundle
from core.casework.cli import add_parser as add_decisions_parser
from core.clean.analyst_map import MetadataMapError, read_metadata_map
from core.engines import ENGINES, EngineError, get_engine
from core.export import table_to_csv_bytes
from core.pipeline import stage_markdown, stage_table


class StageBars:
    """Build progress on stderr: one line per stage, in the pipeline's order, each with its bar, drawn by rich.

    A stage's line appears when it starts and is updated in place (a stage whose background work reports
    late, e.g. the early statement pass, updates its own line, never prints a new one). When stderr is not
    a terminal there are no bars: one plain "<stage> start <what it does>" line per stage, once, in order
    (a log shows how far a build got; tests/core/test_cli.py waits on these lines).
    """

    def __init__(self, stream=sys.stderr) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
        from rich.table import Column

        self.console = Console(file=stream)
        self.tasks: dict[str, TaskID] = {}
        self.progress: Progress | None = None
        if self.console.is_terminal:
            self.progress = Progress(
                TextColumn("{task.fields[stage]}", table_column=Column(min_width=15, no_wrap=True)),
                BarColumn(bar_width=24),
                TextColumn("{task.percentage:>3.0f}%", table_column=Column(min_width=4, no_wrap=True)),
                TimeElapsedColumn(),
                TextColumn(
                    "{task.fields[note]}",
                    markup=False,
                    table_column=Column(no_wrap=True, overflow="ellipsis", max_width=40),
                ),
                console=self.console,
                auto_refresh=True,
                refresh_per_second=8,
            )
            self.progress.start()

    def __call__(self, stage: str, fraction: float, message: str) -> None:
        if self.progress is None:
            if stage not in self.tasks:
                self.tasks[stage] = TaskID(len(self.tasks))
                self.console.file.write(f"{stage:<15} start {message}\n")
                self.console.file.flush()
            return
        fraction = min(max(fraction, 0.0), 1.0)
        task = self.tasks.get(stage)
        if task is None:
            task = self.progress.add_task("", total=1.0, stage=stage, note="")
            self.tasks[stage] = task
        if message == "done":  # keep the stage's last real message beside its full bar
            self.progress.update(task, completed=fraction)
        else:
            self.progress.update(task, completed=fraction, note=message)

    def close(self) -> None:
        if self.progress is not None:
            for task in self.tasks.values():  # a stage that reported no end (it failed) keeps its last fraction
                self.progress.update(task, refresh=False)
            self.progress.stop()


def print_stages() -> None:
    """The stage list (core.pipeline.STAGES) as a table: name, step, kind, reads -> writes, what it does."""
    for i, row in enumerate(stage_table(), start=1):
        print(f"{i:2d}. {row['name']:<15} [{row['step']}] {row['kind']}")
        print(f"    reads:  {row['reads']}")
        print(f"    writes: {row['writes']}")
        print(f"    {row['doc']}")


def _parser() -> argparse.ArgumentParser:
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
    return parser


def _build_params(args: argparse.Namespace) -> BuildParams:
    kwargs: dict[str, str | None] = {}
    if args.no_registry:
        kwargs["registry"] = None
    elif args.registry:
        kwargs["registry"] = args.registry
    return BuildParams(
        near_threshold=args.near_threshold,
        story_threshold=args.story_threshold,
        skip_stages=tuple(args.skip),
        outlet=args.outlet,
        metadata=str(Path(args.metadata).resolve()) if args.metadata else None,
        **kwargs,
    )


def _build(args: argparse.Namespace) -> int:
    """`build`: 0 with the bundle written, 1 with a message on stderr (nothing written)."""
    params = _build_params(args)
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


def _export(args: argparse.Namespace) -> int:
    """`export`: one table as CSV to stdout or a file."""
    try:
        corpus = load_bundle(args.bundle)
    except BundleError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    data = table_to_csv_bytes(corpus[args.table])
    if args.output == "-":
        sys.stdout.buffer.write(data)
        return 0
    try:
        Path(args.output).write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc}", file=sys.stderr)
        return 1
    return 0


def _stages(args: argparse.Namespace) -> int:
    if args.markdown:
        print(stage_markdown(), end="")
    else:
        print_stages()
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "decisions":
        return int(args.func(args))
    commands = {"build": _build, "export": _export, "stages": _stages}
    return commands[args.command](args) if args.command in commands else 2


if __name__ == "__main__":
    sys.exit(main())
