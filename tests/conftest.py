"""Shared fixtures: every test writes generated data into its own temporary folder."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from lessons.paths import DATA_ENV_VAR


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch) -> Path:
    """Point PIPELINE_LAB_DATA at a fresh folder so no test writes into the source tree."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv(DATA_ENV_VAR, str(folder))
    return folder


@pytest.fixture
def no_network(monkeypatch) -> Iterator[list[tuple]]:
    """Fail any connection to a non-loopback address; yields the addresses that were tried."""
    attempts: list[tuple] = []
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address) -> None:
        host = address[0] if isinstance(address, tuple) else address
        attempts.append(address)
        if isinstance(host, str) and not (host.startswith("127.") or host in ("::1", "localhost")):
            raise OSError(f"test blocked a network connection to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.delenv("PIPELINE_LAB_REAL_AWS", raising=False)
    yield attempts


def pytest_report_header() -> str:
    return f"data folder per test; CI={os.environ.get('CI', '')!r}"
