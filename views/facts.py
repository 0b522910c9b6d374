"""The facts table: every AWS number the course uses, with its source and date."""

import pandas as pd
import streamlit as st

from lessons import facts
from views.common import tr

st.title(tr("nav.facts"))
st.write(tr("facts.intro"))

query = st.text_input(tr("facts.search"), max_chars=80).strip().lower()


def matches(f: facts.Fact) -> bool:
    return not query or query in f.id.lower() or query in f.title.lower()


# Headers in the learner's language; the fact titles themselves are kept in English.
columns = {"id": "id", "fact": tr("facts.col.fact"), "value": tr("facts.col.value"),
           "as of": tr("facts.col.as_of"), "source": tr("facts.col.source")}  # fmt: skip
rows = [
    {
        columns["id"]: f.id, columns["fact"]: f.title, columns["value"]: f.display(),
        columns["as of"]: f.as_of.isoformat(), columns["source"]: f.source,
    }
    for f in facts.all_facts().values()
    if matches(f)
]  # fmt: skip
st.dataframe(
    pd.DataFrame(rows, columns=list(columns.values())),
    hide_index=True,
    column_config={columns["source"]: st.column_config.LinkColumn(columns["source"])},
)

st.subheader(tr("facts.changed"))
st.write(tr("facts.changed_intro"))
for f in facts.changes():
    if matches(f):  # the same filter as the table above, so the two never disagree
        st.markdown(f"- **{f.title}**: {f.display()}. {f.changed}")
