"""Search relevance per language: Spanish and German customer questions about the demo
help center, per backend (Whoosh, PostgreSQL), with English as the reference.

Questions: ``bench/data/customer_questions_<locale>.jsonl``, in the format of
``bench/data/customer_questions.jsonl`` (``{"q": ..., "relevant": [external ids of the
English source articles]}``): a hit counts when it is the relevant article in any
language (its translation, or its source shown to a searcher whose language it lacks).
A locale whose file is missing is reported as missing; with ``--fixture`` (or when no
locale file exists at all) a small built-in set is used instead: a few demo articles
translated here and questions written for them, enough to see the machinery work, not
to judge ranking.

Per locale and backend: P@1 (hit@1), hit@3 and MRR@10 over articles (the searcher's
locale, fallback on, as the search page asks), and p50 latency. Modes:

* ``lexical``: words only (``KB_SEARCH_SEMANTIC=False``);
* ``shipped``: what kb does: re-ranking by meaning where the model knows the language
  (English), words only elsewhere;
* ``semantic-all`` (``--semantic-all``): the English-only model applied to every locale
  anyway (documents in es/de embedded too), to measure whether it helps them.

Each backend runs in a child process on a fresh site (SQLite + Whoosh in a temporary
directory; PostgreSQL: a scratch database on the server of ``--database-url`` or
DATABASE_URL, dropped afterwards).

Usage (from the repository root)::

    .venv/bin/python bench/relevance_locales.py
    DATABASE_URL=postgres://... .venv/bin/python bench/relevance_locales.py --backends whoosh postgres
    .venv/bin/python bench/relevance_locales.py --fixture --semantic-all --json
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATA = REPO / "bench" / "data"
LOCALES = ("en", "es", "de")
TOP = 10
METRICS = ("hit@1", "hit@3", "MRR@10")

# The built-in fixture: translations of a few demo articles, and questions for them.
FIXTURE_TRANSLATIONS = {
    "demo-cancel-account": {
        "es": ("¿Cómo cancelo mi cuenta?",
               ("Abra Configuración, elija Plan y pulse Cancelar cuenta. La cancelación es inmediata "
               "y no se le cobrará de nuevo.")),
        "de": ("Wie kündige ich mein Konto?",
               ("Öffnen Sie Einstellungen, wählen Sie Tarif und klicken Sie auf Konto kündigen. Die "
               "Kündigung gilt sofort, es werden keine weiteren Beträge abgebucht.")),
    },
    "demo-invoices": {
        "es": ("Descargar facturas y recibos",
               "Todas las facturas están en Facturación. Descargue cada factura como PDF."),
        "de": ("Rechnungen und Belege herunterladen",
               "Alle Rechnungen finden Sie unter Abrechnung. Laden Sie jede Rechnung als PDF herunter."),
    },
    "demo-reset-password": {
        "es": ("Restablecer su contraseña",
               "Elija ¿Olvidó su contraseña? en la página de inicio de sesión y siga el enlace del correo."),
        "de": ("Passwort zurücksetzen",
               "Wählen Sie auf der Anmeldeseite Passwort vergessen und folgen Sie dem Link in der E-Mail."),
    },
    "demo-update-card": {
        "es": ("Actualizar la tarjeta de crédito",
               "En Facturación, elija Cambiar tarjeta e introduzca los datos de la nueva tarjeta."),
    },
}
FIXTURE_QUESTIONS = {
    "es": [
        {"q": "quiero cancelar mi suscripción", "relevant": ["demo-cancel-account"]},
        {"q": "cancelación de la cuenta", "relevant": ["demo-cancel-account"]},
        {"q": "dónde descargo las facturas", "relevant": ["demo-invoices"]},
        {"q": "olvidé mi contraseña", "relevant": ["demo-reset-password"]},
        {"q": "cambiar la tarjeta", "relevant": ["demo-update-card"]},
        {"q": "no llegan mis correos", "relevant": ["demo-emails-not-delivered"]},
    ],
    "de": [
        {"q": "Konto kündigen", "relevant": ["demo-cancel-account"]},
        {"q": "Kündigung meines Kontos", "relevant": ["demo-cancel-account"]},
        {"q": "wo finde ich meine Rechnungen", "relevant": ["demo-invoices"]},
        {"q": "Passwort vergessen", "relevant": ["demo-reset-password"]},
        {"q": "Kreditkarte ändern", "relevant": ["demo-update-card"]},
    ],
}


def question_file(locale: str) -> Path:
    return DATA / ("customer_questions.jsonl" if locale == "en" else f"customer_questions_{locale}.jsonl")


def load_questions(locale: str) -> list[dict] | None:
    path = question_file(locale)
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


# --- metrics ----------------------------------------------------------------------------

def evaluate(ranking: list[str], relevant: set[str]) -> dict[str, float]:
    rank = next((n for n, key in enumerate(ranking[:TOP], start=1) if key in relevant), 0)
    return {"hit@1": float(rank == 1), "hit@3": float(0 < rank <= 3), "MRR@10": 1.0 / rank if rank else 0.0}


def summarize(rows: list[dict]) -> dict:
    out = {"n": len(rows)}
    for name in METRICS:
        out[name] = statistics.fmean(r[name] for r in rows) if rows else 0.0
    return out


# --- the child: one backend on a fresh site ------------------------------------------

def _child_env(workdir: Path, backend: str, database_url: str | None) -> dict:
    """The environment of a fresh, throwaway site for one backend."""
    env = dict(os.environ)
    env.update({"DJANGO_SETTINGS_MODULE": "kb.settings", "KB_DATA_DIR": str(workdir),
                "KB_SEARCH_INDEX_DIR": str(workdir / "index"), "KB_SEARCH_BACKEND": backend,
                "KB_TASK_BACKEND": "immediate", "DEBUG": "false"})
    env.setdefault("SECRET_KEY", secrets.token_urlsafe(40))
    env.setdefault("KB_HTTPS", "false")
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def _translate_fixture(locales: list[str]) -> None:
    from articles.models import Article
    from articles.translations.services import article_translation_save

    articles = Article.objects.in_bulk(list(FIXTURE_TRANSLATIONS), field_name="external_id")
    for external_id, texts in FIXTURE_TRANSLATIONS.items():
        for locale, (title, body) in texts.items():
            if locale in locales and external_id in articles:
                article_translation_save(article=articles[external_id], locale=locale, title=title,
                                         body=body, draft=False)


def child(args) -> dict:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import translation

    call_command("migrate", verbosity=0, interactive=False)
    import demo.articles
    from search.index import index_rebuild
    from search.ranking import semantic
    from search.selectors import search_run

    started = time.perf_counter()
    demo.articles.load()
    sets = json.loads(args.sets)
    if args.fixture:
        _translate_fixture([loc for loc in sets if loc != "en"])
    semantic_locales = LOCALES if args.semantic_all else semantic.MODEL_LOCALES
    with override_settings(KB_SEARCH_SEMANTIC_LOCALES=semantic_locales):
        index_rebuild()
    setup = time.perf_counter() - started
    modes = {"lexical": {"KB_SEARCH_SEMANTIC": False}}
    if semantic.enabled():
        modes["shipped"] = {"KB_SEARCH_SEMANTIC": True}
        if args.semantic_all:
            modes["semantic-all"] = {"KB_SEARCH_SEMANTIC": True, "KB_SEARCH_SEMANTIC_LOCALES": LOCALES}
    out = {"backend": settings.KB_SEARCH_BACKEND, "setup_seconds": round(setup, 1), "locales": {}}
    for locale, questions in sets.items():
        out["locales"][locale] = {}
        for mode, overrides in modes.items():
            rows, times = [], []
            with override_settings(**overrides), translation.override(locale):
                for item in questions:
                    semantic.clear_query_cache()
                    t0 = time.perf_counter()
                    page = search_run(text=item["q"], kinds=("article",), per_page=TOP)
                    times.append((time.perf_counter() - t0) * 1000)
                    ranking = [i.obj.external_id for i in page.items]
                    rows.append(evaluate(ranking, set(item["relevant"])))
            out["locales"][locale][mode] = {**summarize(rows), "p50_ms": statistics.median(times) if times else 0}
    return out


# --- the parent ---------------------------------------------------------------------

def run_backend(backend: str, sets: dict, args) -> dict:
    database_url, scratch = None, None
    if backend == "postgres":
        from bench.scratch_db import postgres_database

        base = args.database_url or os.environ.get("DATABASE_URL")
        if not base:
            raise SystemExit("postgres: give --database-url or DATABASE_URL")
        scratch = f"kb_bench_locales_{secrets.token_hex(4)}"
        database_url = postgres_database(base, scratch, create=True)
    try:
        with tempfile.TemporaryDirectory(prefix="kb-relevance-locales-") as tmp:
            env = _child_env(Path(tmp), backend, database_url)
            command = [sys.executable, __file__, "--child", "--sets", json.dumps(sets)]
            command += ["--fixture"] if args.fixture else []
            command += ["--semantic-all"] if args.semantic_all else []
            done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            if done.returncode:
                raise SystemExit(f"{backend} failed:\n{done.stderr[-3000:]}")
            return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        if scratch:
            postgres_database(args.database_url or os.environ["DATABASE_URL"], scratch, create=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["whoosh"], choices=["whoosh", "postgres"])
    parser.add_argument("--locales", nargs="+", default=list(LOCALES), choices=list(LOCALES))
    parser.add_argument("--fixture", action="store_true",
                        help="use the built-in translations and questions for es/de")
    parser.add_argument("--semantic-all", action="store_true",
                        help="also measure the English model applied to es/de")
    parser.add_argument("--database-url")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--sets", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    sets, notes = {}, []
    for locale in args.locales:
        questions = load_questions(locale)
        if questions is None:
            notes.append(f"{question_file(locale).relative_to(REPO)} is missing")
        else:
            sets[locale] = questions
    if not any(loc in sets for loc in args.locales if loc != "en"):
        args.fixture = True
    if args.fixture:
        for locale in args.locales:
            if locale != "en" and locale in FIXTURE_QUESTIONS:
                sets[locale] = FIXTURE_QUESTIONS[locale]
                notes.append(f"{locale}: the built-in fixture ({len(sets[locale])} questions, "
                             f"{sum(locale in t for t in FIXTURE_TRANSLATIONS.values())} translated articles)")
    results = [run_backend(backend, sets, args) for backend in args.backends]
    if args.json:
        print(json.dumps({"notes": notes, "results": results}, indent=1))
        return 0
    for note in notes:
        print(f"note: {note}")
    for result in results:
        print(f"\n{result['backend']} (setup {result['setup_seconds']} s)")
        print(f"  {'locale':<7}{'mode':<14}{'n':>4}" + "".join(f"{m:>9}" for m in METRICS) + f"{'p50 ms':>9}")
        for locale, modes in result["locales"].items():
            for mode, m in modes.items():
                print(f"  {locale:<7}{mode:<14}{m['n']:>4}" + "".join(f"{m[k]:>9.3f}" for k in METRICS)
                      + f"{m['p50_ms']:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
