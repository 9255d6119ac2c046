"""Map a dataset's own columns to Haven's one shape: earlier turns, a prompt, a reply.

Each known public counseling dataset has a reader here; ``auto`` picks one by
the columns present, and ``columns`` maps any two columns named on the command
line. Rows that do not fit (an empty reply, a missing column) are counted, not
fatal: real datasets always have a few.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from training.dataprep.readers import Row
from training.errors import DataError

FORMATS = ("auto", "amod", "empathetic", "mentalchat16k", "faq", "columns")


@dataclass(frozen=True, slots=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True, slots=True)
class Example:
    """One training pair; ``history`` holds earlier turns of a multi-turn chat."""

    prompt: str
    response: str
    source: str = ""
    source_row: int = -1
    history: tuple[Turn, ...] = ()

    def turns(self) -> list[Turn]:
        return [*self.history, Turn("user", self.prompt), Turn("assistant", self.response)]


@dataclass
class MappingResult:
    examples: list[Example]
    format: str
    dropped: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


class _Dropped(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _text(row: Row, *names: str) -> str:
    """The first non-empty of ``names`` (case-insensitive) as a string."""
    lowered = {str(key).lower(): value for key, value in row.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value is None:
            continue
        if isinstance(value, float) and value != value:  # NaN from pandas-written files
            continue
        text = str(value).strip()
        if text:
            return text
    return ""


def _pair(prompt: str, response: str, row: Row) -> Example:
    if not prompt:
        raise _Dropped("empty prompt")
    if not response:
        raise _Dropped("empty response")
    return Example(prompt, response, str(row.get("_source", "")), int(row.get("_row", -1)))


def _amod(row: Row) -> Example:
    return _pair(_text(row, "Context"), _text(row, "Response"), row)


def _faq(row: Row) -> Example:
    return _pair(_text(row, "Questions", "Question"), _text(row, "Answers", "Answer"), row)


def _mentalchat(row: Row) -> Example:
    # ``instruction`` is usually a generic system line; the question is in ``input``.
    prompt = _text(row, "input") or _text(row, "instruction")
    return _pair(prompt, _text(row, "output"), row)


_ROLE_NAMES = {
    "user": "user",
    "human": "user",
    "speaker": "user",
    "prompter": "user",
    "assistant": "assistant",
    "gpt": "assistant",
    "bot": "assistant",
    "listener": "assistant",
    "model": "assistant",
}


def _empathetic(row: Row) -> Example:
    conversation = row.get("conversations", row.get("conversation", row.get("messages")))
    if isinstance(conversation, str):
        try:
            conversation = json.loads(conversation)
        except json.JSONDecodeError as exc:
            raise _Dropped("conversation is not JSON") from exc
    if not isinstance(conversation, Sequence) or not conversation:
        raise _Dropped("no conversation")
    turns: list[Turn] = []
    for item in conversation:
        if not isinstance(item, dict):
            raise _Dropped("turn is not an object")
        role = _ROLE_NAMES.get(str(item.get("role", item.get("from", ""))).lower())
        content = str(item.get("content", item.get("value", "")) or "").strip()
        if role is None or role == "system":
            continue
        if not content:
            continue
        if turns and turns[-1].role == role:
            # Two turns in a row from one side read as one message.
            turns[-1] = Turn(role, f"{turns[-1].content}\n{content}")
        else:
            turns.append(Turn(role, content))
    while turns and turns[-1].role != "assistant":
        turns.pop()
    while turns and turns[0].role != "user":
        turns.pop(0)
    if len(turns) < 2:
        raise _Dropped("no user turn followed by an assistant turn")
    example = _pair(turns[-2].content, turns[-1].content, row)
    return Example(
        example.prompt, example.response, example.source, example.source_row, tuple(turns[:-2])
    )


def _columns(prompt_col: str, response_col: str) -> Callable[[Row], Example]:
    def mapper(row: Row) -> Example:
        return _pair(_text(row, prompt_col), _text(row, response_col), row)

    return mapper


# Column sets that identify each built-in format, checked in this order.
_SIGNATURES: list[tuple[str, tuple[str, ...]]] = [
    ("empathetic", ("conversations",)),
    ("amod", ("context", "response")),
    ("mentalchat16k", ("instruction", "output")),
    ("faq", ("questions", "answers")),
]


def detect_format(rows: Sequence[Row]) -> str:
    columns = {str(key).lower() for row in rows[:50] for key in row}
    for name, needed in _SIGNATURES:
        if all(column in columns for column in needed):
            return name
    shown = sorted(c for c in columns if not c.startswith("_"))
    raise DataError(
        f"cannot detect the dataset format from its columns {shown}; pass --format "
        "(amod, empathetic, mentalchat16k, faq) or --prompt-col and --response-col"
    )


def to_examples(
    rows: Sequence[Row],
    fmt: str = "auto",
    *,
    prompt_col: str | None = None,
    response_col: str | None = None,
) -> MappingResult:
    """Map rows to examples; raise DataError when the format does not fit at all."""
    if fmt not in FORMATS:
        raise DataError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if prompt_col or response_col or fmt == "columns":
        if not (prompt_col and response_col):
            raise DataError("the column mapping needs both --prompt-col and --response-col")
        fmt = "columns"
        _require_columns(rows, (prompt_col, response_col))
        mapper = _columns(prompt_col, response_col)
    else:
        if fmt == "auto":
            fmt = detect_format(rows)
        mappers: dict[str, Callable[[Row], Example]] = {
            "amod": _amod,
            "empathetic": _empathetic,
            "mentalchat16k": _mentalchat,
            "faq": _faq,
        }
        mapper = mappers[fmt]
        needed = dict(_SIGNATURES)[fmt]
        if fmt == "faq":
            needed = ()  # singular Question/Answer headers are accepted as well
        _require_columns(rows, needed)
    examples: list[Example] = []
    reasons: dict[str, int] = {}
    for row in rows:
        try:
            examples.append(mapper(row))
        except _Dropped as dropped:
            reasons[dropped.reason] = reasons.get(dropped.reason, 0) + 1
    if not examples:
        raise DataError(
            f"no usable examples in the {fmt} format "
            f"({', '.join(f'{n} x {r}' for r, n in reasons.items()) or 'no rows'})"
        )
    return MappingResult(examples, fmt, sum(reasons.values()), reasons)


def _require_columns(rows: Sequence[Row], names: Sequence[str]) -> None:
    columns = {str(key).lower() for row in rows[:50] for key in row}
    missing = [name for name in names if name.lower() not in columns]
    if missing:
        shown = sorted(c for c in columns if not c.startswith("_"))
        raise DataError(f"column(s) {missing} not found; the input has {shown}")
