"""The page-view beacon: ``POST /analytics/hit`` from static/js/analytics.js. A shell
around :mod:`articles.analytics` (article views) and :mod:`kb.analytics` (visitors)."""

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from kb import analytics as visitors
from kb import clock, throttle
from kb.permissions import is_agent

from .. import analytics


# CSRF-exempt on purpose: the endpoint only increments anonymous counters (it changes no
# account, content or ticket), so a forged request can do no more than a real visit, and
# navigator.sendBeacon cannot send the CSRF header. Floods are bounded by the rate limit.
@csrf_exempt
@require_POST
def hit(request):
    """Count one page view; 204 No Content (the browser ignores the answer)."""
    form = visitors.BeaconForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": "InvalidParameter", "fields": sorted(form.errors)}, status=400)
    at = clock.now()
    decision = throttle.hit(scope="analytics", limits=[
        throttle.Limit("ip", throttle.client_ip(request), visitors.BEACON_RATE)])
    if decision.limited:
        response = HttpResponse(status=429)
        response["Retry-After"] = str(decision.retry_after_seconds(at))
        return response
    # Agents reading their own help center are not customers looking for help.
    if not is_agent(request.user):
        analytics.page_view_record(visitor=visitors.visitor_hash_for(request, at=at),
                                   kind=form.cleaned_data["kind"], object_id=form.cleaned_data["id"], at=at)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    return response
