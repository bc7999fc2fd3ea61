from django.conf import settings

from kb.permissions import is_agent


def site(request):
    """Site name and the viewer's role, for the navigation bar."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.KB_SITE_NAME,
        "viewer_is_agent": is_agent(user) if user is not None else False,
    }
