"""Parse ``--model`` values: which model, which runtime, and whether to prompt it few-shot.

``[LABEL=][fewshot[K]:]KIND:PATH`` where KIND is ``hf`` (an HF folder, merged
or base), ``adapter`` (a LoRA folder on its recorded base), ``gguf`` (a file,
through llama.cpp), or the bare word ``builtin``. Examples: ``builtin``,
``fewshot:builtin``, ``fewshot3:hf:models/base``, ``tuned=gguf:out/haven-q4.gguf``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from training.errors import TrainingError

KINDS = ("hf", "adapter", "gguf", "builtin")
DEFAULT_SHOTS = 2
_FEWSHOT = re.compile(r"^fewshot(\d*)$")


@dataclass(frozen=True, slots=True)
class ModelSpec:
    label: str
    kind: str
    path: str  # empty for builtin
    shots: int = 0


def parse_spec(text: str) -> ModelSpec:
    raw = text.strip()
    label = None
    head, sep, rest = raw.partition("=")
    if sep and head and not any(c in head for c in "/:\\"):
        label, raw = head, rest
    shots = 0
    first, sep, remainder = raw.partition(":")
    match = _FEWSHOT.match(first)
    if match and sep:
        shots = int(match.group(1) or DEFAULT_SHOTS)
        raw = remainder
    if raw == "builtin":
        return ModelSpec(
            label or ("builtin" + (f"+{shots}shot" if shots else "")), "builtin", "", shots
        )
    kind, sep, path = raw.partition(":")
    if not sep or kind not in KINDS or not path:
        raise TrainingError(
            f"--model {text!r}: expected builtin, hf:DIR, adapter:DIR or gguf:FILE "
            "(optionally prefixed by fewshot: or fewshotK:, and by LABEL=)"
        )
    location = Path(path).expanduser()
    if not location.exists():
        raise TrainingError(f"--model {text!r}: {location} does not exist")
    if kind == "gguf" and not location.is_file():
        raise TrainingError(f"--model {text!r}: {location} is not a .gguf file")
    if kind in ("hf", "adapter") and not location.is_dir():
        raise TrainingError(f"--model {text!r}: {location} is not a folder")
    default = f"{kind}:{location.stem if kind == 'gguf' else location.name}"
    if shots:
        default += f"+{shots}shot"
    return ModelSpec(label or default, kind, str(location), shots)
