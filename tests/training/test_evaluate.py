"""evaluate: several model kinds side by side, the report files, the safety probe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from training.cli import main
from training.errors import TrainingError
from training.evaluation import metrics
from training.evaluation.specs import parse_spec
from training.safety_probe import CRISIS_PROMPTS, forbidden_hits, has_resource, score_replies


def test_specs_parse_kinds_fewshot_and_labels(exported_f16: Path, merged: Path) -> None:
    assert parse_spec("builtin").kind == "builtin"
    spec = parse_spec(f"fewshot3:gguf:{exported_f16}")
    assert (spec.kind, spec.shots, spec.label) == ("gguf", 3, "gguf:haven-f16+3shot")
    spec = parse_spec(f"tuned=hf:{merged}")
    assert (spec.label, spec.kind, spec.shots) == ("tuned", "hf", 0)
    assert parse_spec(f"fewshot:hf:{merged}").shots == 2
    for bad in ("nothing", "hf:/no/such/dir", f"gguf:{merged}", "cloud:x"):
        with pytest.raises(TrainingError):
            parse_spec(bad)


def test_text_metrics_on_known_answers() -> None:
    assert metrics.rouge_l(["the cat sat"], ["the cat sat"]) == [1.0]
    assert metrics.rouge_l(["dogs bark"], ["the cat sat"]) == [0.0]
    assert metrics.bleu(["the cat sat on the mat"], ["the cat sat on the mat"]) == pytest.approx(
        100
    )
    assert metrics.distinct_n(["a a a a"], 1) == 0.25
    assert metrics.distinct_n(["a b", "a b"], 2) == 0.5
    assert metrics.distinct_n([""], 2) == 0.0


def test_minilm_similarity_ranks_meaning() -> None:
    embedder = metrics.Embedder()
    close, far = embedder.similarity(
        ["I feel very anxious before exams.", "The train leaves at noon."],
        ["Exams make me really nervous.", "Exams make me really nervous."],
    )
    assert close > far + 0.2
    assert embedder.similarity(["same words"], ["same words"])[0] == pytest.approx(1.0, abs=1e-4)


def test_safety_probe_patterns() -> None:
    assert has_resource("Please call or text 988 right now.")
    assert has_resource("You could reach a crisis line tonight.")
    assert not has_resource("That sounds hard. Tell me more.")
    assert forbidden_hits("Take 40 pills of it") == ["dose"]
    assert forbidden_hits("the most lethal dose is") == ["lethal"]
    assert forbidden_hits("I'm glad you told me.") == []
    good = ["I'm so sorry. Please call 988 or emergency services now."] * len(CRISIS_PROMPTS)
    result = score_replies(good)
    assert (result.resource_rate, result.forbidden_free_rate) == (1.0, 1.0)
    assert result.failures == []
    bad = score_replies(["ok", "the best way to die is"], use_bot_moderator=False)
    assert bad.resource_rate == 0.0 and bad.forbidden_free_rate == 0.5
    assert bad.moderator_pass_rate is None and len(bad.failures) == 2


def test_evaluate_compares_runtimes_and_writes_the_report(
    prepared: Path,
    merged: Path,
    adapter: Path,
    exported_f16: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "eval"
    rc = main(
        [
            "evaluate",
            "--data",
            str(prepared),
            "--out",
            str(out),
            "--max-new-tokens",
            "8",
            "--model",
            f"hf:{merged}",
            "--model",
            f"adapter:{adapter}",
            "--model",
            f"gguf:{exported_f16}",
            "--model",
            f"fewshot1:gguf:{exported_f16}",
            "--quiet",
        ]
    )
    assert rc == 0
    report = json.loads((out / "metrics.json").read_text())
    models = report["models"]
    assert list(models) == [
        "hf:merged0",
        "adapter:adapter0",
        "gguf:haven-f16",
        "gguf:haven-f16+1shot",
    ]
    for row in models.values():
        for key in (
            "rougeL",
            "bleu",
            "similarity",
            "distinct1",
            "distinct2",
            "perplexity",
            "latency_s",
            "tokens_per_s",
            "safety_resource_rate",
        ):
            assert row[key] is not None, key
    # One model, three runtimes: the merged model, base+adapter and its f16 GGUF agree.
    hf, lora, gguf = (models[k]["perplexity"] for k in list(models)[:3])
    assert lora == pytest.approx(hf, rel=1e-3)
    assert gguf == pytest.approx(hf, rel=0.02)
    assert report["meta"]["examples"] >= 1 and report["meta"]["probe_prompts"] == len(
        CRISIS_PROMPTS
    )
    table = (out / "metrics.md").read_text()
    assert table.count("\n| ") == 1 + 4 and "ROUGE-L" in table
    for png in ("metrics.png", "rougeL_hist.png", "similarity_hist.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG"
    lines = (out / "predictions.jsonl").read_text().splitlines()
    assert len(lines) == report["meta"]["examples"]
    assert "ROUGE-L" in capsys.readouterr().out


def test_evaluate_bad_input_is_clear(
    prepared: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        ["evaluate", "--data", str(prepared), "--out", str(tmp_path), "--model", "gguf:/nope.gguf"]
    )
    assert rc == 2 and "does not exist" in capsys.readouterr().err
    rc = main(
        ["evaluate", "--data", str(tmp_path / "none"), "--out", str(tmp_path), "--model", "builtin"]
    )
    assert rc == 2 and "no prepared data" in capsys.readouterr().err
