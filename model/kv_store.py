"""A bounded, least-recently-used store of per-conversation KV snapshots.

One llama.cpp context serves every conversation. When another conversation
takes the context, the current one's KV cells are copied out (a few ms) and
kept here with the tokens they encode, so its next turn only evaluates the new
tokens instead of the whole history. Both the number of conversations and the
bytes held are bounded; the least recently used goes first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class KvSnapshot:
    tokens: npt.NDArray[np.intc]  # the tokens whose K/V the state holds, in order
    state: object  # llama.cpp's opaque sequence state (a numpy uint8 buffer)
    nbytes: int


class KvStateStore:
    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max(0, max_entries)
        self.max_bytes = max(0, max_bytes)
        self._entries: OrderedDict[str, KvSnapshot] = OrderedDict()
        self._bytes = 0
        self.evictions = 0

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0 and self.max_bytes > 0

    @property
    def total_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, session: object) -> bool:
        return session in self._entries

    def put(self, session: str, snapshot: KvSnapshot) -> bool:
        """Keep a snapshot; False when it alone exceeds the byte budget."""
        self.pop(session)
        if not self.enabled or snapshot.nbytes > self.max_bytes:
            return False
        self._entries[session] = snapshot
        self._bytes += snapshot.nbytes
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, old = self._entries.popitem(last=False)
            self._bytes -= old.nbytes
            self.evictions += 1
        return True

    def pop(self, session: str) -> KvSnapshot | None:
        """Take a snapshot out: once restored, the live context is the only copy we need."""
        snap = self._entries.pop(session, None)
        if snap is not None:
            self._bytes -= snap.nbytes
        return snap

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
