"""Writing and loading dataset folders, and the `python -m lessons.data` command line."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from lessons.data import DatasetConfig, generate_tracks
from lessons.datafiles import (
    WriteOptions,
    connect,
    load_plays,
    load_tracks,
    main,
    read_manifest,
    verify_dataset,
    write_dataset,
)
from lessons.errors import DatasetError, LabError
from lessons.paths import PROJECT_ROOT

CONFIG = DatasetConfig(rows=5_000, seed=11, duplicate_fraction=0.01, schema_change_day=3)
ALL_FORMATS = WriteOptions(formats=("parquet", "jsonl", "csv"), partition="event")


def digests(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_same_seed_gives_the_same_bytes_in_every_format(tmp_path: Path) -> None:
    write_dataset(tmp_path / "a", CONFIG, ALL_FORMATS)
    write_dataset(tmp_path / "b", CONFIG, ALL_FORMATS)
    assert digests(tmp_path / "a") == digests(tmp_path / "b")
    write_dataset(tmp_path / "c", CONFIG.replace(seed=12), ALL_FORMATS)
    assert digests(tmp_path / "a") != digests(tmp_path / "c")


def test_partitioned_layout_is_hive_style_and_drops_the_new_column_before_its_day(
    tmp_path: Path,
) -> None:
    manifest = write_dataset(tmp_path / "ds", CONFIG, ALL_FORMATS)
    days = sorted(p.name for p in (tmp_path / "ds/plays/jsonl").iterdir())
    assert days == [f"dt=2026-11-0{d}" for d in range(2, 9)]
    first = (tmp_path / "ds/plays/jsonl/dt=2026-11-02/part-0.jsonl").read_text().splitlines()[0]
    last = (tmp_path / "ds/plays/jsonl/dt=2026-11-08/part-0.jsonl").read_text().splitlines()[0]
    assert "app_version" not in json.loads(first)
    assert json.loads(last)["app_version"]
    assert sum(e["rows"] for n, e in manifest["plays_files"].items() if "/jsonl/" in n) == 5_000


def test_json_lines_look_like_the_workshop_events(tmp_path: Path) -> None:
    write_dataset(tmp_path / "ds", DatasetConfig(rows=100), WriteOptions(formats=("jsonl",)))
    event = json.loads((tmp_path / "ds/plays.jsonl").read_text().splitlines()[0])
    assert list(event)[:6] == [
        "uuid", "device_ts", "device_id", "device_temp", "track_id", "activity_type",
    ]  # fmt: skip
    assert len(event["device_ts"]) == len("2026-11-02 18:03:22.123")
    assert isinstance(event["track_id"], int)


def test_loading_round_trips_and_processed_data_joins_with_a_cast(tmp_path: Path) -> None:
    write_dataset(tmp_path / "ds", CONFIG, ALL_FORMATS)
    assert load_plays(tmp_path / "ds").num_rows == 5_000
    assert load_tracks(tmp_path / "ds").equals(generate_tracks())
    con = connect(tmp_path / "ds")
    assert con.sql("SELECT count(*) FROM processed_data").fetchone()[0] == 5_000
    assert (
        con.sql("SELECT count(*) FROM processed_data WHERE artist_name IS NULL").fetchone()[0] == 0
    )


def test_committed_tracks_reference_matches_the_generator() -> None:
    committed = pacsv.read_csv(
        PROJECT_ROOT / "datasets/reference/tracks.csv",
        convert_options=pacsv.ConvertOptions(column_types={"track_id": "string"}),
    )
    assert committed.equals(generate_tracks())


def test_missing_dataset_is_a_clear_error_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"python -m lessons.data generate"):
        load_plays(tmp_path / "nothing-here")


def test_corrupt_files_are_reported_not_crashed_on(tmp_path: Path) -> None:
    write_dataset(tmp_path / "ds", CONFIG)
    (tmp_path / "ds/plays.parquet").write_bytes(b"not parquet at all")
    assert verify_dataset(tmp_path / "ds") == ["plays.parquet: contents changed or corrupt"]
    with pytest.raises(DatasetError, match="Cannot read"):
        load_plays(tmp_path / "ds")
    (tmp_path / "ds/manifest.json").write_text("{broken")
    with pytest.raises(DatasetError, match="not valid JSON"):
        read_manifest(tmp_path / "ds")


def test_a_failed_write_leaves_the_previous_dataset_untouched(tmp_path: Path, monkeypatch) -> None:
    write_dataset(tmp_path / "ds", CONFIG)
    before = digests(tmp_path / "ds")

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("lessons.datafiles._write_table", disk_full)
    with pytest.raises(OSError):
        write_dataset(tmp_path / "ds", CONFIG.replace(seed=99))
    assert digests(tmp_path / "ds") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ds"], "no staging folder left behind"


def test_unknown_format_is_rejected() -> None:
    with pytest.raises(LabError, match="Unknown format"):
        WriteOptions(formats=("xml",))


def test_cli_generates_and_reports(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli"
    assert main(["generate", "--out", str(out), "--rows", "1000", "--no-progress"]) == 0
    assert "wrote 1,000 plays" in capsys.readouterr().out
    assert main(["info", str(out)]) == 0
    assert "1,000 plays" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["generate", "--out", "X", "--rows", "-5"], "rows must be between"),
        (["generate", "--out", "X", "--formats", "xml"], "Unknown format"),
        (["generate", "--out", "X", "--duplicates", "0.9"], "duplicate_fraction"),
        (["info", "X"], "No music dataset"),
    ],
)
def test_cli_bad_input_gives_one_line_and_writes_nothing(
    argv: list[str], message: str, tmp_path: Path, capsys
) -> None:
    argv = [str(tmp_path / a) if a == "X" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_cli_rejects_malformed_arguments_without_a_traceback(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "lessons.data", "generate", "--out", str(tmp_path)]
    result = subprocess.run([*command, "--rows", "many"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "invalid int value: 'many'" in result.stderr and "Traceback" not in result.stderr
