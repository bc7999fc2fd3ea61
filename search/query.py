"""Visitor text -> plain search terms. Never query syntax.

The stock Whoosh ``QueryParser`` ANDs terms (most real questions then match nothing) and
lets visitors write field prefixes, wildcards and ranges (``body:[a TO z]``, ``*``). Here
visitor text is only ever *tokenized*: whatever characters it holds, the result is a
bounded list of lowercase word stems, which backends OR together.

The analyzer is shared by indexing and querying so both sides agree on terms: a regex
word tokenizer (Unicode letters and digits: accents, Arabic, Hebrew, CJK runs), lowercase,
stop words (English function words plus question words such as "how", "do", "my": they
carry no topic), and the porter2 stemmer (the default Whoosh stemmer maps "resetting" to
"resett"; porter2 gives "reset"). PostgreSQL's "english" configuration also uses the
Snowball (porter2) stemmer, so stems mostly agree across backends.

Every locale has its own analyzer (``analyzer(locale)``): Spanish and German documents and
queries are cut with their language's Snowball stemmer and stop words ("cancelación" and
"cancelar" -> "cancel"; "Rechnungen" -> "rechnung"; "kündigen" and "Kündigung" ->
"kundig"). These are the same Snowball algorithms PostgreSQL's ``spanish`` and ``german``
text search configurations use; both backends run them here, in Python, so they agree on
every term. A locale without a known language is tokenized and lowercased, not stemmed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from whoosh.analysis import (
    STOP_WORDS,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import has_stemmer, stopwords_for_language
from whoosh.lang.porter2 import stem as porter2_stem

#: Longest query we look at; the search box also says maxlength=200.
MAX_QUERY_LENGTH = 200
#: At most this many distinct terms reach a backend (bounds query cost).
MAX_TERMS = 12
#: Weight of a synonym relative to a term the visitor typed.
SYNONYM_BOOST = 0.6

QUESTION_WORDS = frozenset(
    ["i", "me", "my", "mine", "our", "ours", "how", "do", "does", "did", "doing", "done", "what", "whats", "which", "who", "whom", "why", "where", "there", "here", "get", "got", "can", "could", "would", "should", "shall", "want", "need", "please", "help", "hi", "hello", "thanks", "thank", "im", "ive", "id", "its", "it's", "dont", "don't", "cant", "can't", "i'm", "i've"]
)
STOPLIST = frozenset(STOP_WORDS) | QUESTION_WORDS

#: The locale whose analyzer is the historic one (porter2, STOPLIST above): its Whoosh
#: fields keep their unsuffixed names, so English ranking is exactly what it was.
ENGLISH = "en"

# Words of questions that carry no topic, added to Snowball's stop words per language
# (as QUESTION_WORDS are for English): "¿cómo puedo cancelar mi cuenta?" searches for
# "cancelar cuenta".
LOCALE_QUESTION_WORDS = {
    "es": frozenset(["cómo", "puedo", "puede", "quiero", "necesito", "hola", "gracias", "ayuda", "favor",
                     "hacer", "dónde", "cuál", "cuándo", "porqué"]),
    "de": frozenset(["kann", "ich", "wie", "wo", "wann", "warum", "möchte", "muss", "bitte", "hallo",
                     "danke", "hilfe", "gibt", "mache"]),
}


def _stoplist(locale: str) -> frozenset[str]:
    if locale == ENGLISH:
        return STOPLIST
    try:
        words = frozenset(stopwords_for_language(locale))
    except Exception:  # no Snowball list for this language: keep every word
        words = frozenset()
    return words | LOCALE_QUESTION_WORDS.get(locale, frozenset())

# Word characters only; a run of digits/letters possibly joined by an apostrophe. No
# operators survive: ":", "*", "?", "[", "]", quotes and dashes are separators.
_WORD = r"\w+(?:'\w+)?"

# Control characters (NUL included) and Unicode format characters (bidi overrides such
# as U+202E, zero-width joiners) are removed before anything else looks at the text.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=8)
def analyzer(locale: str = ENGLISH):
    """The index-and-query analyzer of ``locale`` (picklable: Whoosh stores it in the schema)."""
    words = RegexTokenizer(_WORD) | LowercaseFilter() | StopFilter(stoplist=_stoplist(locale), minsize=2,
                                                                   maxsize=40)
    if locale == ENGLISH:
        return words | StemFilter(stemfn=porter2_stem, cachesize=50_000)
    if has_stemmer(locale):
        return words | StemFilter(lang=locale, cachesize=50_000)
    return words


@lru_cache(maxsize=8)
def word_analyzer(locale: str = ENGLISH):
    """Unstemmed words (spelling corrections are shown to people, so no stems)."""
    return RegexTokenizer(_WORD) | LowercaseFilter() | StopFilter(stoplist=_stoplist(locale), minsize=2,
                                                                  maxsize=40)


def clean_text(text: str | None) -> str:
    """Visitor text made safe to log, show and analyze: no control characters, single
    spaces, at most MAX_QUERY_LENGTH characters."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)[: MAX_QUERY_LENGTH * 4])
    text = _CONTROL.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text[:MAX_QUERY_LENGTH].strip()


def normalize(text: str | None) -> str:
    """The form queries are logged and grouped under in analytics."""
    return clean_text(text).lower()


def _distinct_terms(tokens) -> list[str]:
    """The distinct texts of ``tokens`` in order of appearance, at most MAX_TERMS."""
    seen: dict[str, None] = {}
    for token in tokens:
        seen.setdefault(token.text, None)
        if len(seen) >= MAX_TERMS:
            break
    return list(seen)


def analyze(text: str, locale: str = ENGLISH) -> list[str]:
    """Distinct stems of ``text`` (in ``locale``'s language) in order of appearance, at
    most MAX_TERMS."""
    return _distinct_terms(analyzer(locale)(clean_text(text)))


def words(text: str, locale: str = ENGLISH) -> list[str]:
    """Distinct lowercase words (unstemmed, stop words removed) of ``text``, at most MAX_TERMS."""
    return _distinct_terms(word_analyzer(locale)(clean_text(text)))


@dataclass(frozen=True)
class Term:
    """A stem to search for and its weight (1.0 typed by the visitor, less for synonyms)."""

    text: str
    boost: float = 1.0


def expand(text: str, synonym_groups: Iterable[tuple[tuple[str, ...], ...]] = (),
           locale: str = ENGLISH) -> list[Term]:
    """The visitor's stems (in ``locale``'s language) plus the stems of every synonym group
    that applies (groups as ``search.synonyms.synonym_groups(locale)`` gives them: phrases
    of stems)."""
    stems = analyze(text, locale)
    terms = {stem: Term(stem, 1.0) for stem in stems}
    present = set(stems)
    for group in synonym_groups:
        # A group applies when one of its phrases is fully present in the query.
        if any(phrase and set(phrase) <= present for phrase in group):
            for phrase in group:
                for stem in phrase:
                    if stem not in terms and len(terms) < MAX_TERMS * 2:
                        terms[stem] = Term(stem, SYNONYM_BOOST)
    return list(terms.values())


def last_word_prefix(text: str) -> str | None:
    """The last word of partly typed text when the visitor is still typing it (for
    suggestions: "reset passw" -> "passw"), lowercased, or None."""
    text = clean_text(text)
    if not text or text[-1].isspace():
        return None
    found = re.findall(_WORD, text.lower())
    return found[-1] if found and len(found[-1]) >= 2 else None
