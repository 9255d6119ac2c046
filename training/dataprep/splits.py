"""The prepared dataset on disk: one SQLite file with the splits and how they were made.

SQLite rather than three JSONL files because one file carries the rows, their
hashes and the settings together, can be queried by hand (``sqlite3
splits.sqlite "select split, count(*) from splits group by split"``), and a
fine-tune can name exactly which rows it saw by one hash.
"""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from training.dataprep.dedup import content_hash, normalised
from training.dataprep.formats import Example, Turn
from training.errors import DataError

DB_NAME = "splits.sqlite"
SPLITS = ("train", "validation", "test")

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE splits (
    id INTEGER PRIMARY KEY,
    split TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
    prompt TEXT NOT NULL,
    response TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '[]',      -- JSON [[role, content], ...]
    source TEXT NOT NULL,                     -- input file (and its own split)
    source_row INTEGER NOT NULL,              -- record index in that input
    content_hash TEXT NOT NULL,               -- sha256 of the normalised turns
    prompt_tokens INTEGER NOT NULL,
    response_tokens INTEGER NOT NULL,
    augmented_from INTEGER REFERENCES splits(id)
);
CREATE INDEX splits_by_split ON splits(split, id);
"""


@dataclass(frozen=True, slots=True)
class SplitRow:
    split: str
    example: Example
    prompt_tokens: int
    response_tokens: int
    augmented_from: int | None = None  # index into the written rows


def assign_splits(
    examples: Sequence[Example], *, seed: int, validation: float, test: float
) -> dict[str, list[Example]]:
    """Shuffle with ``seed`` and cut, keeping every reply to one prompt in one split.

    Grouping by the normalised prompt stops a question answered by two
    counselors from landing in train and test at once.
    """
    if not 0 <= validation < 1 or not 0 <= test < 1 or validation + test >= 1:
        raise DataError("--val and --test must be fractions that leave room for training")
    groups: dict[str, list[Example]] = {}
    for example in examples:
        groups.setdefault(normalised(example.prompt), []).append(example)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    n = len(keys)
    n_test = round(n * test)
    n_val = round(n * validation)
    if n >= 3:  # tiny inputs still get one row in every split asked for
        n_test = max(n_test, 1 if test > 0 else 0)
        n_val = max(n_val, 1 if validation > 0 else 0)
    if n_test + n_val >= n:
        raise DataError(
            f"only {n} distinct prompts after cleaning: too few for train, validation and test"
        )
    out: dict[str, list[Example]] = {name: [] for name in SPLITS}
    for index, key in enumerate(keys):
        split = "test" if index < n_test else "validation" if index < n_test + n_val else "train"
        out[split].extend(groups[key])
    return out


def write_splits(path: Path, rows: Sequence[SplitRow], meta: dict[str, object]) -> None:
    """Write a fresh database (an old one at ``path`` is replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    with sqlite3.connect(tmp) as db:
        db.executescript(_SCHEMA)
        for index, row in enumerate(rows, start=1):
            e = row.example
            db.execute(
                "INSERT INTO splits (id, split, prompt, response, history, source, source_row,"
                " content_hash, prompt_tokens, response_tokens, augmented_from)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    index,
                    row.split,
                    e.prompt,
                    e.response,
                    json.dumps([[t.role, t.content] for t in e.history], ensure_ascii=False),
                    e.source,
                    e.source_row,
                    content_hash(e),
                    row.prompt_tokens,
                    row.response_tokens,
                    None if row.augmented_from is None else row.augmented_from + 1,
                ),
            )
        db.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in meta.items()],
        )
    db.close()
    tmp.replace(path)


def database_path(data_dir: str | Path) -> Path:
    data_dir = Path(data_dir)
    path = data_dir / DB_NAME if data_dir.is_dir() else data_dir
    if not path.is_file():
        raise DataError(
            f"no prepared data at {data_dir}: run `python -m training prepare --out {data_dir}` first"
        )
    return path


def load_split(data_dir: str | Path, split: str, limit: int | None = None) -> list[Example]:
    if split not in SPLITS:
        raise DataError(f"unknown split {split!r}: choose one of {', '.join(SPLITS)}")
    with sqlite3.connect(database_path(data_dir)) as db:
        query = "SELECT prompt, response, history, source, source_row FROM splits WHERE split = ? ORDER BY id"
        params: tuple[object, ...] = (split,)
        if limit is not None:
            query += " LIMIT ?"
            params = (split, limit)
        rows = db.execute(query, params).fetchall()
    db.close()
    return [
        Example(
            prompt,
            response,
            source,
            source_row,
            tuple(Turn(role, content) for role, content in json.loads(history)),
        )
        for prompt, response, history, source, source_row in rows
    ]


def split_hash(data_dir: str | Path, split: str) -> str:
    """One hash for exactly which rows a split holds, recorded with every adapter."""
    digest = hashlib.sha256()
    with sqlite3.connect(database_path(data_dir)) as db:
        for (value,) in db.execute(
            "SELECT content_hash FROM splits WHERE split = ? ORDER BY id", (split,)
        ):
            digest.update(value.encode())
    db.close()
    return digest.hexdigest()


def read_meta(data_dir: str | Path) -> dict[str, object]:
    with sqlite3.connect(database_path(data_dir)) as db:
        rows: Iterable[tuple[str, str]] = db.execute("SELECT key, value FROM meta").fetchall()
    db.close()
    return {key: json.loads(value) for key, value in rows}
