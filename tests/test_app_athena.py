"""The Athena tuning lab page: the learner's storage choice is measured against CSV."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from lessons.i18n import t
from lessons.paths import PROJECT_ROOT
from tests.chart_json import figures

APP = str(PROJECT_ROOT / "app.py")


def open_page(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["lang"] = lang
    at.switch_page("views/athena.py")
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_parquet_against_csv_shows_savings_and_the_table() -> None:
    at = open_page()
    assert not at.exception and not at.error
    shown = metrics(at)
    assert float(shown["Less data scanned"].rstrip("%")) > 80  # SELECT * LIMIT reads a row group
    table = at.dataframe[0].value
    assert set(table["variant"]) == {"CSV uncompressed", "PARQUET snappy"}
    assert len(table) == 8


def test_switching_to_csv_gzip_and_partitioning_changes_the_measurements() -> None:
    at = open_page()
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
    at = open_page("ko")
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
    ko, en = open_page("ko"), open_page("en")
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
    at = open_page()
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
