"""Old links of a help center imported from Zendesk Guide (``manage.py import_zendesk``):
``/hc/en-us/articles/360001-How-to-...`` and the like answer 301 to the imported page, so
bookmarks, links in old emails and search engines follow the move."""

from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from kb.params import parse_id
from kb.permissions import is_agent

from .. import selectors


def zendesk_redirect(request, kind: str, zendesk_id: str, locale: str | None = None):
    # The URL pattern takes any run of digits; one past a database integer is a 404 here.
    number = parse_id(zendesk_id)
    url = number and selectors.imported_url(kind=kind, external_id=number, include_drafts=is_agent(request.user))
    if not url:
        raise Http404("No imported page has this id.")
    return HttpResponsePermanentRedirect(url)


def zendesk_home(request, locale: str | None = None):
    return HttpResponsePermanentRedirect(reverse("articles:home"))
