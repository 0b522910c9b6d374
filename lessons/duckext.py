"""DuckDB extensions loaded offline from the pinned pip wheels, never downloaded.

The DuckDB wheel bundles only a few extensions (core_functions, icu, json, parquet); the others
(httpfs, iceberg, avro) are normally fetched from DuckDB's server at first use, which fails
offline. The registry also publishes them as pip packages (``duckdb-extension-iceberg`` and
friends, pinned in requirements.txt at DuckDB's own version), each holding one signed
``<name>.duckdb_extension`` file. `load` finds that file inside the installed package, installs it
into a local extension folder with ``INSTALL '<path>'`` and loads it, with automatic installing
and loading switched off so that nothing ever reaches the network.

Fidelity: these are DuckDB's own signed binaries, so signature checking stays on: an unsigned or
altered file is refused (``allow_unsigned_extensions`` is never set). Only the extensions below are
known; iceberg needs avro to read Iceberg manifests, so loading iceberg loads avro first.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from lessons.errors import LabError
from lessons.paths import data_dir

# Extension → the extensions it needs loaded first.
EXTENSIONS: dict[str, tuple[str, ...]] = {"avro": (), "httpfs": (), "iceberg": ("avro",)}
_OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


class ExtensionError(LabError):
    """A DuckDB extension the course needs is missing, unknown or cannot be loaded."""


def package_name(name: str) -> str:
    """The pip package that ships extension `name` (e.g. duckdb-extension-iceberg)."""
    return f"duckdb-extension-{name}"


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def extension_file(name: str) -> Path:
    """The ``.duckdb_extension`` file inside the installed wheel for this DuckDB version."""
    if name not in EXTENSIONS:
        raise ExtensionError(
            f"Unknown DuckDB extension {name!r}; the course ships {', '.join(sorted(EXTENSIONS))}."
        )
    pin = f"{package_name(name)}=={duckdb.__version__}"
    folder = _package_dir(name)
    if folder is None:
        raise ExtensionError(
            f"The DuckDB extension {name!r} is not installed: the pip package {pin} is missing. "
            "Install the pinned packages with `.venv/bin/pip install -r requirements.txt` "
            "(`make app` does it) and retry."
        )
    candidates = sorted(folder.rglob(f"v{duckdb.__version__}/{name}.duckdb_extension"))
    if not candidates:
        raise ExtensionError(
            f"{package_name(name)} holds no {name}.duckdb_extension for DuckDB "
            f"{duckdb.__version__}; install {pin} so the two versions match."
        )
    return candidates[0]


def default_extension_dir() -> Path:
    """Where installed copies live: under the data folder, never in the user's home."""
    return data_dir() / "duckdb-extensions"


def _with_dependencies(names: tuple[str, ...]) -> list[str]:
    ordered: list[str] = []
    for name in names:
        for needed in (*EXTENSIONS.get(name, ()), name):
            if needed not in ordered:
                ordered.append(needed)
    return ordered


def _installed(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT extension_name FROM duckdb_extensions() WHERE installed AND install_path <> ''"
    ).fetchall()
    return {row[0] for row in rows}


def load(
    con: duckdb.DuckDBPyConnection, *names: str, extension_dir: Path | None = None
) -> list[str]:
    """Install (from the wheel) and load `names` plus what they need; returns what was loaded."""
    for setting, value in _OFFLINE.items():
        con.execute(f"SET {setting} = {str(value).lower()}")
    folder = Path(extension_dir) if extension_dir else default_extension_dir()
    folder.mkdir(parents=True, exist_ok=True)
    con.execute("SET extension_directory = ?", [folder.as_posix()])
    wanted = _with_dependencies(names)
    files = {name: extension_file(name) for name in wanted}
    installed = _installed(con)
    for name in wanted:
        _install_and_load(con, name, files[name], "" if name in installed else "INSTALL")
    return wanted


def _install_and_load(con: duckdb.DuckDBPyConnection, name: str, file: Path, install: str) -> None:
    try:
        if install:
            con.execute(f"{install} '{file.as_posix()}'")
        con.execute(f"LOAD {name}")
    except duckdb.Error as exc:
        if install != "FORCE INSTALL":
            # A copy left by an earlier run may be stale or damaged: replace it once.
            _install_and_load(con, name, file, "FORCE INSTALL")
            return
        raise ExtensionError(f"DuckDB could not load the {name!r} extension: {exc}") from exc


def connect(
    *names: str, extension_dir: Path | None = None, **config: object
) -> duckdb.DuckDBPyConnection:
    """A new in-memory DuckDB connection with `names` loaded offline."""
    con = duckdb.connect(config={**_OFFLINE, **config})
    load(con, *names, extension_dir=extension_dir)
    return con
