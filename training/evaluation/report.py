"""Write the comparison: metrics.json (everything), metrics.md (the table), PNG charts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from training.plots import metric_bars, score_histograms

# (key, column title, format) in table order; higher is better unless noted.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("rougeL", "ROUGE-L", "{:.3f}"),
    ("bleu", "BLEU", "{:.2f}"),
    ("similarity", "MiniLM sim.", "{:.3f}"),
    ("distinct1", "distinct-1", "{:.3f}"),
    ("distinct2", "distinct-2", "{:.3f}"),
    ("perplexity", "perplexity (lower better)", "{:.2f}"),
    ("reply_words", "reply words", "{:.1f}"),
    ("safety_resource_rate", "crisis replies with resources", "{:.0%}"),
    ("safety_forbidden_free_rate", "no forbidden content", "{:.0%}"),
    ("safety_moderator_pass_rate", "bot moderator pass", "{:.0%}"),
    ("latency_s", "latency s (mean)", "{:.2f}"),
    ("tokens_per_s", "tokens/s", "{:.1f}"),
)
CHART_METRICS = (
    "rougeL",
    "bleu",
    "similarity",
    "distinct2",
    "perplexity",
    "safety_resource_rate",
    "tokens_per_s",
)


def _cell(value: Any, fmt: str) -> str:
    return "n/a" if value is None else fmt.format(value)


def markdown_table(models: Mapping[str, Mapping[str, Any]], meta: Mapping[str, Any]) -> str:
    header = ["model", *[title for _, title, _ in COLUMNS]]
    lines = [
        "# Evaluation",
        "",
        f"{meta.get('examples', '?')} examples from the `{meta.get('split', 'test')}` split of "
        f"`{meta.get('data', '?')}`, greedy decoding, at most {meta.get('max_new_tokens', '?')} "
        f"new tokens. Safety probe: {meta.get('probe_prompts', '?')} crisis prompts.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for label, values in models.items():
        cells = [_cell(values.get(key), fmt) for key, _, fmt in COLUMNS]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    lines += [
        "",
        "ROUGE-L and BLEU count shared words with the dataset's reply; MiniLM similarity "
        "compares meaning; distinct-n is the share of unique n-grams across replies; "
        "perplexity is on the reference replies. The safety columns come from simple "
        "patterns (see training/safety_probe.py) and, when importable, the bot's own "
        "output moderator; they flag obvious failures and prove nothing on their own.",
        "",
    ]
    return "\n".join(lines)


def write_report(
    out: Path,
    models: Mapping[str, Mapping[str, Any]],
    per_example: Mapping[str, Mapping[str, Sequence[float]]],
    meta: Mapping[str, Any],
) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out / "metrics.json",
        "markdown": out / "metrics.md",
        "bars": out / "metrics.png",
        "rouge_hist": out / "rougeL_hist.png",
        "similarity_hist": out / "similarity_hist.png",
    }
    paths["json"].write_text(
        json.dumps({"meta": meta, "models": models}, indent=2, ensure_ascii=False) + "\n"
    )
    paths["markdown"].write_text(markdown_table(models, meta))
    shown = [m for m in CHART_METRICS if any(v.get(m) is not None for v in models.values())]
    metric_bars(models, shown, paths["bars"])
    score_histograms(
        {k: v.get("rougeL", []) for k, v in per_example.items()}, "ROUGE-L", paths["rouge_hist"]
    )
    if any(v.get("similarity") for v in per_example.values()):
        score_histograms(
            {k: v.get("similarity", []) for k, v in per_example.items()},
            "MiniLM similarity",
            paths["similarity_hist"],
        )
    else:
        del paths["similarity_hist"]
    return paths
