"""finetune on the tiny model: masking, what the adapter folder records, learning, resume, QLoRA."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from model.config import DEFAULT_SYSTEM_PROMPT
from training.chat import IGNORE_INDEX, encode_example, ensure_chat_template
from training.cli import main
from training.dataprep.formats import Example, Turn
from training.dataprep.splits import split_hash
from training.finetune import FinetuneOptions, finetune, pack


def _tokenizer(path: Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))


def test_only_assistant_tokens_are_trained(tiny_hf_model: Path) -> None:
    tokenizer = _tokenizer(tiny_hf_model)
    example = Example(
        "How do I rest?",
        "Slow down a little.",
        history=(Turn("user", "hi"), Turn("assistant", "hello again")),
    )
    encoded = encode_example(tokenizer, example)
    text = tokenizer.decode(encoded.input_ids)
    assert text.startswith("<|im_start|>system\n" + DEFAULT_SYSTEM_PROMPT)
    trained = tokenizer.decode(
        [
            t
            for t, label in zip(encoded.input_ids, encoded.labels, strict=True)
            if label != IGNORE_INDEX
        ]
    )
    assert trained.replace("\n", "") == "hello again<|im_end|>Slow down a little.<|im_end|>"
    prompt_part = text[: text.index("hello again")]
    n_prompt = len(tokenizer(prompt_part, add_special_tokens=False)["input_ids"])
    assert encoded.labels[:n_prompt] == [IGNORE_INDEX] * n_prompt


def test_truncation_and_packing_keep_labels_aligned(tiny_hf_model: Path) -> None:
    tokenizer = _tokenizer(tiny_hf_model)
    cut = encode_example(tokenizer, Example("Question?", "Reply."), max_length=20)
    assert len(cut.input_ids) == len(cut.labels) == 20
    items = [
        encode_example(
            tokenizer,
            Example(f"Question {i}?", f"Reply {i}."),
            system_prompt="Be kind.",
            max_length=400,
        )
        for i in range(6)
    ]
    assert all(len(i.input_ids) == len(i.labels) <= 400 for i in items)
    packed = pack(items, 400)
    assert len(packed) < len(items)
    assert sum(len(p.input_ids) for p in packed) == sum(len(i.input_ids) for i in items)
    assert sum(p.trainable for p in packed) == sum(i.trainable for i in items)


def test_template_less_tokenizer_gets_chatml() -> None:
    class Bare:
        chat_template = None

    bare = Bare()
    assert ensure_chat_template(bare) is True
    assert "<|im_start|>" in bare.chat_template
    assert ensure_chat_template(bare) is False


def test_adapter_folder_records_base_data_and_settings(
    adapter: Path, prepared: Path, tiny_hf_model: Path
) -> None:
    meta = json.loads((adapter / "haven_adapter.json").read_text())
    assert meta["base"]["kind"] == "hf" and meta["base"]["path"] == str(tiny_hf_model)
    assert meta["data"]["train_sha256"] == split_hash(prepared, "train")
    assert meta["settings"]["packing"] is True and meta["settings"]["label_smoothing"] == 0.1
    assert meta["system_prompt"] == DEFAULT_SYSTEM_PROMPT
    assert meta["result"]["steps"] == 4 and meta["result"]["eval_loss"] > 0
    config = json.loads((adapter / "adapter_config.json").read_text())
    assert sorted(config["target_modules"]) == ["k_proj", "o_proj", "q_proj", "v_proj"]
    assert (adapter / "adapter_model.safetensors").stat().st_size > 0
    assert (adapter / "base_config" / "config.json").is_file()
    assert (adapter / "loss_curve.png").read_bytes()[:4] == b"\x89PNG"
    assert len(json.loads((adapter / "loss_log.json").read_text())) == 4


def test_training_lowers_the_loss(prepared: Path, tiny_hf_model: Path, tmp_path: Path) -> None:
    result = finetune(
        FinetuneOptions(
            prepared,
            str(tiny_hf_model),
            tmp_path / "a",
            max_steps=12,
            batch_size=2,
            learning_rate=3e-2,
            warmup_ratio=0.0,
            lora_dropout=0.0,
            limit=2,
            validate=False,
            show_progress=False,
            save_steps=100,
        )
    )
    losses = [e["loss"] for e in json.loads((tmp_path / "a" / "loss_log.json").read_text())]
    assert result.steps == 12
    assert losses[-1] < losses[0] * 0.8


def test_same_seed_same_adapter(prepared: Path, tiny_hf_model: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    for name in ("x", "y"):
        finetune(
            FinetuneOptions(
                prepared,
                str(tiny_hf_model),
                tmp_path / name,
                max_steps=2,
                batch_size=2,
                validate=False,
                show_progress=False,
            )
        )
    a = load_file(str(tmp_path / "x" / "adapter_model.safetensors"))
    b = load_file(str(tmp_path / "y" / "adapter_model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] == b[k]).all() for k in a)


def test_resume_continues_from_the_last_checkpoint(
    prepared: Path, tiny_hf_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run"
    common = [
        "finetune",
        "--data",
        str(prepared),
        "--base",
        str(tiny_hf_model),
        "--out",
        str(out),
        "--batch-size",
        "2",
        "--save-steps",
        "2",
        "--no-validation",
        "--quiet",
    ]
    assert main([*common, "--max-steps", "2"]) == 0
    assert (out / "checkpoints" / "checkpoint-2").is_dir()
    assert main([*common, "--max-steps", "4", "--resume"]) == 0
    log = json.loads((out / "loss_log.json").read_text())
    assert [e["step"] for e in log] == [1, 2, 3, 4]  # the first two restored, not redone
    assert "4 steps" in capsys.readouterr().out


def test_resume_without_checkpoint_and_bad_inputs_are_clear(
    prepared: Path, tiny_hf_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        [
            "finetune",
            "--data",
            str(prepared),
            "--base",
            str(tiny_hf_model),
            "--out",
            str(tmp_path / "r"),
            "--resume",
            "--quiet",
        ]
    )
    assert rc == 2 and "no checkpoint" in capsys.readouterr().err
    rc = main(
        [
            "finetune",
            "--data",
            str(tmp_path / "nothing"),
            "--base",
            str(tiny_hf_model),
            "--out",
            str(tmp_path / "r"),
        ]
    )
    assert rc == 2 and "no prepared data" in capsys.readouterr().err
    rc = main(
        [
            "finetune",
            "--data",
            str(prepared),
            "--base",
            str(tmp_path / "no-model"),
            "--out",
            str(tmp_path / "r"),
        ]
    )
    assert rc == 2 and "not found" in capsys.readouterr().err


def test_qlora_trains_a_4bit_base_on_the_cpu(
    prepared: Path, tiny_hf_model: Path, tmp_path: Path
) -> None:
    result = finetune(
        FinetuneOptions(
            prepared,
            str(tiny_hf_model),
            tmp_path / "q",
            max_steps=2,
            batch_size=2,
            qlora=True,
            validate=False,
            show_progress=False,
        )
    )
    assert result.steps == 2 and result.train_loss is not None
    meta = json.loads((tmp_path / "q" / "haven_adapter.json").read_text())
    assert meta["settings"]["qlora"] is True
    assert (tmp_path / "q" / "adapter_model.safetensors").stat().st_size > 0


def test_gpt2_family_adapts_only_attention() -> None:
    from peft import LoraConfig, get_peft_model
    from transformers import GPT2Config, GPT2LMHeadModel

    from training.targets import target_modules

    model = GPT2LMHeadModel(
        GPT2Config(n_layer=1, n_embd=32, n_head=2, vocab_size=64, n_positions=64)
    )
    targets = target_modules(model)
    assert targets == ["c_attn", "attn.c_proj"]
    peft_model = get_peft_model(
        model, LoraConfig(r=2, target_modules=targets, task_type="CAUSAL_LM")
    )
    adapted = {
        name.rsplit(".lora_A", 1)[0]
        for name, _ in peft_model.named_modules()
        if name.endswith("lora_A")
    }
    assert {a.split("h.0.", 1)[1] for a in adapted} == {"attn.c_attn", "attn.c_proj"}
