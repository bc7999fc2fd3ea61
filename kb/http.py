"""Small request helpers every app shares."""

from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str) -> str:
    """The ``next`` the request carries (POST first, then the query string) when it points
    at this site, else ``default``: the one open-redirect check of every view."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    # A path must start with "/": redirect() reads "billing" as a URL name to reverse
    # (a NoReverseMatch, so a 500), and a browser would resolve it against the current page.
    if not candidate.startswith(("/", "http://", "https://")):
        return default
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default
