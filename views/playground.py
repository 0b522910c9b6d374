"""SQL playground: untrusted SQL run as a Lake Formation principal over the demo lake."""

import pandas as pd
import streamlit as st

from lessons.errors import LabError
from lessons.lake import demo, lakeformation, sandbox
from lessons.paths import data_dir
from views.common import tr, translated_headers

EXAMPLES = (
    "SELECT activity_type, count(*) AS plays, count(DISTINCT device_id) AS devices\n"
    "FROM plays GROUP BY activity_type ORDER BY plays DESC",
    "SELECT * FROM music.processed_data LIMIT 20",
    "SELECT artist_name, count(*) AS plays FROM processed_data\n"
    "GROUP BY artist_name ORDER BY plays DESC LIMIT 10",
    "SELECT * FROM read_json_auto('lake/**/*.json')",
)

# Headers of the page's own tables -> app text keys (query results keep their column names).
HEADER_KEYS = {
    "table": "lake.playground.col.table",
    "permissions": "lake.playground.col.permissions",
    "columns": "lake.playground.col.columns",
    "hidden columns": "lake.playground.col.hidden",
    "rows": "lake.playground.col.rows",
    "principal": "lake.playground.col.principal",
    "resource": "lake.playground.col.resource",
    "on": "lake.playground.col.on",
    "detail": "lake.playground.col.detail",
}


def headed(frame: pd.DataFrame) -> pd.DataFrame:
    """One of the page's own tables with its headers in the learner's language."""
    return translated_headers(frame, HEADER_KEYS)


@st.cache_resource(show_spinner=False)
def demo_state(folder: str) -> tuple:
    """The demo lake, its catalog read into memory, and the demo grants (once per data folder)."""
    built = demo.build_demo_lake()
    snapshot = sandbox.load_snapshot(demo.glue_client(), built.lake, built.database)
    return built, snapshot, demo.demo_policy(built)


built, snapshot, policy = demo_state(str(data_dir()))
st.title(tr("lake.playground.nav"))
st.write(tr("lake.playground.intro"))
st.caption(tr("lake.playground.lake").format(rows=built.rows, source=built.source))

who = st.selectbox(tr("lake.playground.principal"), list(demo.PRINCIPALS), key="pg_principal")
principal = demo.PRINCIPALS[who]
st.subheader(tr("lake.playground.sees"))
st.dataframe(headed(lakeformation.visibility(policy, principal, snapshot.infos)), hide_index=True)
with st.expander(tr("lake.playground.grants")):
    st.dataframe(headed(lakeformation.grants_table(policy)), hide_index=True)

example = st.selectbox(tr("lake.playground.example"), EXAMPLES, key="pg_example",
                       format_func=lambda sql: " ".join(sql.split()))  # fmt: skip
sql = st.text_area(tr("lake.playground.sql"), example, height=120, key=f"pg_sql_{example}")
if st.button(tr("lake.playground.run"), key="pg_run", type="primary"):
    try:
        result = sandbox.run_untrusted(sql, principal, policy, snapshot)
    except LabError as refusal:  # refused, denied or stopped: say why, never a traceback
        st.error(str(refusal))
    else:
        left, right = st.columns(2)
        left.metric(tr("lake.playground.rows"), f"{len(result.rows):,}")
        right.metric(tr("lake.playground.elapsed"), f"{result.elapsed_s:.2f}")
        if result.truncated:
            st.warning(tr("lake.playground.truncated").format(rows=result.max_rows))
        hidden = sorted({c for _, cols in result.hidden_columns for c in cols})
        if hidden:
            st.info(tr("lake.playground.hidden").format(columns=", ".join(hidden)))
        st.dataframe(result.rows, hide_index=True)
