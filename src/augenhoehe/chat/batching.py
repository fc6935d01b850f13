"""Group commit for the socket send path.

Every database call of a process runs on one worker thread (``database_sync_to_async``),
and SQLite has one writer anyway. Sends that arrive while a batch is being written wait
and go together in the next one: one thread hop and one commit for all of them. Under
light load a batch has one message and nothing waits longer than it would alone.
"""

from __future__ import annotations

import asyncio
import weakref

from channels.db import database_sync_to_async

from augenhoehe.chat.actions import SendRequest, SendResult, send_messages

MAX_BATCH = 128


class SendBatcher:
    def __init__(self) -> None:
        self.pending: list[tuple[SendRequest, asyncio.Future]] = []
        self.draining = False

    async def submit(self, request: SendRequest) -> SendResult:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((request, future))
        if not self.draining:
            self.draining = True
            asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        try:
            while self.pending:
                batch, self.pending = self.pending[:MAX_BATCH], self.pending[MAX_BATCH:]
                try:
                    outcomes = await database_sync_to_async(send_messages)(
                        [request for request, _ in batch]
                    )
                except Exception as exc:  # the whole transaction failed: tell every sender
                    outcomes = [exc] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        finally:
            self.draining = False


_batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, SendBatcher] = (
    weakref.WeakKeyDictionary()
)


def get_batcher() -> SendBatcher:
    loop = asyncio.get_running_loop()
    batcher = _batchers.get(loop)
    if batcher is None:
        batcher = _batchers[loop] = SendBatcher()
    return batcher
