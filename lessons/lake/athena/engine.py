"""The :class:`Engine`: parses one Athena statement, dispatches the partition DDL (``MSCK
REPAIR TABLE``, ``ALTER TABLE ... ADD|DROP PARTITION``, ``SHOW PARTITIONS``) and CTAS, and
runs a SELECT by replacing each catalog table with a relation over its visible, pruned
partitions, then reading DuckDB's profile for the bytes scanned.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from lessons.lake import catalog, ctas
from lessons.lake.athena.billing import QueryResult
from lessons.lake.athena.common import AthenaError, _first_line
from lessons.lake.athena.partitions import (
    _spec_text,
    injected_values,
    parse_partition_specs,
    prune,
)
from lessons.lake.athena.relations import LakeFileSystem, is_compressed_text, relation_sql
from lessons.lake.catalog import Partition, TableInfo
from lessons.lake.layout import DATABASE, Lake
from lessons.lake.visibility import (
    discover_partitions,
    projection_enabled,
    visible_partitions,
)

OFFLINE_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    # Athena reads from S3 on every query; a warm cache would hide the bytes a query needs.
    "enable_external_file_cache": False,
}


_NAME = r"[`\"]?(\w+)[`\"]?(?:\.[`\"]?(\w+)[`\"]?)?"
_MSCK = re.compile(rf"^MSCK\s+REPAIR\s+TABLE\s+{_NAME}$", re.I | re.S)
_SHOW = re.compile(rf"^SHOW\s+PARTITIONS\s+{_NAME}$", re.I | re.S)
_ALTER = re.compile(
    rf"^ALTER\s+TABLE\s+{_NAME}\s+(ADD|DROP)\s+(IF\s+(?:NOT\s+)?EXISTS\s+)?(PARTITION\b.*)$",
    re.I | re.S,
)


# DuckDB functions that read files or the environment: not Athena SQL, and they would let a
# query read around the catalog (and Lake Formation). Course SQL is trusted, but a typo here
# should fail like Athena would, not read the machine.
_FILE_FUNCTIONS = re.compile(
    r"^(read_\w+|\w+_scan|glob|getenv|sniff_csv|parquet_\w+|duckdb_\w+|iceberg_\w+)$", re.I
)


def _refuse_file_functions(tree: exp.Expression) -> None:
    for node in tree.find_all(exp.Func):
        name = node.sql_name() if not isinstance(node, exp.Anonymous) else node.name
        if _FILE_FUNCTIONS.match(name or ""):
            raise AthenaError(
                f"{name.lower()}() is not Athena SQL: Athena reads only through catalog tables."
            )
    for ref in tree.find_all(exp.Table):
        if not isinstance(ref.this, exp.Identifier):
            raise AthenaError("Read data through a catalog table (FROM db.table), not a function.")


@dataclass
class _Plan:
    sql: str
    files: int = 0
    partitions: int = 0
    tables: list[str] = field(default_factory=list)
    plain_text_bytes: int = 0  # uncompressed CSV/JSON files the query may read
    catalog_s: float = 0.0
    compressed_text: bool = False


class Engine:
    """Athena SQL over the lake, with only catalog-visible partitions readable."""

    def __init__(
        self,
        glue,
        lake: Lake,
        database: str = DATABASE,
        now: datetime | None = None,
        threads: int | None = None,
    ) -> None:
        self.glue = glue
        self.lake = lake
        self.database = database
        self.now = now
        config = dict(OFFLINE_CONFIG)
        if threads:
            config["threads"] = threads
        self.con = duckdb.connect(config=config)
        self._fs = LakeFileSystem(skip_instance_cache=True)
        self.con.register_filesystem(self._fs)
        self.con.execute("PRAGMA enable_profiling='no_output'")
        self._planner = duckdb.connect(config=dict(OFFLINE_CONFIG))

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()
        self._planner.close()

    # --- statements -----------------------------------------------------------------------

    def query(self, sql: str) -> QueryResult:
        """Run one Athena statement; LabError (AthenaError, CatalogError) says what is wrong."""
        started = time.perf_counter()
        text = sql.strip().rstrip(";").strip()
        if not text:
            raise AthenaError("The query is empty.")
        for pattern, handler in ((_MSCK, self._msck), (_SHOW, self._show), (_ALTER, self._alter)):
            match = pattern.match(text)
            if match:
                return handler(text, match, started)
        tree = self._parse(text)
        if isinstance(tree, exp.Create):
            return ctas.run(self, tree, text, started)
        if not isinstance(tree, exp.Query):
            raise AthenaError(
                f"{tree.key.upper()} statements are not supported here. This engine runs SELECT, "
                "CREATE TABLE AS SELECT, MSCK REPAIR TABLE, ALTER TABLE ADD/DROP PARTITION and "
                "SHOW PARTITIONS."
            )
        return self.select(tree, text, started)

    execute = query

    def table_info(self, database: str | None, name: str) -> TableInfo:
        """The catalog entry for ``database.name`` (default database when None)."""
        return catalog.get_table(self.glue, (database or self.database).lower(), name.lower())

    def select(self, tree: exp.Query, text: str, started: float) -> QueryResult:
        plan = self._plan(tree)
        overhead = time.perf_counter() - started
        ran = time.perf_counter()
        self._fs.bytes_read = 0
        try:
            table = self.con.execute(plan.sql).to_arrow_table()
        except duckdb.Error as exc:
            raise AthenaError(f"The query failed: {_first_line(exc)}") from exc
        run_s = time.perf_counter() - ran
        profile = json.loads(self.con.get_profiling_information(format="json"))
        scanned = int(profile.get("total_bytes_read", 0))
        if plan.compressed_text:
            # DuckDB's metric counts gzip text decompressed (several times over); Athena bills
            # the compressed bytes, which our filesystem counted; plain text counts whole files.
            scanned = self._fs.bytes_read + plan.plain_text_bytes
        return QueryResult(
            sql=text,
            statement="SELECT",
            table=table,
            bytes_scanned=scanned,
            files_read=plan.files,
            partitions_read=plan.partitions,
            run_s=run_s,
            overhead_s=overhead,
            catalog_s=plan.catalog_s,
            tables=tuple(plan.tables),
        )

    def _parse(self, text: str) -> exp.Expression:
        try:
            trees = [t for t in sqlglot.parse(text, read="athena") if t is not None]
        except ParseError as exc:
            raise AthenaError(f"The SQL could not be parsed: {_first_line(exc)}") from exc
        if len(trees) != 1:
            raise AthenaError("Run one statement at a time.")
        if isinstance(trees[0], exp.Command):
            raise AthenaError(f"Statement {text.split()[0].upper()!r} is not supported here.")
        return trees[0]

    def _plan(self, tree: exp.Query) -> _Plan:
        _refuse_file_functions(tree)
        tree = tree.copy()
        ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        relations: dict[str, str] = {}
        plan = _Plan(sql="")
        for i, ref in enumerate(list(tree.find_all(exp.Table))):
            if not isinstance(ref.this, exp.Identifier):
                continue
            if not ref.db and ref.name.lower() in ctes:
                continue
            asked = time.perf_counter()
            info = self.table_info(ref.db or None, ref.name)
            injected = injected_values(info, ref) if projection_enabled(info) else None
            visible = visible_partitions(self.glue, self.lake, info, self.now, injected)
            plan.catalog_s += time.perf_counter() - asked
            parts = prune(self._planner, info, ref, visible)
            placeholder = f"__athena_ref_{i}__"
            relations[placeholder] = relation_sql(info, parts)
            plan.files += sum(len(p.files) for p in parts)
            for path in (f for p in parts for f in p.files):
                if is_compressed_text(path):
                    plan.compressed_text = True
                elif info.classification != "parquet":
                    plan.plain_text_bytes += path.stat().st_size
            plan.partitions += len(parts) if info.partition_keys else 0
            plan.tables.append(f"{info.database}.{info.name}")
            alias = ref.alias or ref.name
            ref.replace(
                exp.Table(
                    this=exp.to_identifier(placeholder),
                    alias=exp.TableAlias(this=exp.to_identifier(alias)),
                )
            )
        if not plan.tables:
            raise AthenaError("The query reads no catalog table (FROM <table> is missing).")
        sql = tree.sql(dialect="duckdb")
        for placeholder, relation in relations.items():
            sql = sql.replace(placeholder, relation)
        plan.sql = sql
        return plan

    def _ddl_result(self, text: str, statement: str, rows: dict, started: float) -> QueryResult:
        return QueryResult(
            sql=text,
            statement=statement,
            table=pa.table(rows),
            overhead_s=time.perf_counter() - started,
        )

    def _msck(self, text: str, match: re.Match, started: float) -> QueryResult:
        info = self._named(match)
        if not info.partition_keys:
            raise AthenaError(
                f"{info.name} is not partitioned: MSCK REPAIR TABLE has nothing to do."
            )
        found = discover_partitions(self.lake, info)
        known = {p.values for p in catalog.get_partitions(self.glue, info)}
        new = [p for p in found if p.values not in known]
        catalog.add_partitions(self.glue, info, new)
        added = [_spec_text(info, p.values) for p in new]
        return self._ddl_result(
            text, "MSCK REPAIR TABLE", {"added partition": pa.array(added, pa.string())}, started
        )

    def _show(self, text: str, match: re.Match, started: float) -> QueryResult:
        info = self._named(match)
        if not info.partition_keys:
            raise AthenaError(f"Table {info.name} is not partitioned.")
        shown = [_spec_text(info, p.values) for p in catalog.get_partitions(self.glue, info)]
        return self._ddl_result(
            text, "SHOW PARTITIONS", {"partition": pa.array(shown, pa.string())}, started
        )

    def _alter(self, text: str, match: re.Match, started: float) -> QueryResult:
        info = self._named(match)
        action, if_clause, rest = match.group(3).upper(), match.group(4), match.group(5)
        specs = parse_partition_specs(info, rest)
        if len({v for v, _ in specs}) != len(specs):
            raise AthenaError("The statement names the same partition twice.")
        known = {p.values for p in catalog.get_partitions(self.glue, info)}
        if action == "ADD":
            clash = [v for v, _ in specs if v in known]
            if clash and not if_clause:
                raise AthenaError(f"Partition already exists: {_spec_text(info, clash[0])}.")
            partitions = [Partition(v, loc or info.partition_location(v)) for v, loc in specs]
            catalog.add_partitions(self.glue, info, partitions)
        else:
            missing = [v for v, _ in specs if v not in known]
            if missing and not if_clause:
                raise AthenaError(f"Partition not found: {_spec_text(info, missing[0])}.")
            for values in (v for v, _ in specs if v in known):
                self.glue.delete_partition(
                    DatabaseName=info.database, TableName=info.name, PartitionValues=list(values)
                )
        done = [_spec_text(info, v) for v, _ in specs]
        return self._ddl_result(
            text,
            f"ALTER TABLE {action} PARTITION",
            {"partition": pa.array(done, pa.string())},
            started,
        )

    def _named(self, match: re.Match) -> TableInfo:
        first, second = match.group(1), match.group(2)
        return self.table_info(first if second else None, second or first)
