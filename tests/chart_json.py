"""Reading the plotly figures an AppTest run drew, for tests that check their labels."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest


def figures(at: AppTest) -> list[dict]:
    """Every plotly figure on the page, as the JSON the browser receives."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def axis_titles(figure: dict) -> dict[str, str]:
    """Axis name (xaxis, yaxis2, ...) → its title text, for the axes that have one."""
    return {
        name: axis["title"]["text"]
        for name, axis in figure["layout"].items()
        if name.startswith(("xaxis", "yaxis")) and "title" in axis
    }
