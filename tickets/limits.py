"""The rate limits of the public ticket forms, in one place (the views only apply them,
through :func:`kb.throttle.limit_response`).

Rates can be overridden per scope and key in ``settings.KB_RATE_LIMITS`` (see kb.throttle).
"""

from datetime import timedelta

from kb import throttle

# The callback form and the request form share one scope and key: one IP cannot spam both.
PUBLIC_FORM_SCOPE = "callback"
# Every POST counts against the IP; only valid requests count against the phone number,
# so someone fixing a typo is not locked out.
CALLBACK_IP_RATE = throttle.Rate(20, timedelta(hours=1))
CALLBACK_PHONE_RATE = throttle.Rate(3, timedelta(days=1))

REPLY_SCOPE = "request_reply"
REPLY_RATE = throttle.Rate(30, timedelta(hours=1))

DEFLECTION_SCOPE = "deflection"
DEFLECTION_RATE = throttle.Rate(60, timedelta(hours=1))


def by_ip(request, rate: throttle.Rate) -> list[throttle.Limit]:
    """The one limit most forms have: ``rate`` per client address."""
    return [throttle.Limit("ip", throttle.client_ip(request), rate)]


# The cancel flow's event beacon (route shown, self-service link followed; see kb.beacons).
FLOW_EVENT_SCOPE = "cancel_flow_event"
FLOW_EVENT_ADDRESS_RATE = throttle.Rate(300, timedelta(hours=1))
FLOW_EVENT_VISITOR_RATE = throttle.Rate(60, timedelta(hours=1))
