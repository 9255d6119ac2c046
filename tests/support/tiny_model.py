"""A tiny random chat model built from nothing in a few seconds, for tests.

A sentencepiece tokenizer (byte fallback, a few hundred pieces) trained on
text this module writes itself, plus a random 2-layer Llama with a ChatML
template, saved as an HF folder and converted to GGUF with llama.cpp's own
converter. Its replies are noise, but every code path a real model takes
(templating, tokenizing, streaming, KV reuse, LoRA, quantization) is real.

sentencepiece rather than a ``tokenizers`` BPE: llama.cpp's converter refuses
a BPE whose pre-tokenizer it does not recognise.
"""

from __future__ import annotations

import io
import itertools
import json
import os
from pathlib import Path

SPECIAL_TOKENS = ("<|im_start|>", "<|im_end|>")
VOCAB_SIZE = 384
HIDDEN = 64
LAYERS = 2
HEADS = 4
KV_HEADS = 2
MAX_POSITIONS = 2048
SEED = 1234

# ChatML, like SmolLM2: the turn ends with <|im_end|>, which is also the EOS.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

_SUBJECTS = ("I", "you", "we", "my friend", "the night", "this week", "work", "sleep", "my family")
_VERBS = ("feel", "am", "was", "keep", "need", "want", "miss", "hope", "worry about", "talk to")
_OBJECTS = (
    "tired",
    "calm",
    "alone",
    "better",
    "a walk",
    "some rest",
    "my sister",
    "the exams",
    "breathing slowly",
    "a cup of tea",
    "someone to listen",
    "the morning light",
)
_ENDINGS = ("today.", "again?", "lately.", "right now.", "a little.", "and that is okay.")


def corpus_lines() -> list[str]:
    """Plain sentences in the register the bot talks in; deterministic."""
    lines = [
        f"{s.capitalize()} {v} {o} {e}"
        for s, v, o, e in itertools.product(_SUBJECTS, _VERBS, _OBJECTS, _ENDINGS)
    ]
    lines += [f"{t}system\nBe kind.{e}" for t, e in [SPECIAL_TOKENS]]
    lines += ["Numbers 0 1 2 3 4 5 6 7 8 9, symbols: ( ) [ ] ' \" - + = / ; : ! ? , ."]
    return lines


def _train_tokenizer(out_dir: Path) -> Path:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus_lines()),
        model_writer=buf,
        vocab_size=VOCAB_SIZE,
        model_type="bpe",
        byte_fallback=True,
        character_coverage=1.0,
        user_defined_symbols=list(SPECIAL_TOKENS),
        # No dummy leading space and no whitespace folding: otherwise llama.cpp
        # and transformers split text after a special token differently.
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        normalization_rule_name="identity",
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=1,
        minloglevel=2,
    )
    path = out_dir / "tokenizer.model"
    path.write_bytes(buf.getvalue())
    return path


def _write_tokenizer_files(out_dir: Path) -> None:
    """What LlamaTokenizer and llama.cpp's converter read, written by hand."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(out_dir / "tokenizer.model"))
    added = {
        str(sp.piece_to_id(tok)): {
            "content": tok,
            "lstrip": False,
            "rstrip": False,
            "normalized": False,
            "single_word": False,
            "special": True,
        }
        for tok in SPECIAL_TOKENS
    }
    config = {
        "tokenizer_class": "LlamaTokenizer",
        "bos_token": "<s>",
        "eos_token": "<|im_end|>",
        "unk_token": "<unk>",
        "pad_token": "<unk>",
        "add_bos_token": False,
        "add_eos_token": False,
        "legacy": False,
        "add_prefix_space": False,
        "model_max_length": MAX_POSITIONS,
        "padding_side": "left",
        "added_tokens_decoder": added,
        "additional_special_tokens": list(SPECIAL_TOKENS),
        "chat_template": CHAT_TEMPLATE,
    }
    (out_dir / "tokenizer_config.json").write_text(json.dumps(config, indent=1))
    (out_dir / "special_tokens_map.json").write_text(
        json.dumps(
            {
                "bos_token": "<s>",
                "eos_token": "<|im_end|>",
                "unk_token": "<unk>",
                "pad_token": "<unk>",
                "additional_special_tokens": list(SPECIAL_TOKENS),
            }
        )
    )
    (out_dir / "chat_template.jinja").write_text(CHAT_TEMPLATE)


def build_tiny_hf_model(out_dir: str | Path) -> Path:
    """Write the tokenizer and a random 2-layer Llama to ``out_dir``; return it."""
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _train_tokenizer(out)
    _write_tokenizer_files(out)
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(out / "tokenizer.model"))
    eos_id = sp.piece_to_id("<|im_end|>")
    config = LlamaConfig(
        vocab_size=sp.get_piece_size(),
        hidden_size=HIDDEN,
        intermediate_size=HIDDEN * 2,
        num_hidden_layers=LAYERS,
        num_attention_heads=HEADS,
        num_key_value_heads=KV_HEADS,
        max_position_embeddings=MAX_POSITIONS,
        rms_norm_eps=1e-5,
        # A wide init spreads the logits, so greedy choices are not near-ties
        # that f16 rounding could flip between libraries.
        initializer_range=0.2,
        tie_word_embeddings=False,
        bos_token_id=1,
        eos_token_id=eos_id,
        pad_token_id=0,
    )
    torch.manual_seed(SEED)
    model = LlamaForCausalLM(config).eval()
    model.generation_config = GenerationConfig(
        bos_token_id=1, eos_token_id=eos_id, pad_token_id=0, do_sample=False
    )
    model.save_pretrained(out, safe_serialization=True)
    return out


def build_tiny_gguf(out_dir: str | Path, hf_dir: str | Path | None = None) -> Path:
    """The tiny model as an f16 GGUF (built from ``hf_dir``, or a fresh HF folder)."""
    from training.gguf import convert_hf_to_gguf

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    source = Path(hf_dir) if hf_dir is not None else build_tiny_hf_model(out / "hf")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    return convert_hf_to_gguf(source, out / "tiny-f16.gguf", outtype="f16")
