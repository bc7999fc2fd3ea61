"""``/developers/``: the API's page for people, linked from every page's footer: docs/api.md
rendered (through kb's one Markdown renderer), and every endpoint of the OpenAPI
description. Plain HTML: no script, nothing from another origin (kb's CSP)."""

import functools

from django.conf import settings
from django.shortcuts import render

from articles.markdown import render_markdown

from ..schema import openapi_schema

METHOD_ORDER = ("get", "post", "put", "delete")


@functools.cache
def guide_html() -> str:
    """docs/api.md as sanitised HTML, once a process (it changes with the code only)."""
    path = settings.BASE_DIR / "docs" / "api.md"
    return render_markdown(path.read_text(encoding="utf-8"))


def endpoints() -> list[dict]:
    rows = []
    for path, operations in sorted(openapi_schema()["paths"].items()):
        for method in METHOD_ORDER:
            if method in operations:
                summary = operations[method].get("summary") or operations[method].get("description") or ""
                rows.append({"method": method.upper(), "path": path, "summary": summary.split("\n\n")[0]})
    return rows


def developers(request):
    return render(request, "api/developers.html", {
        "guide": guide_html(),
        "endpoints": endpoints(),
    })
