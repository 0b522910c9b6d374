"""DuckDB extensions load from the pip wheels with the network blocked, and fail clearly."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from lessons import duckext
from lessons.errors import LabError


def _loaded(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()
    return {row[0] for row in rows}


def test_extensions_load_offline_from_the_wheels(no_network: list, tmp_path: Path) -> None:
    con = duckext.connect("iceberg", "httpfs", extension_dir=tmp_path / "ext")
    assert {"avro", "iceberg", "httpfs"} <= _loaded(con)
    assert [a for a in no_network if not str(a[0]).startswith("127.")] == []
    settings = con.execute(
        "SELECT current_setting('autoinstall_known_extensions'), "
        "current_setting('allow_unsigned_extensions')"
    ).fetchone()
    assert settings == (False, False)
    installed = sorted(p.name for p in (tmp_path / "ext").rglob("*.duckdb_extension"))
    assert installed == [
        "avro.duckdb_extension",
        "httpfs.duckdb_extension",
        "iceberg.duckdb_extension",
    ]


def test_iceberg_functions_exist_once_loaded(no_network: list, tmp_path: Path) -> None:
    con = duckext.connect("iceberg", extension_dir=tmp_path)
    names = {r[0] for r in con.execute("SELECT function_name FROM duckdb_functions()").fetchall()}
    assert {"iceberg_scan", "iceberg_snapshots"} <= names


def test_second_connection_reuses_the_installed_copy(tmp_path: Path) -> None:
    duckext.connect("avro", extension_dir=tmp_path)
    copy = next(tmp_path.rglob("avro.duckdb_extension"))
    stamp = copy.stat().st_mtime_ns
    con = duckext.connect("avro", extension_dir=tmp_path)
    assert "avro" in _loaded(con)
    assert copy.stat().st_mtime_ns == stamp


def test_default_folder_is_under_the_data_folder(isolated_data_dir: Path) -> None:
    duckext.connect("avro")
    assert list((isolated_data_dir / "duckdb-extensions").rglob("avro.duckdb_extension"))


def test_missing_wheel_gives_a_clear_lab_error(monkeypatch, tmp_path: Path) -> None:
    real = duckext._package_dir
    monkeypatch.setattr(duckext, "_package_dir", lambda n: None if n == "iceberg" else real(n))
    with pytest.raises(LabError, match=r"duckdb-extension-iceberg==\d+\.\d+\.\d+ is missing"):
        duckext.connect("iceberg", extension_dir=tmp_path)


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    with pytest.raises(duckext.ExtensionError, match="Unknown DuckDB extension 'spatial'"):
        duckext.connect("spatial", extension_dir=tmp_path)


def test_an_altered_extension_file_is_refused(monkeypatch, tmp_path: Path) -> None:
    fake_package = tmp_path / "pkg"
    target = fake_package / "extensions" / f"v{duckdb.__version__}" / "avro.duckdb_extension"
    target.parent.mkdir(parents=True)
    shutil.copy(duckext.extension_file("avro"), target)
    with target.open("r+b") as handle:  # overwrite part of the signature block at the end
        handle.seek(-100, 2)
        handle.write(bytes(50))
    monkeypatch.setattr(duckext, "_package_dir", lambda name: fake_package)
    with pytest.raises(duckext.ExtensionError, match="signature"):
        duckext.connect("avro", extension_dir=tmp_path / "ext")
