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
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = Path(__file__).resolve().parent / "data" / "customer_questions.jsonl"


def load(path: Path = QUESTIONS) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def demo_titles() -> dict[str, str]:
    """``{external_id: title}`` of the demo's published articles (no database needed)."""
    from demo.articles import ARTICLES, EXTERNAL_ID_PREFIX

    return {EXTERNAL_ID_PREFIX + a.key: a.title for a in ARTICLES if not a.draft}


def shares_title_word(question: str, relevant: list[str], titles: dict[str, str]) -> bool:
    from search.query import analyze

    stems = set(analyze(question))
    return any(stems & set(analyze(titles[key])) for key in relevant)


def refresh(path: Path = QUESTIONS) -> list[dict]:
    titles = demo_titles()
    questions = load(path)
    for item in questions:
        item["shares_title_word"] = shares_title_word(item["q"], item["relevant"], titles)
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
    args = parser.parse_args(argv)
    _setup_django()
    questions = refresh() if args.refresh else load()
    none = sum(not q["shares_title_word"] for q in questions)
    exact = sum(q["product_words"] for q in questions)
    covered = {key for q in questions for key in q["relevant"]}
    print(f"{len(questions)} questions; share no title word: {none} ({none / len(questions):.0%}); "
          f"product words: {exact} ({exact / len(questions):.0%}); "
          f"articles covered: {len(covered)} of {len(demo_titles())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
