"""The thread-to-async bridge and stop strings."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from model.base import BackendError
from model.kv_store import KvSnapshot, KvStateStore
from model.streaming import Emit, StopMatcher, stream_from_thread


def test_stop_string_split_across_pieces_never_leaks() -> None:
    m = StopMatcher(["<|end|>"])
    out = [m.feed(p) for p in ["Hello <", "|en", "d|> ignored"]]
    assert "".join(out) == "Hello "
    assert m.stopped
    assert m.feed("more") == "" and m.flush() == ""


def test_held_back_text_is_released_when_it_is_not_a_stop() -> None:
    m = StopMatcher(["STOP"])
    assert m.feed("a ST") == "a "
    assert m.feed("ay") == "STay"
    assert m.feed(" S") == " "
    assert m.flush() == "S"


def test_no_stops_passes_everything() -> None:
    m = StopMatcher([])
    assert m.feed("abc") == "abc" and m.flush() == ""


async def test_worker_text_arrives_in_order() -> None:
    def work(emit: Emit, cancel: threading.Event) -> None:
        for i in range(5):
            emit(str(i))

    assert [
        p async for p in stream_from_thread(work, executor=None, timeout_s=5, name="t")
    ] == list("01234")


async def test_closing_sets_the_cancel_flag_the_worker_sees() -> None:
    stopped = threading.Event()

    def work(emit: Emit, cancel: threading.Event) -> None:
        while not cancel.is_set():
            emit("x")
            time.sleep(0.001)
        stopped.set()

    stream = stream_from_thread(work, executor=None, timeout_s=5, name="t")
    await anext(stream)
    await stream.aclose()
    assert stopped.wait(5)


async def test_worker_errors_become_backend_errors() -> None:
    def work(emit: Emit, cancel: threading.Event) -> None:
        emit("partial")
        raise RuntimeError("native crash")

    got = []
    with pytest.raises(BackendError, match="native crash"):
        async for p in stream_from_thread(work, executor=None, timeout_s=5, name="t"):
            got.append(p)
    assert got == ["partial"]


async def test_a_silent_worker_times_out_and_is_told_to_stop() -> None:
    stopped = threading.Event()

    def work(emit: Emit, cancel: threading.Event) -> None:
        cancel.wait(10)
        stopped.set()

    with pytest.raises(BackendError, match=r"no complete reply within 0\.2 s"):
        async for _ in stream_from_thread(work, executor=None, timeout_s=0.2, name="t"):
            pass
    assert stopped.wait(5)


def _snap(n: int) -> KvSnapshot:
    return KvSnapshot(tokens=np.zeros(1, dtype=np.intc), state=b"", nbytes=n)


def test_kv_store_evicts_least_recently_used_by_count_and_bytes() -> None:
    store = KvStateStore(max_entries=2, max_bytes=100)
    store.put("a", _snap(10))
    store.put("b", _snap(10))
    store.put("c", _snap(10))
    assert "a" not in store and len(store) == 2
    store.put("d", _snap(85))
    assert "b" not in store and "c" in store and "d" in store
    assert store.total_bytes == 95
    assert store.put("huge", _snap(101)) is False
    assert "huge" not in store
    assert store.pop("c") is not None and store.total_bytes == 85
    assert store.evictions == 2


def test_disabled_kv_store_keeps_nothing() -> None:
    store = KvStateStore(max_entries=0, max_bytes=100)
    assert not store.enabled
    assert store.put("a", _snap(1)) is False and len(store) == 0
