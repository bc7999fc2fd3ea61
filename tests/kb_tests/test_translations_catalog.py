"""The interface's message catalogs (locale/es, locale/de): complete, valid, and holding every
string the code marks for translation, so a new string cannot stay English by accident."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

LANGUAGES = ["es", "de"]
# What `makemessages` reads, as the README says to run it: the code and templates only.
IGNORED = [".venv", "node_modules", "var", "bench", "tests", "locale", ".git", "__pycache__", ".pytest_cache"]


def catalog(language: str) -> Path:
    return settings.BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_not_fuzzy_and_keeps_its_placeholders(language):
    # --check: format placeholders (%(name)s, {zone}) and plural forms match the msgid,
    # and the header is valid. --statistics names untranslated and fuzzy entries.
    result = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalog(language))],
                            check=False, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header_names_the_language_and_its_plural_forms(language):
    text = catalog(language).read_text()
    assert f'"Language: {language}\\n"' in text
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in text
    assert "#, fuzzy" not in text


def test_the_catalogs_hold_every_string_the_code_marks(tmp_path, settings, monkeypatch):
    """makemessages run on a copy of the code: every msgid it extracts must be translated
    (and not fuzzy) in each committed catalog. A string added without a translation fails
    here, naming the file and line it comes from."""
    source = tmp_path / "kb"
    shutil.copytree(settings.BASE_DIR, source, ignore=shutil.ignore_patterns(*IGNORED), symlinks=True)
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["es"], keep_pot=True, verbosity=0)
    extracted = source / "locale" / "django.pot"
    assert extracted.exists()
    assert "Open now until %(time)s" in extracted.read_text()  # it did read the code
    for language in LANGUAGES:
        # msgcmp: every msgid of the extracted template must be defined (translated, not
        # fuzzy) in the committed catalog.
        result = subprocess.run(["msgcmp", str(catalog(language)), str(extracted)], check=False, capture_output=True, text=True)
        assert result.returncode == 0, f"locale/{language} misses strings:\n{result.stderr}"


def test_the_committed_catalogs_have_no_obsolete_entries():
    # Entries makemessages commented out (#~) are strings the code no longer has.
    for language in LANGUAGES:
        assert "\n#~ " not in catalog(language).read_text(), language
