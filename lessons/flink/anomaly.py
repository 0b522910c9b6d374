"""Anomaly detection on the stream: flag devices whose temperature leaves a rolling band.

For each device, in the order its readings arrive, the band is the mean of its previous
`window` readings plus or minus `k` standard deviations. A reading outside the band is an alert.
The play events' `device_temp` is drawn from a few fixed values, so healthy devices stay inside
any reasonable band; `inject_overheating` makes one device run hot from a chosen moment, which is
what the detector should find.

Fidelity: this is what a keyed process function with a count-based rolling state computes (as a
Managed Service for Apache Flink application or a SQL OVER window would); it keeps the last
`window` readings per device in state. A rolling band adapts: a change that lasts becomes the new
normal after about one window of readings, so alerts stop even though the device is still hot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lessons import facts
from lessons.errors import LabError
from lessons.flink.stream import EventStream

_MS_PER_HOUR = facts.MS_PER_HOUR


class AnomalyError(LabError):
    """A band setting that cannot detect anything."""


def inject_overheating(
    stream: EventStream, device: int, from_ms: int, rise: float, ramp_hours: float = 1.0
) -> EventStream:
    """The stream with one device heating up by `rise` degrees over `ramp_hours` from `from_ms`."""
    if device not in set(stream.device.tolist()):
        raise AnomalyError(f"Device {device} sends no events in this stream.")
    if ramp_hours <= 0:
        raise AnomalyError("The ramp must last more than zero hours.")
    hours = np.clip((stream.event_ms - from_ms) / _MS_PER_HOUR / ramp_hours, 0.0, 1.0)
    hot = (stream.device == device) & (stream.event_ms >= from_ms)
    return stream.with_temperatures(stream.temp + np.where(hot, rise * hours, 0.0))


def rolling_band(stream: EventStream, window: int = 50, k: float = 3.0) -> pd.DataFrame:
    """Per reading (arrival order within each device): the band from earlier readings and alert."""
    if window < 2:
        raise AnomalyError("The rolling window needs at least 2 readings to measure a spread.")
    if k <= 0:
        raise AnomalyError("The band width k (standard deviations) must be greater than zero.")
    table = pd.DataFrame(
        {"device": stream.device, "event_ms": stream.event_ms, "arrival_ms": stream.arrival_ms,
         "temp": stream.temp}
    )  # fmt: skip
    earlier = table.groupby("device", sort=False)["temp"].shift(1)
    by_device = earlier.groupby(table["device"], sort=False)
    mean = by_device.transform(lambda s: s.rolling(window, min_periods=window).mean())
    std = by_device.transform(lambda s: s.rolling(window, min_periods=window).std(ddof=0))
    table["low"], table["high"] = mean - k * std, mean + k * std
    table["alert"] = (table["temp"] < table["low"]) | (table["temp"] > table["high"])
    return table


def alerts_per_device(band: pd.DataFrame) -> pd.DataFrame:
    """Alerts and readings per device, most alerts first."""
    summary = band.groupby("device").agg(readings=("temp", "size"), alerts=("alert", "sum"))
    return summary.sort_values(["alerts", "readings"], ascending=False).reset_index()
