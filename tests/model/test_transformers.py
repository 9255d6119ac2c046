"""transformers backend on the tiny model: streaming, batching, adapters, 4-bit, GGUF."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import torch

from model.base import BackendUnavailable
from model.config import ModelSection, TransformersSection
from model.transformers_backend import TransformersBackend, resolve_model_source
from tests.model.helpers import chat, collect, greedy

PROMPTS = [
    chat("I feel tired today."),
    chat("Hello"),
    chat("We need some rest lately and my sister was calm.", "That sounds kind.", "It was."),
    chat("Sleep."),
    chat("My friend keeps breathing slowly right now."),
    chat("The night was calm a little."),
    chat("Work again?"),
    chat("I hope for a cup of tea and someone to listen, and that is okay."),
]


def _cfg(model_path: str, **kw: object) -> ModelSection:
    return ModelSection(
        backend="transformers",
        transformers=TransformersSection(model_path=model_path, device="cpu", **kw),
    )


async def test_generates_and_streams(tiny_transformers: TransformersBackend) -> None:
    pieces = [p async for p in tiny_transformers.stream(PROMPTS[0], greedy(16))]
    assert len(pieces) > 1
    assert "".join(pieces) == await collect(tiny_transformers, PROMPTS[0], greedy(16))


async def test_greedy_matches_plain_transformers_generate(
    tiny_transformers: TransformersBackend, tiny_hf_model: Path
) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_hf_model)
    model = AutoModelForCausalLM.from_pretrained(tiny_hf_model)
    msgs = PROMPTS[2]
    enc = tok.apply_chat_template(
        [{"role": m.role, "content": m.content} for m in msgs],
        add_generation_prompt=True,
        return_tensors="pt",
        return_dict=True,
    )
    out = model.generate(**enc, max_new_tokens=12, do_sample=False, repetition_penalty=1.0)
    expected = tok.decode(out[0, enc["input_ids"].shape[1] :], skip_special_tokens=True)
    assert await collect(tiny_transformers, msgs, greedy(12)) == expected


async def test_batched_greedy_equals_one_by_one(tiny_transformers: TransformersBackend) -> None:
    one_by_one = [await collect(tiny_transformers, p, greedy(14)) for p in PROMPTS]
    before = tiny_transformers.batches_run
    batched = await asyncio.gather(*(collect(tiny_transformers, p, greedy(14)) for p in PROMPTS))
    assert list(batched) == one_by_one
    assert tiny_transformers.batches_run - before < len(PROMPTS), "requests were not batched"


async def test_rows_in_a_batch_keep_their_own_budgets(
    tiny_transformers: TransformersBackend,
) -> None:
    short, long = greedy(3), greedy(20)
    a, b = await asyncio.gather(
        collect(tiny_transformers, PROMPTS[0], short), collect(tiny_transformers, PROMPTS[1], long)
    )
    assert a == await collect(tiny_transformers, PROMPTS[0], short)
    assert b == await collect(tiny_transformers, PROMPTS[1], long)


async def test_cancelling_one_row_leaves_the_others_intact(
    tiny_transformers: TransformersBackend,
) -> None:
    expected = await collect(tiny_transformers, PROMPTS[1], greedy(20))

    async def cancelled() -> None:
        stream = tiny_transformers.stream(PROMPTS[0], greedy(200))
        await anext(stream)
        await stream.aclose()

    _, other = await asyncio.gather(cancelled(), collect(tiny_transformers, PROMPTS[1], greedy(20)))
    assert other == expected


async def test_cancelled_stream_stops_generate_early(
    tiny_transformers: TransformersBackend,
) -> None:
    steps = tiny_transformers.steps_run
    await collect(tiny_transformers, PROMPTS[0], greedy(300))
    full = tiny_transformers.steps_run - steps
    assert full > 60, "the prompt must generate long enough for cancellation to show"
    steps = tiny_transformers.steps_run
    stream = tiny_transformers.stream(PROMPTS[0], greedy(300))
    await anext(stream)
    await stream.aclose()
    # the next request only runs once the batcher is free again
    await collect(tiny_transformers, PROMPTS[1], greedy(3))
    assert tiny_transformers.steps_run - steps < full // 2


async def test_stop_string_cuts_the_reply(tiny_transformers: TransformersBackend) -> None:
    full = await collect(tiny_transformers, PROMPTS[4], greedy(30))
    stop = full[4:7]
    assert (
        await collect(tiny_transformers, PROMPTS[4], greedy(30, stop=(stop,)))
        == full[: full.find(stop)]
    )


async def test_count_tokens_is_the_templated_prompt(tiny_transformers: TransformersBackend) -> None:
    assert tiny_transformers.count_tokens(PROMPTS[2]) == len(
        tiny_transformers.prompt_ids(PROMPTS[2])
    )
    assert tiny_transformers.count_tokens(PROMPTS[2]) > tiny_transformers.count_tokens(PROMPTS[1])


async def test_peft_adapter_changes_the_output(tiny_hf_model: Path, tmp_path: Path) -> None:
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    base = AutoModelForCausalLM.from_pretrained(tiny_hf_model)
    torch.manual_seed(7)
    lora = get_peft_model(
        base,
        LoraConfig(
            r=4,
            lora_alpha=16,
            target_modules=["q_proj", "v_proj", "o_proj"],
            init_lora_weights=False,
        ),
    )
    lora.save_pretrained(tmp_path / "adapter")

    plain = TransformersBackend(_cfg(str(tiny_hf_model), batch_window_ms=0))
    adapted = TransformersBackend(
        _cfg(str(tiny_hf_model), batch_window_ms=0, adapter_path=str(tmp_path / "adapter"))
    )
    await plain.start()
    await adapted.start()
    try:
        msgs = PROMPTS[0]
        assert await collect(adapted, msgs, greedy(12)) != await collect(plain, msgs, greedy(12))
    finally:
        await plain.close()
        await adapted.close()


async def test_bitsandbytes_4bit_runs_on_cpu(tiny_hf_model: Path) -> None:
    pytest.importorskip("bitsandbytes")
    backend = TransformersBackend(_cfg(str(tiny_hf_model), quantization="4bit", batch_window_ms=0))
    await backend.start()
    try:
        assert "Linear4bit" in {type(m).__name__ for m in backend._model.modules()}
        text = await collect(backend, PROMPTS[0], greedy(8))
        assert text
    finally:
        await backend.close()


async def test_loads_a_gguf_through_gguf_file(tiny_gguf: Path) -> None:
    backend = TransformersBackend(
        _cfg(str(tiny_gguf.parent), gguf_file=tiny_gguf.name, batch_window_ms=0)
    )
    await backend.start()
    try:
        assert await collect(backend, PROMPTS[0], greedy(8))
    finally:
        await backend.close()


def test_model_source_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match=r"config\.json"):
        resolve_model_source(str(tmp_path))
    with pytest.raises(BackendUnavailable, match="gguf_file"):
        resolve_model_source(str(tmp_path), "missing.gguf")


async def test_unset_model_path_is_unavailable() -> None:
    with pytest.raises(BackendUnavailable, match="model_path"):
        await TransformersBackend(ModelSection(backend="transformers")).start()
