"""Flow tests for the serving pages: the dashboard's modes, clock and principals; the chooser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons.i18n import t
from tests.chart_json import axis_titles, figures
from tests.pages import metrics, run_page


def test_spice_lags_the_lake_until_its_next_refresh_and_direct_query_does_not() -> None:
    at = run_page("dashboard.py")
    assert not at.exception and not at.error
    at.selectbox[0].set_value(1440).run()  # daily full refresh
    at.slider[0].set_value(60).run()  # 12 hours after the day's refresh
    shown = metrics(at)
    assert shown["data staleness (min)"] == str(12 * 60)
    assert int(shown["plays not shown yet"].replace(",", "")) > 0
    at.radio[0].set_value("direct").run()
    live = metrics(at)
    assert live["data staleness (min)"] == "0" and live["plays not shown yet"] == "0"


def test_a_label_manager_sees_fewer_plays_and_no_device_visual() -> None:
    at = run_page("dashboard.py")
    everyone = int(metrics(at)["plays shown"].replace(",", ""))
    assert not at.info
    at.selectbox[1].set_value("label_north").run()
    assert not at.exception and not at.error
    label = int(metrics(at)["plays shown"].replace(",", ""))
    assert 0 < label < everyone
    assert any("device_id" in box.value for box in at.info)
    assert at.multiselect[1].disabled


def test_measuring_both_modes_shows_a_row_each() -> None:
    at = run_page("dashboard.py")
    at.button[0].click().run()
    table = at.dataframe[0].value
    assert list(table["mode"]) == ["SPICE", "direct query"]


def assessment(at: AppTest):
    return next(d.value for d in at.dataframe if "fit" in d.value.columns)


def test_the_chooser_follows_the_workload() -> None:
    at = run_page("engines.py")
    assert not at.exception and not at.error
    at.selectbox[0].set_value("work_queue").run()
    table = assessment(at)
    rows = dict(zip(table["service"], table["fit"], strict=True))
    assert rows["Amazon SQS"] == "recommended"
    at.selectbox[0].set_value("full_text_search").run()
    table = assessment(at)
    rows = dict(zip(table["service"], table["fit"], strict=True))
    assert rows["Amazon OpenSearch Service"] == "recommended" and rows["Amazon SQS"] == "not a fit"


def test_the_warehouse_tab_moves_nothing_for_co_located_keys_in_korean() -> None:
    at = run_page("engines.py", "ko")
    assert not at.exception and not at.error
    strategy, moved = t("serving.col.strategy", "ko"), t("serving.col.mb_moved", "ko")
    dist = next(d.value for d in at.dataframe if strategy in d.value.columns)
    first = dist.iloc[0]
    assert first[strategy] == "DS_DIST_NONE" and first[moved] == 0


def test_a_device_filter_left_over_for_a_principal_without_device_id_is_dropped() -> None:
    at = run_page("dashboard.py")
    at.multiselect[1].set_value([1, 2]).run()
    with_filter = int(metrics(at)["plays shown"].replace(",", ""))
    at.selectbox[1].set_value("label_north").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("device_id" in c.value and "Ignored" in c.value for c in at.caption)
    label = int(metrics(at)["plays shown"].replace(",", ""))
    assert label > with_filter, "the label manager sees its artists on every device"


def test_an_empty_date_range_means_every_day() -> None:
    at = run_page("dashboard.py")
    everything = metrics(at)["plays shown"]
    at.date_input[0].set_value(()).run()
    assert not at.exception and not at.error
    assert metrics(at)["plays shown"] == everything


def test_the_chooser_takes_the_edge_values_of_its_inputs() -> None:
    at = run_page("engines.py")
    for values in (
        (0.1, 1, 0.1, 0.01, 0),
        (10_000_000.0, 20_000_000, 3_650.0, 86_400.0, 1_000_000),
    ):
        eps, size, keep, latency, queries = values
        for box, value in zip(at.number_input, (eps, size, keep, latency, queries), strict=True):
            box.set_value(value)
        at.run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        rows = dict(zip(assessment(at)["service"], assessment(at)["fit"], strict=True))
        assert len(rows) == 10
    # 20 MB records: larger than a Kinesis record may be, so the stream is not a fit.
    assert rows["Amazon Kinesis Data Streams"] == "not a fit"


def test_korean_dashboard_charts_and_table_are_korean() -> None:
    ko, en = run_page("dashboard.py", "ko"), run_page("dashboard.py")
    assert not ko.exception and not ko.error
    over_time = [f for f in figures(ko) if axis_titles(f)]
    assert [axis_titles(f) for f in over_time] == [{"xaxis": "시간", "yaxis": "재생 수"}]
    assert [axis_titles(f) for f in figures(en) if axis_titles(f)] == [
        {"xaxis": "time", "yaxis": "plays"}]  # fmt: skip
    pairs = next(f for f in figures(ko) if f["layout"]["title"]["text"].startswith("기기와"))
    assert all(label.startswith("기기 ") for label in pairs["data"][0]["y"])
    ko.button[0].click().run()  # widgets keep their Korean labels when the page runs again
    assert not ko.exception and not ko.error
    table = ko.dataframe[0].value
    assert list(table.columns) == [
        "방식", "중앙값(ms)", "p95(ms)", "보이는 재생 수", "아직 반영되지 않은 재생 수",
        "데이터 경과 시간(분)"]  # fmt: skip
    assert list(table["방식"]) == ["SPICE", "직접 쿼리"]


def test_korean_engine_tables_have_korean_headers() -> None:
    ko, en = run_page("engines.py", "ko"), run_page("engines.py")
    ko_headers = {str(c) for frame in ko.dataframe for c in frame.value.columns}
    en_headers = {str(c) for frame in en.dataframe for c in frame.value.columns}
    assert {"sort key", "fact style", "bytes billed", "billed while idle", "price source",
            "largest record", "billed by"} <= en_headers  # fmt: skip
    assert {"정렬 키", "조인 전략", "청구된 바이트", "유휴 시간에도 청구", "가격 출처",
            "최대 레코드 크기", "과금 기준"} <= ko_headers  # fmt: skip
    assert ko_headers & en_headers == {"USD"}, "only the currency code reads the same"
    spectrum = next(d.value for d in ko.dataframe if "파티션" in d.value.columns)
    assert list(spectrum["파티션"]) == ["모든 날짜", "2026-11-04"]


def test_korean_dashboard_describes_principals_and_hidden_visuals_in_korean() -> None:
    at = run_page("dashboard.py", "ko")
    assert not at.exception and not at.error
    at.selectbox[1].set_value("analyst").run()
    assert not at.exception and not at.error
    assert at.selectbox[1].format_func("analyst") == "analyst (Lake Formation)"
    assert at.selectbox[1].format_func("label_north") == "label_north (음반사)"
    labels = at.selectbox[1].options  # already formatted for display
    assert "label_north (음반사)" in labels and all(len(label) <= 32 for label in labels)
    who = " ".join(c.value for c in at.caption)
    assert "analyst(Lake Formation): 모든 행, device_id 열을 제외한 모든 열" in who
    hidden = [box.value for box in at.info]
    assert hidden and all("보이지 않습니다" in h and "device_id" in h for h in hidden)
    assert not any(word in h for h in hidden for word in ("may not see", "hidden by"))


def test_korean_engine_page_has_no_english_prose_in_the_chooser() -> None:
    ko = run_page("engines.py", "ko")
    assert not ko.exception and not ko.error
    captions = " ".join(c.value for c in ko.caption)
    assert "10강" in captions and "lessons." not in captions and "compare_engines" not in captions
    reason = t("serving.col.reason", "ko")
    reasons = " ".join(assessment_ko(ko)[reason])
    assert "0초에서 900초" in reasons and "seconds" not in reasons
    estimate = next(d.value for d in ko.dataframe if "가격 출처" in d.value.columns)
    firehose = estimate[estimate["서비스"] == "Amazon Data Firehose"].iloc[0]
    assert firehose["USD"] == firehose["가격 출처"] == "출처 있는 가격 없음"
    assert firehose["단위"] == "수집한 GB"
    zones = next(d.value for d in ko.dataframe if "정렬 키" in d.value.columns)
    assert zones["정렬 키"].iloc[0] == "(없음: 적재 순서)"
    units = next(d.value for d in ko.dataframe if "옵션" in d.value.columns)
    assert list(units["옵션"]) == ["프로비저닝", "서버리스"]


def assessment_ko(at: AppTest):
    return next(d.value for d in at.dataframe if t("serving.col.fit", "ko") in d.value.columns)
