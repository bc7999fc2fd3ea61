"""Semantic search (search/ranking/semantic.py, embeddings.py) through the real stack:
the model package's weights, the real database and Whoosh index, the JSON endpoint."""


import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from search.embeddings import Encoder, WordPiece, get_encoder, make_encoder, model_dir
from search.models import DocumentEmbedding
from search.ranking import semantic
from tests.search_tests.conftest import API, BILLING, SUBSCRIPTION, titles

# Token ids and vectors computed with the reference implementations (tokenizers 0.23 and
# sentence-transformers 6.2 with max_seq_length 128) from the same model files.
REFERENCE_IDS = {
    "How do I cancel my Lumora subscription?":
        [101, 2129, 2079, 1045, 17542, 2026, 11320, 22122, 15002, 1029, 102],
    "Café naïve résumé — “quotes” ½ e-mail: user@example.com!!":
        [101, 7668, 15743, 13746, 1517, 1523, 16614, 1524, 1092, 1041, 1011, 5653, 1024, 5310,
         1030, 2742, 1012, 4012, 999, 999, 102],
    "Ünïcödé 東京 タワー 🙂 tab\there\x00nul":
        [101, 27260, 1879, 1755, 1709, 30262, 30265, 100, 21628, 2182, 11231, 2140, 102],
    "supercalifragilisticexpialidocious antidisestablishmentarianism":
        [101, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313, 3424,
         10521, 4355, 7875, 13602, 3672, 12199, 2964, 102],
    "x" * 120: [101, 100, 102],
    "": [101, 102],
}
REFERENCE_VECTORS = {
    "How do I cancel my Lumora subscription?":
        [-0.036409, -0.044691, 0.064543, 0.004128, 0.015735, -0.012639],
    "Stop being billed every month":
        [-0.007256, 0.026324, -0.017793, -0.022666, -0.030394, -0.009467],
    "billing " * 300: [0.012355, 0.023753, 0.023195, -0.063533, -0.036066, 0.032705],
}
REFERENCE_COSINE = 0.3973532  # between the first two sentences


def test_the_tokenizer_gives_the_reference_token_ids():
    tokenizer = WordPiece(model_dir() / "vocab.txt")
    for text, ids in REFERENCE_IDS.items():
        assert tokenizer.encode(text, 128) == ids, text


@pytest.mark.parametrize("runtime", ["onnx", "numpy"])  # float32; int8: test_embeddings.py
def test_the_encoder_gives_the_reference_vectors(runtime):
    texts = list(REFERENCE_VECTORS)
    encoder = make_encoder(runtime)
    assert encoder.runtime == {"onnx": "onnxruntime", "numpy": "numpy"}[runtime]
    vectors = encoder.encode(texts)
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    for vector, expected in zip(vectors, REFERENCE_VECTORS.values(), strict=True):
        assert np.allclose(vector[:6], expected, atol=1e-5)
    assert abs(float(vectors[0] @ vectors[1]) - REFERENCE_COSINE) < 1e-5


# --- re-ranking through the JSON endpoint -----------------------------------------------

def test_a_paraphrase_beats_a_wordier_lexical_match(client, help_center, settings):
    # "stop paying each month" shares "month" with both articles and "each" with billing
    # only: by words, billing history wins; by meaning, it is the cancel article.
    settings.KB_SEARCH_SEMANTIC = False
    assert titles(client, "I want to stop paying each month")[:2] == [BILLING[0], SUBSCRIPTION[0]]
    settings.KB_SEARCH_SEMANTIC = True
    assert titles(client, "I want to stop paying each month")[:2] == [SUBSCRIPTION[0], BILLING[0]]
    # Re-ranking alone reorders, it does not add or drop results.
    settings.KB_SEARCH_HYBRID = False
    settings.KB_SEARCH_SEMANTIC = False
    lexical = titles(client, "pages open very slowly")
    settings.KB_SEARCH_SEMANTIC = True
    assert sorted(titles(client, "pages open very slowly")) == sorted(lexical)


def test_without_hybrid_pages_past_the_window_keep_the_lexical_order_and_show_each_hit_once(
        client, help_center, settings):
    settings.KB_SEARCH_HYBRID = False  # re-ranking of the lexical window only
    settings.KB_SEARCH_SEMANTIC_WINDOW = 3
    query = "open page account charge"  # matches five of the six articles
    everything = titles(client, query, per_page=100)
    assert len(everything) == 5
    paged = []
    for page in (1, 2, 3):
        paged += titles(client, query, per_page=2, page=page)
    assert paged == everything
    settings.KB_SEARCH_SEMANTIC = False
    lexical = titles(client, query, per_page=100)
    assert sorted(everything[:3]) == sorted(lexical[:3])  # the window, re-ordered
    assert everything[3:] == lexical[3:]  # past it, untouched


def test_a_search_costs_one_more_query_whatever_the_number_of_hits(client, help_center, settings, clock,
                                                                   django_assert_num_queries):
    clock(timezone.now())  # the API's per-minute rate-limit window cannot roll over mid-test
    client.get(API, {"query": "warm up"})
    settings.KB_SEARCH_SEMANTIC = False
    with django_assert_num_queries(4):  # the rate-limit counter, the articles, their labels, the analytics row
        client.get(API, {"query": "open page account charge"})
    settings.KB_SEARCH_SEMANTIC = True
    # The vectors are in this process's memory: meaning costs no query, whether it adds
    # hits or not.
    with django_assert_num_queries(4):
        client.get(API, {"query": "open page account charge"})
    with django_assert_num_queries(4):
        client.get(API, {"query": "billed each month"})
    with django_assert_num_queries(4):
        client.get(API, {"query": "quit the service"})  # found by meaning alone


# --- embeddings follow the database -------------------------------------------------------

def stored_vector(article):
    row = DocumentEmbedding.objects.get(key=f"article:{article.pk}")
    return np.frombuffer(bytes(row.vector), dtype="<f2").astype(np.float32)


def test_saving_embeds_and_only_a_text_change_embeds_again(help_center, agent, customer, make_post,
                                                           django_capture_on_commit_callbacks):
    article = help_center[SUBSCRIPTION[0]]
    assert DocumentEmbedding.objects.count() == len(help_center)
    before = stored_vector(article)
    expected = get_encoder().encode([f"{SUBSCRIPTION[0]}\n{SUBSCRIPTION[1]}"])[0]
    assert float(before @ expected) > 0.999  # float16 storage
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=agent, title="End your subscription")
    after = stored_vector(article)
    assert float(after @ before) < 0.999
    # A comment changes the post's search document but not the embedded text.
    with django_capture_on_commit_callbacks(execute=True):
        post = make_post(title="Subscription ends too early", body="My plan ended a week early.")
    row = DocumentEmbedding.objects.get(key=f"post:{post.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=customer, target=post, body="Same here, every month.")
    assert DocumentEmbedding.objects.get(key=f"post:{post.pk}").updated_at == row.updated_at
    # Unpublished: its embedding goes with it.
    with django_capture_on_commit_callbacks(execute=True):
        services.article_update(article=article, by=agent, draft=True)
    assert not DocumentEmbedding.objects.filter(key=f"article:{article.pk}").exists()


def test_without_the_setting_nothing_is_embedded(settings, agent, make_section,
                                                 django_capture_on_commit_callbacks):
    settings.KB_SEARCH_SEMANTIC = False
    with django_capture_on_commit_callbacks(execute=True):
        services.article_create(author=agent, section=make_section(), title=BILLING[0],
                                body=BILLING[1], draft=False)
    assert DocumentEmbedding.objects.count() == 0


def test_check_index_reports_missing_embeddings_and_fix_restores_them(help_center, capsys):
    vectors = {key: bytes(v) for key, v in DocumentEmbedding.objects.values_list("key", "vector")}
    DocumentEmbedding.objects.filter(key__in=list(vectors)[:2]).delete()
    DocumentEmbedding.objects.create(key="article:999999", version="x", vector=b"")
    with pytest.raises(Exception, match="differs"):
        call_command("check_index")
    out = capsys.readouterr().out
    assert "embeddings missing or stale: 2" in out
    assert "embeddings of unsearchable documents: 1 (article:999999)" in out
    call_command("check_index", "--fix")
    call_command("check_index")  # raises if anything is still missing
    restored = {key: bytes(v) for key, v in DocumentEmbedding.objects.values_list("key", "vector")}
    assert restored.keys() == vectors.keys()
    for key, blob in restored.items():
        # Equal up to float16 rounding (batches of other sizes round differently).
        old, new = (np.frombuffer(b, dtype="<f2").astype(np.float32) for b in (vectors[key], blob))
        assert float(old @ new) > 0.9999


def test_a_failing_model_never_fails_a_save_or_a_search(semantic_on, client, agent, make_section,
                                                        monkeypatch, caplog,
                                                        django_capture_on_commit_callbacks):
    def broken(self, texts, **kwargs):
        raise RuntimeError("model file unreadable")

    monkeypatch.setattr(Encoder, "encode", broken)
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_create(author=agent, section=make_section(), title=BILLING[0],
                                          body=BILLING[1], draft=False)
        services.article_create(author=agent, section=article.section, title=SUBSCRIPTION[0],
                                body=SUBSCRIPTION[1], draft=False)
    assert "Embedding 2 search document(s) failed" in caplog.text
    assert DocumentEmbedding.objects.count() == 0
    # Searching: lexical order, no error (nothing embedded, so nothing to re-rank).
    assert titles(client, "billed each month")[0] == BILLING[0]
    # With embeddings present but the query unencodable: the lexical order, logged.
    monkeypatch.undo()
    call_command("check_index", "--fix")
    assert DocumentEmbedding.objects.count() == 2
    monkeypatch.setattr(Encoder, "encode", broken)
    semantic.clear_query_cache()
    caplog.clear()
    assert titles(client, "I want to stop paying each month")[0] == BILLING[0]
    assert "Semantic retrieval failed" in caplog.text


def test_rebuild_index_reuses_embeddings_of_unchanged_documents(help_center, monkeypatch):
    from search.index import index_rebuild

    calls = []
    real = Encoder.encode

    def counting(self, texts, **kwargs):
        calls.append(len(texts))
        return real(self, texts, **kwargs)

    monkeypatch.setattr(Encoder, "encode", counting)
    count, _ = index_rebuild()
    assert count == len(help_center)
    assert calls == []  # nothing changed: no document embedded again
    DocumentEmbedding.objects.filter(key=f"article:{help_center[BILLING[0]].pk}").delete()
    index_rebuild()
    assert calls == [1]


def test_the_demo_questions_still_find_their_articles_first(semantic_on, client, agent, customer,
                                                           topic, django_capture_on_commit_callbacks):
    from tests.search_tests.backend_contract import demo_content

    with django_capture_on_commit_callbacks(execute=True):
        demo = demo_content(agent, customer, topic)
    assert DocumentEmbedding.objects.count() == 7  # six published articles and the post
    first = {text: titles(client, text)[0] for text in
             ("stop billing", "how do I stop being charged", "delete my account",
              "forgot my password")}
    assert first == {
        "stop billing": demo["cancel"].title,
        "how do I stop being charged": demo["cancel"].title,
        "delete my account": demo["cancel"].title,
        "forgot my password": demo["password"].title,
    }
