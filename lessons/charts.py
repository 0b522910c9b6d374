"""Plotly figures shared by the notebooks and the app (same data in, same figure out)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from lessons import facts
from lessons.course import TOPICS
from lessons.i18n import t

TOPIC_COLOURS = {
    "dataset": "#6c757d",
    "streams": "#d9480f",
    "lake": "#1971c2",
    "search": "#2f9e44",
    "realtime": "#ae3ec9",
    "serving": "#f08c00",
}
_FONT = "DejaVu Sans, Noto Sans CJK KR, sans-serif"


@dataclass(frozen=True)
class MapNode:
    key: str
    label_en: str
    label_ko: str
    topic: str
    x: float
    y: float


# The pipeline of shared/DESIGN.md, laid out left to right, top to bottom.
MAP_NODES = (
    MapNode("data", "Music dataset<br>plays + tracks", "음악 데이터셋<br>재생 + 트랙", "dataset",
            0, 2),
    MapNode("ingest", "Kinesis / SQS<br>/ MSK", "Kinesis / SQS<br>/ MSK", "streams", 1.5, 2),
    MapNode("firehose", "Data Firehose<br>buffering", "Data Firehose<br>버퍼링", "streams", 3, 2),
    MapNode("raw", "S3 lake<br>raw JSON", "S3 레이크<br>원시 JSON", "lake", 4.5, 2),
    MapNode("crawler", "Glue crawler<br>Data Catalog", "Glue 크롤러<br>데이터 카탈로그", "lake",
            6, 2),
    MapNode("flink", "Managed Flink<br>windows", "Managed Flink<br>윈도우", "realtime", 1.5, 3.1),
    MapNode("search", "OpenSearch<br>index", "OpenSearch<br>인덱스", "search", 0, 0.8),
    MapNode("dash", "Dashboard<br>(QuickSight)", "대시보드<br>(QuickSight)", "serving", 1.5, 0.8),
    MapNode("athena", "Athena<br>SQL", "Athena<br>SQL", "lake", 3, 0.8),
    MapNode("processed", "processed_data<br>Parquet by date", "processed_data<br>날짜별 Parquet",
            "lake", 4.5, 0.8),
    MapNode("etl", "Glue ETL<br>join", "Glue ETL<br>조인", "lake", 6, 0.8),
    MapNode("lf", "Lake Formation<br>grants", "Lake Formation<br>권한", "lake", 3, -0.4),
    MapNode("redshift", "Redshift<br>+ Spectrum", "Redshift<br>+ Spectrum", "serving", 4.5, -0.4),
)  # fmt: skip
MAP_EDGES = (
    ("data", "ingest"), ("ingest", "firehose"), ("firehose", "raw"), ("raw", "crawler"),
    ("crawler", "etl"), ("etl", "processed"), ("processed", "athena"), ("lf", "athena"),
    ("athena", "dash"), ("processed", "redshift"), ("ingest", "flink"), ("data", "search"),
    ("processed", "lf"),
)  # fmt: skip
_BOX_W, _BOX_H = 1.12, 0.66


def _box_edge(centre: MapNode, toward: MapNode) -> tuple[float, float]:
    """Where the line from `centre` to `toward` leaves centre's box."""
    dx, dy = toward.x - centre.x, toward.y - centre.y
    scale = min(
        (_BOX_W / 2) / abs(dx) if dx else float("inf"),
        (_BOX_H / 2) / abs(dy) if dy else float("inf"),
    )
    return centre.x + dx * scale, centre.y + dy * scale


def course_map(lang: str = "en") -> go.Figure:
    """The course's pipeline drawn as boxes and arrows, coloured by topic."""
    nodes = {n.key: n for n in MAP_NODES}
    fig = go.Figure()
    for start, end in MAP_EDGES:
        a, b = nodes[start], nodes[end]
        (x0, y0), (x1, y1) = _box_edge(a, b), _box_edge(b, a)
        fig.add_annotation(
            x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
            showarrow=True, arrowhead=3, arrowsize=1.1, arrowwidth=1.6, arrowcolor="#868e96",
        )  # fmt: skip
    for n in MAP_NODES:
        fig.add_shape(
            type="rect", x0=n.x - _BOX_W / 2, x1=n.x + _BOX_W / 2, y0=n.y - _BOX_H / 2,
            y1=n.y + _BOX_H / 2, fillcolor=TOPIC_COLOURS[n.topic], line={"width": 0},
            layer="below",
        )  # fmt: skip
        fig.add_annotation(
            x=n.x, y=n.y, text=n.label_ko if lang == "ko" else n.label_en, showarrow=False,
            font={"color": "white", "size": 12, "family": _FONT},
        )  # fmt: skip
    topic_titles = {t.id: t.title(lang) for t in TOPICS}
    for topic_id, colour in TOPIC_COLOURS.items():
        # Legend entries only: the boxes themselves are shapes.
        fig.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", name=topic_titles[topic_id],
                marker={"symbol": "square", "size": 14, "color": colour},
            )
        )  # fmt: skip
    fig.update_layout(
        height=440, margin={"l": 10, "r": 10, "t": 10, "b": 10}, plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.7, 6.7], "fixedrange": True},
        yaxis={"visible": False, "range": [-1.0, 3.6], "fixedrange": True},
        legend={"orientation": "h", "y": -0.02, "font": {"family": _FONT}},
    )  # fmt: skip
    return fig


def ranking_bar(df: pd.DataFrame, label: str, value: str, title: str, top: int = 15) -> go.Figure:
    """Horizontal bars of the `top` rows, largest on top (dashboard-style ranking)."""
    shown = df.head(top).iloc[::-1]
    fig = go.Figure(go.Bar(x=shown[value], y=shown[label].astype(str), orientation="h"))
    fig.update_layout(title=title, height=max(300, 24 * len(shown) + 120), margin={"l": 10})
    return fig


def time_series(
    df: pd.DataFrame, x: str, y: str, title: str,
    x_title: str | None = None, y_title: str | None = None,
) -> go.Figure:  # fmt: skip
    """A line over time (e.g. plays per hour); axis titles default to the column names."""
    fig = go.Figure(go.Scatter(x=df[x], y=df[y], mode="lines"))
    fig.update_layout(
        title=title, height=320, xaxis_title=x if x_title is None else x_title,
        yaxis_title=y if y_title is None else y_title,
    )  # fmt: skip
    return fig


def hour_of_day_bars(df: pd.DataFrame, title: str) -> go.Figure:
    """Plays per hour of day: the daily rhythm of listening."""
    fig = go.Figure(go.Bar(x=df["hour_of_day"], y=df["plays"]))
    fig.update_layout(title=title, height=300, xaxis_title="hour of day (UTC)", yaxis_title="plays")
    return fig


# Data labels (English, as the lessons compute them) -> app text keys; others are shown as is.
_KIND_KEYS = {
    kind: f"streams.kind.{kind}" for kind in ("batch-full", "batch-incremental", "stream")
}
_SCHEDULE_KEYS = {
    "daily batch (full)": "streams.schedule.daily_full",
    "hourly batch (full)": "streams.schedule.hourly_full",
    "hourly batch (incremental)": "streams.schedule.hourly_incremental",
    "15-minute batch (incremental)": "streams.schedule.quarter_incremental",
    "micro-batch stream (10 s)": "streams.schedule.micro_batch",
    "stream (1 s)": "streams.schedule.stream",
}


def kind_label(kind: str, lang: str = "en") -> str:
    """A schedule kind's display name (unknown kinds are shown as they are)."""
    return t(_KIND_KEYS[kind], lang) if kind in _KIND_KEYS else kind


def schedule_label(name: str, lang: str = "en") -> str:
    """A schedule's display name (unknown names are shown as they are)."""
    return t(_SCHEDULE_KEYS[name], lang) if name in _SCHEDULE_KEYS else name


def _label_positions(x: pd.Series, y: pd.Series) -> list[str]:
    """Text positions on log axes that keep labels inside the plot and apart.

    A lone point's label sits beside it, on the side away from the nearer edge (plotly's
    autorange ignores text, so a centred label on the last point is cut off). Points that share
    a spot take turns above and below, centred unless they are near an edge.
    """
    lx, ly = np.log10(x.to_numpy(float)), np.log10(y.to_numpy(float))
    span_x = max(float(lx.max() - lx.min()), 1e-9)
    span_y = max(float(ly.max() - ly.min()), 1e-9)
    fraction = (lx - lx.min()) / span_x
    clusters: list[list[int]] = []
    for i in range(len(lx)):
        home = next(
            (c for c in clusters
             if abs(lx[c[0]] - lx[i]) / span_x < 0.05 and abs(ly[c[0]] - ly[i]) / span_y < 0.05),
            None,
        )  # fmt: skip
        if home is None:
            clusters.append([i])
        else:
            home.append(i)
    positions = [""] * len(lx)
    for cluster in clusters:
        where = fraction[cluster[0]]
        if len(cluster) == 1:
            positions[cluster[0]] = "middle left" if where > 0.75 else "middle right"
            continue
        side = "left" if where > 0.9 else "right" if where < 0.1 else "center"
        for turn, i in enumerate(cluster):
            positions[i] = f"{('top', 'bottom')[turn % 2]} {side}"
    return positions


def freshness_vs_cost(table: pd.DataFrame, lang: str = "en") -> go.Figure:
    """Each schedule as a point: how stale its answers are against what it costs to run."""
    fig = go.Figure()
    positions = pd.Series(
        _label_positions(table["paid seconds"], table["freshness p50 (s)"]), index=table.index
    )
    for kind, rows in table.groupby("kind", sort=False):
        fig.add_trace(
            go.Scatter(
                x=rows["paid seconds"], y=rows["freshness p50 (s)"], mode="markers+text",
                text=[schedule_label(name, lang) for name in rows["schedule"]],
                textposition=list(positions[rows.index]), name=kind_label(kind, lang),
                marker={"size": 12},
            )
        )  # fmt: skip
    fig.update_layout(
        title=t("streams.chart.freshness_title", lang), height=420,
        xaxis={"title": t("streams.chart.paid_seconds", lang), "type": "log"},
        yaxis={"title": t("streams.chart.freshness_p50", lang), "type": "log"},
        legend={"orientation": "h", "y": -0.22},
    )  # fmt: skip
    return fig


def answer_timeline(frames: list[pd.DataFrame], title: str) -> go.Figure:
    """How each schedule's answer for one artist moves over time (steps for batch)."""
    fig = go.Figure()
    for frame in frames:
        fig.add_trace(
            go.Scatter(
                x=frame["time"], y=frame["plays"], mode="lines", line_shape="hv",
                name=str(frame["schedule"].iloc[0]),
            )
        )  # fmt: skip
    fig.update_layout(title=title, height=360, xaxis_title="time", yaxis_title="plays counted")
    return fig


def hash_ranges(
    shards: pd.DataFrame, keys: pd.DataFrame, title: str, lang: str = "en"
) -> go.Figure:
    """The 128-bit hash key space as one bar split into shards, with where each key lands.

    shards: columns shard_id, start_fraction, end_fraction (of the key space, 0..1).
    keys: columns key, fraction, shard_id.
    """
    fig = go.Figure()
    for i, row in enumerate(shards.itertuples()):
        fig.add_shape(
            type="rect", x0=row.start_fraction, x1=row.end_fraction, y0=0, y1=1,
            fillcolor=_SHARD_COLOURS[i % len(_SHARD_COLOURS)], opacity=0.35, line={"width": 1},
        )  # fmt: skip
        fig.add_annotation(
            x=(row.start_fraction + row.end_fraction) / 2, y=1.12, text=row.shard_id,
            showarrow=False, font={"size": 11},
        )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=keys["fraction"], y=[0.5] * len(keys), mode="markers+text", text=keys["key"],
            textposition="bottom center", marker={"size": 11, "symbol": "diamond"},
            hovertemplate="%{text}<br>%{x:.4f} " + t("streams.chart.hash_hover", lang)
            + "<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        title=title, height=260, showlegend=False, plot_bgcolor="white",
        xaxis={"range": [0, 1], "title": t("streams.chart.hash_axis", lang), "tickformat": ".0%"},
        yaxis={"visible": False, "range": [-0.6, 1.3]}, margin={"t": 60, "b": 40},
    )  # fmt: skip
    return fig


_SHARD_COLOURS = ("#1971c2", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c")


def shard_load(
    per_second: pd.DataFrame, limit: float, title: str, unit: str, lang: str = "en"
) -> go.Figure:
    """Load per shard per second against the per-shard limit (a line): bars above it throttle.

    per_second: columns second (datetime or number), shard_id, load.
    """
    fig = go.Figure()
    for shard_id, rows in per_second.groupby("shard_id", sort=True):
        fig.add_trace(go.Scatter(x=rows["second"], y=rows["load"], mode="lines", name=shard_id))
    fig.add_hline(
        y=limit, line_dash="dash", line_color="#c92a2a",
        annotation_text=t("streams.chart.limit", lang),
    )  # fmt: skip
    fig.update_layout(
        title=title, height=340, xaxis_title=t("streams.chart.time", lang), yaxis_title=unit
    )
    return fig


def buffering_trade_off(table: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """Objects delivered and delivery latency as the buffer grows (two y axes).

    table: columns setting (label), objects, latency_p50_s.
    """
    fig = go.Figure()
    fig.add_trace(
        go.Bar(x=table["setting"], y=table["objects"], name=t("streams.chart.s3_objects", lang))
    )
    fig.add_trace(
        go.Scatter(
            x=table["setting"], y=table["latency_p50_s"],
            name=t("streams.chart.latency_legend", lang),
            yaxis="y2", mode="lines+markers",
        )
    )  # fmt: skip
    fig.update_layout(
        title=title, height=380,
        yaxis={"title": t("streams.chart.objects_axis", lang), "type": "log"},
        yaxis2={"title": t("streams.chart.latency_axis", lang), "overlaying": "y",
                "side": "right"},
        legend={"orientation": "h", "y": -0.25},
    )  # fmt: skip
    return fig


_BASELINE_COLOUR, _VARIANT_COLOUR = "#868e96", TOPIC_COLOURS["lake"]


def athena_variant_bars(
    summary: pd.DataFrame, value: str, title: str, axis: str, log: bool = False
) -> go.Figure:
    """One bar per storage variant for one measure; the CSV baseline in grey.

    summary: columns variant, label and `value` (lessons.lake.tuning summary or runs rows).
    """
    colours = [_BASELINE_COLOUR if v == "csv" else _VARIANT_COLOUR for v in summary["variant"]]
    fig = go.Figure(
        go.Bar(x=summary["label"], y=summary[value], marker_color=colours,
               hovertemplate="%{x}<br>%{y:,.4g}<extra></extra>")
    )  # fmt: skip
    fig.update_layout(
        title=title, height=360, yaxis={"title": axis, "type": "log" if log else "linear"},
        xaxis={"tickangle": -20}, margin={"b": 90},
    )  # fmt: skip
    return fig


def athena_scanned_and_cost(summary: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """Data scanned (log scale) and cost per variant, side by side; the CSV baseline in grey.

    summary: columns variant, label, data scanned (bytes), cost (USD). The two panel titles are
    in `lang` (English by default, as the notebooks show them).
    """
    import math

    from plotly.subplots import make_subplots

    colours = [_BASELINE_COLOUR if v == "csv" else _VARIANT_COLOUR for v in summary["variant"]]
    panels = (t("lake.athena.axis.scanned_mb", lang), t("lake.athena.axis.cost_usd", lang))
    fig = make_subplots(rows=1, cols=2, subplot_titles=panels)
    scanned_mb = summary["data scanned (bytes)"] / facts.BYTES_PER_UNIT["MB"]
    fig.add_trace(go.Bar(x=summary["label"], y=scanned_mb,
                         marker_color=colours, showlegend=False), row=1, col=1)  # fmt: skip
    fig.add_trace(go.Bar(x=summary["label"], y=summary["cost (USD)"], marker_color=colours,
                         showlegend=False), row=1, col=2)  # fmt: skip
    # Powers of ten only, labelled as plain MB: plotly's own log ticks repeat bare digits
    # (5, 4, 3, 2 ...) between decades. The range runs strictly past the bars to whole decades.
    scanned = [v for v in scanned_mb if v > 0]
    log_axis: dict[str, object] = {"type": "log"}
    if scanned:
        low = math.ceil(math.log10(min(scanned))) - 1
        high = math.floor(math.log10(max(scanned))) + 1
        powers = [10.0**e for e in range(low, high + 1)]
        labels = [f"{p:g}" for p in powers]
        log_axis |= {"range": [low, high], "tickvals": powers, "ticktext": labels}
    fig.update_yaxes(**log_axis, row=1, col=1)
    fig.update_xaxes(tickangle=-30)
    fig.update_layout(title=title, height=420, margin={"b": 110})
    return fig
