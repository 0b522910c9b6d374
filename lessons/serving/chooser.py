"""Choosing an engine: a workload in, each service's fit with its reasons and monthly units out.

The learner describes a workload (events per second, record size, retention, query pattern,
latency need). :func:`assess` puts Kinesis Data Streams, Data Firehose, SQS, MSK, Managed Flink,
Glue, EMR, Athena, Redshift (+ Spectrum) and OpenSearch side by side: "recommended", "possible"
or "not a fit", each with a reason (a code plus values; the words live in
lessons/pagetext/serving.py so they read in English and Korean). :func:`monthly_estimate` turns
the recommended services into billable units for a month, and into dollars only where the facts
table has a sourced price (Athena, Glue rate, Spectrum); elsewhere the units stand alone, as
lesson 03 does.

Fidelity: hard limits (record sizes, retention, shard throughput, buffer intervals, scan
minimums) are the facts table's; the thresholds that split "recommended" from "possible"
(INTERACTIVE_S, REAL_TIME_S, EMR_SCALE_GB_PER_DAY) are course rules of thumb, not AWS facts, and
the reasons that use them say so. The billed-by column is a summary: Redshift Serverless, EMR
Serverless and OpenSearch Serverless bill their own capacity units. EMR prices
are learner inputs in lessons.emr (no sourced EC2 prices), so EMR shows units here; the
priced comparison is lessons.emr.compare_engines, with the prices the learner enters (lesson 10).
Reasons carry numbers, not unit words, wherever the app must word a duration in Korean too.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from lessons import facts
from lessons.errors import LabError

PATTERNS = (
    "dashboard",
    "ad_hoc_sql",
    "complex_joins",
    "full_text_search",
    "stream_analytics",
    "batch_etl",
    "work_queue",
)
SERVICES = ("kinesis", "firehose", "sqs", "msk", "flink", "glue", "emr", "athena", "redshift",
            "opensearch")  # fmt: skip
FITS = ("recommended", "possible", "not a fit")
# Course rules of thumb (not AWS facts): when an answer must come back "interactively", and the
# daily volume from which a long-running EMR cluster beats per-job serverless ETL.
INTERACTIVE_S = 5.0
REAL_TIME_S = 60.0
EMR_SCALE_GB_PER_DAY = 1_000.0
SECONDS_PER_DAY = facts.SECONDS_PER_UNIT["days"]
HOURS_PER_MONTH = 30 * SECONDS_PER_DAY // facts.SECONDS_PER_UNIT["hours"]
_GB = facts.BYTES_PER_UNIT["GB"]
_TB = _GB * 1_000


class WorkloadError(LabError):
    """A workload description the chooser cannot assess."""


@dataclass(frozen=True)
class Workload:
    """What the learner describes. Sizes in bytes, times in seconds and days."""

    events_per_s: float
    record_bytes: int
    retention_days: float
    query_pattern: str
    latency_s: float
    queries_per_day: int = 100

    def __post_init__(self) -> None:
        checks = [
            (self.events_per_s > 0, "events per second must be positive"),
            (self.record_bytes >= 1, "record size must be at least 1 byte"),
            (self.retention_days > 0, "retention must be positive (days)"),
            (self.latency_s > 0, "the latency need must be positive (seconds)"),
            (self.queries_per_day >= 0, "queries per day cannot be negative"),
            (self.query_pattern in PATTERNS,
             f"query pattern must be one of {', '.join(PATTERNS)}"),
        ]  # fmt: skip
        problems = [message for ok, message in checks if not ok]
        if problems:
            raise WorkloadError("Cannot assess this workload: " + "; ".join(problems) + ".")

    @property
    def bytes_per_s(self) -> float:
        return self.events_per_s * self.record_bytes

    @property
    def gb_per_day(self) -> float:
        return self.bytes_per_s * SECONDS_PER_DAY / _GB

    @property
    def events_per_month(self) -> float:
        return self.events_per_s * HOURS_PER_MONTH * facts.SECONDS_PER_UNIT["hours"]


@dataclass(frozen=True)
class Reason:
    """Why a service fits or not: a text key under serving.reason.* and the values it shows."""

    code: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """One service's fit for a workload, and why."""

    service: str
    fit: str
    reason: Reason


def service_name(service: str) -> str:
    """The current AWS name (renamed services read from the facts table)."""
    renamed = {"firehose": "firehose.name", "flink": "flink.name", "opensearch": "opensearch.name"}
    if service in renamed:
        return str(facts.value(renamed[service]))
    return {
        "kinesis": "Amazon Kinesis Data Streams", "sqs": "Amazon SQS", "msk": "Amazon MSK",
        "glue": "AWS Glue", "emr": "Amazon EMR", "athena": "Amazon Athena",
        "redshift": "Amazon Redshift (+ Spectrum)",
    }[service]  # fmt: skip


def shards_needed(w: Workload) -> int:
    """Provisioned shards for the write rate: bytes or records per shard, whichever binds."""
    by_bytes = w.bytes_per_s / facts.as_bytes("kinesis.shard_write_mb_per_s")
    by_records = w.events_per_s / facts.number("kinesis.shard_write_records_per_s")
    return max(1, math.ceil(max(by_bytes, by_records)))


def _too_big(w: Workload, fact_id: str) -> Reason | None:
    if w.record_bytes > facts.as_bytes(fact_id):
        return Reason(
            "record_too_big", {"record": w.record_bytes, "limit": facts.fact(fact_id).display()}
        )
    return None


def _too_long(w: Workload, fact_id: str) -> Reason | None:
    limit_days = facts.as_seconds(fact_id) / SECONDS_PER_DAY
    if w.retention_days > limit_days:
        return Reason("retention_too_long", {"days": w.retention_days, "limit_days": limit_days})
    return None


def _kinesis(w: Workload) -> tuple[str, Reason]:
    refused = _too_big(w, "kinesis.record_max_size") or _too_long(w, "kinesis.retention_max_days")
    if refused:
        return "not a fit", refused
    shards = {"shards": shards_needed(w)}
    if w.query_pattern == "stream_analytics":
        return "recommended", Reason("stream_replay", shards)
    if w.query_pattern == "work_queue":
        return "possible", Reason("no_ack")
    return "possible", Reason("stream_possible", shards)


def _firehose(w: Workload) -> tuple[str, Reason]:
    refused = _too_big(w, "firehose.record_max_kib")
    if refused:
        return "not a fit", refused
    if w.query_pattern == "work_queue":
        return "not a fit", Reason("firehose_no_queue")
    if w.query_pattern == "stream_analytics":
        return "possible", Reason("firehose_no_replay")
    fit = "recommended" if w.latency_s >= REAL_TIME_S else "possible"
    return fit, Reason(
        "firehose_lands",
        {
            "shortest_s": facts.as_seconds("firehose.buffer_interval_min_s"),
            "interval_s": facts.as_seconds("firehose.buffer_interval_max_s"),
            "real_time": REAL_TIME_S,
        },
    )


def _sqs(w: Workload) -> tuple[str, Reason]:
    refused = _too_big(w, "sqs.message_max_size") or _too_long(w, "sqs.retention_max_days")
    if refused:
        return "not a fit", refused
    if w.query_pattern == "work_queue":
        return "recommended", Reason("queue_work")
    return "not a fit", Reason("queue_not_analytics")


def _msk(w: Workload) -> tuple[str, Reason]:
    if w.retention_days > facts.number("kinesis.retention_max_days"):
        return "recommended", Reason("kafka_retention", {"days": w.retention_days})
    return "possible", Reason("kafka_possible")


def _flink(w: Workload) -> tuple[str, Reason]:
    if w.query_pattern != "stream_analytics":
        return "not a fit", Reason("flink_not_needed")
    return ("recommended" if w.latency_s < REAL_TIME_S else "possible"), Reason("flink_windows")


def _glue(w: Workload) -> tuple[str, Reason]:
    values = {"gb_day": round(w.gb_per_day, 1)}
    if w.query_pattern == "batch_etl":
        fit = "possible" if w.gb_per_day >= EMR_SCALE_GB_PER_DAY else "recommended"
        return fit, Reason("glue_etl", values)
    if w.query_pattern in ("ad_hoc_sql", "dashboard", "complex_joins"):
        return "possible", Reason("glue_convert")
    return "not a fit", Reason("not_sql")


def _emr(w: Workload) -> tuple[str, Reason]:
    values = {"gb_day": round(w.gb_per_day, 1), "threshold": EMR_SCALE_GB_PER_DAY}
    if w.query_pattern == "batch_etl" and w.gb_per_day >= EMR_SCALE_GB_PER_DAY:
        return "recommended", Reason("emr_scale", values)
    if w.query_pattern in ("batch_etl", "complex_joins", "ad_hoc_sql"):
        return "possible", Reason("emr_possible")
    return "not a fit", Reason("not_sql")


def _athena(w: Workload) -> tuple[str, Reason]:
    if w.query_pattern == "ad_hoc_sql":
        return "recommended", Reason("athena_adhoc")
    if w.query_pattern in ("dashboard", "complex_joins", "batch_etl"):
        if w.latency_s < INTERACTIVE_S:
            return "not a fit", Reason("athena_slow_for_need", {"limit": INTERACTIVE_S})
        return "possible", Reason("athena_possible")
    return "not a fit", Reason("not_sql")


def _redshift(w: Workload) -> tuple[str, Reason]:
    if w.query_pattern == "complex_joins":
        return "recommended", Reason("redshift_joins")
    if w.query_pattern == "dashboard":
        fit = "recommended" if w.latency_s < INTERACTIVE_S else "possible"
        return fit, Reason("redshift_dashboard")
    if w.query_pattern == "ad_hoc_sql":
        return "possible", Reason("redshift_possible")
    return "not a fit", Reason("not_sql")


def _opensearch(w: Workload) -> tuple[str, Reason]:
    if w.query_pattern == "full_text_search":
        refresh_s = facts.as_seconds("opensearch.refresh_interval_default_s")
        return "recommended", Reason("search_text", {"refresh_s": refresh_s})
    return "not a fit", Reason("not_search")


_RULES = {
    "kinesis": _kinesis, "firehose": _firehose, "sqs": _sqs, "msk": _msk, "flink": _flink,
    "glue": _glue, "emr": _emr, "athena": _athena, "redshift": _redshift,
    "opensearch": _opensearch,
}  # fmt: skip


def assess(w: Workload) -> list[Assessment]:
    """Every service's fit for the workload, in the order of SERVICES."""
    return [Assessment(s, *_RULES[s](w)) for s in SERVICES]


def recommended(w: Workload) -> list[str]:
    """The services rated "recommended" for the workload, in the order of SERVICES."""
    return [a.service for a in assess(w) if a.fit == "recommended"]


def _units(w: Workload, service: str) -> list[dict]:
    """Billable units per month for one service; usd only where a sourced price exists."""
    hours = HOURS_PER_MONTH
    bytes_per_query = max(w.gb_per_day * _GB, facts.as_bytes("athena.min_scan_mb"))
    queries = w.queries_per_day * 30
    rows = {
        "kinesis": [
            ("shard-hours", shards_needed(w) * hours, None, None),
            ("PUT payload units", w.events_per_month * math.ceil(
                w.record_bytes / facts.as_bytes("kinesis.put_payload_unit_kib")), None, None),
        ],
        "firehose": [("GB ingested", w.gb_per_day * 30, None, None)],
        "sqs": [("requests (send, receive, delete)", 3 * w.events_per_month * math.ceil(
            w.record_bytes / facts.as_bytes("sqs.billing_chunk_kib")), None, None)],
        "msk": [("GB-months stored (one copy)", w.gb_per_day * w.retention_days, None, None),
                ("broker-hours per broker", hours, None, None)],
        "flink": [("KPU-hours per KPU", hours, None, None)],
        "glue": [("GB to transform", w.gb_per_day * 30, None, None)],
        "emr": [("GB to transform", w.gb_per_day * 30, None, None)],
        "athena": [("TB scanned (one day per query)", queries * bytes_per_query / _TB,
                    "athena.price_per_tb_usd", None)],
        "redshift": [("RPU-hours per busy hour (serverless base)",
                      facts.number("redshift_serverless.base_rpu_default"), None, None),
                     ("Spectrum TB scanned (one day per query)", queries * bytes_per_query / _TB,
                      "redshift_spectrum.price_per_tb_usd", None)],
        "opensearch": [("GB stored (one copy)", w.gb_per_day * w.retention_days, None, None)],
    }[service]  # fmt: skip
    out = []
    for unit, quantity, price_id, _ in rows:
        usd = round(quantity * facts.number(price_id), 2) if price_id else None
        out.append({"service": service_name(service), "unit": unit,
                    "quantity": round(float(quantity), 3), "usd": usd,
                    "price source": facts.fact(price_id).source if price_id else None})  # fmt: skip
    return out


def monthly_estimate(w: Workload) -> pd.DataFrame:
    """Monthly billable units of the recommended services; dollars only where sourced."""
    rows = [row for service in recommended(w) for row in _units(w, service)]
    return pd.DataFrame(rows, columns=["service", "unit", "quantity", "usd", "price source"])


# --- the comparison tables, corrected by the facts table --------------------------------------

_STREAM_LIMITS = {
    "kinesis": ("kinesis.record_max_size", "kinesis.retention_max_days"),
    "firehose": ("firehose.record_max_kib", "firehose.direct_put_retention_hours"),
    "sqs": ("sqs.message_max_size", "sqs.retention_max_days"),
    "msk": ("kafka.message_max_bytes_default", "kafka.retention_hours_default"),
}


def stream_comparison() -> pd.DataFrame:
    """Ingestion services side by side, limits from the facts table, with what changed."""
    rows = []
    for service, (size_id, keep_id) in _STREAM_LIMITS.items():
        changed = [facts.fact(i).changed for i in (size_id, keep_id) if facts.fact(i).changed]
        renamed = facts.fact("firehose.name").changed if service == "firehose" else None
        rows.append({
            "service": service_name(service),
            "largest record": facts.fact(size_id).display(),
            "keeps data": facts.fact(keep_id).display(),
            "corrected (older notes said)": " ".join(c for c in (*changed, renamed) if c) or "",
        })  # fmt: skip
    return pd.DataFrame(rows)


def engine_comparison() -> pd.DataFrame:
    """Processing and query engines: how each bills and what it is for, with renames."""
    billed = {
        "athena": f"bytes scanned ({facts.fact('athena.price_per_tb_usd').display()}, "
        f"minimum {facts.fact('athena.min_scan_mb').display()} per query)",
        "redshift": "node-hours (provisioned) or "
        + str(facts.value("redshift_serverless.billing_model"))
        + f"; Spectrum {facts.fact('redshift_spectrum.price_per_tb_usd').display()}",
        "glue": f"DPU-hours ({facts.fact('glue.dpu_hour_price_usd').display()})",
        "emr": "instance-hours (EC2 + EMR price); EMR Serverless: vCPU- and GB-hours",
        "flink": "KPU-hours",
        "opensearch": "instance-hours + storage; Serverless collections: OCU-hours + storage",
    }
    renamed = {"flink": "flink.name", "opensearch": "opensearch.name"}
    return pd.DataFrame(
        [
            {
                "service": service_name(s),
                "billed by": billed[s],
                "corrected (older notes said)": facts.fact(renamed[s]).changed
                if s in renamed
                else "",
            }
            for s in ("athena", "redshift", "glue", "emr", "flink", "opensearch")
        ]
    )


def explain(reason: Reason, lang: str = "en") -> str:
    """The reason in words, in the learner's language."""
    from lessons.i18n import t

    return t(f"serving.reason.{reason.code}", lang).format(**reason.values)


def assessment_table(w: Workload, lang: str = "en") -> pd.DataFrame:
    """Every service side by side: fit and reason in words."""
    from lessons.i18n import t

    return pd.DataFrame(
        [
            {
                t("serving.col.service", lang): service_name(a.service),
                t("serving.col.fit", lang): t(f"serving.fit.{a.fit}", lang),
                t("serving.col.reason", lang): explain(a.reason, lang),
            }
            for a in assess(w)
        ]
    )
