"""Search data kept in the database: agents' synonyms, query and click analytics, and the
denormalised documents table database-side backends (PostgreSQL full text) search in.

The tables keep the names they had when search lived inside the articles app
(``articles_synonym``...): the models moved to this app without copying any data
(``search/migrations/0001_initial.py``).
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from articles.models import TITLE_MAX_LENGTH
from kb.i18n import default_locale


class Synonym(models.Model):
    """A group of words or phrases that mean the same to customers.

    Searching for any of them also finds the others, e.g. "cancel, close, terminate,
    delete account". Applied when searching, so no re-indexing is needed.
    """

    terms = models.CharField(
        max_length=500,
        help_text="Words or phrases that mean the same, separated by commas "
        "(e.g. cancel, close, terminate, delete account).",
    )
    # Synonyms are words of one language: a group applies to searches in its locale only.
    locale = models.CharField(
        max_length=10, default=default_locale, choices=settings.LANGUAGES,
        help_text="The language of these words; they apply to searches in it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "articles_synonym"
        ordering = ["locale", "terms"]

    def __str__(self):
        return self.terms

    def phrases(self) -> list[str]:
        return [p.strip() for p in self.terms.split(",") if p.strip()]


class SearchQueryLog(models.Model):
    """One search a visitor ran (first page only). No IP address, no raw session key."""

    SOURCES = [("page", "Search page"), ("api", "JSON API")]

    query = models.CharField(max_length=200, help_text="Normalised: lowercase, single spaces.")
    result_count = models.PositiveIntegerField()
    source = models.CharField(max_length=8, choices=SOURCES, default="page")
    # Salted hash of the session key, to count distinct searchers without identifying them.
    session_hash = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "articles_searchquerylog"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["query", "created_at"])]

    def __str__(self):
        return f"{self.query!r} ({self.result_count})"


class SearchClick(models.Model):
    """A visitor opened result number ``position`` (1-based) of a logged search."""

    query_log = models.ForeignKey(SearchQueryLog, on_delete=models.CASCADE, related_name="clicks")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "articles_searchclick"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(position__gte=1), name="search_click_position_from_1"),
        ]

    def __str__(self):
        return f"click #{self.position} on {self.kind}:{self.object_id}"


class SearchEntry(models.Model):
    """A search document stored in the database (``SearchDocument`` as a row).

    Used by database-side backends (PostgreSQL full text: ``vector`` holds the weighted
    tsvector, GIN-indexed on PostgreSQL only). The Whoosh backend does not use it.
    """

    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10)
    object_id = models.PositiveBigIntegerField()
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    body = models.TextField(blank=True, default="")
    labels = models.TextField(blank=True, default="")
    places = models.TextField(blank=True, default="")
    official = models.TextField(blank=True, default="")
    comments = models.TextField(blank=True, default="")
    url = models.CharField(max_length=300)
    section_id = models.BigIntegerField(null=True, blank=True)
    category_id = models.BigIntegerField(null=True, blank=True)
    topic_id = models.BigIntegerField(null=True, blank=True)
    version = models.CharField(max_length=16)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # The document's language (its text is analysed in it) and, for an article's source,
    # the locales it stands in for, space-separated and padded (" es de ") so a
    # search in "es" filters with one LIKE '% es %'.
    locale = models.CharField(max_length=10, default="en")
    fallback = models.CharField(max_length=100, blank=True, default="")
    # Weighted tsvector, filled and GIN-indexed on PostgreSQL only (see the migration);
    # an unused column elsewhere.
    vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        db_table = "articles_searchentry"
        verbose_name_plural = "search entries"
        indexes = [models.Index(fields=["kind", "category_id", "section_id"])]

    def __str__(self):
        return self.key


class SearchTerm(models.Model):
    """How many of a locale's ``SearchEntry`` rows of one kind hold a term: the
    PostgreSQL backend's document frequencies (its idf, summed over kinds) and what its
    capped tab counts need to know, read instead of counted at each search.

    Written by the PostgreSQL backend only, in the transaction (and under the writer
    lock) that writes the rows; the empty term counts the rows. Counting the matches of
    each query term was ~45 % of a search over 100k articles (bench/README.md, "Scale").
    """

    locale = models.CharField(max_length=10)
    kind = models.CharField(max_length=10)
    term = models.TextField()
    documents = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "locale", "kind"], name="search_term_unique")]

    def __str__(self):
        return f"{self.locale}:{self.kind}:{self.term}"


class DocumentEmbedding(models.Model):
    """A search document's sentence embedding (``search.ranking.semantic``), derived
    from the database like the index.

    Kept in the database rather than in the index so that every backend and every
    machine retrieves by meaning the same way, and so that ``rebuild_index`` reuses the vectors of unchanged documents
    (computing one costs tens of milliseconds of CPU; ``version`` says whether the
    document changed since).
    """

    key = models.CharField(max_length=40, unique=True)  # "article:12", as in the index
    version = models.CharField(max_length=16)  # fingerprint of the embedded text
    # float16, DIMENSIONS values: 768 bytes. Half precision changes cosines by < 1e-3.
    vector = models.BinaryField()
    # What semantic retrieval filters on and shows without reading the content tables
    # (search.ranking.dense): the document's kind, its place, and the start of its text
    # for a snippet. Kept in step with the document by the index writer.
    kind = models.CharField(max_length=10, default="")
    section_id = models.BigIntegerField(null=True, blank=True)
    category_id = models.BigIntegerField(null=True, blank=True)
    excerpt = models.CharField(max_length=300, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "articles_documentembedding"

    def __str__(self):
        return self.key
