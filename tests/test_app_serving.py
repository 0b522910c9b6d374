"""Flow tests for the serving pages: the dashboard's modes, clock and principals; the chooser."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons.paths import PROJECT_ROOT

APP = str(PROJECT_ROOT / "app.py")
TIMEOUT_S = 120


def run_page(name: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    at.switch_page(f"views/{name}")
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


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
    dist = next(d.value for d in at.dataframe if "strategy" in d.value.columns)
    first = dist.iloc[0]
    assert first["strategy"] == "DS_DIST_NONE" and first["MB moved"] == 0


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
