"""Turn a local dataset file or folder into plain rows (one dict per record).

Readers know file types, not dataset formats: mapping columns to prompts and
responses is ``formats.py``'s job. Every row carries where it came from
(``_source``: file name plus original split, ``_row``: its index) so that the
prepared splits can be traced back to the input.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from training.errors import DataError

Row = dict[str, Any]

# A free-text CSV cell can be far larger than the csv module's 128 KiB default.
csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class ReadResult:
    rows: list[Row]
    kind: str  # csv, json, jsonl, parquet, hf-disk
    skipped: int = 0  # unreadable lines or non-object records
    problems: list[str] = field(default_factory=list)  # first few, for the stats


def detect_kind(path: Path) -> str:
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf-disk"
        raise DataError(
            f"{path} is a folder but not a dataset saved with datasets.save_to_disk "
            "(no dataset_info.json or dataset_dict.json in it)"
        )
    suffix = path.suffix.lower()
    kinds = {
        ".csv": "csv",
        ".tsv": "csv",
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".parquet": "parquet",
        ".pq": "parquet",
    }
    if suffix not in kinds:
        raise DataError(
            f"cannot tell the file type of {path.name}: use .csv, .tsv, .json, .jsonl, "
            ".parquet or a folder written by datasets.save_to_disk"
        )
    return kinds[suffix]


def read_rows(path: str | Path) -> ReadResult:
    """Read every record of ``path``; raise DataError when there is none."""
    path = Path(path)
    if not path.exists():
        raise DataError(f"input not found: {path}")
    kind = detect_kind(path)
    reader = {
        "csv": _read_csv,
        "json": _read_json,
        "jsonl": _read_jsonl,
        "parquet": _read_parquet,
        "hf-disk": _read_hf_disk,
    }[kind]
    result = reader(path)
    if not result.rows:
        detail = f" ({result.skipped} unreadable records)" if result.skipped else ""
        raise DataError(f"{path} holds no records{detail}")
    return result


def _tag(rows: Iterator[Row] | list[Row], source: str) -> list[Row]:
    tagged = []
    for index, row in enumerate(rows):
        row = dict(row)
        row.setdefault("_source", source)
        row.setdefault("_row", index)
        tagged.append(row)
    return tagged


def _read_text(path: Path) -> str:
    # Mojibake is repaired later (ftfy); here the bytes only need to decode.
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(path: Path) -> ReadResult:
    text = _read_text(path)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    if not reader.fieldnames:
        raise DataError(f"{path} has no header row")
    rows = [{key.strip(): value for key, value in row.items() if key is not None} for row in reader]
    return ReadResult(_tag(rows, path.name), "csv")


def _read_json(path: Path) -> ReadResult:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        # A .json file that is really JSON Lines is common enough to forgive.
        result = _read_jsonl(path)
        if result.rows:
            result.kind = "json"
            return result
        raise DataError(f"{path} is not valid JSON: {exc}") from exc
    if isinstance(data, dict):
        data = _records_from_dict(data, path)
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a list of objects at the top level")
    rows = [item for item in data if isinstance(item, dict)]
    skipped = len(data) - len(rows)
    problems = [f"{skipped} non-object records"] if skipped else []
    return ReadResult(_tag(rows, path.name), "json", skipped, problems)


def _records_from_dict(data: dict[str, Any], path: Path) -> list[Any]:
    """Accept ``{"data": [...]}``-style wrappers and column-oriented dicts."""
    for key in ("data", "rows", "records", "train", "examples"):
        if isinstance(data.get(key), list):
            return data[key]
    columns = [value for value in data.values() if isinstance(value, list)]
    if columns and len(columns) == len(data) and len({len(c) for c in columns}) == 1:
        names = list(data)
        return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
    raise DataError(f"{path}: an object at the top level, but no list of records in it")


def _read_jsonl(path: Path) -> ReadResult:
    rows: list[Row] = []
    skipped = 0
    problems: list[str] = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            item = None
        if isinstance(item, dict):
            rows.append(item)
        else:
            skipped += 1
            if len(problems) < 5:
                problems.append(f"line {number}: not a JSON object")
    return ReadResult(_tag(rows, path.name), "jsonl", skipped, problems)


def _read_parquet(path: Path) -> ReadResult:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several unrelated types
        raise DataError(f"{path} is not a readable Parquet file: {exc}") from exc
    return ReadResult(_tag(table.to_pylist(), path.name), "parquet")


def _read_hf_disk(path: Path) -> ReadResult:
    from datasets import Dataset, DatasetDict, load_from_disk

    try:
        loaded = load_from_disk(str(path))
    except Exception as exc:
        raise DataError(f"{path} could not be loaded with datasets.load_from_disk: {exc}") from exc
    rows: list[Row] = []
    # We split again ourselves; the original split name is kept as the source.
    parts: dict[str, Dataset] = dict(loaded) if isinstance(loaded, DatasetDict) else {"": loaded}
    for split, dataset in parts.items():
        source = f"{path.name}:{split}" if split else path.name
        rows.extend(_tag(dataset.to_list(), source))
    return ReadResult(rows, "hf-disk")
