"""A small thread-safe LRU cache of built search networks.

A :class:`asr_engine.Recognizer` keeps one: the networks of the
customizations (extra words, custom language models, weights) it has been
asked for, each built once and shared by every thread. Concurrent requests
for the same key wait for the one build instead of repeating it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Generic, Hashable, TypeVar

T = TypeVar("T")

#: Networks a recognizer keeps (each costs about as much memory as its lexicon tree).
DEFAULT_MAX_NETWORKS = 8


class NetworkCache(Generic[T]):
    """``get(key, build)``: the cached value, or ``build()``'s, kept under ``key``."""

    def __init__(self, maxsize: int = DEFAULT_MAX_NETWORKS) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._items: "OrderedDict[Hashable, T]" = OrderedDict()
        self._building: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        while True:
            with self._lock:
                if key in self._items:
                    self._items.move_to_end(key)
                    return self._items[key]
                pending = self._building.get(key)
                if pending is None:
                    pending = self._building[key] = threading.Event()
                    break
            pending.wait()  # another thread builds it; then look again
        try:
            value = build()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
            return value
        finally:
            with self._lock:
                del self._building[key]
            pending.set()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
