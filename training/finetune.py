"""``python -m training finetune``: a LoRA (or QLoRA) adapter on prepared data.

transformers' ``Trainer`` runs the loop: it already does gradient
accumulation and clipping, warmup, weight decay, label smoothing that skips
masked tokens, gradient checkpointing, a tqdm progress bar and resumable
checkpoints (optimizer, scheduler and RNG state included), so what is left
here is data shaping and bookkeeping. The adapter folder is self-describing:
its base, the hash of the exact rows it saw, and every setting used.
"""

from __future__ import annotations

import json
import math
import platform
import random
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from model.config import DEFAULT_SYSTEM_PROMPT
from training.bases import (
    ADAPTER_META,
    BASE_CONFIG_DIR,
    load_model,
    load_tokenizer,
    offline,
    resolve_base,
)
from training.chat import IGNORE_INDEX, Encoded, encode_example, ensure_chat_template
from training.dataprep.splits import load_split, split_hash
from training.errors import DataError, TrainingError
from training.plots import loss_curve
from training.targets import target_modules

CHECKPOINTS = "checkpoints"
LOSS_LOG = "loss_log.json"
LOSS_PNG = "loss_curve.png"


@dataclass
class FinetuneOptions:
    data: Path
    base: str
    out: Path
    max_steps: int = 200  # 0: train --epochs full passes instead
    epochs: float = 1.0
    batch_size: int = 4
    grad_accum: int = 1
    learning_rate: float = 2e-4
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    target_modules: list[str] | None = None
    max_length: int = 512
    packing: bool = False
    gradient_checkpointing: bool = False
    label_smoothing: float = 0.0
    max_grad_norm: float = 1.0
    weight_decay: float = 0.0
    warmup_ratio: float = 0.05
    seed: int = 42
    qlora: bool = False
    save_steps: int = 50
    resume: bool = False
    limit: int | None = None  # training rows used, for a quick try
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    validate: bool = True  # validation loss at the end
    show_progress: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FinetuneResult:
    adapter_dir: Path
    steps: int
    train_loss: float | None
    eval_loss: float | None
    seconds: float
    loss_png: Path


def _encode_all(tokenizer: Any, examples: list, options: FinetuneOptions) -> list[Encoded]:
    encoded = []
    for example in examples:
        item = encode_example(
            tokenizer, example, system_prompt=options.system_prompt, max_length=options.max_length
        )
        if item.trainable:  # a reply cut off entirely by max_length teaches nothing
            encoded.append(item)
    return encoded


def pack(items: list[Encoded], max_length: int) -> list[Encoded]:
    """Concatenate examples into rows of at most ``max_length`` tokens.

    Fewer, fuller rows mean less padding; each example still ends with its
    template's end-of-turn token, which marks the boundary for the model.
    """
    packed: list[Encoded] = []
    ids: list[int] = []
    labels: list[int] = []
    for item in items:
        if ids and len(ids) + len(item.input_ids) > max_length:
            packed.append(Encoded(ids, labels))
            ids, labels = [], []
        ids = ids + item.input_ids
        labels = labels + item.labels
    if ids:
        packed.append(Encoded(ids, labels))
    return packed


class _Rows:
    """A map-style dataset over encoded rows (the Trainer needs only len and getitem)."""

    def __init__(self, rows: list[Encoded]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> dict[str, list[int]]:
        row = self.rows[index]
        return {"input_ids": row.input_ids, "labels": row.labels}


class _PadCollator:
    def __init__(self, pad_id: int) -> None:
        self.pad_id = pad_id

    def __call__(self, batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(item["input_ids"]) for item in batch)
        ids, labels, mask = [], [], []
        for item in batch:
            gap = width - len(item["input_ids"])
            ids.append(item["input_ids"] + [self.pad_id] * gap)
            labels.append(item["labels"] + [IGNORE_INDEX] * gap)
            mask.append([1] * len(item["input_ids"]) + [0] * gap)
        return {
            "input_ids": torch.tensor(ids),
            "labels": torch.tensor(labels),
            "attention_mask": torch.tensor(mask),
        }


def _latest_checkpoint(folder: Path) -> Path | None:
    found = [p for p in folder.glob("checkpoint-*") if p.name.split("-")[-1].isdigit()]
    return max(found, key=lambda p: int(p.name.split("-")[-1])) if found else None


def _versions() -> dict[str, str]:
    import importlib.metadata as md

    out = {"python": platform.python_version()}
    for name in ("torch", "transformers", "peft", "bitsandbytes", "accelerate"):
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            pass
    return out


def finetune(options: FinetuneOptions) -> FinetuneResult:
    """Train and save an adapter in ``options.out``; TrainingError for bad input."""
    offline()
    started = time.perf_counter()
    train_examples = load_split(options.data, "train", options.limit)
    if not train_examples:
        raise DataError(f"the train split in {options.data} is empty")
    validation_examples = load_split(options.data, "validation") if options.validate else []
    data_hash = split_hash(options.data, "train")
    base = resolve_base(options.base)

    import torch
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training
    from transformers import Trainer, TrainingArguments, set_seed

    set_seed(options.seed)
    random.seed(options.seed)
    tokenizer = load_tokenizer(base)
    template_added = ensure_chat_template(tokenizer)
    rows = _encode_all(tokenizer, train_examples, options)
    if not rows:
        raise DataError("no training example has any reply token left within --max-length")
    if options.packing:
        rows = pack(rows, options.max_length)
    eval_rows = _encode_all(tokenizer, validation_examples, options)

    model = load_model(base, quantize_4bit=options.qlora)
    if options.qlora:
        model = prepare_model_for_kbit_training(
            model,
            use_gradient_checkpointing=options.gradient_checkpointing,
            gradient_checkpointing_kwargs={"use_reentrant": False},
        )
    lora = LoraConfig(
        r=options.lora_r,
        lora_alpha=options.lora_alpha,
        lora_dropout=options.lora_dropout,
        target_modules=target_modules(model, options.target_modules),
        bias="none",
        task_type="CAUSAL_LM",
    )
    model = get_peft_model(model, lora)
    model.config.use_cache = (
        False  # the cache is useless in training and clashes with checkpointing
    )

    steps_per_epoch = math.ceil(len(rows) / (options.batch_size * options.grad_accum))
    total_steps = options.max_steps or math.ceil(steps_per_epoch * options.epochs)
    checkpoints = options.out / CHECKPOINTS
    use_cuda = torch.cuda.is_available()
    args = TrainingArguments(
        output_dir=str(checkpoints),
        max_steps=total_steps,
        per_device_train_batch_size=options.batch_size,
        per_device_eval_batch_size=options.batch_size,
        gradient_accumulation_steps=options.grad_accum,
        learning_rate=options.learning_rate,
        lr_scheduler_type="cosine",
        warmup_steps=round(total_steps * options.warmup_ratio),
        weight_decay=options.weight_decay,
        max_grad_norm=options.max_grad_norm,
        label_smoothing_factor=options.label_smoothing,
        activation_checkpointing=options.gradient_checkpointing,
        activation_checkpointing_kwargs={"use_reentrant": False},
        logging_steps=1,
        save_strategy="steps",
        save_steps=max(1, options.save_steps),
        save_total_limit=1,
        seed=options.seed,
        data_seed=options.seed,
        report_to="none",
        disable_tqdm=not options.show_progress,
        remove_unused_columns=False,
        use_cpu=not use_cuda,
        bf16=use_cuda and torch.cuda.is_bf16_supported(),
        dataloader_num_workers=0,
        eval_strategy="no",
    )
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=_Rows(rows),
        eval_dataset=_Rows(eval_rows) if eval_rows else None,
        data_collator=_PadCollator(tokenizer.pad_token_id),
    )
    resume_from = _latest_checkpoint(checkpoints) if options.resume else None
    if options.resume and resume_from is None:
        raise TrainingError(f"--resume: no checkpoint in {checkpoints}")
    if not options.resume and checkpoints.exists():
        shutil.rmtree(checkpoints)  # a fresh run must not mix with an old one
    output = trainer.train(resume_from_checkpoint=str(resume_from) if resume_from else None)
    eval_loss = None
    if eval_rows:
        eval_loss = float(trainer.evaluate()["eval_loss"])

    options.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(options.out)
    tokenizer.save_pretrained(options.out)
    # The LoRA -> GGUF converter needs the base's config, even for a GGUF base.
    base_model = model.get_base_model()
    base_config = base_model.config
    if not getattr(base_config, "architectures", None):
        # A config rebuilt from a GGUF lacks it, and the converter picks its writer by it.
        base_config.architectures = [type(base_model).__name__]
    base_config.save_pretrained(options.out / BASE_CONFIG_DIR)
    history = [
        {"step": entry["step"], "loss": entry["loss"]}
        for entry in trainer.state.log_history
        if "loss" in entry
    ]
    (options.out / LOSS_LOG).write_text(json.dumps(history, indent=1) + "\n")
    eval_points = [(trainer.state.global_step, eval_loss)] if eval_loss is not None else []
    png = loss_curve(
        [h["step"] for h in history],
        [h["loss"] for h in history],
        options.out / LOSS_PNG,
        eval_points,
    )
    seconds = time.perf_counter() - started
    train_loss = history[-1]["loss"] if history else None
    settings = {
        k: (str(v) if isinstance(v, Path) else v)
        for k, v in asdict(options).items()
        if k not in ("system_prompt", "show_progress")
    }
    meta = {
        "base": base.to_json(),
        "data": {
            "dir": str(Path(options.data).resolve()),
            "train_sha256": data_hash,
            "train_rows": len(train_examples),
            "sequences": len(rows),
        },
        "system_prompt": options.system_prompt,
        "chat_template_added": template_added,
        "settings": settings,
        "result": {
            "steps": trainer.state.global_step,
            "train_loss": train_loss,
            "train_loss_mean": output.training_loss,
            "eval_loss": eval_loss,
            "seconds": round(seconds, 1),
        },
        "versions": _versions(),
    }
    (options.out / ADAPTER_META).write_text(json.dumps(meta, indent=2) + "\n")
    return FinetuneResult(
        options.out, trainer.state.global_step, train_loss, eval_loss, seconds, png
    )
