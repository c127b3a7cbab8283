"""A running narration's lease, kept alive by a thread while the run is alive.

The run also renews its lease as it reports progress, but one chunk can take longer
than a short lease on a busy machine (a long sentence, the first inference after the
voice loads): without this the worker's own reconciler took its live run for a dead
one. The thread only touches `lease_renewed_at`, only under this run's token, and stops
when the run ends or its lease was taken. Not inside an open transaction (the
immediate task backend of the tests): another connection could not see the row, or
would wait on its lock.
"""

import logging
import threading

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from .models import Narration

logger = logging.getLogger("masthead.narration")


class LeaseKeeper:
    def __init__(self, *, narration_id: int, token: str, every: float) -> None:
        self.narration_id, self.token, self.every = narration_id, token, every
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def __enter__(self) -> "LeaseKeeper":
        if not transaction.get_connection().in_atomic_block:
            self.thread = threading.Thread(target=self._keep, daemon=True, name="lease")
            self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=self.every + 5)

    def _keep(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                if not self._renew():
                    return  # taken over, or finished: the run finds out on its own
        finally:
            connection.close()  # this thread's own connection

    def _renew(self) -> bool:
        try:
            return bool(
                Narration.objects.filter(
                    pk=self.narration_id, lease_token=self.token, status=Narration.Status.RUNNING
                ).update(lease_renewed_at=timezone.now())
            )
        except DatabaseError as error:  # a busy or full database: try again next time
            logger.warning("Could not renew a narration's lease: %s", error)
            return True
