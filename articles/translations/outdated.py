"""Marking translations outdated: called by the sources' services (``articles.services``)
when a source's text changes. A module of its own, on the models only, so that those
services and the translation services (which build on them) import no cycle."""

from ..models import Article, ArticleTranslation, Category, CategoryTranslation, Section, SectionTranslation

TRANSLATION_MODELS = {Article: ArticleTranslation, Section: SectionTranslation, Category: CategoryTranslation}


def translations_mark_outdated(*, source) -> int:
    """Mark every translation of ``source`` outdated (its text changed); returns how many
    were not outdated before. One UPDATE; ``updated_at`` is left alone, since the
    translation itself did not change."""
    model = TRANSLATION_MODELS[type(source)]
    return model.objects.filter(**{model.source_field: source}, outdated=False).update(outdated=True)
