"""AWS Glue for the lake: a crawler that fills the Data Catalog, and an ETL job with bookmarks.

- `crawl(glue, lake, location)` infers a table from the objects under a prefix and registers it
  and its ``dt=`` partitions in the Data Catalog; a rerun adds new columns and partitions.
- `run_job(glue, lake)` turns new raw plays into ``processed_data`` (Parquet, partitioned by
  ``dt``) and moves the job bookmark; `reset_job_bookmark` starts it over.
- `job_cost(seconds, dpus)` prices a run in DPU-hours with Glue's minimum billing duration.
- `build_processed_data(api, lake, plays)` does all of it in one call for lessons that only need
  ``processed_data`` in the lake and the catalog.

Fidelity: see the modules — `schema` (type inference), `crawler` (catalog updates) and `job`
(bookmarks, deduplication, cost). The catalog is the real Glue API on the local endpoint;
crawling and the job's work are done here, because the local endpoint stores only their
metadata.
"""

from __future__ import annotations

import pyarrow as pa

from lessons.lake.glue.common import (
    GLUE_STATE,
    PROCESSED_TABLE,
    RAW_TABLE,
    TRACKS_TABLE,
    CrawlerError,
    JobError,
)
from lessons.lake.glue.crawler import CrawlReport, crawl
from lessons.lake.glue.job import (
    BOOKMARK_OPTIONS,
    PROCESSED_SCHEMA,
    JobCost,
    JobRun,
    JobSpec,
    bookmark,
    job_cost,
    processed_table,
    reset_job_bookmark,
    run_job,
    transform,
)
from lessons.lake.glue.schema import classify, widen
from lessons.lake.layout import Lake


def build_processed_data(
    api, lake: Lake, plays: pa.Table, tracks: pa.Table | None = None
) -> JobRun:
    """Land every day of `plays`, crawl raw and reference, run the job once; its JobRun."""
    from lessons.data import generate_tracks
    from lessons.lake import ingest, layout

    ingest.land_days(plays, lake)
    ingest.land_tracks(tracks if tracks is not None else generate_tracks(), lake)
    crawl(api, lake, layout.RAW_PLAYS)
    crawl(api, lake, layout.REFERENCE_TRACKS)
    return run_job(api, lake)


__all__ = [
    "BOOKMARK_OPTIONS", "GLUE_STATE", "PROCESSED_SCHEMA", "PROCESSED_TABLE", "RAW_TABLE",
    "TRACKS_TABLE", "CrawlReport", "CrawlerError", "JobCost", "JobError", "JobRun", "JobSpec",
    "bookmark", "build_processed_data", "classify", "crawl", "job_cost", "processed_table",
    "reset_job_bookmark", "run_job", "transform", "widen",
]  # fmt: skip
