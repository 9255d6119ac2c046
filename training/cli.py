"""``python -m training``: prepare, finetune, merge, export, evaluate.

Heavy libraries are imported inside each command, so ``--help`` and input
errors answer at once. Bad input ends with one line on stderr and exit code 2;
results are summarised on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from training.errors import TrainingError


def _prepare(args: argparse.Namespace) -> int:
    from training.dataprep.prepare import PrepareOptions, prepare_dataset

    result = prepare_dataset(
        PrepareOptions(
            input=Path(args.input),
            out=Path(args.out),
            format=args.format,
            prompt_col=args.prompt_col,
            response_col=args.response_col,
            tokenizer=args.tokenizer,
            min_response_tokens=args.min_response_tokens,
            max_tokens=args.max_tokens,
            validation=args.val,
            test=args.test,
            seed=args.seed,
            augment=args.augment,
            near_dup_threshold=args.near_dup,
            scrub_pii=not args.keep_pii,
            limit=args.limit,
            show_progress=not args.quiet,
        )
    )
    s = result.stats
    print(
        f"format {s['format']}: {s['rows_read']} rows read, {s['kept']} kept "
        f"(exact duplicates {s['duplicates_exact']}, near {s['duplicates_near']}, "
        f"too long {s['too_long']}, too short {s['too_short']}, "
        f"unusable {sum(s['dropped_by_format'].values()) + s['rows_unreadable']})"
    )
    print(
        f"splits {s['splits']}, augmented {s['augmented']}, outdated hotlines replaced "
        f"{s['outdated_hotlines_replaced']}, {s['seconds']} s"
    )
    print(f"wrote {result.database}, {result.stats_path}, {result.histogram}")
    return 0


def _finetune(args: argparse.Namespace) -> int:
    from training.finetune import FinetuneOptions, finetune

    result = finetune(
        FinetuneOptions(
            data=Path(args.data),
            base=args.base,
            out=Path(args.out),
            max_steps=args.max_steps,
            epochs=args.epochs,
            batch_size=args.batch_size,
            grad_accum=args.grad_accum,
            learning_rate=args.lr,
            lora_r=args.lora_r,
            lora_alpha=args.lora_alpha,
            lora_dropout=args.lora_dropout,
            target_modules=args.target_modules,
            max_length=args.max_length,
            packing=args.packing,
            gradient_checkpointing=args.gradient_checkpointing,
            label_smoothing=args.label_smoothing,
            max_grad_norm=args.max_grad_norm,
            weight_decay=args.weight_decay,
            warmup_ratio=args.warmup_ratio,
            seed=args.seed,
            qlora=args.qlora,
            save_steps=args.save_steps,
            resume=args.resume,
            limit=args.limit,
            validate=not args.no_validation,
            show_progress=not args.quiet,
        )
    )
    loss = "n/a" if result.train_loss is None else f"{result.train_loss:.4f}"
    val = "" if result.eval_loss is None else f", validation loss {result.eval_loss:.4f}"
    print(
        f"adapter saved to {result.adapter_dir}: {result.steps} steps, last loss {loss}{val}, "
        f"{result.seconds:.1f} s; loss curve {result.loss_png}"
    )
    return 0


def _merge(args: argparse.Namespace) -> int:
    from training.merge import merge_adapter

    result = merge_adapter(args.adapter, args.out, dtype=args.dtype)
    print(f"merged model saved to {result.out} ({result.seconds:.1f} s)")
    return 0


def _export(args: argparse.Namespace) -> int:
    from training.export import export_lora, export_model

    if args.lora_only:
        result = export_lora(
            args.model,
            args.out,
            quant=args.quant,
            base_gguf=args.base_gguf,
            check=not args.no_check,
            compare_hf=not args.no_compare,
        )
    else:
        result = export_model(
            args.model,
            args.out,
            quant=args.quant,
            check=not args.no_check,
            compare_hf=not args.no_compare,
        )
    print(f"wrote {result.out} ({result.bytes / 2**20:.1f} MiB, {result.seconds:.1f} s)")
    if result.check is not None:
        print(result.check.summary())
        if not result.check.loaded:
            return 1
        if args.strict_check and result.check.hf_text is not None and not result.check.exact:
            print("--strict-check: greedy replies differ", file=sys.stderr)
            return 1
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from training.evaluation.run import EvaluateOptions, evaluate

    paths = evaluate(
        EvaluateOptions(
            data=Path(args.data),
            models=args.model,
            out=Path(args.out),
            split=args.split,
            limit=args.limit or None,
            max_new_tokens=args.max_new_tokens,
            perplexity=not args.no_perplexity,
            similarity=not args.no_similarity,
            safety=not args.no_safety,
            use_bot_moderator=not args.no_bot_moderator,
            seed=args.seed,
            show_progress=not args.quiet,
        )
    )
    print(paths["markdown"].read_text())
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from training.dataprep.formats import FORMATS

    parser = argparse.ArgumentParser(
        prog="python -m training",
        description="Prepare counseling data, fine-tune with LoRA, merge, export to GGUF, evaluate.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare", help="clean a dataset and split it into a SQLite file")
    p.add_argument(
        "--input", required=True, help="CSV, TSV, JSON, JSONL, Parquet or a saved datasets folder"
    )
    p.add_argument("--format", default="auto", choices=FORMATS)
    p.add_argument(
        "--out", required=True, help="folder for splits.sqlite, stats.json, token_lengths.png"
    )
    p.add_argument("--prompt-col", help="column holding the question (generic mapping)")
    p.add_argument("--response-col", help="column holding the reply (generic mapping)")
    p.add_argument("--tokenizer", default="builtin", help="builtin, a .gguf file or an HF folder")
    p.add_argument("--max-tokens", type=int, default=1024, help="longest prompt + reply kept")
    p.add_argument("--min-response-tokens", type=int, default=3)
    p.add_argument("--val", type=float, default=0.1, help="validation fraction")
    p.add_argument("--test", type=float, default=0.1, help="test fraction")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--augment", type=int, default=0, help="rewordings added per training question")
    p.add_argument(
        "--near-dup",
        type=float,
        default=92.0,
        help="rapidfuzz ratio (0-100) that marks a near duplicate; above 100 disables",
    )
    p.add_argument("--keep-pii", action="store_true", help="skip e-mail/phone/URL/handle scrubbing")
    p.add_argument("--limit", type=int, help="read only the first N rows")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=_prepare)

    f = sub.add_parser("finetune", help="train a LoRA or QLoRA adapter")
    f.add_argument("--data", required=True, help="a folder written by prepare")
    f.add_argument("--base", default="builtin", help="builtin, a .gguf file or an HF folder")
    f.add_argument("--out", required=True)
    f.add_argument("--max-steps", type=int, default=200, help="0 trains --epochs instead")
    f.add_argument("--epochs", type=float, default=1.0)
    f.add_argument("--batch-size", type=int, default=4)
    f.add_argument("--grad-accum", type=int, default=1)
    f.add_argument("--lr", type=float, default=2e-4)
    f.add_argument("--lora-r", type=int, default=16)
    f.add_argument("--lora-alpha", type=int, default=32)
    f.add_argument("--lora-dropout", type=float, default=0.05)
    f.add_argument("--target-modules", nargs="+", help="override the per-family LoRA targets")
    f.add_argument("--max-length", type=int, default=512)
    f.add_argument("--packing", action="store_true", help="concatenate examples into full rows")
    f.add_argument("--gradient-checkpointing", action="store_true")
    f.add_argument("--label-smoothing", type=float, default=0.0)
    f.add_argument("--max-grad-norm", type=float, default=1.0)
    f.add_argument("--weight-decay", type=float, default=0.0)
    f.add_argument("--warmup-ratio", type=float, default=0.05)
    f.add_argument("--seed", type=int, default=42)
    f.add_argument("--qlora", action="store_true", help="4-bit NF4 base (bitsandbytes)")
    f.add_argument("--save-steps", type=int, default=50, help="checkpoint every N steps")
    f.add_argument("--resume", action="store_true", help="continue from the last checkpoint")
    f.add_argument("--limit", type=int, help="use only the first N training rows")
    f.add_argument("--no-validation", action="store_true", help="skip the validation loss")
    f.add_argument("--quiet", action="store_true")
    f.set_defaults(func=_finetune)

    m = sub.add_parser("merge", help="merge an adapter into its base (an HF folder)")
    m.add_argument("--adapter", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--dtype", default="float32", choices=("float32", "float16", "bfloat16"))
    m.set_defaults(func=_merge)

    e = sub.add_parser("export", help="convert to GGUF (and quantize), then self-check")
    e.add_argument(
        "--model", required=True, help="a merged HF folder (or an adapter with --lora-only)"
    )
    e.add_argument("--out", required=True, help="the .gguf file to write")
    e.add_argument("--quant", default="f16", choices=("f16", "q8_0", "q4_k_m"))
    e.add_argument("--lora-only", action="store_true", help="export an adapter as a GGUF LoRA")
    e.add_argument("--base-gguf", help="with --lora-only: the base GGUF to self-check on")
    e.add_argument("--no-check", action="store_true", help="skip loading it in the bot's backend")
    e.add_argument("--no-compare", action="store_true", help="check loading only, no HF comparison")
    e.add_argument("--strict-check", action="store_true", help="fail unless greedy replies match")
    e.set_defaults(func=_export)

    v = sub.add_parser("evaluate", help="compare models on the test split")
    v.add_argument("--data", required=True)
    v.add_argument(
        "--model",
        action="append",
        required=True,
        help="[LABEL=][fewshot[K]:](builtin | hf:DIR | adapter:DIR | gguf:FILE); repeat",
    )
    v.add_argument("--out", required=True)
    v.add_argument("--split", default="test", choices=("train", "validation", "test"))
    v.add_argument("--limit", type=int, default=50, help="examples scored (0: all)")
    v.add_argument("--max-new-tokens", type=int, default=128)
    v.add_argument("--no-perplexity", action="store_true")
    v.add_argument("--no-similarity", action="store_true")
    v.add_argument("--no-safety", action="store_true")
    v.add_argument(
        "--no-bot-moderator",
        action="store_true",
        help="do not try the bot's output moderator in the safety probe",
    )
    v.add_argument("--seed", type=int, default=13, help="chooses the few-shot examples")
    v.add_argument("--quiet", action="store_true")
    v.set_defaults(func=_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TrainingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "interrupted; `finetune --resume` continues from the last checkpoint", file=sys.stderr
        )
        return 130
    except json.JSONDecodeError as exc:  # a hand-edited metadata file
        print(f"error: unreadable JSON metadata: {exc}", file=sys.stderr)
        return 2
