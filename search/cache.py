"""Cached anonymous search pages (see kb.page_cache) and what invalidates them.

Search result pages depend on content and agents' synonyms (the "content" generation,
bumped on every editorial change, synonyms included) and on the index. The index is
updated by a background task after the commit, i.e. possibly after the "content" bump: a
search in between would store the old results under the new generation, so the finished
index task bumps "search" as well.
"""

from kb import page_cache
from kb.page_cache import CONTENT

from .forms import SearchForm

SEARCH = "search"  # the search index: bumped when an index update task finishes


def cached(view, **options):
    """``view`` served from the page cache to anonymous visitors (``options``: see
    ``kb.page_cache.cache_anonymous_page``). The page reads the search form's fields, and
    only those are part of the key (and seen by the view)."""
    return page_cache.cache_anonymous_page(view, scopes=lambda **kw: [SEARCH], params=tuple(SearchForm.base_fields),
                                           **options)


def synonyms_changed(sender, **kwargs):
    page_cache.bump(CONTENT)


def index_updated(sender, task_result, **kwargs):
    from .tasks import sync_documents, sync_scope

    if task_result.task.module_path in (sync_documents.module_path, sync_scope.module_path):
        page_cache.bump(SEARCH)
