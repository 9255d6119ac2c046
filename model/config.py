"""The model layer's configuration schema and the prompts the bot and training share.

It lives in ``model/`` so that ``model/`` and ``training/`` can read it without
importing ``bot/``; ``bot/config.py`` embeds it as the ``[model]`` section.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_SYSTEM_PROMPT = (
    "You are Haven, a warm and patient support companion. You are an AI, not a "
    "therapist, doctor or emergency service, and you say so if asked. Listen "
    "first, reflect back what you hear, and ask one gentle question at a time. "
    "Keep replies short and kind. Never diagnose, never give medical or dosage "
    "advice, and never describe ways to hurt oneself. If someone may be in "
    "danger, encourage them to contact a crisis line or emergency services."
)

DEFAULT_SAFETY_SYSTEM_PROMPT = (
    "You are Haven, an AI support companion, not a therapist or emergency "
    "service. The person you are talking with may be thinking about death or "
    "self-harm. Respond with warmth and without judgement, in a few short "
    "sentences. Take what they say seriously, thank them for telling you, and "
    "gently encourage them to reach out to a crisis line or someone they trust "
    "right now. Ask whether they are safe. Never discuss methods, means, doses "
    "or places, and never promise secrecy."
)


class Section(BaseModel):
    """Unknown keys are errors: a typo in the file must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class OpenAISection(Section):
    base_url: str | None = None
    model: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(2, ge=0)


class TransformersSection(Section):
    # A local HF folder, or a folder holding a GGUF named by gguf_file.
    model_path: str | None = None
    gguf_file: str | None = None
    adapter_path: str | None = None
    quantization: Literal["none", "4bit", "8bit"] = "none"
    device: Literal["auto", "cpu", "cuda"] = "auto"
    batch_window_ms: int = Field(15, ge=0)
    max_batch_size: int = Field(8, ge=1)


class CircuitSection(Section):
    failure_threshold: int = Field(3, ge=1)
    cooldown_s: float = Field(60.0, ge=0)


class ModelSection(Section):
    backend: Literal["auto", "llama_cpp", "transformers", "openai"] = "auto"
    # Backends tried in order after the primary one fails (circuit breaker).
    fallback: list[Literal["llama_cpp", "transformers", "openai"]] = Field(default_factory=list)
    gguf_path: str = "builtin"
    lora_path: str | None = None
    n_ctx: int = Field(4096, ge=256)
    n_threads: int = Field(0, ge=0)  # 0: one per physical core
    n_gpu_layers: int = 0
    max_new_tokens: int = Field(510, ge=1)
    temperature: float = Field(0.7, ge=0)
    top_p: float = Field(0.95, gt=0, le=1)
    top_k: int = Field(50, ge=0)
    repeat_penalty: float = Field(1.1, gt=0)
    timeout_s: float = Field(120.0, gt=0)
    # Per-conversation KV states kept for prefix reuse (least recently used out).
    kv_cache_conversations: int = Field(16, ge=0)
    kv_cache_mb: int = Field(1024, ge=0)
    system_prompt: str = DEFAULT_SYSTEM_PROMPT
    safety_system_prompt: str = DEFAULT_SAFETY_SYSTEM_PROMPT
    openai: OpenAISection = Field(default_factory=OpenAISection)
    transformers: TransformersSection = Field(default_factory=TransformersSection)
    circuit: CircuitSection = Field(default_factory=CircuitSection)
