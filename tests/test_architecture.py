"""The layout of STYLE.md, checked on the source: which package may import which.

Read with ``ast`` (nothing is imported), over the packages kb, articles, search, api,
tickets and demo, migrations left out. Every ``import`` statement counts, deferred ones inside
functions included: a deferred import hides a dependency from import time, not from the
design. Dotted strings (``include("articles.urls")``, ``INSTALLED_APPS``, task paths) are
not imports and are not checked.

The layers, each using only those above it:

    kb        the project and shared infrastructure (uses no app)
    articles  uses kb
    search    uses articles, kb
    api       uses search, articles, kb (the Zendesk-shaped API over the help center:
              it reads and writes content through articles' services and searches
              through search; tickets do not need it, nor it them)
    tickets   uses search, articles, kb
    demo      uses them all; nothing uses demo
"""

from __future__ import annotations

import ast
import functools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("kb", "articles", "search", "api", "tickets", "demo")

#: What each package may import from the other packages (its own modules aside).
ALLOWED = {
    "kb": set(),
    "articles": {"kb"},
    "search": {"articles", "kb"},
    "api": {"search", "articles", "kb"},
    "tickets": {"search", "articles", "kb"},
    "demo": {"tickets", "api", "search", "articles", "kb"},
}

#: kb's glue: the modules that put the project together (settings name the apps, the root
#: URLconf includes theirs, the servers start them; gunicorn loads the embedding model
#: before forking). Only these kb modules may import an app.
KB_GLUE = {"kb.settings", "kb.urls", "kb.wsgi", "kb.asgi", "kb.gunicorn_conf"}


@dataclass(frozen=True)
class Edge:
    source: str  # the importing module
    target: str  # the imported module
    line: int
    all_targets: tuple[str, ...]  # with the packages whose __init__ runs first (for cycles)

    def __str__(self):
        return f"{module_path(self.source)}:{self.line} imports {self.target}"


def package_of(module: str) -> str:
    return module.partition(".")[0]


@functools.cache
def project_modules() -> dict[str, Path]:
    """Module name -> file, for every module of PACKAGES except migrations."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            found[".".join(relative.with_suffix("").parts).removesuffix(".__init__")] = path
    return found


def module_path(module: str) -> str:
    return str(project_modules()[module].relative_to(ROOT))


def _known(name: str, modules) -> str | None:
    """The project module ``name`` names, or the nearest package or module containing it
    (``kb.clock.now`` -> ``kb.clock``); None outside the project."""
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


@functools.cache
def import_edges() -> tuple[Edge, ...]:
    modules = project_modules()
    edges = []
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = _known(alias.name, modules)
                    if target:
                        # ``import a.b.c`` runs a and a.b first.
                        parents = [".".join(target.split(".")[:n]) for n in range(1, target.count(".") + 1)]
                        edges.append(Edge(module, target, node.lineno, (*parents, target)))
                continue
            if not isinstance(node, ast.ImportFrom):
                continue
            base = node.module or ""
            if node.level:
                parts = module.split(".")
                keep = len(parts) - node.level + (1 if is_package else 0)
                base = ".".join(parts[:keep] + ([base] if base else []))
            base_module = _known(base, modules)
            if base_module is None:
                continue
            for alias in node.names:
                # ``from a import b``: the module b when there is one, else the names of a.
                target = _known(f"{base}.{alias.name}", modules) or base_module
                edges.append(Edge(module, target, node.lineno, (base_module, target)))
    # One edge per module named on a line (``from m import a, b`` names m once).
    unique = {(e.source, e.target, e.line): e for e in edges if e.target != e.source}
    return tuple(unique.values())


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def _is_url_conf(module: str, owner: str) -> bool:
    """``owner``'s URLconf: ``owner.urls``, or a small one such as ``owner.analytics_urls``."""
    parent, _, name = module.rpartition(".")
    return parent == owner and (name == "urls" or name.endswith("_urls"))


def _views_owner(module: str) -> str | None:
    """For a views module (``<owner>.views`` or inside a ``<owner>.views`` package), the
    package it belongs to: ``articles.views.reading`` -> ``articles``,
    ``kb.accounts.views`` -> ``kb.accounts``. None for any other module."""
    parts = module.split(".")
    if "views" not in parts[1:]:
        return None
    return ".".join(parts[:parts.index("views", 1)])


# --- the rules ----------------------------------------------------------------------------


def test_the_checker_sees_the_project():
    """A guard for the rules below, which would pass vacuously if the checker found nothing:
    modules are found (migrations left out), and absolute, relative and deferred imports
    (inside a function) are all read."""
    modules = project_modules()
    assert {"kb.settings", "articles.models", "search.views", "tickets.urls", "demo.analytics"} <= set(modules)
    assert not any("migrations" in name.split(".") for name in modules)
    edges = {(edge.source, edge.target) for edge in import_edges()}
    assert {
        ("tickets.selectors.dashboard", "articles.models"),  # from articles.models import ...
        ("articles.urls", "articles.views.reading"),  # from .views import reading
        ("articles.views.analytics", "articles.analytics"),  # from .. import analytics
        ("kb.apps", "kb.housekeeping"),  # deferred, in KbConfig.ready()
    } <= edges


def test_there_are_no_import_cycles_between_project_modules():
    """No module imports (directly or through others, deferred imports included) a module
    that imports it back: a cycle means the two are one concern, or one is in the wrong layer."""
    graph = defaultdict(set)
    for edge in import_edges():
        graph[edge.source].update(t for t in edge.all_targets if t != edge.source)
        for target in edge.all_targets:
            graph[target]
    assert [" <-> ".join(component) for component in _cycles(graph)] == []


def test_kb_imports_no_app_except_in_its_glue_modules():
    """kb is the project and shared infrastructure: only settings, urls, wsgi, asgi and
    gunicorn_conf (which put the apps together) may import articles, search, api, tickets or demo."""
    offending = [str(edge) for edge in import_edges()
                 if package_of(edge.source) == "kb" and edge.source not in KB_GLUE
                 and package_of(edge.target) != "kb"]
    assert offending == []


def test_each_app_imports_only_the_packages_below_it():
    """articles -> kb; search -> articles, kb; api -> search, articles, kb;
    tickets -> search, articles, kb; demo -> any (kb's glue modules are the subject of the test above)."""
    offending = [str(edge) for edge in import_edges()
                 if package_of(edge.source) != "kb"
                 and package_of(edge.target) not in ALLOWED[package_of(edge.source)] | {package_of(edge.source)}]
    assert offending == []


def test_nothing_imports_demo():
    """demo is content for a demonstration: the site must run without it, kb's glue included."""
    offending = [str(edge) for edge in import_edges()
                 if package_of(edge.target) == "demo" and package_of(edge.source) != "demo"]
    assert offending == []


def test_no_module_imports_another_packages_views():
    """Views are shells over services and selectors: what another package needs lives there
    (or in forms, urls...), never in a views module."""
    offending = [str(edge) for edge in import_edges()
                 if (owner := _views_owner(edge.target))
                 and not (edge.source == owner or edge.source.startswith(owner + "."))]
    assert offending == []


def test_a_views_module_is_imported_only_by_its_urls_or_its_views_package():
    """Within a package, only the URLconf (urls.py, or a small *_urls.py) and the views
    package's own __init__ import a views module: one view module does not borrow from
    another (what they share belongs in forms, selectors, services or a helper module)."""
    offending = [str(edge) for edge in import_edges()
                 if (owner := _views_owner(edge.target))
                 and (edge.source == owner or edge.source.startswith(owner + "."))
                 and not _is_url_conf(edge.source, owner) and edge.source != f"{owner}.views"]
    assert offending == []
