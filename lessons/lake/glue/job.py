"""The ETL job: raw plays joined with the tracks reference into processed_data, with bookmarks.

`run_job` reads the raw plays of the partitions registered in the catalog (as a job reading
with create_dynamic_frame.from_catalog does), drops resent events (same uuid: the first arrival
is kept), joins the tracks reference, appends Parquet files to ``processed_data`` partitioned by
the event's date (``dt`` of ``device_ts``, UTC), registers the table and new partitions (as a
sink with enableUpdateCatalog does) and keeps a job bookmark, so a rerun reads only objects it
has not processed. The output columns are those of the ``processed_data`` view in
`lessons.datafiles`, with ``app_version`` always present (null before the app sent it).

Fidelity: AWS keeps an S3 bookmark as the last-modified times of the objects it processed (plus
a list for its consistency window); this bookmark is the list of processed object addresses,
stored in the lake under ``_glue/``, which behaves the same for objects that are added and never
rewritten. Options job-bookmark-enable, -disable and -pause and a script that never calls
job.commit() behave as documented; only the plays source is bookmarked, the tracks reference is
read whole every run. A resend that lands in a later run than its original is not caught. The
job and its runs are recorded with create_job/start_job_run (metadata only on the local
endpoint). The cost is an estimate: DuckDB's local time, billed at least the Glue minimum,
times the DPUs, times the DPU-hour price; a Spark cluster's own time is not modelled.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from lessons import facts
from lessons.data import PLAY_SCHEMA, SCHEMA_CHANGE_COLUMN
from lessons.lake import catalog, layout
from lessons.lake.catalog import Column, Partition, TableInfo
from lessons.lake.glue.common import (
    GLUE_STATE,
    PROCESSED_TABLE,
    RAW_TABLE,
    ROLE,
    TRACKS_TABLE,
    JobError,
)
from lessons.lake.glue.schema import arrow_type
from lessons.lake.layout import DATABASE, Lake

BOOKMARK_OPTIONS = ("job-bookmark-enable", "job-bookmark-disable", "job-bookmark-pause")

# ApplyMapping: the raw fields and the types the job gives them.
RAW_COLUMNS = {
    "uuid": "VARCHAR",
    "device_ts": "TIMESTAMP",
    "device_id": "INTEGER",
    "device_temp": "INTEGER",
    "track_id": "INTEGER",
    "activity_type": "VARCHAR",
    "arrival_ts": "TIMESTAMP",
    SCHEMA_CHANGE_COLUMN: "VARCHAR",
}
TRACK_COLUMNS = {"track_id": "VARCHAR", "track_name": "VARCHAR", "artist_name": "VARCHAR"}
# processed_data: the columns of lessons.datafiles' processed_data view, always with app_version.
PROCESSED_SCHEMA = pa.schema(
    [
        *PLAY_SCHEMA,
        pa.field(SCHEMA_CHANGE_COLUMN, pa.string()),
        pa.field("track_name", pa.string()),
        pa.field("artist_name", pa.string()),
    ]
)


@dataclass(frozen=True)
class JobSpec:
    """A Glue ETL job's definition: its name, tables and capacity."""

    name: str = "plays-to-processed"
    database: str = DATABASE
    source_table: str = RAW_TABLE
    tracks_table: str = TRACKS_TABLE
    target_table: str = PROCESSED_TABLE
    target_location: str = layout.PROCESSED
    workers: int = 2  # G.1X workers, one DPU each

    @property
    def dpus(self) -> float:
        return float(self.workers)


@dataclass(frozen=True)
class JobCost:
    seconds: float
    billed_seconds: float
    dpu_hours: float
    usd: float


def job_cost(seconds: float, dpus: float) -> JobCost:
    """A run's cost: its time, billed at least the Glue minimum, times DPUs and the price."""
    if seconds < 0 or dpus <= 0:
        raise JobError("A job run needs a non-negative duration and a positive DPU count.")
    billed = max(seconds, float(facts.as_seconds("glue.job_min_billing_minutes")))
    dpu_hours = dpus * billed / facts.SECONDS_PER_UNIT["hours"]
    return JobCost(seconds, billed, dpu_hours, dpu_hours * facts.number("glue.dpu_hour_price_usd"))


@dataclass(frozen=True)
class JobRun:
    """What one job run read, wrote and would cost."""

    job: str
    run_id: str
    run_number: int
    bookmark_option: str
    objects_available: int
    objects_read: int
    bytes_read: int
    rows_in: int
    duplicates_dropped: int
    rows_unmatched: int
    rows_out: int
    partitions_written: tuple[str, ...]
    partitions_added: int
    files_written: tuple[str, ...]
    cost: JobCost

    @property
    def objects_skipped(self) -> int:
        return self.objects_available - self.objects_read

    def summary(self) -> dict[str, object]:
        """The run's counters as one flat row (for tables and charts)."""
        return {
            "run": self.run_number, "bookmark": self.bookmark_option,
            "objects available": self.objects_available, "objects read": self.objects_read,
            "rows in": self.rows_in, "duplicates dropped": self.duplicates_dropped,
            "rows out": self.rows_out, "partitions written": len(self.partitions_written),
            "DPU-hours": round(self.cost.dpu_hours, 4), "cost (USD)": round(self.cost.usd, 4),
        }  # fmt: skip


def _state_uri(job: str) -> str:
    return layout.join(GLUE_STATE, "jobs", f"{job}.json")


def _load_state(lake: Lake, job: str) -> dict:
    path = lake.path(_state_uri(job))
    if not path.is_file():
        return {"runs": 0, "processed": []}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise JobError(f"The bookmark of job {job} is damaged; reset it.") from exc


def _save_state(lake: Lake, job: str, state: dict) -> None:
    path = lake.path(_state_uri(job))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")


def bookmark(lake: Lake, job: str = JobSpec.name) -> tuple[str, ...]:
    """The objects the job's bookmark records as processed."""
    return tuple(_load_state(lake, job)["processed"])


def reset_job_bookmark(lake: Lake, job: str = JobSpec.name) -> None:
    """Forget what the job has processed (aws glue reset-job-bookmark); run history is kept."""
    state = _load_state(lake, job)
    _save_state(lake, job, {**state, "processed": []})


def _source_objects(glue, lake: Lake, spec: JobSpec) -> list[str]:
    """The objects of the source table's registered partitions (what from_catalog reads)."""
    try:
        table = catalog.get_table(glue, spec.database, spec.source_table)
    except catalog.CatalogError as exc:
        raise JobError(f"{exc} Run the crawler on {layout.RAW_PLAYS} first.") from exc
    if not table.partition_keys:
        return lake.objects(table.location)
    return [uri for p in catalog.get_partitions(glue, table) for uri in lake.objects(p.location)]


def _tracks_objects(glue, lake: Lake, spec: JobSpec) -> list[str]:
    try:
        table = catalog.get_table(glue, spec.database, spec.tracks_table)
    except catalog.CatalogError as exc:
        raise JobError(f"{exc} Crawl {layout.REFERENCE_TRACKS} first.") from exc
    uris = lake.objects(table.location)
    if not uris:
        raise JobError(f"The tracks reference at {table.location} has no objects.")
    return uris


def _broken_json(lake: Lake, uris: list[str]) -> str:
    """Name the first object (and line) that is not JSON lines."""
    for uri in uris:
        for number, line in enumerate(lake.path(uri).read_text(errors="replace").splitlines(), 1):
            try:
                if line.strip() and not isinstance(json.loads(line), dict):
                    return f"{uri}: line {number} is not a JSON object"
            except json.JSONDecodeError as exc:
                return f"{uri}: line {number}: {exc.msg}"
    return "one of the objects"


def _sql_list(values: Iterable[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _sql_struct(columns: dict[str, str]) -> str:
    return "{" + ", ".join(f"'{k}': '{v}'" for k, v in columns.items()) + "}"


def transform(lake: Lake, play_uris: list[str], track_uris: list[str]) -> tuple[pa.Table, dict]:
    """Read, deduplicate by uuid (first arrival wins) and join; the rows and their counts."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "threads": 1})
    try:
        return _transform(con, lake, play_uris, track_uris)
    finally:
        con.close()  # also when a broken object stops the run


def _transform(
    con: duckdb.DuckDBPyConnection, lake: Lake, play_uris: list[str], track_uris: list[str]
) -> tuple[pa.Table, dict]:
    paths = [lake.path(u).as_posix() for u in play_uris]
    try:
        con.execute(
            f"CREATE TABLE raw AS SELECT * FROM read_json({_sql_list(paths)}, "
            f"format='newline_delimited', columns={_sql_struct(RAW_COLUMNS)})"
        )
    except duckdb.Error as exc:
        raise JobError(f"Cannot read the raw plays: {_broken_json(lake, play_uris)}.") from exc
    tracks = [lake.path(u).as_posix() for u in track_uris]
    con.execute(
        f"CREATE TABLE tracks AS SELECT * FROM read_csv({_sql_list(tracks)}, header=true, "
        f"columns={_sql_struct(TRACK_COLUMNS)})"
    )
    con.execute(
        """
        CREATE TABLE deduped AS SELECT * EXCLUDE (copy) FROM (
            SELECT *, row_number() OVER (PARTITION BY uuid ORDER BY arrival_ts) AS copy FROM raw
        ) WHERE copy = 1
        """
    )
    names = ", ".join(f"d.{c}" for c in RAW_COLUMNS)
    out = con.execute(
        f"""
        SELECT {names}, t.track_name, t.artist_name, strftime(d.device_ts, '%Y-%m-%d') AS dt
        FROM deduped AS d JOIN tracks AS t ON CAST(t.track_id AS INTEGER) = d.track_id
        ORDER BY dt, d.device_ts, d.uuid
        """
    ).to_arrow_table()
    counts = {
        "rows_in": con.execute("SELECT count(*) FROM raw").fetchone()[0],
        "deduped": con.execute("SELECT count(*) FROM deduped").fetchone()[0],
    }
    return out, counts


def _write_partitions(lake: Lake, spec: JobSpec, rows: pa.Table, run: int) -> list[str]:
    written = []
    for dt in sorted(set(rows.column("dt").to_pylist())):
        part = rows.filter(pc.equal(rows.column("dt"), dt)).drop_columns(["dt"])
        uri = layout.join(spec.target_location, f"dt={dt}", f"run-{run:05d}-part-00000.parquet")
        path = lake.path(uri)
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_name(f".{path.name}.tmp")
        pq.write_table(part.cast(PROCESSED_SCHEMA), staging, compression="snappy")
        staging.replace(path)
        written.append(uri)
    return written


def processed_table(spec: JobSpec = JobSpec()) -> TableInfo:
    """The catalog entry of the job's output table."""
    return TableInfo(
        database=spec.database,
        name=spec.target_table,
        location=spec.target_location.rstrip("/") + "/",
        classification="parquet",
        columns=tuple(Column(f.name, arrow_type(f.type)) for f in PROCESSED_SCHEMA),
        partition_keys=(Column("dt", "string"),),
        parameters={"compressionType": "snappy", "typeOfData": "file"},
    )


def _register_output(glue, spec: JobSpec, dts: list[str]) -> int:
    table = processed_table(spec)
    catalog.put_table(glue, table)
    return catalog.add_partitions(
        glue, table, [Partition((dt,), table.partition_location((dt,))) for dt in dts]
    )


def _start_run(glue, spec: JobSpec, option: str) -> str:
    """Record the job and a run through the Glue API (moto keeps metadata only)."""
    with contextlib.suppress(glue.exceptions.AlreadyExistsException):
        glue.create_job(
            Name=spec.name,
            Role=ROLE,
            Command={
                "Name": "glueetl",
                "ScriptLocation": layout.join(GLUE_STATE, "scripts", f"{spec.name}.py"),
                "PythonVersion": "3",
            },
            DefaultArguments={"--job-bookmark-option": "job-bookmark-enable"},
            GlueVersion="4.0",
            WorkerType="G.1X",
            NumberOfWorkers=spec.workers,
        )
    return glue.start_job_run(JobName=spec.name, Arguments={"--job-bookmark-option": option})[
        "JobRunId"
    ]


def run_job(
    glue,
    lake: Lake,
    spec: JobSpec = JobSpec(),
    bookmark_option: str = "job-bookmark-enable",
    commit: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> JobRun:
    """Run the ETL job once: new raw objects → deduplicated, joined processed_data partitions.

    `commit=False` is a script that never calls job.commit(): the output is written but the
    bookmark does not move. `clock` times the run for the cost estimate.
    """
    if bookmark_option not in BOOKMARK_OPTIONS:
        raise JobError(
            f"Unknown bookmark option {bookmark_option!r}; use one of {BOOKMARK_OPTIONS}."
        )
    started = clock()
    state = _load_state(lake, spec.name)
    available = _source_objects(glue, lake, spec)
    done = set(state["processed"]) if bookmark_option != "job-bookmark-disable" else set()
    todo = [uri for uri in available if uri not in done]
    track_uris = _tracks_objects(glue, lake, spec)
    rows, counts = (
        transform(lake, todo, track_uris) if todo else (pa.table({}), {"rows_in": 0, "deduped": 0})
    )
    run = state["runs"] + 1
    run_id = _start_run(glue, spec, bookmark_option)
    files = _write_partitions(lake, spec, rows, run) if rows.num_rows else []
    dts = sorted(set(rows.column("dt").to_pylist())) if rows.num_rows else []
    added = _register_output(glue, spec, dts)
    processed = state["processed"]
    if bookmark_option == "job-bookmark-enable" and commit:
        processed = sorted(set(processed) | set(todo))
    _save_state(lake, spec.name, {"runs": run, "processed": processed})
    return JobRun(
        job=spec.name,
        run_id=run_id,
        run_number=run,
        bookmark_option=bookmark_option,
        objects_available=len(available),
        objects_read=len(todo),
        bytes_read=sum(lake.path(u).stat().st_size for u in todo),
        rows_in=counts["rows_in"],
        duplicates_dropped=counts["rows_in"] - counts["deduped"],
        rows_unmatched=counts["deduped"] - rows.num_rows,
        rows_out=rows.num_rows,
        partitions_written=tuple(dts),
        partitions_added=added,
        files_written=tuple(files),
        cost=job_cost(max(clock() - started, 0.0), spec.dpus),
    )
