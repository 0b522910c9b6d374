"""The crawler: one lake prefix in, one Data Catalog table and its partitions out.

`crawl` reads every object under a prefix, infers one schema for them (`schema`), discovers
Hive-style ``key=value`` partition folders and writes the table and its partitions through the
real Glue API (`lessons.lake.catalog`). A rerun behaves like a crawler with the default schema
change policy (UpdateBehavior UPDATE_IN_DATABASE): columns found for the first time are
appended, existing columns are kept, widened types are updated, new partitions are added.
Everything is read and checked before the catalog is touched, so a broken object leaves the
catalog as it was.

Fidelity: table and partitions are written with the real Glue API; the crawler's definition and
runs are recorded with create_crawler/start_crawler, which the local endpoint keeps as metadata
only. This crawler always crawls everything (RecrawlBehavior CRAWL_EVERYTHING), puts everything
under one prefix into one table (AWS may split dissimilar folders into several tables), gives
new partitions the table's schema at the time they are added and leaves existing partitions as
they are, and never deprecates partitions whose data is gone. Partition keys are ``string``;
folders that are not ``key=value`` get the crawler's names ``partition_0``, ``partition_1``, ...
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from lessons.lake import catalog, layout
from lessons.lake.catalog import Column, Partition, TableInfo
from lessons.lake.glue.common import ROLE, CrawlerError
from lessons.lake.glue.schema import READERS, Schema, classify, merge
from lessons.lake.layout import DATABASE, Lake


def _partition_keys(uri_folders: list[list[str]]) -> list[str]:
    """Hive-style key=value levels keep their key; other levels are partition_<i>."""
    keys = []
    for level in range(len(uri_folders[0]) if uri_folders else 0):
        names = {f[level].split("=", 1)[0] if "=" in f[level] else None for f in uri_folders}
        keys.append(names.pop() if len(names) == 1 and None not in names else f"partition_{level}")
    return keys


def _partition_value(folder: str, key: str) -> str:
    return folder.split("=", 1)[1] if folder.startswith(key + "=") else folder


@dataclass(frozen=True)
class CrawlReport:
    """What one crawl found and changed in the Data Catalog."""

    crawler: str
    table: str
    classification: str
    objects_read: int
    records_read: int
    table_created: bool
    columns_added: tuple[str, ...]
    types_changed: tuple[tuple[str, str, str], ...]  # (column, old type, new type)
    partitions_added: int
    columns: tuple[Column, ...]
    partition_keys: tuple[str, ...] = field(default=())

    @property
    def table_updated(self) -> bool:
        return not self.table_created and bool(self.columns_added or self.types_changed)


def _read_objects(lake: Lake, location: str) -> tuple[str, Schema, int, list[str]]:
    uris = lake.objects(location)
    if not uris:
        raise CrawlerError(f"There are no objects under {location}: land data there first.")
    schema: Schema = {}
    kinds: set[str] = set()
    records = 0
    for uri in uris:
        data = lake.path(uri).read_bytes()
        kind = classify(data)
        kinds.add(kind)
        found, count = READERS[kind](uri, data)
        merge(schema, found.items())
        records += count
    if len(kinds) > 1:
        raise CrawlerError(
            f"{location} mixes {', '.join(sorted(kinds))} objects; a crawler would split them "
            "into several tables. Keep one format per prefix."
        )
    return kinds.pop(), schema, records, uris


def _folders(location: str, uris: list[str]) -> list[list[str]]:
    base = location.rstrip("/") + "/"
    folders = [uri[len(base) :].split("/")[:-1] for uri in uris]
    if len({len(f) for f in folders}) > 1:
        raise CrawlerError(f"Objects under {location} sit at different folder depths.")
    return folders


def _merged_columns(
    old: TableInfo | None, inferred: Schema
) -> tuple[tuple[Column, ...], tuple[str, ...], tuple[tuple[str, str, str], ...]]:
    """UPDATE_IN_DATABASE: keep every old column (updating widened types), append new ones."""
    typed = {name: kind or "string" for name, kind in inferred.items()}
    if old is None:
        return tuple(Column(n, t) for n, t in typed.items()), (), ()
    columns, changed = [], []
    for col in old.columns:
        new_type = typed.get(col.name, col.type)
        if new_type != col.type:
            changed.append((col.name, col.type, new_type))
        columns.append(Column(col.name, new_type))
    known = {c.name for c in old.columns}
    added = tuple(n for n in typed if n not in known)
    columns += [Column(n, typed[n]) for n in added]
    return tuple(columns), added, tuple(changed)


def _table_parameters(kind: str, uris: list[str], records: int, crawler: str) -> dict[str, str]:
    params = {
        "compressionType": "none",
        "typeOfData": "file",
        "objectCount": str(len(uris)),
        "recordCount": str(records),
        "UPDATED_BY_CRAWLER": crawler,
    }
    if kind == "csv":
        params.update({"skip.header.line.count": "1", "delimiter": ","})
    return params


def _record_crawler(glue, crawler: str, database: str, location: str) -> None:
    """The crawler's definition and a run, through the Glue API (moto keeps metadata only)."""
    with contextlib.suppress(glue.exceptions.AlreadyExistsException):
        glue.create_crawler(
            Name=crawler,
            Role=ROLE,
            DatabaseName=database,
            Targets={"S3Targets": [{"Path": location}]},
            SchemaChangePolicy={
                "UpdateBehavior": "UPDATE_IN_DATABASE",
                "DeleteBehavior": "DEPRECATE_IN_DATABASE",
            },
            RecrawlPolicy={"RecrawlBehavior": "CRAWL_EVERYTHING"},
        )
    with contextlib.suppress(glue.exceptions.CrawlerRunningException):
        glue.start_crawler(Name=crawler)


def crawl(
    glue,
    lake: Lake,
    location: str,
    table: str | None = None,
    database: str = DATABASE,
    crawler: str | None = None,
) -> CrawlReport:
    """Crawl one S3 prefix of the lake into one catalog table (named after its folder).

    Everything is read and checked before the catalog is touched: a broken object leaves the
    catalog as it was.
    """
    location = location.rstrip("/") + "/"
    name = table or location.rstrip("/").rsplit("/", 1)[-1]
    crawler = crawler or f"{name}-crawler"
    kind, inferred, records, uris = _read_objects(lake, location)
    folders = _folders(location, uris)
    keys = _partition_keys(folders)
    for key in keys:
        inferred.pop(key, None)  # a partition key is not also a data column
    try:
        old = catalog.get_table(glue, database, name)
    except catalog.CatalogError:
        old = None
    columns, added, changed = _merged_columns(old, inferred)
    info = TableInfo(
        database=database,
        name=name,
        location=location,
        classification=kind,
        columns=columns,
        partition_keys=tuple(Column(k, "string") for k in keys),
        parameters=_table_parameters(kind, uris, records, crawler),
    )
    _record_crawler(glue, crawler, database, location)
    catalog.put_table(glue, info)
    partitions = sorted({tuple(f) for f in folders}) if keys else []
    new = catalog.add_partitions(
        glue,
        info,
        [
            Partition(
                tuple(_partition_value(f, k) for f, k in zip(p, keys, strict=True)),
                layout.join(location, *p) + "/",
            )
            for p in partitions
        ],
    )
    return CrawlReport(
        crawler=crawler,
        table=name,
        classification=kind,
        objects_read=len(uris),
        records_read=records,
        table_created=old is None,
        columns_added=added,
        types_changed=changed,
        partitions_added=new,
        columns=columns,
        partition_keys=tuple(keys),
    )
