"""What a read connection keeps of what it read once (settings, rates, the freshness of the derived tables).

A read connection (``connection.connect``) lives for one page fetch, one download or one CLI command: within it the
data is taken as it was when first read, as a snapshot. A connection that may write (inside ``transaction``) keeps
nothing, and a write through a connection drops what it kept.
"""
from __future__ import annotations

import threading
import weakref

import duckdb

_memos: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_memos_lock = threading.Lock()


def start_memo(con: duckdb.DuckDBPyConnection) -> None:
    """Give a read connection its empty scratch dict (``connection.connect`` does, once the schema is ready)."""
    with _memos_lock:
        _memos[con] = {}


def connection_memo(con: duckdb.DuckDBPyConnection) -> dict | None:
    """A scratch dict where a read connection keeps what it read once (its settings, the survey population), or
    None for a connection that may write (one inside ``transaction``, or one not opened by ``connect``).

    A read connection lives for one page fetch, one download or one CLI command: within it the data is taken as
    it was when first read, as a snapshot. Settings written through the connection drop its memo."""
    with _memos_lock:
        return _memos.get(con)


def forget_memo(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what ``con`` kept: the next read asks the database again (and a writing connection keeps nothing)."""
    with _memos_lock:
        _memos.pop(con, None)
