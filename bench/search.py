"""Index build time and query latency for each index kind at 1M documents, plus tantivy.

Run with `make bench` or `python bench/search.py --docs 1000000`. Prints seconds and ratios.
"""

from __future__ import annotations

import argparse
import time

from lessons.search import compare, indexes
from lessons.search.engine import TantivyIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    table = compare.scaling([args.docs], repeats=args.repeats)
    print(f"{args.docs:,} documents")
    for index, part in table.groupby("index", sort=False):
        print(f"  {index:15s} build {part['build_s'].iloc[0]:7.3f} s")
        for _, row in part.iterrows():
            if row["answered"]:
                print(
                    f"    {row['query']:14s} {row['seconds'] * 1e3:9.3f} ms  "
                    f"{int(row['matches']):>7,} matches  {int(row['work']):>9,} {row['unit']}"
                )
            else:
                print(f"    {row['query']:14s} refused")
    answered = table[table["answered"]].set_index(["index", "query"])["seconds"]
    for query, fast in (("equality", "hash index"), ("word (rare)", "inverted index")):
        ratio = answered["full scan", query] / answered[fast, query]
        print(f"  full scan / {fast} on {query}: {ratio:,.0f}x")

    tracks = indexes.synthetic_tracks(args.docs, 0)
    tracks["track_id"] = tracks["track_id"].astype(str)
    began = time.perf_counter()
    engine = TantivyIndex.build(tracks, batch_size=100_000, ngram_fields=False)
    built = time.perf_counter() - began
    times = []
    for _ in range(args.repeats):
        began = time.perf_counter()
        hits = engine.match("torzenpe harbor", limit=10)
        times.append(time.perf_counter() - began)
    times.sort()
    print(
        f"tantivy (no n-gram fields), {args.docs:,} documents: build {built:.2f} s "
        f"({args.docs / built:,.0f} docs/s), {engine.stats()['segments']} segments, "
        "top-10 match 'torzenpe harbor' "
        f"{times[len(times) // 2] * 1e3:.3f} ms, {len(hits)} hits returned"
    )


if __name__ == "__main__":
    main()
