"""Translations of categories, sections and articles (issue 15): writes in ``services``,
reads in ``selectors``. The models live in ``articles.models``."""
