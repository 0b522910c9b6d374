"""The Glue Data Catalog, read and written through the real Glue API (local endpoint by default).

This is the contract between the lake modules: the crawler and the ETL job write tables and
partitions here; the Athena engine and Lake Formation read them back. Only what is registered is
visible — a folder in the lake without a partition entry is invisible to queries, as on AWS.

Fidelity: the TableInput built here is what a Glue crawler writes for the same classification
(SerDe library, input/output formats, ``classification`` parameter). moto stores and returns it
verbatim, including ``get_partitions`` expressions; it does not crawl or validate formats.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lessons.errors import LabError
from lessons.lake.layout import Lake, join

# What a crawler records for each classification: (SerDe library, InputFormat, OutputFormat).
_HIVE = "org.apache.hadoop.hive"
STORAGE_FORMATS: dict[str, tuple[str, str, str]] = {
    "json": (
        "org.openx.data.jsonserde.JsonSerDe",
        "org.apache.hadoop.mapred.TextInputFormat",
        f"{_HIVE}.ql.io.HiveIgnoreKeyTextOutputFormat",
    ),
    "csv": (
        f"{_HIVE}.serde2.lazy.LazySimpleSerDe",
        "org.apache.hadoop.mapred.TextInputFormat",
        f"{_HIVE}.ql.io.HiveIgnoreKeyTextOutputFormat",
    ),
    "parquet": (
        f"{_HIVE}.ql.io.parquet.serde.ParquetHiveSerDe",
        f"{_HIVE}.ql.io.parquet.MapredParquetInputFormat",
        f"{_HIVE}.ql.io.parquet.MapredParquetOutputFormat",
    ),
    "orc": (
        f"{_HIVE}.ql.io.orc.OrcSerde",
        f"{_HIVE}.ql.io.orc.OrcInputFormat",
        f"{_HIVE}.ql.io.orc.OrcOutputFormat",
    ),
}


class CatalogError(LabError):
    """A table or database that is missing or malformed in the catalog."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Hive/Glue type name: string, bigint, double, boolean, timestamp, date, ...


@dataclass(frozen=True)
class Partition:
    values: tuple[str, ...]
    location: str  # s3:// folder address


@dataclass(frozen=True)
class TableInfo:
    """A catalog table as the engines need it."""

    database: str
    name: str
    location: str
    classification: str
    columns: tuple[Column, ...]
    partition_keys: tuple[Column, ...] = ()
    parameters: dict[str, str] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns] + [c.name for c in self.partition_keys]

    def partition_location(self, values: Sequence[str]) -> str:
        """The Hive-style folder for partition values: <location>/k1=v1/k2=v2/."""
        parts = [f"{k.name}={v}" for k, v in zip(self.partition_keys, values, strict=True)]
        return join(self.location, *parts) + "/"


def _columns(raw: Iterable[dict]) -> tuple[Column, ...]:
    return tuple(Column(c["Name"], c["Type"]) for c in raw)


def table_input(table: TableInfo) -> dict:
    """The Glue TableInput for `table` (what create_table / update_table take)."""
    if table.classification not in STORAGE_FORMATS:
        raise CatalogError(
            f"Unknown classification {table.classification!r}; "
            f"expected one of {sorted(STORAGE_FORMATS)}."
        )
    serde, input_format, output_format = STORAGE_FORMATS[table.classification]
    serde_params = {"field.delim": ","} if table.classification == "csv" else {}
    return {
        "Name": table.name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": table.classification, **table.parameters},
        "PartitionKeys": [{"Name": c.name, "Type": c.type} for c in table.partition_keys],
        "StorageDescriptor": {
            "Columns": [{"Name": c.name, "Type": c.type} for c in table.columns],
            "Location": table.location,
            "InputFormat": input_format,
            "OutputFormat": output_format,
            "SerdeInfo": {"SerializationLibrary": serde, "Parameters": serde_params},
        },
    }


def ensure_database(glue, database: str) -> None:
    """Create the database unless it exists."""
    try:
        glue.get_database(Name=database)
    except glue.exceptions.EntityNotFoundException:
        glue.create_database(DatabaseInput={"Name": database})


def put_table(glue, table: TableInfo) -> None:
    """Create `table`, or update it in place if it exists (what a crawler's rerun does)."""
    ensure_database(glue, table.database)
    body = table_input(table)
    try:
        glue.get_table(DatabaseName=table.database, Name=table.name)
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=table.database, TableInput=body)
    else:
        glue.update_table(DatabaseName=table.database, TableInput=body)


def get_table(glue, database: str, name: str) -> TableInfo:
    """Read a table back from the catalog."""
    try:
        raw = glue.get_table(DatabaseName=database, Name=name)["Table"]
    except glue.exceptions.EntityNotFoundException as exc:
        raise CatalogError(f"Table {database}.{name} is not in the Data Catalog.") from exc
    sd = raw.get("StorageDescriptor") or {}
    params = dict(raw.get("Parameters") or {})
    classification = params.pop("classification", None)
    if not classification or "Location" not in sd:
        raise CatalogError(f"Table {database}.{name} has no classification or location.")
    return TableInfo(
        database=database,
        name=name,
        location=sd["Location"],
        classification=classification,
        columns=_columns(sd.get("Columns", [])),
        partition_keys=_columns(raw.get("PartitionKeys", [])),
        parameters=params,
    )


def list_tables(glue, database: str) -> list[str]:
    """Table names in a database, sorted."""
    names: list[str] = []
    for page in glue.get_paginator("get_tables").paginate(DatabaseName=database):
        names.extend(t["Name"] for t in page["TableList"])
    return sorted(names)


def add_partitions(glue, table: TableInfo, partitions: Sequence[Partition]) -> int:
    """Register partitions not yet in the catalog (batch_create_partition); returns how many."""
    known = {p.values for p in get_partitions(glue, table)}
    new = [p for p in partitions if p.values not in known]
    sd = table_input(table)["StorageDescriptor"]
    batch_limit = 100  # BatchCreatePartition accepts up to 100 partitions per call
    for start in range(0, len(new), batch_limit):
        glue.batch_create_partition(
            DatabaseName=table.database,
            TableName=table.name,
            PartitionInputList=[
                {"Values": list(p.values), "StorageDescriptor": {**sd, "Location": p.location}}
                for p in new[start : start + batch_limit]
            ],
        )
    return len(new)


def get_partitions(glue, table: TableInfo, expression: str | None = None) -> list[Partition]:
    """Registered partitions, sorted by values; `expression` is Glue's partition filter."""
    kwargs = {"DatabaseName": table.database, "TableName": table.name}
    if expression:
        kwargs["Expression"] = expression
    found: list[Partition] = []
    for page in glue.get_paginator("get_partitions").paginate(**kwargs):
        for raw in page["Partitions"]:
            found.append(Partition(tuple(raw["Values"]), raw["StorageDescriptor"]["Location"]))
    return sorted(found, key=lambda p: p.values)


def data_files(lake: Lake, location: str) -> list[Path]:
    """The data files under a table or partition location (hidden and _-prefixed skipped)."""
    return [lake.path(uri) for uri in lake.objects(location)]
