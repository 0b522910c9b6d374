"""Segments, tombstones, merges, refresh (model and tantivy) and the CQRS lag."""

from __future__ import annotations

import numpy as np
import pytest

from lessons import facts
from lessons.data import generate_tracks
from lessons.search import compare, cqrs, inverted, segments
from lessons.search.engine import TantivyIndex


def test_a_write_is_invisible_until_refresh_and_an_update_leaves_a_tombstone() -> None:
    shard = segments.Shard()
    shard.index("7", t_s=0.2)
    shard.index("9", t_s=0.3)
    assert shard.search("7") is None and shard.stats()["pending_ops"] == 2
    shard.refresh(1.0)
    assert shard.search("7") == 1
    shard.index("7", t_s=1.4, version=2)
    assert shard.search("7") == 1, "the old version is still what searches see"
    shard.index("8", t_s=1.5)
    shard.refresh(2.0)
    assert shard.search("7") == 2
    assert shard.stats() == {"segments": 2, "searchable_docs": 3, "deleted_docs": 1,
                             "stored_docs": 4, "pending_ops": 0}  # fmt: skip


def test_a_fully_deleted_segment_is_dropped_and_force_merge_reclaims_tombstones() -> None:
    shard = segments.Shard()
    shard.index("a", 0.1)
    shard.refresh(1)
    shard.delete("a", 1.2)
    shard.refresh(2)
    assert shard.stats()["segments"] == 0 and shard.search("a") is None
    for i, doc in enumerate("bcd"):
        shard.index(doc, 2 + i / 10)
    shard.refresh(3)
    shard.index("b", 3.1, version=2)
    shard.refresh(4)
    assert shard.stats()["deleted_docs"] == 1
    shard.force_merge(5)
    assert shard.stats() == {"segments": 1, "searchable_docs": 3, "deleted_docs": 0,
                             "stored_docs": 3, "pending_ops": 0}  # fmt: skip


def test_merges_keep_the_segment_count_bounded() -> None:
    run = segments.simulate(segments.write_workload(2000, 0, 60, seed=1), 1.0, 60,
                            max_segments=8, merge_factor=4)  # fmt: skip
    assert run.timeline["segments"].max() <= 8
    assert run.merges > 0 and run.copies_written > run.docs_indexed


def test_visibility_waits_for_the_next_refresh() -> None:
    interval = facts.number("opensearch.refresh_interval_default_s")
    run = segments.simulate(segments.write_workload(500, 0.5, 30, seed=2), interval, 30)
    delays = run.writes["delay_s"]
    assert delays.between(0, interval).all()
    assert np.isclose(run.writes["visible_s"] % interval, 0).all()
    slow = segments.simulate(segments.write_workload(500, 0.5, 30, seed=2), 10.0, 30)
    assert slow.writes["delay_s"].mean() > 5 * delays.mean()


def test_refresh_off_means_nothing_is_searchable() -> None:
    run = segments.simulate(segments.write_workload(200, 0, 10, seed=3), -1, 10)
    last = run.timeline.iloc[-1]
    assert last["searchable_docs"] == 0 and last["pending_ops"] == 200
    assert run.writes["visible_s"].isna().all()


def test_updates_cost_tombstones_and_rewrites_write_once_data_does_not() -> None:
    def run(share: float) -> segments.SegmentRun:
        return segments.simulate(segments.write_workload(2000, share, 60, seed=4), 1.0, 60)

    once, churn = run(0.0), run(2.0)
    assert once.deleted_share == 0 and churn.deleted_share > 0.2
    assert churn.copies_per_live_doc > 1.5 * once.copies_per_live_doc


@pytest.mark.parametrize("args", [(0, 0.1, 10), (10, -1, 10), (10, 0.1, 0)])
def test_bad_workloads_are_refused(args) -> None:
    with pytest.raises(segments.SegmentError):
        segments.write_workload(*args)
    with pytest.raises(segments.SegmentError, match="refresh_interval"):
        segments.refresh_times(10, 0)


def test_tantivy_shows_refresh_tombstones_and_merges() -> None:
    steps = compare.tantivy_segments(inverted.documents(generate_tracks())).set_index("step")
    before, after_refresh = steps.iloc[0], steps.iloc[1]
    assert before["live_docs"] == 0 and after_refresh["live_docs"] == 10, "commit != visible"
    updated, merged = steps.iloc[3], steps.iloc[4]
    assert updated["live_docs"] == steps.iloc[2]["live_docs"], "an update adds no live doc"
    assert updated["doc_freq"] == updated["live_matches"] + 1, "the old copy is still counted"
    assert merged["segments"] < updated["segments"]
    assert merged["doc_freq"] == merged["live_matches"], "the merge dropped the tombstone"


def test_tantivy_update_replaces_the_document_in_search() -> None:
    docs = inverted.documents(generate_tracks()).iloc[:5]
    engine = TantivyIndex.build(docs)
    changed = docs.iloc[[0]].copy()
    changed["track_name"] = "Zebra Crossing"
    engine.update(changed)
    engine.commit()
    assert engine.match("zebra") == [], "not searchable before refresh"
    engine.refresh()
    assert [h.doc_id for h in engine.match("zebra")] == [changed["track_id"].iat[0]]
    assert engine.stats()["live_docs"] == 5


def test_cqrs_lag_is_poll_wait_plus_delay_plus_refresh_wait() -> None:
    tracks = generate_tracks()
    run = cqrs.simulate_reviews(tracks, n_writes=400, poll_interval_s=4, consumer_delay_s=0.5,
                                refresh_interval_s=1, seed=5)  # fmt: skip
    lag = run.writes["lag_s"]
    assert (lag >= 0.5).all() and (lag <= 4 + 0.5 + 1).all()
    assert lag.mean() == pytest.approx(cqrs.expected_mean_lag_s(4, 0.5, 1), abs=0.5)
    faster = cqrs.simulate_reviews(tracks, n_writes=400, poll_interval_s=1, seed=5)
    assert faster.writes["lag_s"].mean() < lag.mean()


def test_cqrs_search_lags_sql_but_catches_up() -> None:
    run = cqrs.simulate_reviews(generate_tracks(), n_writes=200, seed=6)
    line = run.timeline
    assert (line["searchable_reviews"] <= line["sql_reviews"]).all()
    assert (line["searchable_reviews"] < line["sql_reviews"]).any()
    assert line.iloc[-1]["searchable_reviews"] == line.iloc[-1]["sql_reviews"]
    assert line.iloc[-1]["stale_reviews"] == 0
    assert {"track_name", "artist_name", "rating"} <= set(run.documents.columns), "denormalized"


def test_cqrs_is_seeded_and_refuses_bad_settings() -> None:
    tracks = generate_tracks()
    a = cqrs.simulate_reviews(tracks, n_writes=50, seed=1).writes
    assert a.equals(cqrs.simulate_reviews(tracks, n_writes=50, seed=1).writes)
    with pytest.raises(cqrs.CqrsError):
        cqrs.simulate_reviews(tracks, poll_interval_s=0)
    with pytest.raises(cqrs.CqrsError, match="refresh"):
        cqrs.simulate_reviews(tracks, refresh_interval_s=-1)
    with pytest.raises(cqrs.CqrsError, match="rating"):
        cqrs.ReviewsSource(tracks).write(1, "0", 9, "x", 0.0)
