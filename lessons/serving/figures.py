"""Plotly figures for the dashboard visuals (shared by the notebook and the app page).

Built on the course-wide chart helpers in lessons.charts, in the dashboard's one colour. Axis
titles and the device label are in `lang` ("en" by default, so the notebook stays in English).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lessons import charts
from lessons.i18n import t

_COLOUR = "#f08c00"
TOP_PAIRS = 20  # device and track pairs shown: there are thousands


def visual(name: str, frame: pd.DataFrame, title: str, lang: str = "en") -> go.Figure:
    """One dashboard visual as a figure: a line over time, ranked bars for the others."""
    if name == "plays_over_time":
        fig = charts.time_series(
            frame, "time", "plays", title, t("serving.axis.time", lang),
            t("serving.axis.plays", lang),
        )  # fmt: skip
    elif name == "plays_per_device_track":
        device = t("serving.visual.device", lang)
        labelled = frame.assign(
            pair=f"{device} " + frame["device_id"].astype(str) + " · " + frame["track_name"]
        )
        fig = charts.ranking_bar(labelled, "pair", "plays", title, top=TOP_PAIRS)
    else:
        key = "artist_name" if name == "plays_per_artist" else "activity_type"
        fig = charts.ranking_bar(frame, key, "plays", title, top=len(frame))
    fig.update_traces(marker_color=_COLOUR, selector={"type": "bar"})
    fig.update_traces(line_color=_COLOUR, selector={"type": "scatter"})
    return fig
