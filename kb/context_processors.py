from django.conf import settings
from django.utils.functional import SimpleLazyObject

from kb.locale import page_translations
from kb.permissions import is_agent


def site(request):
    """Site name and the viewer's role, for the navigation bar."""
    user = getattr(request, "user", None)
    return {
        "site_name": settings.KB_SITE_NAME,
        "viewer_is_agent": is_agent(user) if user is not None else False,
    }


def languages(request):
    """``page_translations`` (I18N_DESIGN.md, contract 2) for pages whose view sets none:
    the same page in every language. A view's own value wins (its context is above this)."""
    return {"page_translations": SimpleLazyObject(lambda: page_translations(request))}
