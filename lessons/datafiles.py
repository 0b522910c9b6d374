"""Write the music dataset to disk (JSON lines, CSV, Parquet; optionally by date), load it back
with clear errors, and the `python -m lessons.data` command line.

A dataset folder is written next to its final place and renamed into it at the end, so a failed
or interrupted run leaves what was there before untouched.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from lessons.data import SCHEMA_CHANGE_COLUMN, DatasetConfig, generate_plays, generate_tracks
from lessons.errors import DatasetError, LabError

FORMATS = {"parquet": ".parquet", "jsonl": ".jsonl", "csv": ".csv"}
PARTITIONINGS = ("none", "event", "arrival")
MANIFEST = "manifest.json"
# Nearly every value differs: a dictionary would be built, overflow and be thrown away.
_UNIQUE_COLUMNS = frozenset({"uuid", "device_ts", "arrival_ts"})
PLAYS = "plays"
TRACKS = "tracks"


@dataclass(frozen=True)
class WriteOptions:
    """How to lay the dataset out on disk."""

    formats: tuple[str, ...] = ("parquet",)
    partition: str = "none"
    row_group_rows: int = 128 * 1024

    def __post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown or not self.formats:
            raise LabError(f"Unknown format(s) {unknown}; choose from {', '.join(FORMATS)}")
        if self.partition not in PARTITIONINGS:
            raise LabError(f"partition must be one of {', '.join(PARTITIONINGS)}")


def plays_path(root: Path, fmt: str, partition: str = "none") -> Path:
    """Where the plays of one format live: a file, or a folder of dt=YYYY-MM-DD partitions."""
    return root / f"{PLAYS}{FORMATS[fmt]}" if partition == "none" else root / PLAYS / fmt


def _write_table(table: pa.Table, path: Path, fmt: str, options: WriteOptions) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        pq.write_table(
            table, path, row_group_size=options.row_group_rows, compression="snappy",
            use_dictionary=[c for c in table.column_names if c not in _UNIQUE_COLUMNS],
        )  # fmt: skip
        return
    text_table = _timestamps_as_text(table)
    if fmt == "csv":
        pacsv.write_csv(text_table, path)
        return
    # DuckDB writes newline-delimited JSON in insertion order; one thread keeps bytes stable.
    con = duckdb.connect(config={"threads": 1, "autoinstall_known_extensions": False})
    con.register("rows_to_write", text_table)
    con.execute(f"COPY rows_to_write TO '{path.as_posix()}' (FORMAT json)")
    con.close()


def _timestamps_as_text(table: pa.Table) -> pa.Table:
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            text = pc.strftime(table.column(i), format="%Y-%m-%d %H:%M:%S.%f")
            # %f gives microseconds with a trailing "000" for millisecond data: keep 3 digits.
            text = pc.utf8_slice_codeunits(text, 0, 23)
            table = table.set_column(i, field.name, text)
    return table


def _partition_dates(table: pa.Table, by: str) -> pa.Array:
    column = "device_ts" if by == "event" else "arrival_ts"
    return pc.cast(table.column(column), pa.date32())


def _write_plays(plays: pa.Table, root: Path, options: WriteOptions) -> dict[str, int]:
    files: dict[str, int] = {}
    if options.partition == "none":
        for fmt in options.formats:
            path = plays_path(root, fmt)
            _write_table(plays, path, fmt, options)
            files[path.relative_to(root).as_posix()] = plays.num_rows
        return files
    days = _partition_dates(plays, options.partition)
    for day in pc.unique(days).sort().to_pylist():
        part = plays.filter(pc.equal(days, pa.scalar(day, pa.date32())))
        if SCHEMA_CHANGE_COLUMN in part.column_names and part[SCHEMA_CHANGE_COLUMN].null_count == (
            part.num_rows
        ):
            # Before the change day the producers did not send the column at all.
            part = part.drop_columns([SCHEMA_CHANGE_COLUMN])
        for fmt in options.formats:
            path = plays_path(root, fmt, options.partition) / f"dt={day}" / f"part-0{FORMATS[fmt]}"
            _write_table(part, path, fmt, options)
            files[path.relative_to(root).as_posix()] = part.num_rows
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_dataset(
    out_dir: Path | str,
    config: DatasetConfig | None = None,
    options: WriteOptions | None = None,
    progress: bool = False,
) -> dict:
    """Generate and write plays + tracks + manifest.json into `out_dir`; return the manifest.

    Written into a sibling temporary folder first and swapped in at the end.
    """
    config = config or DatasetConfig()
    options = options or WriteOptions()
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    plays = generate_plays(config, progress=progress)
    tracks = generate_tracks(config)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    try:
        files = _write_plays(plays, staging, options)
        for fmt in options.formats:
            _write_table(tracks, staging / f"{TRACKS}{FORMATS[fmt]}", fmt, options)
        manifest = _manifest(staging, config, options, files, plays)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        _swap_in(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _manifest(
    root: Path, config: DatasetConfig, options: WriteOptions, files: dict[str, int], plays: pa.Table
) -> dict:
    settings = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(config).items()}
    return {
        "dataset": "pipeline-lab music plays",
        "config": settings,
        "formats": list(options.formats),
        "partition": options.partition,
        "rows": plays.num_rows,
        "columns": plays.column_names,
        "plays_files": {
            name: {"rows": rows, "sha256": _sha256(root / name)} for name, rows in files.items()
        },
    }


def _swap_in(staging: Path, out_dir: Path) -> None:
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}-old-{staging.name[-8:]}")
        out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out_dir)


# --- loading ---------------------------------------------------------------------------------


def read_manifest(root: Path | str) -> dict:
    """The dataset's manifest, or a DatasetError that says how to make the dataset."""
    root = Path(root)
    path = root / MANIFEST
    if not path.is_file():
        raise DatasetError(
            f"No music dataset at {root} (missing {MANIFEST}). "
            f"Create it with: python -m lessons.data generate --out {root}"
        )
    try:
        manifest = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{path} is not valid JSON ({exc}); regenerate the dataset.") from exc
    if not isinstance(manifest, dict) or "plays_files" not in manifest:
        raise DatasetError(f"{path} is not a Pipeline Lab manifest; regenerate the dataset.")
    return manifest


def verify_dataset(root: Path | str) -> list[str]:
    """Every problem with the dataset's files (missing, changed since written); empty if fine."""
    root = Path(root)
    problems = []
    for name, entry in read_manifest(root)["plays_files"].items():
        path = root / name
        if not path.is_file():
            problems.append(f"{name}: missing")
        elif _sha256(path) != entry.get("sha256"):
            problems.append(f"{name}: contents changed or corrupt")
    return problems


def _read_parquet(path: Path) -> pa.Table:
    try:
        return pq.read_table(path, partitioning="hive") if path.is_dir() else pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise DatasetError(f"Cannot read {path}: {exc}. Regenerate the dataset.") from exc


def load_plays(root: Path | str) -> pa.Table:
    """The play events of a dataset folder, from its Parquet copy."""
    root = Path(root)
    manifest = read_manifest(root)
    if "parquet" not in manifest["formats"]:
        raise DatasetError(f"The dataset at {root} has no Parquet copy; generate one with it.")
    return _read_parquet(plays_path(root, "parquet", manifest["partition"]))


def load_tracks(root: Path | str) -> pa.Table:
    """The tracks reference of a dataset folder (track_id is a string, as in the workshop)."""
    root = Path(root)
    read_manifest(root)
    return _read_parquet(root / f"{TRACKS}.parquet")


def connect(root: Path | str) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with views `plays`, `tracks` and `processed_data` over a dataset.

    processed_data joins plays to tracks; the reference stores track_id as text and the events as
    an integer, so the join needs a cast (the workshop's wrinkle, kept on purpose).
    """
    root = Path(root)
    return connect_tables(load_plays(root), load_tracks(root))


def connect_tables(plays: pa.Table, tracks: pa.Table) -> duckdb.DuckDBPyConnection:
    """The same views as `connect`, over tables already in memory."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    con.register("plays", plays)
    con.register("tracks", tracks)
    con.execute(
        """
        CREATE VIEW processed_data AS
        SELECT p.*, t.track_name, t.artist_name
        FROM plays AS p
        JOIN tracks AS t ON CAST(t.track_id AS INTEGER) = p.track_id
        """
    )
    return con


# --- command line ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lessons.data", description="Generate or inspect the music dataset."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate", help="write a dataset folder")
    gen.add_argument("--out", type=Path, required=True, help="dataset folder to (re)write")
    gen.add_argument("--rows", type=int, default=DatasetConfig.rows)
    gen.add_argument("--seed", type=int, default=DatasetConfig.seed)
    gen.add_argument("--start", type=date.fromisoformat, default=DatasetConfig.start)
    gen.add_argument("--days", type=int, default=DatasetConfig.days)
    gen.add_argument("--devices", type=int, default=DatasetConfig.devices)
    gen.add_argument("--track-skew", type=float, default=DatasetConfig.track_skew)
    gen.add_argument("--duplicates", type=float, default=0.0, help="fraction resent (0-0.5)")
    gen.add_argument("--late", type=float, default=0.0, help="fraction arriving late (0-1)")
    gen.add_argument("--schema-change-day", type=int, default=None, help="day index")
    gen.add_argument("--formats", default="parquet", help="comma list: parquet,jsonl,csv")
    gen.add_argument("--partition", choices=PARTITIONINGS, default="none")
    gen.add_argument("--no-progress", action="store_true")
    info = sub.add_parser("info", help="describe and verify a dataset folder")
    info.add_argument("path", type=Path)
    tracks = sub.add_parser("tracks", help="write only the tracks reference (CSV)")
    tracks.add_argument("--out", type=Path, required=True, help="CSV file to write")
    return parser


def _tracks(args: argparse.Namespace) -> int:
    args.out.parent.mkdir(parents=True, exist_ok=True)
    staging = args.out.with_name(f".{args.out.name}.tmp")
    _write_table(generate_tracks(), staging, "csv", WriteOptions())
    staging.replace(args.out)
    print(f"wrote the tracks reference to {args.out}")
    return 0


def _generate(args: argparse.Namespace) -> int:
    config = DatasetConfig(
        rows=args.rows, seed=args.seed, start=args.start, days=args.days, devices=args.devices,
        track_skew=args.track_skew, duplicate_fraction=args.duplicates,
        late_fraction=args.late, schema_change_day=args.schema_change_day,
    )  # fmt: skip
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    options = WriteOptions(formats=formats, partition=args.partition)
    began = time.perf_counter()
    manifest = write_dataset(args.out, config, options, progress=not args.no_progress)
    seconds = time.perf_counter() - began
    print(
        f"wrote {manifest['rows']:,} plays ({', '.join(formats)}; partition={args.partition}) "
        f"to {args.out} in {seconds:.1f} s"
    )
    return 0


def _info(args: argparse.Namespace) -> int:
    manifest = read_manifest(args.path)
    problems = verify_dataset(args.path)
    print(f"{args.path}: {manifest['rows']:,} plays, formats {', '.join(manifest['formats'])}")
    print(f"partition: {manifest['partition']}; columns: {', '.join(manifest['columns'])}")
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m lessons.data`; bad input gives one line, not a traceback."""
    args = _parser().parse_args(argv)
    try:
        commands = {"generate": _generate, "info": _info, "tracks": _tracks}
        return commands[args.command](args)
    except LabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: cannot write or read files: {exc}", file=sys.stderr)
        return 2
