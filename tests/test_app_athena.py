"""The Athena tuning lab page: the learner's storage choice is measured against CSV."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons.paths import PROJECT_ROOT

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
