"""all-MiniLM-L6-v2 as an ONNX graph, built from the installed safetensors weights.

No PyPI package we would trust ships this model as float32 ONNX (see bench/README.md,
"Embedding runtime"), and nothing may be downloaded at run time, so the graph is written
here with the ``onnx`` package's helper API from the same weights the NumPy path reads:
the same BERT encoder (embeddings, 6 layers of 12-head self-attention and a GELU
feed-forward), then mean pooling over real tokens and L2 normalisation, so the graph's
one output is the sentence embedding. Building it takes about a second, quantising it one
or two more, so ``cached_model`` writes the file once into the data directory
(``KB_DATA_DIR/models``), from a child process (``write_model`` says why), and every later
process, a gunicorn worker, the task worker, a test run, only loads it. The
file's name carries a key of everything it is made from (this module, the weights file,
the onnx and onnxruntime versions), so an upgrade builds a new one.

Inputs: ``input_ids`` and ``attention_mask``, int64 (batch, tokens); output
``embedding``, float32 (batch, 384), unit length.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

OPSET = 17  # LayerNormalization
HIDDEN = 384
HEADS = 12
LAYERS = 6
EPS = 1e-12
MS = "com.microsoft"  # onnxruntime's own operators


def build_model(directory: Path, *, quantize: bool = False) -> bytes:
    """The serialised ONNX model (float32, or with int8 MatMul weights if ``quantize``)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    from search.safetensors import load_safetensors

    weights = load_safetensors(directory / "model.safetensors")
    inits: list = []
    nodes: list = []
    counter = iter(range(1_000_000))

    def const(array, name=None) -> str:
        name = name or f"c{next(counter)}"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def w(name):
        return weights[name].astype(np.float32, copy=False)

    def node(op, inputs, *, domain="", **attrs) -> str:
        out = f"{op.lower()}{next(counter)}"
        nodes.append(helper.make_node(op, list(inputs), [out], domain=domain or None, **attrs))
        return out

    def skip_layer_norm(x, skip, prefix, bias) -> str:
        """LayerNorm(x + skip + bias), one kernel."""
        return node("SkipLayerNormalization", [x, skip, const(w(prefix + ".weight")),
                                               const(w(prefix + ".bias")), const(bias)],
                    domain=MS, epsilon=EPS)

    def layer_norm(x, prefix) -> str:
        return node("LayerNormalization", [x, const(w(prefix + ".weight")), const(w(prefix + ".bias"))],
                    axis=-1, epsilon=EPS)

    # Embeddings: word + position + token type 0 (kb never passes a second segment).
    word = node("Gather", [const(w("embeddings.word_embeddings.weight")), "input_ids"], axis=0)
    length = node("Shape", ["input_ids"], start=1, end=2)  # [tokens], 1-D
    position_table = (w("embeddings.position_embeddings.weight")
                      + w("embeddings.token_type_embeddings.weight")[0])
    positions = node("Slice", [const(position_table), const(np.array([0], np.int64)), length,
                               const(np.array([0], np.int64))])  # rows 0 .. tokens - 1
    x = node("Add", [word, positions])
    x = layer_norm(x, "embeddings.LayerNorm")

    # onnxruntime's fused transformer kernels (com.microsoft domain): what its offline
    # optimizer (onnxruntime.transformers, which needs sympy) would turn the plain graph into.
    mask_index = node("Cast", ["attention_mask"], to=TensorProto.INT32)
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        qkv_w = np.concatenate([w(p + f"attention.self.{n}.weight") for n in ("query", "key", "value")])
        qkv_b = np.concatenate([w(p + f"attention.self.{n}.bias") for n in ("query", "key", "value")])
        # Self-attention: Q, K, V in one product, scaled by 1 / sqrt(head size), padding masked.
        context = node("Attention", [x, const(qkv_w.T), const(qkv_b), mask_index],
                       domain=MS, num_heads=HEADS)
        attended = node("MatMul", [context, const(w(p + "attention.output.dense.weight").T)])
        x = skip_layer_norm(attended, x, p + "attention.output.LayerNorm",
                            w(p + "attention.output.dense.bias"))
        hidden = node("MatMul", [x, const(w(p + "intermediate.dense.weight").T)])
        # BERT's exact (erf) GELU, with the dense layer's bias added first.
        gelu = node("BiasGelu", [hidden, const(w(p + "intermediate.dense.bias"))], domain=MS)
        out = node("MatMul", [gelu, const(w(p + "output.dense.weight").T)])
        x = skip_layer_norm(out, x, p + "output.LayerNorm", w(p + "output.dense.bias"))

    # Mean over real tokens, then unit length.
    mask = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)  # (B, L)
    mask3 = node("Unsqueeze", [mask, const(np.array([2], np.int64))])  # (B, L, 1)
    axis1 = const(np.array([1], np.int64))
    summed = node("ReduceSum", [node("Mul", [x, mask3]), axis1], keepdims=0)
    counts = node("ReduceSum", [mask3, axis1], keepdims=0)  # (B, 1)
    pooled = node("Div", [summed, node("Max", [counts, const(np.array(1.0, np.float32))])])
    norm = node("ReduceL2", [pooled], axes=[1], keepdims=1)  # axes an input from opset 18
    norm = node("Max", [norm, const(np.array(1e-12, np.float32))])
    nodes.append(helper.make_node("Div", [pooled, norm], ["embedding"]))

    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
        initializer=inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET),
                                                    helper.make_opsetid(MS, 1)],
                              producer_name="kb.search.onnx_model")
    model.ir_version = 8  # (tests/search_tests/test_embeddings.py runs onnx's checker on it)
    if quantize:
        return _quantized(model)
    return model.SerializeToString()


def _quantized(model) -> bytes:
    """Dynamic int8 quantisation of the MatMul weights (activations quantised per batch at
    run time). ``quantize_dynamic`` works on files, so it goes through a temporary dir."""
    import tempfile

    import onnx
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "f32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, src)
        # Shape inference does not know onnxruntime's own operators: their outputs are float.
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["MatMul", "Attention"], per_channel=True,
                         extra_options={"DefaultTensorType": TensorProto.FLOAT})
        return dst.read_bytes()


def cached_model(directory: Path, *, quantize: bool, cache_dir: Path | None = None) -> Path:
    """The built model's file in ``cache_dir`` (default: the data directory's ``models``),
    built and written there first if it is not yet."""
    from importlib.metadata import version  # importing onnx itself takes ~0.5 s

    weights = directory / "model.safetensors"
    stat = weights.stat()
    key = hashlib.sha256(Path(__file__).read_bytes())
    key.update(f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}:{version('onnx')}:"
               f"{version('onnxruntime')}".encode())
    kind = "int8" if quantize else "float32"
    cache_dir = cache_dir or default_cache_dir()
    path = cache_dir / f"all-MiniLM-L6-v2-{kind}-{key.hexdigest()[:16]}.onnx"
    if path.exists():
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    write_model(directory, quantize, partial)
    os.replace(partial, path)  # atomic: a process that loads at the same time sees all or none
    for stale in cache_dir.glob(f"all-MiniLM-L6-v2-{kind}-*.onnx"):
        if stale != path:
            stale.unlink(missing_ok=True)
    return path


def write_model(directory: Path, quantize: bool, out: Path) -> None:
    """Build the model into ``out`` in a child Python process. Not in this one: importing
    onnxruntime starts a thread, and a process forked after that (a gunicorn worker forked
    from the master) hangs when it exits; building also leaves the builder ~200 MB larger."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(root), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, "-m", "search.onnx_model", str(directory), str(out)]
                   + (["--int8"] if quantize else []),
                   check=True, cwd=root, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, timeout=600)


def default_cache_dir() -> Path:
    """``KB_DATA_DIR/models``: Django's setting where configured, else the environment's."""
    try:
        from django.conf import settings

        if settings.configured and getattr(settings, "KB_DATA_DIR", None):
            return Path(settings.KB_DATA_DIR) / "models"
    except ImportError:  # pragma: no cover - Django is a requirement
        pass
    base = os.environ.get("KB_DATA_DIR") or Path(__file__).resolve().parents[1] / "var"
    return Path(base).resolve() / "models"


if __name__ == "__main__":  # write_model's child: python -m search.onnx_model DIR OUT [--int8]
    import sys

    Path(sys.argv[2]).write_bytes(build_model(Path(sys.argv[1]), quantize="--int8" in sys.argv[3:]))
