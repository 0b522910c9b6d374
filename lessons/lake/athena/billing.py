"""What Athena bills for a query: bytes scanned rounded up to the megabyte with a per-query
minimum, priced per decimal terabyte, and :class:`QueryResult`, which carries a statement's
rows together with the bytes, files, run time and cost it would be reported and billed for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from lessons import facts

BYTES_PER_TB = facts.BYTES_PER_UNIT["TB"]  # Athena prices decimal terabytes


def billed_bytes(scanned: int, minimum_fact: str = "athena.min_scan_mb") -> int:
    """Bytes billed: rounded up to the next megabyte, never under the per-query minimum.

    Redshift Spectrum bills the same way with its own minimum (``minimum_fact``).
    """
    mb = facts.BYTES_PER_UNIT["MB"]
    return max(math.ceil(scanned / mb) * mb, facts.as_bytes(minimum_fact))


def query_cost_usd(scanned: int) -> float:
    """What Athena charges for a query that scanned `scanned` bytes."""
    return billed_bytes(scanned) / BYTES_PER_TB * facts.number("athena.price_per_tb_usd")


@dataclass(frozen=True)
class QueryResult:
    """What one statement returned and what Athena would report (and bill) for it."""

    sql: str
    statement: str
    table: pa.Table
    bytes_scanned: int = 0
    files_read: int = 0
    partitions_read: int = 0
    run_s: float = 0.0
    overhead_s: float = 0.0
    catalog_s: float = 0.0  # part of overhead_s: Glue API calls and listing the objects
    tables: tuple[str, ...] = ()
    message: str = ""

    @property
    def billed_bytes(self) -> int:
        return billed_bytes(self.bytes_scanned) if self.billable else 0

    @property
    def cost_usd(self) -> float:
        return query_cost_usd(self.bytes_scanned) if self.billable else 0.0

    @property
    def billable(self) -> bool:
        """DDL (MSCK, ALTER, SHOW) is free on Athena; SELECT and CTAS pay for data scanned."""
        return self.statement in ("SELECT", "CREATE TABLE AS SELECT")

    def df(self) -> pd.DataFrame:
        return self.table.to_pandas()

    def stats(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "rows": self.table.num_rows,
            "data scanned (bytes)": self.bytes_scanned,
            "files read": self.files_read,
            "run time (s)": round(self.run_s, 4),
            "engine overhead (s)": round(self.overhead_s, 4),
            "cost (USD)": self.cost_usd,
        }
