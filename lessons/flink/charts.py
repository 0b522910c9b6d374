"""Plotly figures for the real-time lesson and page (same data in, same figure out).

Figures the app shows take `lang` ("en" by default, so notebooks stay in English) and read their
axis titles and legend names from the realtime app text.

Fidelity: drawings only; the timeline shows a sample (late and dropped events first) of the
events in the chosen event-time range, and the watermark as the operator computed it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lessons.flink.stream import EventStream
from lessons.flink.windows import DROPPED, LATE, ON_TIME, STATUS_NAMES, WindowRun
from lessons.i18n import t

STATUS_COLOURS = {ON_TIME: "#1971c2", LATE: "#f08c00", DROPPED: "#e03131"}
MAX_TIMELINE_POINTS = 3_000


def _ts(ms: np.ndarray | pd.Series) -> pd.DatetimeIndex:
    return pd.to_datetime(np.asarray(ms, dtype=np.int64), unit="ms")


def timeline_table(
    stream: EventStream, run: WindowRun, from_ms: int, to_ms: int, max_points: int = 1_500
) -> pd.DataFrame:
    """Events with event time in [from_ms, to_ms): times, key, window and outcome (a sample)."""
    if run.spec.kind != "tumbling":
        raise ValueError("The timeline draws tumbling windows (one window per event).")
    inside = np.flatnonzero((stream.event_ms >= from_ms) & (stream.event_ms < to_ms))
    late_first = inside[np.argsort(run.event_status[inside] == ON_TIME, kind="stable")]
    shown = np.sort(late_first[: min(max_points, MAX_TIMELINE_POINTS)])
    return pd.DataFrame(
        {"event_ms": stream.event_ms[shown], "arrival_ms": stream.arrival_ms[shown],
         "key": stream.key[shown], "window_start": run.pair_start[shown],
         "status": run.event_status[shown]}
    )  # fmt: skip


def timeline(
    table: pd.DataFrame, run: WindowRun, stream: EventStream, title: str,
    status_names: tuple[str, ...] = STATUS_NAMES, lang: str = "en",
) -> go.Figure:  # fmt: skip
    """Event time across, arrival (processing) time up: windows, the watermark, each outcome."""
    fig = go.Figure()
    lo, hi = int(table["event_ms"].min()), int(table["event_ms"].max()) + 1
    size = run.spec.size_ms
    for edge in range(lo - lo % size, hi + size, size):
        fig.add_vline(x=_ts(np.array([edge]))[0], line={"color": "#adb5bd", "dash": "dot"})
    # The watermark as it stood at each arrival time: events right of it are still on time.
    in_view = (stream.arrival_ms >= table["arrival_ms"].min()) & (
        stream.arrival_ms <= table["arrival_ms"].max()
    )
    fig.add_trace(
        go.Scatter(
            x=_ts(np.clip(run.watermark_ms[in_view], lo - size, hi + size)),
            y=_ts(stream.arrival_ms[in_view]), mode="lines",
            name=t("realtime.trace.watermark", lang),
            line={"color": "#495057", "width": 2},
        )
    )  # fmt: skip
    for status, rows in table.groupby("status"):
        fig.add_trace(
            go.Scatter(
                x=_ts(rows["event_ms"]), y=_ts(rows["arrival_ms"]), mode="markers",
                name=status_names[int(status)], marker={"color": STATUS_COLOURS[int(status)],
                                                         "size": 6},
            )
        )  # fmt: skip
    fig.update_layout(
        title=title, height=460, xaxis_title=t("realtime.axis.event_time", lang),
        yaxis_title=t("realtime.axis.arrival", lang), legend={"orientation": "h", "y": -0.2},
        xaxis={"range": [_ts(np.array([lo]))[0], _ts(np.array([hi]))[0]]},
    )  # fmt: skip
    return fig


def first_vs_final(run: WindowRun, reference: pd.DataFrame, title: str) -> go.Figure:
    """Plays per window over all keys: the SQL answer, the first firing and the final firing."""

    def total(frame: pd.DataFrame) -> pd.Series:
        return frame.groupby("window_start")["count"].sum()

    fig = go.Figure()
    fig.add_trace(go.Bar(x=_ts(total(reference).index), y=total(reference), name="DuckDB SQL",
                         marker={"color": "#ced4da"}))  # fmt: skip
    for label, frame, colour in (("first firing", run.first_results, "#f08c00"),
                                 ("final firing", run.results, "#1971c2")):  # fmt: skip
        series = total(frame)
        fig.add_trace(go.Scatter(x=_ts(series.index), y=series, name=label, mode="lines",
                                 line={"color": colour}))  # fmt: skip
    fig.update_layout(title=title, height=380, xaxis_title="window start", yaxis_title="plays")
    return fig


def recovery_bars(rows: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """Plays counted by each run (column `run`, `counted`) against the true number."""
    fig = go.Figure(
        go.Bar(
            x=rows["run"],
            y=rows["counted"],
            text=rows["counted"],
            marker={"color": ["#adb5bd", "#1971c2", "#e03131"][: len(rows)]},
        )
    )
    fig.update_layout(title=title, height=340, yaxis_title=t("realtime.axis.counted", lang))
    return fig


def anomaly(band: pd.DataFrame, device: int, title: str) -> go.Figure:
    """One device's temperature, its rolling band, and the readings flagged as alerts."""
    rows = band[band["device"] == device].sort_values("arrival_ms")
    x = _ts(rows["event_ms"])
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=rows["high"], mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=rows["low"], mode="lines", line={"width": 0}, fill="tonexty",
                             fillcolor="rgba(25,113,194,0.15)", name="band"))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=rows["temp"], mode="lines", name="device_temp",
                             line={"color": "#495057", "width": 1}))  # fmt: skip
    flagged = rows[rows["alert"]]
    fig.add_trace(go.Scatter(x=_ts(flagged["event_ms"]), y=flagged["temp"], mode="markers",
                             name="alert", marker={"color": "#e03131", "size": 9}))  # fmt: skip
    fig.update_layout(title=title, height=360, xaxis_title="event time",
                      yaxis_title="device_temp")  # fmt: skip
    return fig


def alerts_bar(per_device: pd.DataFrame, title: str, top: int = 15) -> go.Figure:
    """Alerts per device, most first."""
    shown = per_device.head(top)
    fig = go.Figure(go.Bar(x=shown["device"].astype(str), y=shown["alerts"]))
    fig.update_layout(title=title, height=300, xaxis_title="device", yaxis_title="alerts",
                      xaxis={"type": "category"})  # fmt: skip
    return fig


def engine_costs(table: pd.DataFrame, title: str) -> go.Figure:
    """Cost (bars) and run time (text) of the same job on each engine."""
    fig = go.Figure(
        go.Bar(
            x=table["engine"],
            y=table["cost_usd"],
            text=[f"{m:.0f} min" if pd.notna(m) else "" for m in table["minutes"]],
        )
    )
    fig.update_layout(title=title, height=340, yaxis_title="USD per run")
    return fig
