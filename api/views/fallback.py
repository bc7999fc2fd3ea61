"""What answers a path under /api/v2/ that no endpoint serves."""

from django.http import JsonResponse


def unknown_endpoint(request):
    """Zendesk's JSON 404, not the site's HTML page: a client (zenpy) then reports an API
    error it understands."""
    return JsonResponse({"error": "InvalidEndpoint", "description": "Not found"}, status=404)
