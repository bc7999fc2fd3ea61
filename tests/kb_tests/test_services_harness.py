"""The test harness's own Redis (tests/services.py): it answers, and a stop and restart on
the same port is seen by a client that keeps its address, as a production Redis would be."""

import pytest
import redis


def test_redis_server_stops_and_restarts_on_the_same_port(redis_server):
    client = redis.Redis.from_url(redis_server.url, socket_timeout=2)
    client.set("kb-test", "1")
    assert client.get("kb-test") == b"1"

    redis_server.stop()
    with pytest.raises(redis.ConnectionError):
        client.get("kb-test")

    redis_server.start()
    assert client.ping()
    assert client.get("kb-test") is None  # no persistence: a restart starts empty
