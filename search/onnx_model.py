"""all-MiniLM-L6-v2 as an ONNX graph, built from the installed safetensors weights.

No PyPI package we would trust ships this model as float32 ONNX (see bench/README.md,
"Embedding runtime"), and nothing may be downloaded at run time, so the graph is written
here with the ``onnx`` package's helper API from the same weights the NumPy path reads:
the same BERT encoder (embeddings, 6 layers of 12-head self-attention and a GELU
feed-forward), then mean pooling over real tokens and L2 normalisation, so the graph's
one output is the sentence embedding. Building it takes about a second; the result is
kept in memory (``build_model`` returns serialised bytes for ``onnxruntime``).

Inputs: ``input_ids`` and ``attention_mask``, int64 (batch, tokens); output
``embedding``, float32 (batch, 384), unit length.
"""

from __future__ import annotations

from pathlib import Path

OPSET = 17  # LayerNormalization
HIDDEN = 384
HEADS = 12
LAYERS = 6
EPS = 1e-12


def build_model(directory: Path, *, quantize: bool = False) -> bytes:
    """The serialised ONNX model (float32, or with int8 MatMul weights if ``quantize``)."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    from search.embeddings import load_safetensors

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

    def node(op, inputs, **attrs) -> str:
        out = f"{op.lower()}{next(counter)}"
        nodes.append(helper.make_node(op, list(inputs), [out], **attrs))
        return out

    def linear(x, weight, bias) -> str:
        # torch Linear stores (out, in): transpose once here.
        return node("Add", [node("MatMul", [x, const(weight.T)]), const(bias)])

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

    mask = node("Cast", ["attention_mask"], to=TensorProto.FLOAT)  # (B, L)
    # Padding gets a large negative score so that no real token attends to it.
    bias = node("Mul", [node("Sub", [const(np.array(1.0, np.float32)), mask]),
                        const(np.array(-1e9, np.float32))])
    bias = node("Unsqueeze", [bias, const(np.array([1, 2], np.int64))])  # (B, 1, 1, L)
    head_dim = HIDDEN // HEADS
    scale = np.float32(1.0 / np.sqrt(head_dim))
    split_heads = const(np.array([0, 0, HEADS, head_dim], np.int64))
    merge_heads = const(np.array([0, 0, HIDDEN], np.int64))
    for i in range(LAYERS):
        p = f"encoder.layer.{i}."
        # Q, K, V in one product; the 1/sqrt(head_dim) scale folded into Q's weights.
        qkv_w = np.concatenate([w(p + "attention.self.query.weight") * scale,
                                w(p + "attention.self.key.weight"),
                                w(p + "attention.self.value.weight")], axis=0)
        qkv_b = np.concatenate([w(p + "attention.self.query.bias") * scale,
                                w(p + "attention.self.key.bias"),
                                w(p + "attention.self.value.bias")])
        qkv = linear(x, qkv_w, qkv_b)
        q, k, v = (f"qkv{i}_{n}" for n in "qkv")
        nodes.append(helper.make_node("Split", [qkv, const(np.array([HIDDEN] * 3, np.int64))],
                                      [q, k, v], axis=-1))
        q = node("Transpose", [node("Reshape", [q, split_heads])], perm=[0, 2, 1, 3])
        k = node("Transpose", [node("Reshape", [k, split_heads])], perm=[0, 2, 3, 1])
        v = node("Transpose", [node("Reshape", [v, split_heads])], perm=[0, 2, 1, 3])
        probs = node("Softmax", [node("Add", [node("MatMul", [q, k]), bias])], axis=-1)
        context = node("Reshape", [node("Transpose", [node("MatMul", [probs, v])],
                                        perm=[0, 2, 1, 3]), merge_heads])
        attended = linear(context, w(p + "attention.output.dense.weight"),
                          w(p + "attention.output.dense.bias"))
        x = layer_norm(node("Add", [x, attended]), p + "attention.output.LayerNorm")
        hidden = linear(x, w(p + "intermediate.dense.weight"), w(p + "intermediate.dense.bias"))
        # BERT's exact GELU: x * 0.5 * (1 + erf(x / sqrt 2)); onnxruntime fuses the pattern.
        erf = node("Erf", [node("Div", [hidden, const(np.array(np.sqrt(2.0), np.float32))])])
        gelu = node("Mul", [node("Mul", [hidden, node("Add", [erf, const(np.array(1.0, np.float32))])]),
                            const(np.array(0.5, np.float32))])
        out = linear(gelu, w(p + "output.dense.weight"), w(p + "output.dense.bias"))
        x = layer_norm(node("Add", [x, out]), p + "output.LayerNorm")

    # Mean over real tokens, then unit length.
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
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
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
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "f32.onnx", Path(tmp) / "int8.onnx"
        onnx.save(model, src)
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
                         per_channel=True)
        return dst.read_bytes()
