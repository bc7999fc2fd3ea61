"""``/robots.txt`` and ``/sitemap.xml`` (see articles.sitemaps); the feeds are in
articles.feeds."""

from types import SimpleNamespace

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation

from kb.i18n import locales
from kb.params import parse_int

from .. import seo
from ..sitemaps import SITEMAPS

SITEMAP_PAGE_MAX = 100_000
# Pages kept out of search engines: agents' tools, accounts and API tokens, search
# results, requests and tickets, follow and notification links, and the admin. Named by
# one URL under each path, reversed in every locale (their /es/... forms once URLs carry
# a language prefix).
DISALLOWED_URLS = (
    ("tickets:agent_queue", {}),
    ("accounts:login", {}),
    ("api:tokens", {}),
    ("search:search", {}),
    ("tickets:request_list", {}),
    ("articles:following", {}),
    ("articles:follow", {"kind": "article", "pk": 1}),
    ("articles:unsubscribe", {"token": "x"}),
    ("analytics:hit", {}),
)


def _site(request):
    protocol, _, domain = seo.site_root(request).partition("://")
    return protocol, SimpleNamespace(domain=domain)


def _top_directory(path: str, home: str) -> str:
    """``/es/search/`` for ``/es/search/suggest.json`` when the locale's home is ``/es/``."""
    rest = path[len(home):] if path.startswith(home) else path.lstrip("/")
    return home + rest.split("/", 1)[0] + "/"


def disallowed_paths() -> list[str]:
    paths = ["/admin/"]
    for locale in locales():
        with translation.override(locale):
            home = reverse("articles:home")
            for name, kwargs in DISALLOWED_URLS:
                paths.append(_top_directory(reverse(name, kwargs=kwargs), home))
    return list(dict.fromkeys(paths))


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed_paths()), "",
             f"Sitemap: {seo.absolute(request, reverse('seo:sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


def _urls(sitemap, request, page) -> list[dict]:
    protocol, site = _site(request)
    try:
        return sitemap.get_urls(page=page, site=site, protocol=protocol)
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such sitemap page.") from error


def _xml(request, template: str, context: dict) -> TemplateResponse:
    # (No X-Robots-Tag header as Django's view adds: the page cache keeps bodies, not headers.)
    return TemplateResponse(request, template, context, content_type="application/xml")


def sitemap(request):
    """All public pages in one file while each kind fits in one, else a sitemap index of
    ``/sitemap-<kind>.xml`` files (paginated with ``?p=N``)."""
    maps = {name: cls() for name, cls in SITEMAPS.items()}
    if all(m.paginator.num_pages <= 1 for m in maps.values()):
        urls = [url for m in maps.values() for url in _urls(m, request, 1)]
        return _xml(request, "sitemap.xml", {"urlset": urls})
    entries = []
    for name, m in maps.items():
        location = seo.absolute(request, reverse("seo:sitemap_section", kwargs={"section": name}))
        entries += [SimpleNamespace(location=location if n == 1 else f"{location}?p={n}", last_mod=None)
                    for n in m.paginator.page_range]
    return _xml(request, "sitemap_index.xml", {"sitemaps": entries})


def sitemap_section(request, section):
    if section not in SITEMAPS:
        raise Http404("No such sitemap.")
    page = parse_int(request.GET.get("p", "1"), minimum=1, maximum=SITEMAP_PAGE_MAX)
    if page is None:
        raise Http404("No such sitemap page.")
    return _xml(request, "sitemap.xml", {"urlset": _urls(SITEMAPS[section](), request, page)})
