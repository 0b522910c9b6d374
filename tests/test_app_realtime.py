"""The real-time page driven with AppTest: the timeline reacts to the watermark and window."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from lessons.i18n import t
from tests.chart_json import axis_titles, figures
from tests.pages import metrics, run_page


def count(at: AppTest, label: str) -> int:
    return int(metrics(at)[label].replace(",", ""))


def slider(at: AppTest, label: str):
    return next(s for s in at.slider if s.label.startswith(label))


def test_a_longer_watermark_delay_drops_fewer_events_until_sql_agrees() -> None:
    at = run_page("realtime.py", timeout_s=90)
    assert not at.exception
    dropped_short = count(at, "dropped as late")
    assert dropped_short > 0
    assert metrics(at)["windows equal to SQL"] != "100.0%"
    slider(at, "Watermark delay").set_value(240).run()
    assert not at.exception
    assert count(at, "dropped as late") == 0
    assert metrics(at)["windows equal to SQL"] == "100.0%"
    assert at.get("plotly_chart"), "the timeline is drawn"


def test_allowed_lateness_turns_dropped_events_into_late_counted_ones() -> None:
    at = run_page("realtime.py", timeout_s=90)
    before = count(at, "dropped as late")
    slider(at, "Allowed lateness").set_value(180).run()
    assert count(at, "dropped as late") < before
    assert count(at, "late, counted") > 0


def test_window_size_changes_what_is_late() -> None:
    at = run_page("realtime.py", timeout_s=90)
    small = count(at, "dropped as late")
    next(s for s in at.select_slider if s.label.startswith("Tumbling")).set_value(120).run()
    assert not at.exception
    assert count(at, "dropped as late") != small


def test_recovery_tab_shows_identical_counts_and_a_double_count() -> None:
    at = run_page("realtime.py", timeout_s=90)
    assert metrics(at)["exactly-once counts identical"] == "yes"
    assert count(at, "double counted (at-least-once)") > 0
    slider(at, "Failure after").set_value(90).run()
    assert not at.exception
    assert metrics(at)["exactly-once counts identical"] == "yes"


def test_korean_page_has_no_english_labels_left() -> None:
    at = run_page("realtime.py", "ko", timeout_s=90)
    assert not at.exception and not at.error
    english = run_page("realtime.py", "en", timeout_s=90)
    labels = [m.label for m in at.metric] + [s.label for s in at.slider]
    assert len(labels) == len(english.metric) + len(english.slider) > 0
    english_labels = {m.label for m in english.metric} | {s.label for s in english.slider}
    assert not set(labels) & english_labels
    assert "늦어서 버려짐" in metrics(at)


def test_korean_charts_have_korean_axis_titles_and_legend() -> None:
    ko, en = (
        run_page("realtime.py", "ko", timeout_s=90),
        run_page("realtime.py", "en", timeout_s=90),
    )
    timeline, recovery = figures(ko)
    assert axis_titles(timeline) == {
        "xaxis": t("realtime.axis.event_time", "ko"),
        "yaxis": t("realtime.axis.arrival", "ko"),
    }
    assert axis_titles(recovery) == {"yaxis": t("realtime.axis.counted", "ko")}
    legend = [trace.get("name") for trace in timeline["data"]]
    assert legend[0] == "워터마크" and "늦어서 버려짐" in legend
    english = {title for figure in figures(en) for title in axis_titles(figure).values()}
    assert english >= {"event time (device_ts)", "plays counted"}
    korean = {title for figure in (timeline, recovery) for title in axis_titles(figure).values()}
    assert not korean & english
    assert not set(legend) & {trace.get("name") for trace in figures(en)[0]["data"]}
