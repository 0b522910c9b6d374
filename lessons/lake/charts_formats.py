"""Plotly figures for the storage-format and table-format lessons (04 and 08).

Each takes the tidy table that lessons.lake.formats or lessons.lake.iceberg returns.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from lessons import facts

LAYOUT_COLOURS = {"row": "#e8590c", "column": "#1971c2"}
_COLUMN_COLOURS = (
    "#1971c2", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#c2255c", "#5c940d",
    "#862e9c", "#495057",
)  # fmt: skip


def format_sizes(sizes: pd.DataFrame, title: str) -> go.Figure:
    """Bytes on disk per variant, coloured by row or column layout."""
    fig = go.Figure(
        go.Bar(
            x=sizes["variant"], y=sizes["bytes"] / facts.BYTES_PER_UNIT["MB"],
            marker_color=[LAYOUT_COLOURS[v] for v in sizes["layout"]],
            text=[f"{r:.2f}x CSV" for r in sizes["vs_csv"]], textposition="outside",
        )
    )  # fmt: skip
    fig.update_layout(title=title, height=380, yaxis_title="MB on disk", showlegend=False)
    return fig


def column_bytes(totals: pd.DataFrame, title: str) -> go.Figure:
    """Per-column bytes before and after compression in one Parquet file."""
    fig = go.Figure()
    for field, name in (("uncompressed_bytes", "encoded, before codec"),
                        ("compressed_bytes", "on disk")):  # fmt: skip
        kilobytes = totals[field] / facts.BYTES_PER_UNIT["KB"]
        fig.add_trace(go.Bar(x=totals["column"], y=kilobytes, name=name))
    fig.update_layout(title=title, height=360, barmode="group", yaxis_title="KB")
    return fig


def layout_strip(cells: pd.DataFrame, title: str) -> go.Figure:
    """Cells in file order for a row layout and a column layout; faded cells are skipped."""
    names = list(dict.fromkeys(cells["column"]))
    colour = {n: _COLUMN_COLOURS[i % len(_COLUMN_COLOURS)] for i, n in enumerate(names)}
    fig = go.Figure()
    for y, layout in enumerate(("column", "row")):
        part = cells[cells["layout"] == layout]
        fig.add_trace(
            go.Scatter(
                x=part["position"], y=[y] * len(part), mode="markers", name=f"{layout} file",
                marker={"symbol": "square", "size": 16,
                        "color": [colour[c] for c in part["column"]],
                        "opacity": [1.0 if t else 0.18 for t in part["touched"]]},
                customdata=part[["row", "column", "value"]].to_numpy(),
                hovertemplate="row %{customdata[0]}, %{customdata[1]} = %{customdata[2]}"
                "<extra></extra>",
            )
        )  # fmt: skip
    fig.update_layout(
        title=title, height=240, showlegend=False, plot_bgcolor="white",
        xaxis={"title": "position in the file (first cells)"},
        yaxis={"tickvals": [0, 1], "ticktext": ["column layout", "row layout"],
               "range": [-0.6, 1.6]},
    )  # fmt: skip
    return fig


def access_costs(access: pd.DataFrame, value: str, title: str) -> go.Figure:
    """OLTP and OLAP side by side per variant (log scale): `value` is bytes_read or seconds."""
    fig = go.Figure()
    for pattern, rows in access.groupby("pattern", sort=False):
        fig.add_trace(go.Bar(x=rows["variant"], y=rows[value], name=pattern))
    label = "bytes read from the file" if value == "bytes_read" else "seconds (median)"
    fig.update_layout(
        title=title, height=380, barmode="group", yaxis={"title": label, "type": "log"},
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return fig


def pruning(comparison: pd.DataFrame, title: str) -> go.Figure:
    """Files opened by each query on each table layout."""
    fig = go.Figure()
    for table, rows in comparison.groupby("table", sort=False):
        fig.add_trace(go.Bar(x=rows["query"], y=rows["files_read"], name=table))
    fig.update_layout(
        title=title, height=360, barmode="group", yaxis_title="data files opened",
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return fig


def snapshot_growth(history: pd.DataFrame, title: str) -> go.Figure:
    """Data files referenced after each commit: small appends pile up, a rewrite drops them."""
    colours = ["#c92a2a" if op != "append" else "#1971c2" for op in history["operation"]]
    fig = go.Figure(
        go.Bar(
            x=history["commit"], y=history["total_files"], marker_color=colours,
            customdata=history["operation"], hovertemplate="commit %{x}: %{y} files "
            "(%{customdata})<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        title=title, height=340, xaxis_title="commit (snapshot)", yaxis_title="data files",
        showlegend=False,
    )  # fmt: skip
    return fig
