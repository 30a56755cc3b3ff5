"""How many graph runs the server works on at once, and how many may wait: the rest are told to come back.

A graph run is CPU work in a worker thread. Left unbounded, fifty chats at once each get a fiftieth
of the interpreter and all of them — ``/health`` and the draft list included — slow to seconds. The
run slots admit ``running`` runs at a time and queue ``waiting`` more (each for at most
``wait_seconds``); a run beyond that is answered **429** with ``Retry-After`` at once, before any
work, so light requests and the runs already admitted stay fast.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: Runs worked on at once: the interpreter runs one thread at a time, so a few more than the cores
#: keeps the cores busy while a run waits on the database, without starving the event loop.
RUNNING = max(2, (os.cpu_count() or 2) + 1)
WAITING = 64
WAIT_SECONDS = 30.0
RETRY_AFTER_SECONDS = 2


class ServerBusy(Exception):
    """No run slot now: answered 429 with ``Retry-After``."""

    def __init__(self, message: str, retry_after: int = RETRY_AFTER_SECONDS) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RunSlots:
    """An asyncio gate with a bounded queue; the slot is released from any thread (the run's worker)."""

    def __init__(self, running: int = RUNNING, waiting: int = WAITING, wait_seconds: float = WAIT_SECONDS) -> None:
        self.running = running
        self.waiting = waiting
        self.wait_seconds = wait_seconds
        self._semaphore = asyncio.Semaphore(running)
        self._admitted = 0

    @property
    def admitted(self) -> int:
        """Runs working or waiting now."""
        return self._admitted

    async def acquire(self) -> Callable[[], None]:
        """Wait for a slot (or raise ``ServerBusy``); the returned function gives it back, once, from any thread."""
        if self._admitted >= self.running + self.waiting:
            logger.warning("run refused: %d runs working or waiting", self._admitted)
            raise ServerBusy(f"the server is busy ({self._admitted} runs in progress or waiting); try again shortly")
        self._admitted += 1
        try:
            await asyncio.wait_for(self._semaphore.acquire(), self.wait_seconds)
        except TimeoutError:
            self._admitted -= 1
            logger.warning("run refused: waited %.0f s for a slot", self.wait_seconds)
            raise ServerBusy(f"the server is busy: no run could start within {self.wait_seconds:.0f} s") from None
        except BaseException:
            self._admitted -= 1
            raise
        loop = asyncio.get_running_loop()
        once = threading.Lock()
        given_back = False

        def release() -> None:
            nonlocal given_back
            with once:
                if given_back:
                    return
                given_back = True
            loop.call_soon_threadsafe(self._give_back)

        return release

    def _give_back(self) -> None:
        self._admitted -= 1
        self._semaphore.release()
