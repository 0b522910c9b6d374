"""The dataset tour as one function: what the app's dataset page shows, measured in one run."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from lessons import queries
from lessons.data import DatasetConfig, generate_plays, generate_tracks
from lessons.datafiles import connect_tables


@dataclass(frozen=True)
class DatasetTour:
    """Tables and measurements for one generated dataset."""

    config: DatasetConfig
    schema: pd.DataFrame
    sample: pd.DataFrame
    by_hour_of_day: pd.DataFrame
    per_artist: pd.DataFrame
    per_device_track: pd.DataFrame
    quality: dict[str, int]

    @property
    def evening_to_dawn_ratio(self) -> float:
        """Mean plays per hour 18-21h over 4-7h (event time): the daily rhythm in one number."""
        hourly = self.by_hour_of_day.set_index("hour_of_day")["plays"]
        dawn = hourly.reindex(range(4, 8), fill_value=0).mean()
        return float(hourly.reindex(range(18, 22), fill_value=0).mean() / max(dawn, 1))

    @property
    def top_artist_share(self) -> float:
        """Share of all plays that went to the most played artist."""
        return float(self.per_artist["plays"].iloc[0] / self.per_artist["plays"].sum())


def tour(config: DatasetConfig, sample_rows: int = 8) -> DatasetTour:
    """Generate the dataset in memory and measure what lesson 00 talks about."""
    con = connect_tables(generate_plays(config), generate_tracks(config))
    try:
        quality = queries.run(con, queries.STREAM_QUALITY).iloc[0]
        return DatasetTour(
            config=config,
            schema=con.sql("DESCRIBE plays").df()[["column_name", "column_type"]],
            sample=con.sql(f"SELECT * FROM plays LIMIT {int(sample_rows)}").df(),
            by_hour_of_day=queries.run(con, queries.PLAYS_BY_HOUR_OF_DAY),
            per_artist=queries.run(con, queries.PLAYS_PER_ARTIST),
            per_device_track=queries.run(con, queries.PLAYS_PER_DEVICE_TRACK),
            quality={name: int(quality[name]) for name in quality.index},
        )
    finally:
        con.close()
