"""The music-streaming dataset: seeded play events and a tracks reference table.

Shaped like the events of the AWS analytics workshops' generator template (device_id 0-50,
track_id 0-30, device_temp drawn from {28, 32, 34, 40}, five activity types), with the realism a
lesson needs switched on by options: Zipf-like track popularity, a few very active devices, a
daily rhythm, duplicates from at-least-once producers, late events and a schema change.

Everything is vectorised numpy and derived from one seed, so the same seed gives the same bytes.
Run `python -m lessons.data --help` for the command line.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

import numpy as np
import pyarrow as pa

from lessons import facts
from lessons.errors import LabError

ACTIVITY_TYPES = ("Running", "Working", "Walking", "Traveling", "Sitting")
# Weights and temperatures as in the workshop generator's template.
ACTIVITY_WEIGHTS = (0.1, 0.2, 0.2, 0.3, 0.2)
TEMPERATURES = (32, 34, 28, 40)
TEMPERATURE_WEIGHTS = (0.3, 0.3, 0.2, 0.2)
SCHEMA_CHANGE_COLUMN = "app_version"
APP_VERSIONS = ("3.0.0", "3.0.1", "3.1.0")
# The tracks reference does not change with the events' seed: it is committed and shared.
REFERENCE_SEED = 20231120
CHUNK_ROWS = 1_000_000
MAX_ROWS = 50_000_000
_MS_PER_HOUR = facts.MS_PER_HOUR
T = TypeVar("T")
_MS_PER_DAY = 24 * _MS_PER_HOUR


class ConfigError(LabError):
    """A dataset option is out of range."""


@dataclass(frozen=True)
class DatasetConfig:
    """What to generate. Defaults follow the workshop's generator template."""

    rows: int = 10_000
    seed: int = 42
    start: date = date(2026, 11, 2)
    days: int = 7
    devices: int = 51
    event_tracks: int = 31
    reference_tracks: int = 100
    artists: int = 24
    track_skew: float = 1.0
    hot_devices: int = 3
    hot_device_share: float = 0.25
    duplicate_fraction: float = 0.0
    late_fraction: float = 0.0
    late_max_minutes: float = 180.0
    schema_change_day: int | None = None

    def __post_init__(self) -> None:
        problems = _config_problems(self)
        if problems:
            raise ConfigError("Invalid dataset options: " + "; ".join(problems))

    def replace(self, **changes: object) -> DatasetConfig:
        """A copy with some options changed (validated again)."""
        return dataclasses.replace(self, **changes)


def _config_problems(c: DatasetConfig) -> list[str]:
    checks = [
        (1 <= c.rows <= MAX_ROWS, f"rows must be between 1 and {MAX_ROWS:,}"),
        (0 <= c.seed < 2**63, "seed must be a non-negative integer"),
        (1 <= c.days <= 366, "days must be between 1 and 366"),
        (1 <= c.devices <= 10_000_000, "devices must be between 1 and 10,000,000"),
        (1 <= c.event_tracks <= c.reference_tracks, "event_tracks must be 1..reference_tracks"),
        (1 <= c.reference_tracks <= 1_000_000, "reference_tracks must be 1..1,000,000"),
        (1 <= c.artists <= c.reference_tracks, "artists must be 1..reference_tracks"),
        (0 <= c.track_skew <= 5, "track_skew must be between 0 (uniform) and 5"),
        (0 <= c.hot_devices < c.devices or c.hot_devices == 0, "hot_devices must be < devices"),
        (0 <= c.hot_device_share < 1, "hot_device_share must be in [0, 1)"),
        (0 <= c.duplicate_fraction <= 0.5, "duplicate_fraction must be in [0, 0.5]"),
        (0 <= c.late_fraction <= 1, "late_fraction must be in [0, 1]"),
        (1 <= c.late_max_minutes <= 7 * 24 * 60, "late_max_minutes must be 1..10080"),
        (
            c.schema_change_day is None or 0 <= c.schema_change_day < c.days,
            "schema_change_day must be a day index within the dataset (0..days-1)",
        ),
    ]
    return [message for ok, message in checks if not ok]


# --- tracks reference ---------------------------------------------------------------------

_TRACK_WORDS_A = (
    "Velvet",
    "Neon",
    "Paper",
    "Silver",
    "Midnight",
    "Quiet",
    "Electric",
    "Hollow",
    "Golden",
    "Broken",
    "Lunar",
    "Crimson",
    "Distant",
    "Glass",
    "Wild",
    "Slow",
    "Northern",
    "Faded",
    "Restless",
    "Open",
    "Amber",
    "Static",
    "Salt",
    "Paper-thin",
)
_TRACK_WORDS_B = (
    "Harbor",
    "Signals",
    "Rivers",
    "Skyline",
    "Lanterns",
    "Echoes",
    "Orchard",
    "Highway",
    "Tides",
    "Letters",
    "Satellites",
    "Gardens",
    "Engines",
    "Window",
    "Parade",
    "Comets",
    "Weather",
    "Arcade",
    "Horizon",
    "Mirrors",
    "Fever",
    "Shoreline",
    "Circuits",
    "Summer",
)
_ARTIST_FIRST = (
    "Mira",
    "Jonas",
    "Ilse",
    "Tomas",
    "Noor",
    "Ravi",
    "Lena",
    "Oskar",
    "Yuna",
    "Dario",
    "Saoirse",
    "Kenji",
    "Alba",
    "Femi",
    "Ines",
    "Hugo",
)
_ARTIST_LAST = (
    "Solenne",
    "Marlow",
    "Vantage",
    "Okafor",
    "Lindqvist",
    "Brightwater",
    "Castell",
    "Moreau",
    "Haldane",
    "Iwasaki",
    "Quill",
    "Rosamund",
    "Teller",
    "Vey",
    "Arden",
    "Kestrel",
)
_BAND_NOUNS = (
    "Comets",
    "Lanterns",
    "Foxes",
    "Satellites",
    "Orchids",
    "Engines",
    "Pilots",
    "Tigers",
    "Ghosts",
    "Harbors",
    "Owls",
    "Weavers",
)


def _zipf_weights(n: int, exponent: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1, dtype=np.float64) ** exponent
    return weights / weights.sum()


def _unique_names(rng: np.random.Generator, count: int, make: object) -> list[str]:
    """Draw distinct names from `make(rng)`; add a roman-ish suffix once the space runs out."""
    names: list[str] = []
    seen: set[str] = set()
    attempts = 0
    while len(names) < count:
        name = make(rng)  # type: ignore[operator]
        attempts += 1
        if name in seen:
            if attempts < 50 * count:
                continue
            name = f"{name} {len(names)}"
        seen.add(name)
        names.append(name)
    return names


def _artist_name(rng: np.random.Generator) -> str:
    if rng.random() < 0.35:
        return f"The {rng.choice(_TRACK_WORDS_A)} {rng.choice(_BAND_NOUNS)}"
    return f"{rng.choice(_ARTIST_FIRST)} {rng.choice(_ARTIST_LAST)}"


def _track_name(rng: np.random.Generator) -> str:
    return f"{rng.choice(_TRACK_WORDS_A)} {rng.choice(_TRACK_WORDS_B)}"


def generate_tracks(config: DatasetConfig | None = None) -> pa.Table:
    """The tracks reference: track_id (a string, as in the workshop), track_name, artist_name.

    Artists own different numbers of tracks (Zipf), so artist popularity is skewed too.
    """
    config = config or DatasetConfig()
    rng = np.random.default_rng(REFERENCE_SEED)
    artists = _unique_names(rng, config.artists, _artist_name)
    track_names = _unique_names(rng, config.reference_tracks, _track_name)
    artist_of_track = rng.choice(
        config.artists, size=config.reference_tracks, p=_zipf_weights(config.artists, 0.8)
    )
    return pa.table(
        {
            "track_id": pa.array([str(i) for i in range(config.reference_tracks)], pa.string()),
            "track_name": pa.array(track_names, pa.string()),
            "artist_name": pa.array([artists[i] for i in artist_of_track], pa.string()),
        }
    )


# --- play events --------------------------------------------------------------------------

PLAY_SCHEMA = pa.schema(
    [
        ("uuid", pa.string()),
        ("device_ts", pa.timestamp("ms")),
        ("device_id", pa.int32()),
        ("device_temp", pa.int32()),
        ("track_id", pa.int32()),
        ("activity_type", pa.string()),
        ("arrival_ts", pa.timestamp("ms")),
    ]
)


def hourly_rhythm() -> np.ndarray:
    """Share of plays per hour of day: low before dawn, peak in the evening."""
    hours = np.arange(24)
    weights = 1.0 + 0.8 * np.cos(2 * np.pi * (hours - 19) / 24)
    return weights / weights.sum()


def _uuid_bytes(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random version-4 UUIDs as an (n, 16) byte matrix."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    return raw


def _uuid_strings(raw: np.ndarray) -> pa.StringArray:
    """Format an (n, 16) byte matrix as canonical UUID text, without a Python loop."""
    n = len(raw)
    hex_digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    digits = np.empty((n, 32), dtype=np.uint8)
    digits[:, 0::2] = hex_digits[raw >> 4]
    digits[:, 1::2] = hex_digits[raw & 0x0F]
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    for start, stop, out in ((0, 8, 0), (8, 12, 9), (12, 16, 14), (16, 20, 19), (20, 32, 24)):
        text[:, out : out + stop - start] = digits[:, start:stop]
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())
    ).cast(pa.string())


def _device_weights(config: DatasetConfig, rng: np.random.Generator) -> np.ndarray:
    weights = np.full(config.devices, 1.0)
    if config.hot_devices and config.hot_device_share > 0:
        hot = rng.choice(config.devices, size=config.hot_devices, replace=False)
        cold_total = config.devices - config.hot_devices
        share = config.hot_device_share
        weights[:] = (1 - share) / cold_total
        weights[hot] = share / config.hot_devices
    return weights / weights.sum()


def _track_weights(config: DatasetConfig, rng: np.random.Generator) -> np.ndarray:
    by_rank = _zipf_weights(config.event_tracks, config.track_skew)
    return by_rank[rng.permutation(config.event_tracks)]


def _epoch_ms(day: date) -> int:
    return (day - date(1970, 1, 1)).days * _MS_PER_DAY


def _chunk_columns(
    config: DatasetConfig, rng: np.random.Generator, n: int, shape: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    start_ms = _epoch_ms(config.start)
    day = rng.integers(0, config.days, size=n)
    hour = rng.choice(24, size=n, p=shape["hours"])
    device_ts = (
        start_ms + day * _MS_PER_DAY + hour * _MS_PER_HOUR + rng.integers(0, _MS_PER_HOUR, n)
    )
    # Network delay of an online device: tens of milliseconds to a few seconds.
    delay = (50 + rng.exponential(800.0, n)).astype(np.int64)
    late = rng.random(n) < config.late_fraction
    late_ms = rng.uniform(60_000, config.late_max_minutes * 60_000, n).astype(np.int64)
    delay = np.where(late, late_ms, delay)
    return {
        "uuid": _uuid_bytes(rng, n),
        "device_ts": device_ts,
        "device_id": rng.choice(config.devices, size=n, p=shape["devices"]).astype(np.int32),
        "device_temp": np.asarray(TEMPERATURES, np.int32)[
            rng.choice(len(TEMPERATURES), size=n, p=TEMPERATURE_WEIGHTS)
        ],
        "track_id": rng.choice(config.event_tracks, size=n, p=shape["tracks"]).astype(np.int32),
        "activity_type": rng.choice(len(ACTIVITY_TYPES), size=n, p=ACTIVITY_WEIGHTS).astype(
            np.int8
        ),
        "arrival_ts": device_ts + delay,
    }


def _add_duplicates(
    columns: dict[str, np.ndarray], n_dup: int, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """At-least-once producers: resend some events unchanged, a few seconds later."""
    if n_dup == 0:
        return columns
    n = len(columns["device_ts"])
    source = np.sort(rng.choice(n, size=n_dup, replace=False))
    retry_ms = rng.integers(1_000, 30_000, n_dup)
    out = {name: np.concatenate([values, values[source]]) for name, values in columns.items()}
    out["arrival_ts"][n:] += retry_ms
    return out


def _to_table(columns: dict[str, np.ndarray], config: DatasetConfig) -> pa.Table:
    # Stream order: by arrival; stable, so ties keep generation order and bytes stay the same.
    order = np.argsort(columns["arrival_ts"], kind="stable")
    sorted_cols = {name: values[order] for name, values in columns.items()}
    activity = pa.DictionaryArray.from_arrays(
        pa.array(sorted_cols["activity_type"].astype(np.int8)), pa.array(ACTIVITY_TYPES)
    ).cast(pa.string())
    arrays = {
        "uuid": _uuid_strings(sorted_cols["uuid"]),
        "device_ts": pa.array(sorted_cols["device_ts"], pa.timestamp("ms")),
        "device_id": pa.array(sorted_cols["device_id"]),
        "device_temp": pa.array(sorted_cols["device_temp"]),
        "track_id": pa.array(sorted_cols["track_id"]),
        "activity_type": activity,
        "arrival_ts": pa.array(sorted_cols["arrival_ts"], pa.timestamp("ms")),
    }
    table = pa.table(arrays, schema=PLAY_SCHEMA)
    if config.schema_change_day is not None:
        table = _with_schema_change(table, config, sorted_cols["device_ts"])
    return table


def _with_schema_change(table: pa.Table, config: DatasetConfig, device_ts: np.ndarray) -> pa.Table:
    """From the change day on, events carry a new column (the app started sending it)."""
    change_ms = _epoch_ms(config.start) + config.schema_change_day * _MS_PER_DAY  # type: ignore[operator]
    has_column = device_ts >= change_ms
    version_idx = (np.arange(len(device_ts)) * 7919 + config.seed) % len(APP_VERSIONS)
    versions = pa.DictionaryArray.from_arrays(
        pa.array(version_idx.astype(np.int8), mask=~has_column), pa.array(APP_VERSIONS)
    ).cast(pa.string())
    return table.append_column(pa.field(SCHEMA_CHANGE_COLUMN, pa.string()), versions)


def generate_plays(config: DatasetConfig | None = None, progress: bool = False) -> pa.Table:
    """Play events in arrival order (the order a stream would deliver them)."""
    config = config or DatasetConfig()
    n_dup = round(config.rows * config.duplicate_fraction)
    n_unique = config.rows - n_dup
    root = np.random.SeedSequence(config.seed)
    shape_rng, dup_rng, chunk_seed = (np.random.default_rng(s) for s in root.spawn(3))
    shape = {
        "hours": hourly_rhythm(),
        "devices": _device_weights(config, shape_rng),
        "tracks": _track_weights(config, shape_rng),
    }
    sizes = [CHUNK_ROWS] * (n_unique // CHUNK_ROWS) + (
        [n_unique % CHUNK_ROWS] if n_unique % CHUNK_ROWS else []
    )
    chunk_seeds = np.random.SeedSequence(int(chunk_seed.integers(2**63))).spawn(len(sizes))

    def make_chunk(job: tuple[int, np.random.SeedSequence]) -> dict[str, np.ndarray]:
        return _chunk_columns(config, np.random.default_rng(job[1]), job[0], shape)

    jobs = list(zip(sizes, chunk_seeds, strict=True))
    # Each chunk has its own generator, so threads (numpy drops the GIL) give the same data.
    with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
        chunks = list(_progress(pool.map(make_chunk, jobs), len(jobs), progress))
    columns = {name: np.concatenate([c[name] for c in chunks]) for name in chunks[0]}
    return _to_table(_add_duplicates(columns, n_dup, dup_rng), config)


def _progress(items: Iterator[T], total: int, enabled: bool) -> Iterator[T]:
    if not enabled or total < 2:
        return items
    from tqdm.auto import tqdm

    return iter(tqdm(items, total=total, desc="generating", unit="M rows"))


def day_of(config: DatasetConfig, index: int) -> date:
    """The calendar date of day `index` of the dataset."""
    return config.start + timedelta(days=index)


if __name__ == "__main__":  # pragma: no cover - exercised through `python -m lessons.data`
    from lessons.datafiles import main

    raise SystemExit(main())
