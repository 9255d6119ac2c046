"""``python -m training evaluate``: every model answers the same test prompts, then scores.

Models are loaded one at a time and closed before the next, so comparing a
base, an adapter and three GGUFs never holds more than one in memory. The
embedding model is loaded only after all generation is done, for the same
reason.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from model.config import DEFAULT_SYSTEM_PROMPT
from training.chat import prompt_messages
from training.dataprep.formats import Example
from training.dataprep.splits import load_split
from training.errors import DataError, TrainingError
from training.evaluation import metrics
from training.evaluation.generators import Generator, Messages, open_generator, perplexity
from training.evaluation.report import write_report
from training.evaluation.specs import ModelSpec, parse_spec
from training.safety_probe import CRISIS_PROMPTS, score_replies


@dataclass
class EvaluateOptions:
    data: Path
    models: list[str]
    out: Path
    split: str = "test"
    limit: int | None = 50
    max_new_tokens: int = 128
    perplexity: bool = True
    similarity: bool = True
    safety: bool = True
    use_bot_moderator: bool = True
    seed: int = 13
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    show_progress: bool = True


@dataclass
class ModelRun:
    spec: ModelSpec
    predictions: list[str] = field(default_factory=list)
    new_tokens: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    nll: float = 0.0
    nll_tokens: int = 0
    probe_replies: list[str] = field(default_factory=list)
    load_seconds: float = 0.0


def _shots(data: Path, k: int, seed: int) -> list[Example]:
    """k short training pairs, chosen by seed, shown before the question in few-shot mode."""
    if k <= 0:
        return []
    train = [e for e in load_split(data, "train") if not e.history]
    if not train:
        raise DataError("few-shot prompting needs single-turn examples in the train split")
    train.sort(key=lambda e: len(e.prompt) + len(e.response))
    pool = train[: max(k * 4, k)]
    return random.Random(seed).sample(pool, min(k, len(pool)))


def _with_shots(messages: Messages, shots: list[Example]) -> Messages:
    if not shots:
        return messages
    system = messages[:1] if messages and messages[0]["role"] == "system" else []
    demo: Messages = []
    for shot in shots:
        demo += [
            {"role": "user", "content": shot.prompt},
            {"role": "assistant", "content": shot.response},
        ]
    return [*system, *demo, *messages[len(system) :]]


def _run_model(spec: ModelSpec, examples: list[Example], options: EvaluateOptions) -> ModelRun:
    run = ModelRun(spec)
    started = time.perf_counter()
    generator: Generator = open_generator(spec, perplexity=options.perplexity)
    run.load_seconds = time.perf_counter() - started
    shots = _shots(options.data, spec.shots, options.seed)
    try:
        for example in tqdm(
            examples, desc=spec.label, unit="ex", disable=not options.show_progress
        ):
            messages = _with_shots(prompt_messages(example, options.system_prompt), shots)
            reply = generator.generate(messages, options.max_new_tokens)
            run.predictions.append(reply.text)
            run.new_tokens.append(reply.new_tokens)
            run.seconds.append(reply.seconds)
            if options.perplexity:
                scored = generator.reply_nll(messages, example.response)
                if scored is not None:
                    run.nll += scored[0]
                    run.nll_tokens += scored[1]
        if options.safety:
            for prompt in CRISIS_PROMPTS:
                messages = _with_shots(
                    [
                        {"role": "system", "content": options.system_prompt},
                        {"role": "user", "content": prompt},
                    ],
                    shots,
                )
                run.probe_replies.append(generator.generate(messages, options.max_new_tokens).text)
    finally:
        generator.close()
    return run


def evaluate(options: EvaluateOptions) -> dict[str, Path]:
    """Run every model on the split and write the report; returns the written files."""
    if not options.models:
        raise TrainingError("give at least one --model")
    specs = [parse_spec(m) for m in options.models]
    labels = [s.label for s in specs]
    if len(set(labels)) != len(labels):
        raise TrainingError(f"two models share a label ({labels}): name them with LABEL=SPEC")
    examples = load_split(options.data, options.split, options.limit)
    if not examples:
        raise DataError(f"the {options.split} split in {options.data} is empty")
    references = [e.response for e in examples]

    runs = [_run_model(spec, examples, options) for spec in specs]

    embedder = metrics.Embedder() if options.similarity else None
    table: dict[str, dict[str, Any]] = {}
    per_example: dict[str, dict[str, list[float]]] = {}
    probe_meta: dict[str, Any] = {}
    for run in runs:
        rouge = metrics.rouge_l(run.predictions, references)
        similarity = embedder.similarity(run.predictions, references) if embedder else []
        total_seconds = sum(run.seconds)
        row: dict[str, Any] = {
            "rougeL": metrics.mean(rouge),
            "bleu": metrics.bleu(run.predictions, references),
            "similarity": metrics.mean(similarity),
            "distinct1": metrics.distinct_n(run.predictions, 1),
            "distinct2": metrics.distinct_n(run.predictions, 2),
            "perplexity": perplexity(run.nll, run.nll_tokens) if options.perplexity else None,
            "reply_words": metrics.mean([len(p.split()) for p in run.predictions]),
            "reply_tokens": metrics.mean(run.new_tokens),
            "latency_s": metrics.mean(run.seconds),
            "latency_p95_s": metrics.percentile(run.seconds, 95),
            "tokens_per_s": sum(run.new_tokens) / total_seconds if total_seconds > 0 else None,
            "load_s": run.load_seconds,
            "shots": run.spec.shots,
        }
        if options.safety:
            probe = score_replies(run.probe_replies, use_bot_moderator=options.use_bot_moderator)
            row["safety_resource_rate"] = probe.resource_rate
            row["safety_forbidden_free_rate"] = probe.forbidden_free_rate
            row["safety_moderator_pass_rate"] = probe.moderator_pass_rate
            probe_meta[run.spec.label] = probe.to_json()
        table[run.spec.label] = metrics.summarise(row)
        per_example[run.spec.label] = {"rougeL": rouge, "similarity": similarity}

    options.out.mkdir(parents=True, exist_ok=True)
    with (options.out / "predictions.jsonl").open("w", encoding="utf-8") as handle:
        for index, example in enumerate(examples):
            record = {
                "prompt": example.prompt,
                "reference": example.response,
                "predictions": {r.spec.label: r.predictions[index] for r in runs},
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    meta = {
        "data": str(options.data),
        "split": options.split,
        "examples": len(examples),
        "max_new_tokens": options.max_new_tokens,
        "decoding": "greedy",
        "probe_prompts": len(CRISIS_PROMPTS) if options.safety else 0,
        "specs": {
            r.spec.label: {"kind": r.spec.kind, "path": r.spec.path, "shots": r.spec.shots}
            for r in runs
        },
        "safety_probe": probe_meta,
    }
    paths = write_report(options.out, table, per_example, meta)
    paths["predictions"] = options.out / "predictions.jsonl"
    return paths
