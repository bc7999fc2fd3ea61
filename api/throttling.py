"""Heavy use gets 429 with Retry-After, counted by kb.throttle (shared by every worker).

Zendesk allows 700 requests a minute on its larger plans; signed-in callers get that,
anonymous ones a third of it per address. Both can be changed per deployment in
``KB_RATE_LIMITS`` (``{"api.user": "1000/m", "api.ip": "100/m"}``).
"""

from rest_framework.throttling import BaseThrottle

from kb import clock, throttle

SCOPE = "api"
USER_RATE = throttle.Rate.parse("700/m")
ANONYMOUS_RATE = throttle.Rate.parse("200/m")


def _decision(limits: list[throttle.Limit]):
    """The one call into kb.throttle (its signature may change: change it here)."""
    at = clock.now()
    return throttle.hit(scope=SCOPE, limits=limits, at=at), at


class ApiThrottle(BaseThrottle):
    def allow_request(self, request, view):
        if request.user and request.user.is_authenticated:
            limits = [throttle.Limit("user", str(request.user.pk), USER_RATE)]
        else:
            limits = [throttle.Limit("ip", throttle.client_ip(request), ANONYMOUS_RATE)]
        decision, at = _decision(limits)
        self._wait = decision.retry_after_seconds(at) if decision.limited else None
        return not decision.limited

    def wait(self):
        return self._wait
