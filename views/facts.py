"""The facts table: every AWS number the course uses, with its source and date."""

import pandas as pd
import streamlit as st

from lessons import facts
from views.common import tr

st.title(tr("nav.facts"))
st.write(tr("facts.intro"))

query = st.text_input(tr("facts.search"), max_chars=80).strip().lower()
rows = [
    {
        "id": f.id, "fact": f.title, "value": f.display(), "as of": f.as_of.isoformat(),
        "source": f.source,
    }
    for f in facts.all_facts().values()
    if not query or query in f.id.lower() or query in f.title.lower()
]  # fmt: skip
st.dataframe(
    pd.DataFrame(rows, columns=["id", "fact", "value", "as of", "source"]),
    hide_index=True,
    column_config={"source": st.column_config.LinkColumn("source")},
)

st.subheader(tr("facts.changed"))
st.write(tr("facts.changed_intro"))
for f in facts.changes():
    st.markdown(f"- **{f.title}**: {f.display()}. {f.changed}")
