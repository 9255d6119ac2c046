"""prepare: every reader and format, the SQLite splits, stats, chart and clear errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.training.conftest import SAMPLES
from training.cli import main
from training.dataprep.formats import detect_format, to_examples
from training.dataprep.readers import read_rows
from training.dataprep.splits import load_split, read_meta, split_hash
from training.errors import DataError


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_each_sample_is_detected_and_prepared(
    fmt: str, tiny_hf_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    rc = main(
        [
            "prepare",
            "--input",
            str(SAMPLES[fmt]),
            "--format",
            "auto",
            "--out",
            str(out),
            "--tokenizer",
            str(tiny_hf_model),
            "--quiet",
            "--augment",
            "1",
        ]
    )
    assert rc == 0
    stats = json.loads((out / "stats.json").read_text())
    assert stats["format"] == fmt
    assert stats["kept"] >= 10
    assert all(stats["splits"][name] >= 1 for name in ("train", "validation", "test"))
    assert stats["augmented"] >= 1
    assert (out / "token_lengths.png").read_bytes()[:4] == b"\x89PNG"
    with sqlite3.connect(out / "splits.sqlite") as db:
        rows = db.execute(
            "SELECT split, source, content_hash, prompt_tokens FROM splits"
        ).fetchall()
    assert len(rows) == sum(stats["splits"].values())
    assert all(
        source.startswith(SAMPLES[fmt].name) and len(h) == 64 and tokens > 0
        for _, source, h, tokens in rows
    )
    assert "kept" in capsys.readouterr().out


def test_sample_specifics(tiny_hf_model: Path, tmp_path: Path) -> None:
    from training.dataprep.prepare import PrepareOptions, prepare_dataset

    amod = prepare_dataset(
        PrepareOptions(
            SAMPLES["amod"], tmp_path / "a", tokenizer=str(tiny_hf_model), show_progress=False
        )
    )
    assert amod.stats["duplicates_exact"] == 1
    assert amod.stats["outdated_hotlines_replaced"] == 2
    assert amod.stats["cleaning"]["pii:email"] == 1
    everything = [e for s in ("train", "validation", "test") for e in load_split(tmp_path / "a", s)]
    text = " ".join(e.response for e in everything)
    assert "273-8255" not in text and "counselor.jane" not in text and "988" in text

    faq = prepare_dataset(
        PrepareOptions(
            SAMPLES["faq"], tmp_path / "f", tokenizer=str(tiny_hf_model), show_progress=False
        )
    )
    assert faq.stats["cleaning"]["mojibake_fixed"] >= 3
    assert faq.stats["duplicates_exact"] + faq.stats["duplicates_near"] == 1
    faq_text = " ".join(
        e.response for s in ("train", "validation", "test") for e in load_split(tmp_path / "f", s)
    )
    assert "â€" not in faq_text and "It's" in faq_text

    chats = prepare_dataset(
        PrepareOptions(
            SAMPLES["empathetic"], tmp_path / "e", tokenizer=str(tiny_hf_model), show_progress=False
        )
    )
    assert chats.stats["rows_unreadable"] == 1  # the line that is not JSON
    assert chats.stats["dropped_by_format"] == {"no user turn followed by an assistant turn": 1}
    multi = [
        e
        for s in ("train", "validation", "test")
        for e in load_split(tmp_path / "e", s)
        if e.history
    ]
    assert multi and multi[0].history[0].role == "user"


def test_splits_are_reproducible_and_keep_a_prompt_in_one_split(
    tiny_hf_model: Path, tmp_path: Path
) -> None:
    from training.dataprep.prepare import PrepareOptions, prepare_dataset

    for name in ("one", "two"):
        prepare_dataset(
            PrepareOptions(
                SAMPLES["amod"],
                tmp_path / name,
                seed=5,
                tokenizer=str(tiny_hf_model),
                show_progress=False,
            )
        )
    assert split_hash(tmp_path / "one", "train") == split_hash(tmp_path / "two", "train")
    assert read_meta(tmp_path / "one")["seed"] == 5
    where: dict[str, set[str]] = {}
    for split in ("train", "validation", "test"):
        for example in load_split(tmp_path / "one", split):
            where.setdefault(example.prompt, set()).add(split)
    assert all(len(splits) == 1 for splits in where.values())
    prepare_dataset(
        PrepareOptions(
            SAMPLES["amod"],
            tmp_path / "three",
            seed=6,
            tokenizer=str(tiny_hf_model),
            show_progress=False,
        )
    )
    assert split_hash(tmp_path / "one", "test") != split_hash(tmp_path / "three", "test")


def test_parquet_and_saved_datasets_folder(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import Dataset, DatasetDict

    rows = read_rows(SAMPLES["mentalchat16k"]).rows
    clean = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
    pq.write_table(pa.Table.from_pylist(clean), tmp_path / "mc.parquet")
    parquet = read_rows(tmp_path / "mc.parquet")
    assert parquet.kind == "parquet" and len(parquet.rows) == len(rows)
    assert detect_format(parquet.rows) == "mentalchat16k"

    chats = [
        {k: v for k, v in r.items() if not k.startswith("_")}
        for r in read_rows(SAMPLES["empathetic"]).rows
    ]
    DatasetDict(
        {"train": Dataset.from_list(chats[:8]), "test": Dataset.from_list(chats[8:])}
    ).save_to_disk(str(tmp_path / "hf"))
    saved = read_rows(tmp_path / "hf")
    assert saved.kind == "hf-disk" and len(saved.rows) == len(chats)
    assert {r["_source"] for r in saved.rows} == {"hf:train", "hf:test"}
    mapped = to_examples(saved.rows)
    assert mapped.format == "empathetic" and len(mapped.examples) == len(chats) - 1


def test_generic_column_mapping(tmp_path: Path) -> None:
    path = tmp_path / "pairs.jsonl"
    path.write_text(
        "".join(
            json.dumps(
                {"q": f"Question number {i} about feeling tired?", "a": f"Answer {i}: rest."}
            )
            + "\n"
            for i in range(6)
        )
    )
    mapped = to_examples(read_rows(path).rows, prompt_col="q", response_col="a")
    assert mapped.format == "columns" and len(mapped.examples) == 6
    with pytest.raises(DataError, match="not found"):
        to_examples(read_rows(path).rows, prompt_col="question", response_col="a")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "not found"),
        ("data.txt", "hello", "cannot tell the file type"),
        ("empty.csv", "Context,Response\n", "no records"),
        ("blank.jsonl", "not json\n[1, 2]\n", "no records"),
        ("odd.csv", "colour,shape\nred,round\n", "cannot detect the dataset format"),
        ("nothing.csv", "Context,Response\n,\n  ,  \n", "no usable examples"),
    ],
)
def test_bad_input_gets_a_clear_error(
    name: str, content: str | None, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    rc = main(["prepare", "--input", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert not (tmp_path / "out" / "splits.sqlite").exists()


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(
            [
                "prepare",
                "--input",
                str(SAMPLES["faq"]),
                "--format",
                "reddit",
                "--out",
                str(tmp_path),
            ]
        )
    with pytest.raises(DataError, match="unknown format"):
        to_examples(read_rows(SAMPLES["faq"]).rows, "reddit")


def test_everything_filtered_out_is_an_error(
    tiny_hf_model: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(
        [
            "prepare",
            "--input",
            str(SAMPLES["faq"]),
            "--out",
            str(tmp_path),
            "--tokenizer",
            str(tiny_hf_model),
            "--max-tokens",
            "5",
            "--quiet",
        ]
    )
    assert rc == 2
    assert "filtered out" in capsys.readouterr().err
