"""Plotly figures for the search lesson and page (same data in, same figure out).

Every figure takes `lang` ("en" by default, so notebooks stay in English) and reads its axis
titles and legend names from the search app text; the data keeps its English column names and
index/query labels, which `index_label` and `query_label` translate for display.

Fidelity: drawings only; they show what the simulations and timings measured, nothing more.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lessons.i18n import t

_FONT = "DejaVu Sans, Noto Sans CJK KR, sans-serif"
_COLOURS = {"sorted index": "#1971c2", "hash index": "#f08c00", "inverted index": "#2f9e44",
            "full scan": "#c92a2a"}  # fmt: skip
# Data labels (lessons.search.indexes.INDEX_KINDS, compare.scaling_queries) -> app text keys.
_INDEX_KEYS = {"sorted index": "search.index.sorted", "hash index": "search.index.hash",
               "inverted index": "search.index.inverted",
               "full scan": "search.index.scan"}  # fmt: skip
_QUERY_KEYS = {"equality": "search.question.equality", "range": "search.question.range",
               "word (common)": "search.question.word_common",
               "word (rare)": "search.question.word_rare"}  # fmt: skip
_SEGMENT_SERIES = {"searchable_docs": "search.trace.searchable", "deleted_docs":
                   "search.trace.deleted", "pending_ops": "search.trace.pending"}  # fmt: skip


def index_label(kind: str, lang: str = "en") -> str:
    """An index kind's display name (unknown kinds are shown as they are)."""
    return t(_INDEX_KEYS[kind], lang) if kind in _INDEX_KEYS else kind


def query_label(label: str, lang: str = "en") -> str:
    """A scaling question's display name (unknown labels are shown as they are)."""
    return t(_QUERY_KEYS[label], lang) if label in _QUERY_KEYS else label


def scaling(table: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """Median query seconds against document count, one line per index and query it answers."""
    fig = go.Figure()
    answered = table[table["answered"]]
    for (index, query), part in answered.groupby(["index", "query"], sort=False):
        fig.add_trace(go.Scatter(
            x=part["docs"], y=part["seconds"] * 1e3, mode="lines+markers",
            name=f"{index_label(index, lang)}: {query_label(query, lang)}",
            line={"color": _COLOURS.get(index)},
        ))  # fmt: skip
    fig.update_layout(title=title, font={"family": _FONT},
                      xaxis_title=t("search.axis.documents", lang),
                      yaxis_title=t("search.axis.query_ms", lang))  # fmt: skip
    fig.update_xaxes(type="log")
    fig.update_yaxes(type="log")
    return fig


def segment_timeline(timeline: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """Segments (left axis) and searchable, tombstoned and pending documents (right axis)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=timeline["t_s"], y=timeline["segments"],
                             name=t("search.axis.segments", lang), line={"shape": "hv"}),
                  secondary_y=False)  # fmt: skip
    for column, key in _SEGMENT_SERIES.items():
        fig.add_trace(
            go.Scatter(
                x=timeline["t_s"],
                y=timeline[column],
                name=t(key, lang),
                line={"shape": "hv", "dash": "dot"},
            ),
            secondary_y=True,
        )
    fig.update_layout(
        title=title, font={"family": _FONT}, xaxis_title=t("search.axis.seconds", lang)
    )
    fig.update_yaxes(title_text=t("search.axis.segments", lang), secondary_y=False)
    fig.update_yaxes(title_text=t("search.axis.documents", lang), secondary_y=True)
    return fig


def lag_histogram(writes: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """How long after the SQL write each change became searchable."""
    fig = go.Figure(go.Histogram(x=writes["lag_s"], nbinsx=30))
    fig.update_layout(title=title, font={"family": _FONT},
                      xaxis_title=t("search.axis.until_searchable", lang),
                      yaxis_title=t("search.axis.writes", lang), showlegend=False)  # fmt: skip
    return fig
