"""A local AWS endpoint (moto's server on 127.0.0.1) and boto3 clients bound to it.

Learners write ordinary boto3 calls; by default they reach moto on this machine, with dummy
credentials, so nothing leaves the laptop and nothing costs money. Setting the environment
variable PIPELINE_LAB_REAL_AWS=1 sends the very same calls to real AWS (the learner's own
credentials and region); nothing else changes.

The server starts once per process, on a free port, the first time a client is asked for, and
stops at exit (or with `stop()`).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import urllib.request
from dataclasses import dataclass

import boto3
from botocore.config import Config

REAL_AWS_ENV = "PIPELINE_LAB_REAL_AWS"
DEFAULT_REGION = "us-east-1"
LOOPBACK = "127.0.0.1"
# Dummy credentials: boto3 never looks further (no instance-metadata lookup on the network).
_LOCAL_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": DEFAULT_REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}
_CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2})


@dataclass(frozen=True)
class Endpoint:
    """Where boto3 calls go: the local server's URL, or None for real AWS."""

    url: str | None
    region: str

    @property
    def is_local(self) -> bool:
        return self.url is not None


def use_real_aws() -> bool:
    """True when the learner has opted into real AWS (PIPELINE_LAB_REAL_AWS=1)."""
    return os.environ.get(REAL_AWS_ENV, "").strip().lower() in ("1", "true", "yes")


class _LocalServer:
    """moto's threaded server, started at most once per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._server = None
        self._url: str | None = None
        self._saved_env: dict[str, str | None] = {}

    def start(self) -> str:
        with self._lock:
            if self._url is None:
                from moto.server import ThreadedMotoServer

                # One access-log line per boto3 call would drown a notebook's output.
                logging.getLogger("werkzeug").setLevel(logging.WARNING)
                server = ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
                server.start()
                host, port = server.get_host_and_port()
                self._server, self._url = server, f"http://{host}:{port}"
                self._export_env(self._url)
            return self._url

    def _export_env(self, url: str) -> None:
        # Plain boto3.client("kinesis") in a notebook then reaches the local server too.
        wanted = {**_LOCAL_ENV, "AWS_ENDPOINT_URL": url}
        self._saved_env = {name: os.environ.get(name) for name in wanted}
        os.environ.update(wanted)

    def stop(self) -> None:
        with self._lock:
            if self._server is None:
                return
            self._server.stop()
            self._server, self._url = None, None
            for name, old in self._saved_env.items():
                if old is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = old

    @property
    def url(self) -> str | None:
        return self._url


_SERVER = _LocalServer()
atexit.register(_SERVER.stop)


def endpoint() -> Endpoint:
    """The endpoint in use, starting the local server if the learner has not opted out."""
    if use_real_aws():
        return Endpoint(url=None, region=os.environ.get("AWS_DEFAULT_REGION", DEFAULT_REGION))
    return Endpoint(url=_SERVER.start(), region=DEFAULT_REGION)


def client(service: str, region: str | None = None):
    """A boto3 client for `service` (e.g. "kinesis", "sqs", "glue"), local unless opted out."""
    where = endpoint()
    if not where.is_local:
        return boto3.client(service, region_name=region or where.region, config=_CLIENT_CONFIG)
    return boto3.session.Session(
        aws_access_key_id=_LOCAL_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=_LOCAL_ENV["AWS_SECRET_ACCESS_KEY"],
        aws_session_token=_LOCAL_ENV["AWS_SESSION_TOKEN"],
        region_name=region or where.region,
    ).client(service, endpoint_url=where.url, config=_CLIENT_CONFIG)


def reset() -> None:
    """Forget every resource on the local server (between experiments and tests)."""
    if _SERVER.url is None:
        return
    request = urllib.request.Request(f"{_SERVER.url}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def stop() -> None:
    """Stop the local server (also done automatically at exit)."""
    _SERVER.stop()


def is_running() -> bool:
    """True while the local server is up in this process."""
    return _SERVER.url is not None
