"""The embedding runtimes (search/embeddings.py, search/onnx_model.py): the float32 ONNX
graph gives the NumPy forward pass's vectors and the int8 one (the default) stays close to
them, odd inputs behave, a text's vector does not depend on the texts beside it, a session
built before a fork works in the children (gunicorn preloads it in the master), and without
onnxruntime the NumPy path takes over. The reference vectors themselves (sentence-
transformers') are pinned in test_semantic.py."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from search import embeddings
from search.embeddings import (
    DIMENSIONS,
    EmbeddingsUnavailable,
    NumpyEncoder,
    OnnxEncoder,
    get_encoder,
    make_encoder,
)

ODD = ["", "   ", "\x00\x01", "?", "x" * 5000, "word " * 1000, "東京 タワー 🙂", "a\tb\nc",
       "How do I cancel my subscription?"]


@pytest.fixture(scope="module")
def numpy_encoder():
    return make_encoder("numpy")


@pytest.fixture(scope="module")
def float32_encoder():
    return make_encoder("onnx")


def cosines(a, b):
    return (a * b).sum(axis=1)


ARTICLE = "Billing history and receipts\nEvery charge is listed under Billing. " * 20


def test_the_default_runtime_is_onnxruntime_int8():
    encoder = get_encoder()
    assert isinstance(encoder, OnnxEncoder) and encoder.quantized
    assert encoder.runtime == "onnxruntime int8"
    assert get_encoder() is encoder


def test_onnx_float32_gives_the_numpy_vectors(numpy_encoder, float32_encoder):
    texts = ODD + [ARTICLE]
    onnx, reference = float32_encoder.encode(texts), numpy_encoder.encode(texts)
    assert onnx.dtype == np.float32 and onnx.shape == (len(texts), DIMENSIONS)
    assert cosines(onnx, reference).min() > 0.9999


def test_int8_stays_close_to_float32(numpy_encoder):
    # StackFAQ's MAP and MRR do not move (bench/README.md); vectors move by ~0.006.
    texts = ODD + [ARTICLE, "Stop being billed every month", "billing " * 300]
    drift = cosines(get_encoder().encode(texts), numpy_encoder.encode(texts))
    assert drift.min() > 0.97  # the empty text, [CLS] [SEP] alone, moves most
    assert np.median(drift) > 0.99


def test_odd_inputs():
    encoder = get_encoder()
    empty = encoder.encode([])
    assert empty.shape == (0, DIMENSIONS) and empty.dtype == np.float32
    vectors = encoder.encode(ODD + [None])
    assert vectors.dtype == np.float32 and np.isfinite(vectors).all()
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # None and blank-only texts are the empty text; long texts stop at 128 tokens.
    assert np.allclose(vectors[-1], vectors[0], atol=1e-6)
    assert np.allclose(vectors[1], vectors[0], atol=1e-6)
    assert np.allclose(encoder.encode(["word " * 2000])[0], vectors[5], atol=1e-6)


def test_a_vector_does_not_depend_on_the_texts_beside_it(float32_encoder):
    texts = ["stop paying", "word " * 200, "How do I cancel?"] + [f"question {n} " * n for n in range(20)]
    for encoder in (get_encoder(), float32_encoder):
        alone = np.stack([encoder.encode([text])[0] for text in texts])
        assert np.allclose(encoder.encode(texts), alone, atol=1e-6), encoder.runtime
    # float32 batches several texts if asked to, padding the shorter ones: same vectors.
    assert np.allclose(float32_encoder.encode(texts, batch_size=8), alone, atol=1e-5)


FORK_SCRIPT = """
import os, sys, time
from search.embeddings import get_encoder
encoder = get_encoder()  # what gunicorn's master does (kb/gunicorn_conf.py)
assert "onnxruntime" not in sys.modules, "the master imported onnxruntime"
children = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        vector = encoder.encode(["stop being billed"])[0]
        assert abs(float(vector @ vector) - 1) < 1e-5
        sys.exit(0)  # a normal exit, as a gunicorn worker's: must not hang
    children.append(pid)
deadline = time.monotonic() + 60
for pid in children:
    while not os.waitpid(pid, os.WNOHANG)[0]:
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            sys.exit("a forked child hung")
        time.sleep(0.05)
print("ok", encoder.encode(["stop being billed"])[0][:3])
"""


def test_an_encoder_made_before_a_fork_works_in_the_children_and_they_exit(tmp_path):
    # A fresh interpreter: this one has imported onnxruntime already, so its forks would hang.
    root = Path(embeddings.__file__).resolve().parents[1]
    env = {**os.environ, "KB_DATA_DIR": str(tmp_path), "PYTHONPATH": str(root)}
    env.pop("KB_EMBEDDING_RUNTIME", None)
    result = subprocess.run([sys.executable, "-c", FORK_SCRIPT], cwd=root, env=env, check=False,
                            capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.startswith("ok")


def test_without_onnxruntime_numpy_takes_over(monkeypatch, caplog):
    def missing(self, *args, **kwargs):
        raise EmbeddingsUnavailable("No module named 'onnxruntime'")

    monkeypatch.setattr(OnnxEncoder, "__init__", missing)
    encoder = make_encoder()
    assert isinstance(encoder, NumpyEncoder)
    assert "embedding with NumPy" in caplog.text


def test_the_runtime_is_chosen_by_the_environment(monkeypatch):
    monkeypatch.setenv("KB_EMBEDDING_RUNTIME", "numpy")
    assert isinstance(make_encoder(), NumpyEncoder)
    monkeypatch.setenv("KB_EMBEDDING_RUNTIME", "torch")
    with pytest.raises(ValueError, match="KB_EMBEDDING_RUNTIME"):
        make_encoder()


def test_the_graph_is_valid_onnx():
    import onnx

    from search.onnx_model import build_model

    model = onnx.load_from_string(build_model(embeddings.model_dir()))
    onnx.checker.check_model(model)
    assert [i.name for i in model.graph.input] == ["input_ids", "attention_mask"]
    assert [o.name for o in model.graph.output] == ["embedding"]


def test_the_built_model_is_cached_in_the_data_directory(tmp_path, monkeypatch):
    from search import onnx_model

    calls = []
    real = onnx_model.write_model

    def counting(directory, quantize, out):
        calls.append(quantize)
        return real(directory, quantize, out)

    monkeypatch.setattr(onnx_model, "write_model", counting)
    first = onnx_model.cached_model(embeddings.model_dir(), quantize=False, cache_dir=tmp_path)
    again = onnx_model.cached_model(embeddings.model_dir(), quantize=False, cache_dir=tmp_path)
    assert first == again and calls == [False]
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no partial file left
    # Another key (here: a stale file of an older build) is replaced, not kept beside it.
    stale = tmp_path / "all-MiniLM-L6-v2-float32-0000000000000000.onnx"
    stale.write_bytes(b"old")
    first.unlink()
    onnx_model.cached_model(embeddings.model_dir(), quantize=False, cache_dir=tmp_path)
    assert not stale.exists() and calls == [False, False]


def test_an_unwritable_data_directory_still_gives_an_encoder(monkeypatch, caplog, tmp_path):
    from search import onnx_model

    real = onnx_model.cached_model

    def read_only(directory, *, quantize, cache_dir=None):
        if cache_dir is None:
            raise PermissionError("read-only file system")
        return real(directory, quantize=quantize, cache_dir=cache_dir)

    monkeypatch.setattr(onnx_model, "cached_model", read_only)
    encoder = make_encoder("onnx")
    assert "Cannot cache the embedding model" in caplog.text
    assert encoder.encode(["hello"]).shape == (1, DIMENSIONS)


def test_a_failing_build_falls_back_to_numpy(monkeypatch, caplog):
    import subprocess as sp

    from search import onnx_model

    def failing(directory, *, quantize, cache_dir=None):
        raise sp.CalledProcessError(1, "python -m search.onnx_model", stderr=b"MemoryError")

    monkeypatch.setattr(onnx_model, "cached_model", failing)
    assert isinstance(make_encoder("onnx-int8"), NumpyEncoder)
    assert "MemoryError" in caplog.text
