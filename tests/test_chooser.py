"""Choosing an engine: clear-cut workloads, reasons in both languages, units and sourced prices."""

from __future__ import annotations

import pytest

from lessons import facts
from lessons.serving import chooser
from lessons.serving.chooser import Workload


def fits(workload: Workload) -> dict[str, str]:
    return {a.service: a.fit for a in chooser.assess(workload)}


def test_real_time_windows_get_kinesis_and_flink() -> None:
    got = fits(Workload(5_000, 500, 1, "stream_analytics", 1))
    assert got["kinesis"] == got["flink"] == "recommended"
    assert got["sqs"] == "not a fit" and got["opensearch"] == "not a fit"


def test_occasional_sql_gets_firehose_and_athena() -> None:
    got = fits(Workload(100, 1_000, 30, "ad_hoc_sql", 3_600))
    assert chooser.recommended(Workload(100, 1_000, 30, "ad_hoc_sql", 3_600)) == [
        "firehose",
        "athena",
    ]
    assert got["flink"] == "not a fit"


def test_work_queue_gets_sqs_search_gets_opensearch_joins_get_redshift() -> None:
    assert chooser.recommended(Workload(50, 2_000, 4, "work_queue", 30)) == ["sqs"]
    assert "opensearch" in chooser.recommended(Workload(100, 500, 30, "full_text_search", 2))
    assert "redshift" in chooser.recommended(Workload(100, 500, 365, "complex_joins", 2))


def test_limits_from_the_facts_table_rule_services_out() -> None:
    longest = facts.number("kinesis.retention_max_days")
    long_kept = fits(Workload(1_000, 500, longest + 1, "stream_analytics", 1))
    assert long_kept["kinesis"] == "not a fit" and long_kept["msk"] == "recommended"
    too_big = facts.as_bytes("sqs.message_max_size") + 1
    assert fits(Workload(10, too_big, 1, "work_queue", 30))["sqs"] == "not a fit"
    reason = {
        a.service: a.reason for a in chooser.assess(Workload(10, too_big, 1, "work_queue", 30))
    }
    assert reason["sqs"].code == "record_too_big"
    assert facts.fact("sqs.message_max_size").display() in chooser.explain(reason["sqs"])


def test_batch_scale_moves_from_glue_to_emr() -> None:
    small = Workload(1_000, 1_000, 30, "batch_etl", 86_400)  # 86.4 GB a day
    big = Workload(100_000, 1_000, 30, "batch_etl", 86_400)  # 8,640 GB a day
    assert fits(small)["glue"] == "recommended" and fits(small)["emr"] == "possible"
    assert fits(big)["emr"] == "recommended" and fits(big)["glue"] == "possible"


def test_shards_follow_the_binding_limit() -> None:
    per_shard_records = facts.number("kinesis.shard_write_records_per_s")
    assert chooser.shards_needed(Workload(per_shard_records * 3, 10, 1, "dashboard", 1)) == 3
    per_shard_bytes = facts.as_bytes("kinesis.shard_write_mb_per_s")
    assert chooser.shards_needed(Workload(10, per_shard_bytes // 2, 1, "dashboard", 1)) == 5


def test_estimate_prices_only_what_is_sourced() -> None:
    work = Workload(100, 1_000, 30, "ad_hoc_sql", 3_600, queries_per_day=10)
    table = chooser.monthly_estimate(work).set_index("unit")
    athena = table.loc["TB scanned (one day per query)"]
    scanned_tb = 10 * 30 * 100 * 1_000 * 86_400 / 10**12
    assert athena["quantity"] == pytest.approx(scanned_tb, rel=1e-3)
    assert athena["usd"] == pytest.approx(
        scanned_tb * facts.number("athena.price_per_tb_usd"), 1e-2
    )
    assert athena["price source"] == facts.fact("athena.price_per_tb_usd").source
    firehose = table.loc["GB ingested"]
    assert firehose["usd"] is None or firehose["usd"] != firehose["usd"]  # units only, no price


def test_every_reason_reads_in_english_and_korean() -> None:
    extremes = ((10, 100, 1, 1), (100_000, 2_000_000, 400, 3_600))
    workloads = [Workload(e, b, r, p, lat) for p in chooser.PATTERNS for e, b, r, lat in extremes]
    for work in workloads:
        for lang in ("en", "ko"):
            table = chooser.assessment_table(work, lang)
            assert len(table) == len(chooser.SERVICES)
            assert not any(text.startswith("serving.") for text in table.iloc[:, 2])


def test_comparison_tables_carry_the_facts_tables_corrections() -> None:
    streams = chooser.stream_comparison().set_index("service")
    kinesis = streams.loc["Amazon Kinesis Data Streams"]
    assert kinesis["largest record"] == facts.fact("kinesis.record_max_size").display()
    assert facts.fact("kinesis.record_max_size").changed in kinesis["corrected (older notes said)"]
    engines = chooser.engine_comparison()
    assert str(facts.value("flink.name")) in set(engines["service"])


@pytest.mark.parametrize(
    "kwargs, problem",
    [
        ({"events_per_s": 0}, "events per second"),
        ({"record_bytes": 0}, "record size"),
        ({"retention_days": -1}, "retention"),
        ({"latency_s": 0}, "latency"),
        ({"query_pattern": "vibes"}, "query pattern"),
        ({"queries_per_day": -5}, "queries per day"),
    ],
)
def test_bad_workloads_are_clear_errors(kwargs: dict, problem: str) -> None:
    base = {"events_per_s": 10, "record_bytes": 100, "retention_days": 1,
            "query_pattern": "dashboard", "latency_s": 1}  # fmt: skip
    with pytest.raises(chooser.WorkloadError, match=problem):
        Workload(**{**base, **kwargs})


def test_course_thresholds_are_labelled_rules_of_thumb_in_both_languages() -> None:
    big_batch = Workload(100_000, 1_000, 30, "batch_etl", 86_400)
    quick_dashboard = Workload(100, 500, 30, "dashboard", chooser.INTERACTIVE_S / 2)
    landing = Workload(100, 500, 30, "ad_hoc_sql", chooser.REAL_TIME_S)
    reasons = {
        "emr": {a.service: a.reason for a in chooser.assess(big_batch)}["emr"],
        "athena": {a.service: a.reason for a in chooser.assess(quick_dashboard)}["athena"],
        "firehose": {a.service: a.reason for a in chooser.assess(landing)}["firehose"],
    }
    assert reasons["emr"].code == "emr_scale" and reasons["athena"].code == "athena_slow_for_need"
    for service, reason in reasons.items():
        assert "rule of thumb" in chooser.explain(reason, "en"), service
        assert "경험칙" in chooser.explain(reason, "ko"), service
    assert f"{chooser.EMR_SCALE_GB_PER_DAY:,.0f}" in chooser.explain(reasons["emr"])
    shortest = facts.number("firehose.buffer_interval_min_s")
    longest = facts.number("firehose.buffer_interval_max_s")
    assert f"{shortest:g} to {longest:g} seconds" in chooser.explain(reasons["firehose"])
    assert f"{shortest:g}초에서 {longest:g}초" in chooser.explain(reasons["firehose"], "ko")


def test_korean_reasons_word_durations_in_korean() -> None:
    longest = facts.number("kinesis.retention_max_days")
    work = Workload(10, 100, longest + 1, "full_text_search", 60)
    reasons = {a.service: a.reason for a in chooser.assess(work)}
    assert [reasons[s].code for s in ("kinesis", "firehose", "opensearch")] == [
        "retention_too_long", "firehose_lands", "search_text"]  # fmt: skip
    for service in ("kinesis", "firehose", "opensearch"):
        korean = chooser.explain(reasons[service], "ko")
        assert not any(word in korean for word in ("second", "day", "serving.")), korean
    assert f"{longest:g}일" in chooser.explain(reasons["kinesis"], "ko")
    refresh = facts.number("opensearch.refresh_interval_default_s")
    assert f"약 {refresh:g}초" in chooser.explain(reasons["opensearch"], "ko")
