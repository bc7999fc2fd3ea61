"""The customer-question set: ``bench/data/customer_questions.jsonl``.

One JSON object a line::

    {"q": "how do i get my money back", "relevant": ["demo-refund-policy"],
     "shares_title_word": false, "product_words": false}

* ``q``: what a customer types into the search box, written from the demo articles
  (``demo/articles/``) in everyday words, before any ranking was looked at;
* ``relevant``: the ``external_id`` of the article that answers it (sometimes two);
* ``product_words`` (written by hand): the question deliberately uses the articles' own
  product words, plan names or error codes ("429 Too Many Requests", "DKIM setup");
* ``shares_title_word`` (computed here, never by hand): whether the question shares a
  stem with the title of one of its relevant articles, through ``search.query.analyze``
  (porter2 stems, stop words and question words dropped).

``python bench/customer_questions.py`` prints the share of questions that share no title
word; ``--refresh`` recomputes the flags in the file after questions were edited.

Spanish and German sets (``customer_questions_es.jsonl``, ``customer_questions_de.jsonl``,
``--locale es``) have the same format: questions in the customer's words in that language,
each answered by a demo article with a published translation in it
(``demo/articles/es.py``, ``de.py``); ``shares_title_word`` compares with the translated
title, stemmed by that language's Snowball stemmer with its stop words (Whoosh's
``LanguageAnalyzer``, as issue 15 asks of the search backends).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = Path(__file__).resolve().parent / "data" / "customer_questions.jsonl"
# The question sets in the demo's other languages.
QUESTIONS_BY_LOCALE = {
    "en": QUESTIONS,
    "es": QUESTIONS.with_name("customer_questions_es.jsonl"),
    "de": QUESTIONS.with_name("customer_questions_de.jsonl"),
}


def load(path: Path = QUESTIONS) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def demo_titles(locale: str = "en") -> dict[str, str]:
    """``{external_id: title}`` of the demo's published articles in ``locale``: the sources,
    or the published translations (no database needed)."""
    from demo.articles import ARTICLES, EXTERNAL_ID_PREFIX
    from demo.articles.translated import LOCALES

    if locale == "en":
        return {EXTERNAL_ID_PREFIX + a.key: a.title for a in ARTICLES if not a.draft}
    drafts = {a.key for a in ARTICLES if a.draft}
    spec = next(spec for spec in LOCALES if spec.locale == locale)
    return {EXTERNAL_ID_PREFIX + t.key: t.title for t in spec.articles if not t.draft and t.key not in drafts}


def _stems(text: str, locale: str) -> set[str]:
    if locale == "en":
        from search.query import analyze

        return set(analyze(text))
    from whoosh.analysis import LanguageAnalyzer

    return {token.text for token in LanguageAnalyzer(locale)(text)}


def shares_title_word(question: str, relevant: list[str], titles: dict[str, str], locale: str = "en") -> bool:
    stems = _stems(question, locale)
    return any(stems & _stems(titles[key], locale) for key in relevant)


def refresh(path: Path = QUESTIONS, locale: str = "en") -> list[dict]:
    titles = demo_titles(locale)
    questions = load(path)
    for item in questions:
        item["shares_title_word"] = shares_title_word(item["q"], item["relevant"], titles, locale)
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(item, ensure_ascii=False) + "\n" for item in questions)
    return questions


def _setup_django() -> None:
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kb.settings")
    import django

    django.setup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh", action="store_true",
                        help="recompute shares_title_word in the file")
    parser.add_argument("--locale", choices=sorted(QUESTIONS_BY_LOCALE), default="en",
                        help="which language's question set (default: en)")
    args = parser.parse_args(argv)
    _setup_django()
    path = QUESTIONS_BY_LOCALE[args.locale]
    questions = refresh(path, args.locale) if args.refresh else load(path)
    none = sum(not q["shares_title_word"] for q in questions)
    exact = sum(q["product_words"] for q in questions)
    covered = {key for q in questions for key in q["relevant"]}
    print(f"{len(questions)} questions; share no title word: {none} ({none / len(questions):.0%}); "
          f"product words: {exact} ({exact / len(questions):.0%}); "
          f"articles covered: {len(covered)} of {len(demo_titles(args.locale))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
