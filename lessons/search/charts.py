"""Plotly figures for the search lesson and page (same data in, same figure out)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

_FONT = "DejaVu Sans, Noto Sans CJK KR, sans-serif"
_COLOURS = {"sorted index": "#1971c2", "hash index": "#f08c00", "inverted index": "#2f9e44",
            "full scan": "#c92a2a"}  # fmt: skip


def scaling(table: pd.DataFrame, title: str) -> go.Figure:
    """Median query seconds against document count, one line per index and query it answers."""
    fig = go.Figure()
    answered = table[table["answered"]]
    for (index, query), part in answered.groupby(["index", "query"], sort=False):
        fig.add_trace(go.Scatter(
            x=part["docs"], y=part["seconds"] * 1e3, mode="lines+markers",
            name=f"{index}: {query}", line={"color": _COLOURS.get(index)},
        ))  # fmt: skip
    fig.update_layout(title=title, font={"family": _FONT}, xaxis_title="documents",
                      yaxis_title="median query time (ms)")  # fmt: skip
    fig.update_xaxes(type="log")
    fig.update_yaxes(type="log")
    return fig


def segment_timeline(timeline: pd.DataFrame, title: str) -> go.Figure:
    """Segments (left axis) and searchable, tombstoned and pending documents (right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=timeline["t_s"], y=timeline["segments"], name="segments",
                             line={"shape": "hv"}), secondary_y=False)  # fmt: skip
    for column in ("searchable_docs", "deleted_docs", "pending_ops"):
        fig.add_trace(
            go.Scatter(
                x=timeline["t_s"],
                y=timeline[column],
                name=column,
                line={"shape": "hv", "dash": "dot"},
            ),
            secondary_y=True,
        )
    fig.update_layout(title=title, font={"family": _FONT}, xaxis_title="seconds")
    fig.update_yaxes(title_text="segments", secondary_y=False)
    fig.update_yaxes(title_text="documents", secondary_y=True)
    return fig


def lag_histogram(writes: pd.DataFrame, title: str) -> go.Figure:
    """How long after the SQL write each change became searchable."""
    fig = go.Figure(go.Histogram(x=writes["lag_s"], nbinsx=30))
    fig.update_layout(title=title, font={"family": _FONT}, xaxis_title="seconds until searchable",
                      yaxis_title="writes", showlegend=False)  # fmt: skip
    return fig
