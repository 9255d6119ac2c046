"""Turn an example into the exact token sequence the bot will later feed the model.

The fine-tuned model must see what the bot sends at serving time: the bot's
system prompt (``model.config.DEFAULT_SYSTEM_PROMPT``) and the model's own
chat template. Labels cover only the assistant's tokens (every assistant turn,
including its end-of-turn marker, so the model learns to stop); the system
prompt and the user's words are context, never targets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from model.config import DEFAULT_SYSTEM_PROMPT
from training.dataprep.formats import Example, Turn

IGNORE_INDEX = -100

# ChatML, the same fallback model/llama_cpp_backend.py uses: a tokenizer saved
# with it gets it into the GGUF, so training and serving agree.
FALLBACK_CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


@dataclass(frozen=True, slots=True)
class Encoded:
    input_ids: list[int]
    labels: list[int]

    @property
    def trainable(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE_INDEX)


def ensure_chat_template(tokenizer: Any) -> bool:
    """Give a template-less tokenizer (GPT-2, a bare base model) ChatML; True if added."""
    if getattr(tokenizer, "chat_template", None):
        return False
    tokenizer.chat_template = FALLBACK_CHAT_TEMPLATE
    return True


def to_messages(
    turns: Sequence[Turn], system_prompt: str | None = DEFAULT_SYSTEM_PROMPT
) -> list[dict[str, str]]:
    messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    messages += [{"role": t.role, "content": t.content} for t in turns]
    return messages


def prompt_messages(
    example: Example, system_prompt: str | None = DEFAULT_SYSTEM_PROMPT
) -> list[dict[str, str]]:
    """Everything before the reply: what a model is asked at evaluation time."""
    return to_messages([*example.history, Turn("user", example.prompt)], system_prompt)


def render(tokenizer: Any, messages: list[dict[str, str]], *, generation_prompt: bool) -> str:
    return tokenizer.apply_chat_template(
        messages, tokenize=False, add_generation_prompt=generation_prompt
    )


def _ids(tokenizer: Any, text: str) -> list[int]:
    # The template writes any BOS itself; the tokenizer must not add another.
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def encode_example(
    tokenizer: Any,
    example: Example,
    *,
    system_prompt: str | None = DEFAULT_SYSTEM_PROMPT,
    max_length: int | None = None,
) -> Encoded:
    """Token ids plus labels that are -100 everywhere except assistant tokens.

    Each assistant span is found by rendering the conversation up to the
    generation prompt before the turn and up to the end of the turn; the whole
    text is then tokenized once (as the bot will) and tokens are labelled by
    their character offsets. Tokenizers without offsets are cut at the spans.
    """
    messages = to_messages(example.turns(), system_prompt)
    full_text = render(tokenizer, messages, generation_prompt=False)
    spans: list[tuple[int, int]] = []  # character spans of assistant turns in full_text
    for index, message in enumerate(messages):
        if message["role"] != "assistant":
            continue
        before = render(tokenizer, messages[:index], generation_prompt=True)
        upto = render(tokenizer, messages[: index + 1], generation_prompt=False)
        if not full_text.startswith(upto) or not upto.startswith(before):
            raise ValueError("the chat template does not render conversations as prefixes")
        spans.append((len(before), len(upto)))
    try:
        input_ids, labels = _label_by_offset_mapping(tokenizer, full_text, spans)
    except (NotImplementedError, TypeError, ValueError, KeyError):
        input_ids, labels = _label_by_pieces(tokenizer, full_text, spans)
    if max_length is not None and len(input_ids) > max_length:
        input_ids, labels = input_ids[:max_length], labels[:max_length]
    return Encoded(input_ids, labels)


def _label_by_offset_mapping(
    tokenizer: Any, text: str, spans: list[tuple[int, int]]
) -> tuple[list[int], list[int]]:
    encoded = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    input_ids = list(encoded["input_ids"])
    offsets = encoded["offset_mapping"]
    labels = [
        token if any(start <= begin < end for start, end in spans) else IGNORE_INDEX
        for token, (begin, _) in zip(input_ids, offsets, strict=True)
    ]
    return input_ids, labels


def _label_by_pieces(
    tokenizer: Any, text: str, spans: list[tuple[int, int]]
) -> tuple[list[int], list[int]]:
    """Tokenize ``text`` piece by piece so every token lies wholly inside or outside a span.

    Cutting at span boundaries costs at most a token merge across the cut,
    which is exactly where the template puts a special token anyway.
    """
    input_ids: list[int] = []
    labels: list[int] = []
    position = 0
    for start, end in spans:
        if start > position:
            ids = _ids(tokenizer, text[position:start])
            input_ids += ids
            labels += [IGNORE_INDEX] * len(ids)
        ids = _ids(tokenizer, text[start:end])
        input_ids += ids
        labels += ids
        position = end
    if position < len(text):
        ids = _ids(tokenizer, text[position:])
        input_ids += ids
        labels += [IGNORE_INDEX] * len(ids)
    return input_ids, labels
