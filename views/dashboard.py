"""Dashboard: the Quick Sight test queries with filters, SPICE vs direct query, RLS and CLS."""

import tempfile

import pandas as pd
import streamlit as st

from lessons.data import DatasetConfig
from lessons.i18n import t
from lessons.serving import access, dashboard, figures, processed, spice
from views.common import lang, tr, translated_headers

ROWS, SEED = 200_000, 11
START = "2026-11-02"
# Headers and mode names of the both-modes table -> app text keys.
HEADER_KEYS = {
    "mode": "serving.col.mode",
    "median ms": "serving.col.median_ms",
    "p95 ms": "serving.col.p95_ms",
    "plays shown": "serving.col.plays_shown",
    "plays not shown yet": "serving.col.not_shown",
    "staleness min": "serving.col.staleness_min",
}
MODE_KEYS = {t(key, "en"): key for key in ("serving.mode.spice", "serving.mode.direct")}


@st.cache_resource(show_spinner=False)
def lake_glob(rows: int, seed: int) -> str:
    """processed_data written once per app process into its own lake folder."""
    root = tempfile.mkdtemp(prefix="pipeline-lab-serving-")
    processed.write_processed_data(root, DatasetConfig(rows=rows, seed=seed, late_fraction=0.05))
    return processed.processed_glob(root)


@st.cache_resource(max_entries=16, show_spinner=False)
def spice_at(glob: str, interval_min: int, hour: int) -> spice.SpiceDataset:
    schedule = spice.RefreshSchedule(interval_min * 60, first_at_s=spice.clock_of(START))
    dataset = spice.SpiceDataset(glob, schedule)
    dataset.tick(spice.clock_of(START) + hour * 3600)
    return dataset


@st.cache_resource(show_spinner=False)
def direct(glob: str) -> spice.DirectQuery:
    return spice.DirectQuery(glob)


@st.cache_data(show_spinner=False)
def choices(glob: str) -> tuple[list[str], list[int], list]:
    con = direct(glob).con
    path = glob.replace("'", "''")
    frame = con.sql(
        f"SELECT list(DISTINCT artist_name ORDER BY artist_name), "
        f"list(DISTINCT device_id ORDER BY device_id), list(DISTINCT dt ORDER BY dt) "
        f"FROM read_parquet('{path}', hive_partitioning = true)"
    ).fetchone()
    return list(frame[0]), list(frame[1]), list(frame[2])


def role(person: access.Principal, words: str) -> str:
    """A short name for the kind of viewer, short enough for the selector."""
    return t(f"serving.role.{person.role}", words)


def described(person: access.Principal) -> str:
    """Which rows and columns a principal sees, in the learner's language."""
    if person.role == "label_manager":
        rows = tr("serving.dash.rows.artists").format(count=len(person.scope))
    elif person.role == "device_support":
        rows = tr("serving.dash.rows.devices").format(devices=", ".join(person.scope))
    elif person.row_filter:
        rows = tr("serving.dash.rows.filter").format(filter=person.row_filter)
    else:
        rows = tr("serving.dash.rows.all")
    hidden = person.hidden(dashboard.FACT_COLUMNS)
    columns = (tr("serving.dash.cols.hidden").format(columns=", ".join(hidden)) if hidden
               else tr("serving.dash.cols.all"))  # fmt: skip
    return tr("serving.dash.who").format(
        name=person.name, role=role(person, lang()), rows=rows, columns=columns
    )


def headed(table: pd.DataFrame) -> pd.DataFrame:
    """The both-modes table with its headers and mode names in the learner's language."""
    shown = table.assign(
        mode=table["mode"].map(lambda m: tr(MODE_KEYS[m]) if m in MODE_KEYS else m)
    )
    return translated_headers(shown, HEADER_KEYS)


st.title(tr("serving.nav.dashboard"))
st.write(tr("serving.dash.intro"))
glob = lake_glob(ROWS, SEED)
artists, devices, days = choices(glob)
people = {**access.lake_formation_principals(), **access.default_principals(artists)}
# Widget labels are formatted again when the widgets' state is read (AppTest does it outside
# the script run), so the format function keeps the language of this run.
words = lang()

top = st.columns([1, 1, 1, 1.4])
mode = top[0].radio(tr("serving.dash.mode"), ["spice", "direct"],
                    format_func=lambda m: t(f"serving.dash.mode.{m}", words))  # fmt: skip
interval = top[1].selectbox(tr("serving.dash.interval"), [60, 120, 360, 1440])
hour = top[2].slider(tr("serving.dash.clock"), 1, 24 * len(days), 24 * len(days))
who = top[3].selectbox(tr("serving.dash.principal"), list(people),
                       format_func=lambda n: f"{n} ({role(people[n], words)})")  # fmt: skip
principal = people[who]
st.caption(described(principal))

left, middle, right = st.columns(3)
picked = left.date_input(tr("serving.dash.dates"), (days[0], days[-1]), days[0], days[-1])
chosen_artists = middle.multiselect(tr("serving.dash.artists"), artists, placeholder=tr("quiz.all"))
chosen_devices = right.multiselect(tr("serving.dash.devices"), devices, placeholder=tr("quiz.all"),
                                   disabled=not principal.may_see("device_id"))  # fmt: skip
start, end = (picked[0], picked[-1]) if len(picked) else (None, None)
# A device filter picked before switching to a principal without device_id would be refused;
# drop it and say so, as the disabled widget already shows.
if chosen_devices and not principal.may_see("device_id"):
    st.caption(f"{tr('serving.dash.bad_filter')}: device_id")
    chosen_devices = []
filters = dashboard.Filters(
    start, end, tuple(chosen_artists), tuple(int(d) for d in chosen_devices)
)

now = spice.clock_of(START) + hour * 3600
spice_data = spice_at(glob, int(interval), hour)
source = spice_data.source() if mode == "spice" else direct(glob).source(now)
seconds, shown = spice.time_interactions(source, [filters], principal)
live = dashboard.render(direct(glob).source(now), filters, principal).total_plays
view = dashboard.render(source, filters, principal)

cols = st.columns(4)
cols[0].metric(tr("serving.dash.latency"), f"{seconds[0] * 1000:.0f}")
stale = spice_data.staleness_s(now) if mode == "spice" else 0.0
cols[1].metric(tr("serving.dash.staleness"), f"{stale / 60:.0f}")
cols[2].metric(tr("serving.dash.shown"), f"{shown:,}")
cols[3].metric(tr("serving.dash.behind"), f"{live - shown:,}")

grid = st.columns(2)
for i, name in enumerate(dashboard.VISUALS):
    with grid[i % 2]:
        if name in view.visuals:
            frame = view.visuals[name]
            st.plotly_chart(figures.visual(name, frame, tr(f"serving.visual.{name}"), words))
        else:
            st.info(tr("serving.dash.hidden").format(
                visual=tr(f"serving.visual.{name}"), principal=view.principal,
                columns=", ".join(view.hidden[name])))  # fmt: skip
st.caption(tr("serving.dash.security"))

if st.button(tr("serving.dash.compare")):
    clicks = spice.sample_interactions(artists, devices, days, 12, seed=1)
    if not principal.may_see("device_id"):
        clicks = [dashboard.Filters(c.start, c.end, c.artists) for c in clicks]
    st.dataframe(headed(spice.compare_modes(spice_data, direct(glob), now, clicks, principal)),
                 hide_index=True)  # fmt: skip
