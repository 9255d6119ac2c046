"""``python -m training prepare``: read, map, clean, deduplicate, filter, split, write.

Every step reports how many rows it removed and why, into ``stats.json``, so
an operator can see what became of their data without reading any of it.
"""

from __future__ import annotations

import hashlib
import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from training.dataprep.augment import augment_question
from training.dataprep.cleaning import CleaningStats, clean_text
from training.dataprep.dedup import remove_duplicates
from training.dataprep.formats import Example, Turn, to_examples
from training.dataprep.readers import read_rows
from training.dataprep.splits import DB_NAME, SPLITS, SplitRow, assign_splits, write_splits
from training.dataprep.tokens import TokenCounter, load_token_counter
from training.errors import DataError
from training.plots import token_histogram

STATS_NAME = "stats.json"
HISTOGRAM_NAME = "token_lengths.png"


@dataclass
class PrepareOptions:
    input: Path
    out: Path
    format: str = "auto"
    prompt_col: str | None = None
    response_col: str | None = None
    tokenizer: str = "builtin"
    min_response_tokens: int = 3
    max_tokens: int = 1024  # prompt + history + reply
    validation: float = 0.1
    test: float = 0.1
    seed: int = 13
    augment: int = 0  # rewordings added per training question
    near_dup_threshold: float = 92.0  # rapidfuzz ratio; above 100 turns it off
    scrub_pii: bool = True
    limit: int | None = None  # rows read from the input, for a quick try
    show_progress: bool = True


@dataclass
class PrepareResult:
    database: Path
    stats_path: Path
    histogram: Path
    stats: dict[str, Any] = field(default_factory=dict)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode())
        with file.open("rb") as handle:
            for block in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _clean_example(example: Example, stats: CleaningStats, scrub: bool) -> Example | None:
    prompt = clean_text(example.prompt, stats, scrub=scrub)
    response = clean_text(example.response, stats, scrub=scrub)
    history = tuple(
        Turn(t.role, cleaned)
        for t in example.history
        if (cleaned := clean_text(t.content, stats, scrub=scrub))
    )
    if not prompt or not response:
        return None
    return Example(prompt, response, example.source, example.source_row, history)


def _summary(values: list[int]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 1),
        "median": float(statistics.median(ordered)),
        "p95": float(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]),
        "max": float(ordered[-1]),
    }


def prepare_dataset(options: PrepareOptions, counter: TokenCounter | None = None) -> PrepareResult:
    """Run the whole preparation; DataError for input that cannot yield a dataset."""
    started = time.perf_counter()
    read = read_rows(options.input)
    rows = read.rows[: options.limit] if options.limit else read.rows
    mapped = to_examples(
        rows, options.format, prompt_col=options.prompt_col, response_col=options.response_col
    )

    cleaning = CleaningStats()
    cleaned: list[Example] = []
    emptied = 0
    for example in tqdm(
        mapped.examples, desc="cleaning", unit="ex", disable=not options.show_progress, leave=False
    ):
        result = _clean_example(example, cleaning, options.scrub_pii)
        if result is None:
            emptied += 1
        else:
            cleaned.append(result)

    dedup = remove_duplicates(cleaned, threshold=options.near_dup_threshold, seed=options.seed)

    counter = counter or load_token_counter(options.tokenizer)
    measured: list[tuple[Example, int, int]] = []
    too_long = too_short = 0
    for example in tqdm(
        dedup.kept,
        desc="counting tokens",
        unit="ex",
        disable=not options.show_progress,
        leave=False,
    ):
        history_tokens = sum(counter.count(t.content) for t in example.history)
        prompt_tokens = counter.count(example.prompt) + history_tokens
        response_tokens = counter.count(example.response)
        if response_tokens < options.min_response_tokens:
            too_short += 1
        elif prompt_tokens + response_tokens > options.max_tokens:
            too_long += 1
        else:
            measured.append((example, prompt_tokens, response_tokens))
    if not measured:
        raise DataError(
            f"every example was filtered out ({too_long} longer than --max-tokens "
            f"{options.max_tokens}, {too_short} replies under {options.min_response_tokens} tokens)"
        )

    lengths = {id(e): (p, r) for e, p, r in measured}
    splits = assign_splits(
        [e for e, _, _ in measured],
        seed=options.seed,
        validation=options.validation,
        test=options.test,
    )
    split_rows: list[SplitRow] = []
    augmented = 0
    for name in SPLITS:
        for example in splits[name]:
            prompt_tokens, response_tokens = lengths[id(example)]
            split_rows.append(SplitRow(name, example, prompt_tokens, response_tokens))
            if name != "train" or options.augment <= 0:
                continue
            origin = len(split_rows) - 1
            for variant in augment_question(example.prompt, options.seed, options.augment):
                extra = counter.count(variant) - counter.count(example.prompt)
                twin = Example(
                    variant, example.response, example.source, example.source_row, example.history
                )
                split_rows.append(
                    SplitRow("train", twin, prompt_tokens + extra, response_tokens, origin)
                )
                augmented += 1

    options.out.mkdir(parents=True, exist_ok=True)
    counts = {name: sum(1 for r in split_rows if r.split == name) for name in SPLITS}
    stats: dict[str, Any] = {
        "input": str(options.input),
        "input_sha256": file_sha256(options.input),
        "input_kind": read.kind,
        "format": mapped.format,
        "rows_read": len(rows),
        "rows_unreadable": read.skipped,
        "read_problems": read.problems,
        "dropped_by_format": mapped.reasons,
        "emptied_by_cleaning": emptied,
        "cleaning": dict(sorted(cleaning.counts.items())),
        "outdated_hotlines_replaced": sum(
            n for k, n in cleaning.counts.items() if k.startswith("hotline:")
        ),
        "duplicates_exact": dedup.exact,
        "duplicates_near": dedup.near,
        "too_long": too_long,
        "too_short": too_short,
        "kept": len(measured),
        "augmented": augmented,
        "splits": counts,
        "tokenizer": counter.name,
        "max_tokens": options.max_tokens,
        "seed": options.seed,
        "validation_fraction": options.validation,
        "test_fraction": options.test,
        "pii_scrubbed": options.scrub_pii,
        "tokens": {
            "prompt": _summary([p for _, p, _ in measured]),
            "response": _summary([r for _, _, r in measured]),
            "total": _summary([p + r for _, p, r in measured]),
        },
    }
    database = options.out / DB_NAME
    write_splits(
        database,
        split_rows,
        {
            "format": mapped.format,
            "seed": options.seed,
            "input_sha256": stats["input_sha256"],
            "tokenizer": counter.name,
            "max_tokens": options.max_tokens,
            "splits": counts,
        },
    )
    histogram = token_histogram(
        {
            "prompt": [p for _, p, _ in measured],
            "response": [r for _, _, r in measured],
            "total": [p + r for _, p, r in measured],
        },
        options.out / HISTOGRAM_NAME,
        options.max_tokens,
    )
    stats["seconds"] = round(time.perf_counter() - started, 2)
    stats_path = options.out / STATS_NAME
    stats_path.write_text(json.dumps(stats, indent=2, ensure_ascii=False) + "\n")
    return PrepareResult(database, stats_path, histogram, stats)
