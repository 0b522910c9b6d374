"""Plotly figures for the dashboard visuals (shared by the notebook and the app page)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

_FONT = "DejaVu Sans, Noto Sans CJK KR, sans-serif"
_COLOUR = "#f08c00"


def _layout(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title=title, font_family=_FONT, height=320, margin=dict(l=10, r=10, t=40, b=10)
    )
    return fig


def visual(name: str, frame: pd.DataFrame, title: str) -> go.Figure:
    """One dashboard visual as a figure: bars for rankings, a line over time."""
    if name == "plays_over_time":
        fig = go.Figure(
            go.Scatter(x=frame["time"], y=frame["plays"], mode="lines", line_color=_COLOUR)
        )
    elif name == "plays_per_device_track":
        top = frame.head(20)
        labels = "device " + top["device_id"].astype(str) + " · " + top["track_name"]
        fig = go.Figure(go.Bar(x=top["plays"], y=labels, orientation="h", marker_color=_COLOUR))
        fig.update_yaxes(autorange="reversed")
    else:
        key = "artist_name" if name == "plays_per_artist" else "activity_type"
        fig = go.Figure(go.Bar(x=frame[key], y=frame["plays"], marker_color=_COLOUR))
    return _layout(fig, title)
