"""Django's SQLite backend, with write transactions queued on an operating-system lock.

Every transaction is BEGIN IMMEDIATE (settings), so writers never fail on a lock upgrade; but a
writer that finds the database busy waits in SQLite's busy handler, which sleeps in steps growing
to 100 ms. Under a web server's concurrent writers those sleeps, not the work, set the latency. A
blocking ``flock`` on a file next to the database makes writers wait in the kernel's queue instead
and wake the moment the previous writer commits. Readers take no lock (WAL lets them read while
one writes)."""

from __future__ import annotations

import fcntl
from typing import IO, Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock: IO[bytes] | None = None
    _write_locked = False

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        name = str(conn_params.get("database", ""))
        if name and not name.startswith("file:") and name != ":memory:":
            # One open file per connection: flock then also queues the threads of one process.
            self._write_lock = open(f"{name}.writelock", "ab")  # noqa: SIM115 - closed in _close
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        if self._write_lock is not None:
            fcntl.flock(self._write_lock, fcntl.LOCK_EX)
            self._write_locked = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private, not in the stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._write_lock is not None and self._write_locked:
            fcntl.flock(self._write_lock, fcntl.LOCK_UN)
            self._write_locked = False

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._release_write_lock()
            if self._write_lock is not None:
                self._write_lock.close()
                self._write_lock = None
