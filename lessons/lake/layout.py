"""Where the lake lives on disk, and how its paths map to S3 addresses.

The lake is a folder whose paths mirror S3: ``s3://<bucket>/<key>`` is stored at
``<root>/<bucket>/<key>``. Catalog tables record ``s3://`` locations exactly as the Glue Data
Catalog would on AWS; the engines translate them to local paths here, so the SQL and the boto3
calls a learner reads are the ones that would run against real S3.

The contract every lake module shares (crawler, ETL, Athena engine, Lake Formation):

- Glue database ``music`` (:data:`DATABASE`).
- Raw plays from the Firehose model: JSON lines under :data:`RAW_PLAYS` in Hive-style
  ``dt=YYYY-MM-DD/`` folders. Tracks reference: :data:`REFERENCE_TRACKS`.
- ``processed_data`` (plays joined with tracks, Parquet, partitioned by ``dt``): :data:`PROCESSED`.
- A catalog table's ``StorageDescriptor.Location`` is an ``s3://`` folder address ending in ``/``;
  ``Parameters["classification"]`` is ``json``, ``csv``, ``parquet`` or ``orc``; partition keys are
  strings (``dt``), each partition has its own ``Location``. Partition projection uses Athena's
  table properties (``projection.enabled``, ``projection.dt.type`` ...,
  ``storage.location.template``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from lessons.errors import LabError
from lessons.paths import data_dir

BUCKET = "pipeline-lab-lake"
DATABASE = "music"
RAW_PLAYS = f"s3://{BUCKET}/raw/plays/"
REFERENCE_TRACKS = f"s3://{BUCKET}/reference/tracks/"
PROCESSED = f"s3://{BUCKET}/processed/processed_data/"
SCHEME = "s3://"


class LakePathError(LabError):
    """An address that is not an S3 address inside the lake."""


def default_root() -> Path:
    """The lake folder under the data folder ($PIPELINE_LAB_DATA or datasets/)."""
    return data_dir() / "lake"


def split_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/a/b`` → ``("bucket", "a/b")``; refuses anything that could leave the lake."""
    if not uri.startswith(SCHEME):
        raise LakePathError(f"{uri!r} is not an S3 address (it should start with {SCHEME}).")
    bucket, _, key = uri[len(SCHEME) :].partition("/")
    parts = PurePosixPath(key).parts
    if not bucket or bucket in {".", ".."} or ".." in parts or key.startswith("/"):
        raise LakePathError(f"{uri!r} is not a valid address inside a bucket.")
    return bucket, key


def join(uri: str, *parts: str) -> str:
    """Append path parts to an S3 folder address."""
    return uri.rstrip("/") + "/" + "/".join(p.strip("/") for p in parts)


@dataclass(frozen=True)
class Lake:
    """An S3-style lake rooted at a local folder."""

    root: Path

    @classmethod
    def default(cls) -> Lake:
        return cls(default_root())

    def path(self, uri: str) -> Path:
        """The local file or folder holding an S3 address."""
        bucket, key = split_uri(uri)
        return self.root.joinpath(bucket, *PurePosixPath(key).parts)

    def uri(self, path: Path) -> str:
        """The S3 address of a local path inside the lake."""
        try:
            relative = Path(path).resolve().relative_to(self.root.resolve())
        except ValueError as exc:
            raise LakePathError(f"{path} is not inside the lake at {self.root}.") from exc
        return SCHEME + relative.as_posix()

    def objects(self, uri: str) -> list[str]:
        """Every object (file) under an S3 prefix, as sorted S3 addresses; hidden files skipped."""
        base = self.path(uri)
        if base.is_file():
            return [self.uri(base)]
        if not base.exists():
            return []
        return sorted(
            self.uri(p)
            for p in base.rglob("*")
            if p.is_file()
            and not any(part.startswith((".", "_")) for part in p.relative_to(base).parts)
        )
