"""Seeds Kaggle Models: four models across seven frameworks, with variations, versions and files.

``carol/olympiad-solver`` is the one agents attach to the maths competition; its ``transformers/
7b-instruct`` weights shard is 320 MiB, generated as it streams (a safetensors header, then a repeated
pattern), so downloads of it exercise streaming, Range and resume without storing anything. Files in
sub-folders (``variables/variables.index``) keep downloads honest about relative paths.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from kaggle_mcp.sandbox.blobs import Blob, BytesBlob, ConcatBlob, RepeatBlob
from kaggle_mcp.sandbox.model_world import Model, ModelInstance, ModelVersion, framework_url_name
from kaggle_mcp.sandbox.world import DataFile, World

LARGE_WEIGHTS_BYTES = 320 << 20
_CARD = ("# Model Summary\n\n{summary}\n\n# Model Characteristics\n\n{characteristics}\n\n# Data Overview\n\n"
         "{data}\n\n# Evaluation Results\n\n{evaluation}\n")


def _safetensors(key: str, size: int, when: datetime) -> Blob:
    header = json.dumps({"__metadata__": {"format": "pt"}, "lm_head.weight": {
        "dtype": "F16", "shape": [32000, 4096], "data_offsets": [0, size]}}).encode()
    prefix = BytesBlob(len(header).to_bytes(8, "little") + header)
    body = RepeatBlob(key, bytes(range(256)) * 64, size - prefix.size, "application/octet-stream", when)
    return ConcatBlob(key, [prefix, body], "application/octet-stream", when)


def _files(world: World, key: str, files: dict[str, bytes | Blob], when: datetime) -> dict[str, DataFile]:
    out: dict[str, DataFile] = {}
    for name, data in files.items():
        blob = data if isinstance(data, Blob) else BytesBlob(data, "application/octet-stream", when)
        world.register_blob(blob, f"model-{key}-{name.replace('/', '-')}")
        out[name] = DataFile(name, blob, "", when)
    return out


def _config(rng: random.Random, hidden: int) -> bytes:
    return json.dumps({"architectures": ["SandboxForCausalLM"], "hidden_size": hidden, "num_hidden_layers":
                       rng.choice([12, 24, 32]), "vocab_size": 32000, "torch_dtype": "float16"}, indent=2).encode()


def _instance(world: World, rng: random.Random, model: str, framework: str, slug: str, start: datetime,
              versions: list[dict[str, bytes | Blob]], license_name: str = "Apache 2.0",
              fine_tunable: bool = False) -> ModelInstance:
    built = []
    for number, files in enumerate(versions, start=1):
        when = start + timedelta(days=40 * number)
        built.append(ModelVersion(number, when, f"v{number}: " + rng.choice(
            ["initial release", "retrained on more data", "fixed tokenizer", "smaller and faster"]),
            _files(world, f"{model}-{framework}-{slug}-v{number}", files, when)))
    handle = f"{model}/{framework_url_name(framework)}/{slug}"
    usage = (f"```python\nimport kagglehub\npath = kagglehub.model_download('{handle}')\n```\n\n"
             "Attach it to a notebook as a model source; its files appear under `/kaggle/input/`.")
    return ModelInstance(world.next_id(), framework, slug, f"The {slug} variation.", usage, license_name, built,
                         fine_tunable=fine_tunable, training_data=["carol/olympiad-problem-bank"] if "solver" in model
                         else [])


def build_models(world: World, rng: random.Random, start: datetime) -> None:
    big = _safetensors("olympiad-solver-7b", LARGE_WEIGHTS_BYTES, start)
    small_weights = lambda n: rng.randbytes(n)  # noqa: E731
    tokenizer = json.dumps({"model": {"type": "BPE", "vocab": {"<s>": 0, "</s>": 1}}}).encode()
    solver = Model(world.next_id(), "carol", "olympiad-solver", "Olympiad Solver",
                   "A small language model tuned to solve arithmetic olympiad problems",
                   _CARD.format(summary="A decoder-only model fine-tuned on olympiad problems; answers end in "
                                        "`\\boxed{}`.", characteristics="- 1.5B and 7B parameters\n- context 4096",
                                data="The problem bank dataset plus synthetic chains of thought.",
                                evaluation="| variation | accuracy |\n|---|---|\n| 1.5b | 0.41 |\n| 7b | 0.58 |"),
                   start, start + timedelta(days=200), [], ["mathematics", "text generation", "llm"],
                   votes=212, downloads=5400, notebooks=37, provenance="Fine-tuned by the sandbox maths fund")
    solver.instances = [
        _instance(world, rng, solver.ref, "MODEL_FRAMEWORK_TRANSFORMERS", "1.5b-instruct", start, [
            {"config.json": _config(rng, 1536), "tokenizer.json": tokenizer, "model.safetensors": small_weights(300_000)},
            {"config.json": _config(rng, 1536), "tokenizer.json": tokenizer, "model.safetensors": small_weights(310_000),
             "generation_config.json": b'{"temperature": 0.7, "max_new_tokens": 2048}'}], fine_tunable=True),
        _instance(world, rng, solver.ref, "MODEL_FRAMEWORK_TRANSFORMERS", "7b-instruct", start, [
            {"config.json": _config(rng, 4096), "tokenizer.json": tokenizer,
             "model-00001-of-00002.safetensors": big, "model-00002-of-00002.safetensors": small_weights(200_000)}]),
        _instance(world, rng, solver.ref, "MODEL_FRAMEWORK_GGUF", "7b-q4", start, [
            {"olympiad-solver-7b.Q4_K_M.gguf": b"GGUF" + small_weights(400_000)}]),
        _instance(world, rng, solver.ref, "MODEL_FRAMEWORK_PY_TORCH", "1.5b", start, [
            {"model.pt": small_weights(150_000)}, {"model.pt": small_weights(150_000)},
            {"model.pt": small_weights(160_000), "README.md": b"# PyTorch weights\n\nLoad with `torch.load`.\n"}]),
    ]
    gbdt = Model(world.next_id(), "alice", "titanic-gbdt", "Titanic GBDT",
                 "A gradient-boosted survival classifier for the Titanic data",
                 _CARD.format(summary="Predicts `Survived` from the Titanic columns.", characteristics="- 300 trees",
                              data="`titanic/train.csv`", evaluation="CV accuracy 0.83"),
                 start + timedelta(days=10), start + timedelta(days=90), [], ["tabular", "classification"],
                 votes=41, downloads=620, notebooks=9)
    gbdt.instances = [
        _instance(world, rng, gbdt.ref, "MODEL_FRAMEWORK_SCIKIT_LEARN", "default", start, [
            {"model.pkl": small_weights(20_000), "features.json": b'["Pclass", "Sex", "Age", "Fare"]'},
            {"model.pkl": small_weights(22_000), "features.json": b'["Pclass", "Sex", "Age", "Fare", "Title"]'}],
            license_name="MIT"),
        _instance(world, rng, gbdt.ref, "MODEL_FRAMEWORK_ONNX", "default", start, [
            {"model.onnx": small_weights(25_000)}], license_name="MIT"),
    ]
    retail = Model(world.next_id(), "dmitri", "retail-lightgbm", "Retail LightGBM",
                   "Pretrained LightGBM boosters for daily store sales",
                   _CARD.format(summary="LightGBM boosters trained on the retail competition.",
                                characteristics="- 3000 trees, 127 leaves", data="`retail-demand-forecast`",
                                evaluation="RMSLE 0.48 on a time-based holdout"),
                   start + timedelta(days=30), start + timedelta(days=150), [], ["time series", "retail"],
                   votes=18, downloads=240, notebooks=4)
    retail.instances = [_instance(world, rng, retail.ref, "MODEL_FRAMEWORK_OTHER", "lightgbm-v4", start, [
        {"model.txt": b"tree\nversion=v4\n" * 2000, "params.json": b'{"num_leaves": 127}'} for _ in range(3)],
        license_name="CC BY 4.0")]
    bert = Model(world.next_id(), "kaggle-sandbox", "tiny-bert", "Tiny BERT",
                 "A 4-layer BERT encoder in three frameworks",
                 _CARD.format(summary="A tiny BERT for text features.", characteristics="- 4 layers, 256 hidden",
                              data="Generated sentences.", evaluation="Not evaluated."),
                 start, start + timedelta(days=60), [], ["nlp", "text classification"], votes=95, downloads=3100,
                 notebooks=22)
    vocab = "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", *(f"tok{i}" for i in range(200))]).encode()
    bert.instances = [
        _instance(world, rng, bert.ref, "MODEL_FRAMEWORK_TENSOR_FLOW_2", "tiny", start, [
            {"saved_model.pb": small_weights(30_000), "variables/variables.index": small_weights(2_000),
             "variables/variables.data-00000-of-00001": small_weights(60_000), "vocab.txt": vocab}]),
        _instance(world, rng, bert.ref, "MODEL_FRAMEWORK_KERAS", "tiny", start, [
            {"model.keras": small_weights(50_000)}, {"model.keras": small_weights(52_000), "vocab.txt": vocab}]),
        _instance(world, rng, bert.ref, "MODEL_FRAMEWORK_PY_TORCH", "tiny", start, [
            {"pytorch_model.bin": small_weights(60_000), "vocab.txt": vocab}]),
    ]
    for model in (solver, gbdt, retail, bert):
        world.models[model.ref] = model
