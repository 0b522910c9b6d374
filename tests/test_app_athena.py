"""The Athena tuning lab page: the learner's storage choice is measured against CSV."""

from __future__ import annotations

import base64
import json

import numpy as np
from streamlit.testing.v1 import AppTest

from lessons.i18n import t
from tests.chart_json import figures
from tests.pages import metrics, run_page


def test_parquet_against_csv_shows_savings_and_the_table() -> None:
    at = run_page("athena.py")
    assert not at.exception and not at.error
    shown = metrics(at)
    assert float(shown["Less data scanned"].rstrip("%")) > 80  # SELECT * LIMIT reads a row group
    table = at.dataframe[0].value
    assert set(table["variant"]) == {"CSV uncompressed", "PARQUET snappy"}
    assert len(table) == 8


def test_switching_to_csv_gzip_and_partitioning_changes_the_measurements() -> None:
    at = run_page("athena.py")
    at.radio(key="athena_format").set_value("csv").run()
    at.selectbox(key="athena_codec_csv").set_value("gzip").run()
    assert not at.exception and not at.error
    shown = metrics(at)
    assert float(shown["Less data scanned"].rstrip("%")) < 80  # gzip text is still read whole
    assert float(shown["Smaller on S3"].rstrip("%")) > 50
    at.toggle(key="athena_by_dt").set_value(True).run()
    table = at.dataframe[0].value
    assert "CSV gzip, by dt" in set(table["variant"])
    dated = table[(table["variant"] == "CSV gzip, by dt") & (table["query"] == "filtered by date")]
    assert dated["objects"].iloc[0] > 1


def test_the_page_speaks_korean() -> None:
    at = run_page("athena.py", "ko")
    assert not at.exception
    assert at.title[0].value == "Athena 튜닝 실습"
    assert "스캔 데이터 절감" in metrics(at)


def panel_titles(at: AppTest) -> list[str]:
    """The subplot titles of the page's one plotly figure (annotations, not axis titles)."""
    (figure,) = figures(at)
    return [note["text"] for note in figure["layout"]["annotations"]]


def bar_chart_fields(at: AppTest) -> set[str]:
    """The x fields of the page's Streamlit bar charts (the index name: the tooltip's title)."""
    return {json.loads(c.proto.spec)["encoding"]["x"]["field"] for c in at.get("vega_lite_chart")}


def test_korean_tables_and_charts_have_korean_headers_and_names() -> None:
    ko, en = run_page("athena.py", "ko"), run_page("athena.py", "en")
    assert not ko.exception and not ko.error
    assert panel_titles(ko) == [t("lake.athena.axis.scanned_mb", "ko"),
                                t("lake.athena.axis.cost_usd", "ko")]  # fmt: skip
    assert panel_titles(en) == ["data scanned (MB)", "cost (USD)"]
    assert bar_chart_fields(ko) == {"쿼리"} and bar_chart_fields(en) == {"query"}
    table = ko.dataframe[0].value
    assert list(table.columns)[:4] == ["저장 방식", "쿼리", "객체 수", "크기(MB)"]
    assert not set(table.columns) & set(en.dataframe[0].value.columns)
    assert set(table["저장 방식"]) == {"CSV 비압축", "PARQUET snappy"}
    assert "날짜로 필터링" in set(table["쿼리"])
    (figure,) = figures(ko)
    assert list(figure["data"][0]["x"]) == ["CSV 비압축", "PARQUET snappy"]


def test_every_format_and_codec_renders_with_partitions_and_small_objects() -> None:
    """Each storage choice the widgets offer, at the smallest sample, renders without an error."""
    at = run_page("athena.py")
    at.select_slider[0].set_value(50_000).run()
    at.toggle(key="athena_by_dt").set_value(True)
    at.radio[1].set_value("small").run()
    for fmt, codecs in (("parquet", ["snappy", "zstd", "gzip", "none"]), ("csv", ["none", "gzip"])):
        at.radio(key="athena_format").set_value(fmt).run()
        for codec in codecs:
            at.selectbox(key=f"athena_codec_{fmt}").set_value(codec).run()
            assert not at.exception and not at.error, (fmt, codec)
            objects = at.dataframe[0].value.iloc[:, 2]  # the objects column, whatever its header
            assert objects.iloc[-1] > objects.iloc[0], (fmt, codec)  # small objects: many more


def test_picking_the_baselines_storage_shows_exactly_no_change() -> None:
    """CSV, uncompressed, unpartitioned, compacted: the baseline's storage, so 1.0x and 0%."""
    at = run_page("athena.py")
    at.radio(key="athena_format").set_value("csv").run()
    assert at.selectbox(key="athena_codec_csv").value == "none"
    assert not at.exception and not at.error
    shown = metrics(at)
    assert shown[t("lake.athena.speedup", "en")] == "1.0x"
    for saving in ("Less data scanned", "Cheaper", "Smaller on S3"):
        assert shown[saving] == "0.0%", saving
    assert any(i.value == t("lake.athena.same_as_baseline", "en") for i in at.info)
    table = at.dataframe[0].value
    base = table[table["variant"] == "CSV uncompressed"]
    mine = table[table["variant"] == "CSV uncompressed (Your choice)"]
    assert len(base) == len(mine) == 4 and set(table["speedup (varies run to run)"]) == {"1.0x"}
    assert list(base["run time (ms, measured now)"]) == list(mine["run time (ms, measured now)"])
    (figure,) = figures(at)
    assert list(figure["data"][0]["x"]) == ["CSV uncompressed", "CSV uncompressed (Your choice)"]
    at.toggle(key="athena_by_dt").set_value(True).run()  # any change is measured again
    assert not any(i.value == t("lake.athena.same_as_baseline", "en") for i in at.info)


def test_metrics_lead_with_bytes_and_cost_and_say_run_time_varies() -> None:
    at = run_page("athena.py")
    labels = [m.label for m in at.metric]
    assert labels[:3] == ["Less data scanned", "Cheaper", "Smaller on S3"]
    assert "measured now, varies run to run" in labels[3]
    assert any("varies run to run" in c.value for c in at.caption)


def test_scanned_axis_ticks_are_powers_of_ten_in_plain_megabytes() -> None:
    (figure,) = figures(run_page("athena.py"))
    axis = figure["layout"]["yaxis"]
    assert axis["type"] == "log"
    exponents = list(range(axis["range"][0], axis["range"][1] + 1))
    assert axis["tickvals"] == [10.0**e for e in exponents] and len(exponents) >= 2
    assert axis["ticktext"] == [f"{10.0**e:g}" for e in exponents]
    bars = figure["data"][0]["y"]  # plotly sends numbers as base64 typed arrays
    scanned = np.frombuffer(base64.b64decode(bars["bdata"]), dtype=bars["dtype"])
    assert 10 ** axis["range"][0] < min(scanned) and max(scanned) < 10 ** axis["range"][1]
