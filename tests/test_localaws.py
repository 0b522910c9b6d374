"""The local AWS endpoint: loopback only, one server per process, real AWS only on opt-in."""

from __future__ import annotations

import os

import boto3
import pytest

from lessons import localaws


@pytest.fixture
def local(no_network):
    yield no_network
    localaws.reset()


def test_clients_reach_the_local_server_and_nothing_else(local) -> None:
    kinesis = localaws.client("kinesis")
    kinesis.create_stream(StreamName="plays", ShardCount=2)
    shards = kinesis.describe_stream(StreamName="plays")["StreamDescription"]["Shards"]
    assert len(shards) == 2
    assert local, "calls were made"
    assert all(address[0] == "127.0.0.1" for address in local)


def test_the_server_starts_once_per_process(local) -> None:
    first = localaws.endpoint()
    second = localaws.endpoint()
    assert first == second and first.is_local
    assert first.url.startswith("http://127.0.0.1:")


def test_plain_boto3_calls_go_local_too(local) -> None:
    localaws.client("sqs").create_queue(QueueName="plays")
    assert os.environ["AWS_ENDPOINT_URL"] == localaws.endpoint().url
    queues = boto3.client("sqs").list_queues()["QueueUrls"]
    assert queues and queues[0].startswith("http://127.0.0.1")


def test_reset_forgets_every_resource(local) -> None:
    s3 = localaws.client("s3")
    s3.create_bucket(Bucket="lake")
    localaws.reset()
    assert s3.list_buckets()["Buckets"] == []


def test_stop_restores_the_environment_and_a_new_client_restarts(local) -> None:
    localaws.client("s3")
    localaws.stop()
    assert not localaws.is_running()
    assert "AWS_ENDPOINT_URL" not in os.environ or not os.environ["AWS_ENDPOINT_URL"].startswith(
        "http://127.0.0.1"
    )
    assert localaws.client("s3").list_buckets()["Buckets"] == []
    assert localaws.is_running()


def test_opting_into_real_aws_builds_clients_for_aws_without_calling_it(monkeypatch) -> None:
    monkeypatch.setenv(localaws.REAL_AWS_ENV, "1")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    assert localaws.endpoint() == localaws.Endpoint(url=None, region="eu-west-1")
    client = localaws.client("kinesis")
    assert client.meta.endpoint_url == "https://kinesis.eu-west-1.amazonaws.com"
