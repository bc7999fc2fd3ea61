"""Rate limits stored in the database: per key, per window, with a retry time."""

import json
import sys
from datetime import UTC, datetime, timedelta

import pytest

from kb import throttle
from kb.models import ThrottleWindow

from .conftest import base_env, run

T0 = datetime(2026, 6, 3, 17, 0, tzinfo=UTC)
RATE = throttle.Rate(3, timedelta(hours=1))


@pytest.fixture(autouse=True)
def at_t0(clock):
    clock(T0)
    return clock


def hit(value="203.0.113.9", rate=RATE):
    return throttle.hit(scope="test", limits=[throttle.Limit("ip", value, rate)])


def test_hits_within_the_rate_are_allowed_and_the_next_is_limited_until_the_window_ends(db, clock):
    assert [hit().limited for _ in range(3)] == [False, False, False]
    clock(T0 + timedelta(minutes=20))
    decision = hit()
    assert decision.limited and decision.limit_name == "ip"
    assert decision.retry_at == T0 + timedelta(hours=1)
    assert decision.retry_after_seconds(T0 + timedelta(minutes=20)) == 40 * 60
    clock(T0 + timedelta(hours=1))
    assert not hit().limited


def test_a_hit_costs_one_statement_per_limit_and_the_window_holds_the_count(db, django_assert_num_queries):
    limits = [throttle.Limit("ip", "203.0.113.9", RATE), throttle.Limit("phone", "+14155552671", RATE)]
    with django_assert_num_queries(4):  # each window's first hit also prunes older windows
        throttle.hit(scope="test", limits=limits)
    with django_assert_num_queries(2):
        throttle.hit(scope="test", limits=limits)
    counts = dict(ThrottleWindow.objects.values_list("scope", "hits"))
    assert counts == {"test.ip": 2, "test.phone": 2}
    assert not throttle.peek(scope="test", limits=limits[:1]).limited
    hit()
    assert throttle.peek(scope="test", limits=limits[:1]).limited  # peek reads the same rows


def test_keys_are_counted_separately_and_stored_only_as_hashes(db):
    for _ in range(3):
        hit("203.0.113.9")
    assert not hit("198.51.100.7").limited
    stored = set(ThrottleWindow.objects.values_list("key_hash", flat=True))
    assert len(stored) == 2 and not any("203.0.113.9" in k for k in stored)


def test_the_most_distant_retry_time_wins_when_several_limits_are_exceeded(db):
    daily = throttle.Rate(1, timedelta(days=1))
    limits = [throttle.Limit("ip", "203.0.113.9", throttle.Rate(1, timedelta(hours=1))),
              throttle.Limit("phone", "+14155552671", daily)]
    throttle.hit(scope="test", limits=limits)
    decision = throttle.hit(scope="test", limits=limits)
    assert decision.limited and decision.limit_name == "phone"
    assert decision.retry_at == datetime(2026, 6, 4, tzinfo=UTC)


def test_rates_can_be_overridden_in_settings(db, settings):
    settings.KB_RATE_LIMITS = {"test.ip": "1/h"}
    assert not hit().limited
    assert hit().limited


def test_old_windows_are_pruned(db, clock):
    hit()
    clock(T0 + timedelta(hours=5))
    hit()
    assert ThrottleWindow.objects.count() == 1


def test_rate_strings_parse():
    assert throttle.Rate.parse("5/h") == throttle.Rate(5, timedelta(hours=1))
    assert throttle.Rate.parse("10/15m") == throttle.Rate(10, timedelta(minutes=15))
    assert throttle.Rate.parse("3/d") == throttle.Rate(3, timedelta(days=1))


def test_forwarded_addresses_are_only_trusted_behind_configured_proxies(rf, settings):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="1.1.1.1, 10.0.0.2", REMOTE_ADDR="10.0.0.1")
    assert throttle.client_ip(request) == "10.0.0.1"
    settings.KB_TRUSTED_PROXY_COUNT = 1
    assert throttle.client_ip(request) == "10.0.0.2"


# --- KB_RATE_LIMITS from the environment ----------------------------------------------
# Settings are read once at import, so these start Django in a child process.

CONFIGURED_RATES = """
import json
import django
django.setup()
from django.conf import settings
from kb import throttle
from tickets.views.cancel_flow import CALLBACK_IP_RATE, CALLBACK_PHONE_RATE
ip = throttle.configured_rate("callback", "ip", CALLBACK_IP_RATE)
phone = throttle.configured_rate("callback", "phone", CALLBACK_PHONE_RATE)
print(json.dumps({"setting": settings.KB_RATE_LIMITS,
                  "ip": [ip.limit, ip.period.total_seconds()], "phone": [phone.limit, phone.period.total_seconds()]}))
"""


def configured_rates(tmp_path, value: str | None):
    env = base_env(tmp_path)
    env.pop("KB_RATE_LIMITS", None)
    if value is not None:
        env["KB_RATE_LIMITS"] = value
    done = run([sys.executable, "-c", CONFIGURED_RATES], env)
    return done, (json.loads(done.stdout.strip().splitlines()[-1]) if done.returncode == 0 else None)


def test_without_kb_rate_limits_the_built_in_rates_apply(tmp_path):
    done, rates = configured_rates(tmp_path, None)
    assert done.returncode == 0, done.stderr
    assert rates == {"setting": {}, "ip": [20, 3600.0], "phone": [3, 86400.0]}


def test_kb_rate_limits_from_the_environment_override_only_the_named_limits(tmp_path):
    done, rates = configured_rates(tmp_path, '{"callback.ip": "100000/h"}')
    assert done.returncode == 0, done.stderr
    assert rates == {"setting": {"callback.ip": "100000/h"}, "ip": [100000, 3600.0], "phone": [3, 86400.0]}


def test_a_malformed_kb_rate_limits_stops_the_start_with_a_clear_message(tmp_path):
    for value, message in (("callback.ip=40/h", "must be a JSON object"),
                           ('["callback.ip"]', "must be a JSON object"),
                           ('{"callback.ip": "lots"}', "must be a rate such as"),
                           ('{"callback.ip": 40}', "must be a rate such as"),
                           ('{"callback": "40/h"}', "must name a scope and a key")):
        done, _ = configured_rates(tmp_path, value)
        assert done.returncode != 0, value
        assert "ImproperlyConfigured" in done.stderr and message in done.stderr, (value, done.stderr[-500:])
