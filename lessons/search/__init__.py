"""Search: an inverted index built by hand next to a real engine (tantivy), and index kinds.

`analyzers` and `inverted` build and score an index by hand (BM25); `engine` runs tantivy on the
same documents; `indexes` compares sorted, hash, inverted and full-scan access at scale;
`segments` models immutable segments, tombstones, merges and refresh with an explicit clock;
`cqrs` feeds a search index from a relational source of truth through change events. Each
module's docstring ends in a "Fidelity" note.
"""
