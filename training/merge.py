"""``python -m training merge``: fold a LoRA adapter into its base, save an HF folder.

The merged folder is what ``export`` converts to GGUF, so its tokenizer files
matter as much as its weights: for an HF base they are copied byte for byte
(llama.cpp's converter recognises the original files; a re-saved tokenizer can
fail its pre-tokenizer check), and for a GGUF base they are written from the
tokenizer transformers rebuilt out of the GGUF.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from training.bases import ADAPTER_META, adapter_base, load_model, load_tokenizer, offline
from training.chat import ensure_chat_template
from training.errors import TrainingError

TOKENIZER_FILES = (
    "tokenizer.model",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.json",
    "merges.txt",
    "chat_template.jinja",
)
MERGE_META = "haven_merge.json"


@dataclass
class MergeResult:
    out: Path
    seconds: float


def merge_adapter(
    adapter_dir: str | Path, out_dir: str | Path, *, dtype: str = "float32"
) -> MergeResult:
    """Merge ``adapter_dir`` into the base it records and save to ``out_dir``."""
    offline()
    started = time.perf_counter()
    adapter, out = Path(adapter_dir), Path(out_dir)
    base = adapter_base(adapter)  # raises TrainingError when it is not an adapter
    if out.resolve() == adapter.resolve():
        raise TrainingError("--out must differ from --adapter")

    from peft import PeftModel

    model = load_model(base, dtype=dtype)
    try:
        model = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    except Exception as exc:
        raise TrainingError(f"cannot apply the adapter {adapter} to {base.spec}: {exc}") from exc
    model.config.use_cache = True
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out, safe_serialization=True)
    if base.kind == "hf":
        copied = [name for name in TOKENIZER_FILES if (Path(base.path) / name).is_file()]
        for name in copied:
            shutil.copy2(Path(base.path) / name, out / name)
        _carry_template(adapter, out)
    else:
        tokenizer = load_tokenizer(base)
        ensure_chat_template(tokenizer)
        tokenizer.save_pretrained(out)
    meta = (
        json.loads((adapter / ADAPTER_META).read_text())
        if (adapter / ADAPTER_META).is_file()
        else {}
    )
    meta["merged_from"] = str(adapter.resolve())
    (out / MERGE_META).write_text(json.dumps(meta, indent=2) + "\n")
    return MergeResult(out, time.perf_counter() - started)


def _carry_template(adapter: Path, out: Path) -> None:
    """A base that had no chat template was trained with ChatML: the merged model keeps it."""
    config_file = out / "tokenizer_config.json"
    if (out / "chat_template.jinja").is_file() or not config_file.is_file():
        return
    config = json.loads(config_file.read_text())
    if config.get("chat_template"):
        return
    template_file = adapter / "chat_template.jinja"
    if template_file.is_file():
        config["chat_template"] = template_file.read_text()
        config_file.write_text(json.dumps(config, indent=2))
        shutil.copy2(template_file, out / "chat_template.jinja")
