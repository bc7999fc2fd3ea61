"""Heavy use gets 429 with Retry-After, counted by kb.throttle (shared by every worker), with
the limits search.api sets for the whole /api/v2/ (the search endpoints count there too)."""

from rest_framework.throttling import BaseThrottle

from kb import clock, throttle
from search.api import API_SCOPE, api_limits


class ApiThrottle(BaseThrottle):
    def allow_request(self, request, view):
        decision = throttle.hit(scope=API_SCOPE, limits=api_limits(request.user, request))
        self._wait = decision.retry_after_seconds(clock.now()) if decision.limited else None
        return not decision.limited

    def wait(self):
        return self._wait
