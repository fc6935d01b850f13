"""The second opinion runs off the send path: a per-process background thread.

``screening.screen_chat_message`` calls :func:`submit_on_commit` for each message the rules
did not rate ``high``; after the send transaction commits, the job goes into a bounded
queue. The worker takes up to ``BATCH`` jobs at a time, runs the rules again (cheap) and the
model once for the batch, and for each message where the model says *more* than the rules
it writes a flag (plus an alert for ``high``) and sends the writer the support card
(:func:`.actions.record_second_opinion`). The text lives only in memory, in the queue, and
is never stored.

A full queue drops the job with a warning (the rules already screened the message). If the
model cannot be loaded, the worker logs it once and drops jobs: the platform works rules-only.

The model itself runs in a child process (one per server process, started on first use):
its tokenizer is pure Python and would otherwise hold the server's interpreter lock while
the chat waits. The child gets texts and returns levels; flags are written here.

Tests: ``AUGENHOEHE["CRISIS_SECOND_OPINION_SYNC"] = True`` runs each job right after commit
in the committing thread (the model in-process); :func:`drain` processes whatever is
queued, in the caller's thread.
"""

from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import queue
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

QUEUE_SIZE = 2000
BATCH = 32


@dataclass(frozen=True)
class Job:
    author_id: int
    room_id: int | None
    room_kind: str
    seq: int | None
    text: str
    lang: str | None = None
    object_id: int | None = None  # a one-to-one request's id (room_kind "request")

    def __repr__(self) -> str:  # never the text in logs
        return f"Job(author={self.author_id}, room={self.room_id}, seq={self.seq})"


_queue: queue.Queue[Job | None] = queue.Queue(maxsize=QUEUE_SIZE)  # None: stop
_thread: threading.Thread | None = None
_start_lock = threading.Lock()
_model_failed = False


def enabled() -> bool:
    conf = settings.AUGENHOEHE
    return bool(conf.get("CRISIS_SECOND_OPINION", False)) and bool(
        conf.get("CRISIS_DETECTION_ENABLED", True)
    )


def _sync() -> bool:
    return bool(settings.AUGENHOEHE.get("CRISIS_SECOND_OPINION_SYNC", False))


def submit_on_commit(job: Job) -> None:
    """Queue ``job`` once the current transaction commits (never raises, never blocks)."""
    if not enabled():
        return
    transaction.on_commit(lambda: submit(job))


def submit(job: Job) -> bool:
    """Queue a job now; False when it was dropped (queue full or disabled)."""
    if not enabled():
        return False
    if _sync():
        process([job])
        return True
    try:
        _queue.put_nowait(job)
    except queue.Full:
        _note_dropped()
        return False
    _ensure_thread()
    return True


_DROP_LOG_INTERVAL = 10.0  # seconds; under overload one line per interval, with the count
_dropped = 0
_dropped_logged_at = float("-inf")


def _note_dropped() -> None:
    """Count a job dropped on a full queue; log at most once per interval (a line per
    message would cost the overloaded server more work exactly when it has none to spare)."""
    global _dropped, _dropped_logged_at
    _dropped += 1
    now = time.monotonic()
    if now - _dropped_logged_at >= _DROP_LOG_INTERVAL:
        logger.warning(
            "second opinion: queue full, %d message(s) stayed rules-only since the last report",
            _dropped,
        )
        _dropped = 0
        _dropped_logged_at = now


def _ensure_thread() -> None:
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    with _start_lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="crisis-second-opinion", daemon=True)
            _thread.start()


def _take_batch(block: bool) -> tuple[list[Job], bool]:
    """Up to BATCH jobs, and whether the stop sentinel was taken."""
    jobs: list[Job] = []
    try:
        item = _queue.get(block=block)
    except queue.Empty:
        return jobs, False
    if item is None:
        _queue.task_done()
        return jobs, True
    jobs.append(item)
    while len(jobs) < BATCH:
        try:
            item = _queue.get_nowait()
        except queue.Empty:
            break
        if item is None:
            _queue.task_done()
            return jobs, True
        jobs.append(item)
    return jobs, False


def _run() -> None:
    stop = False
    while not stop:
        jobs, stop = _take_batch(block=True)
        try:
            process(jobs)
        except Exception:
            logger.exception("second opinion: a batch of %d messages failed", len(jobs))
        finally:
            for _ in jobs:
                _queue.task_done()
            close_old_connections()


def stop(timeout: float = 5.0) -> bool:
    """Let the thread finish the queued jobs and end (shutdown, tests). True if it ended."""
    global _thread
    with _start_lock:
        thread = _thread
        if thread is None or not thread.is_alive():
            return True
        _queue.put(None)
    thread.join(timeout)
    return not thread.is_alive()


def drain() -> int:
    """Process every queued job now, in this thread (tests, shutdown). Returns the count."""
    done = 0
    while True:
        jobs, _stop = _take_batch(block=False)
        if not jobs:
            return done
        try:
            process(jobs)
        finally:
            for _ in jobs:
                _queue.task_done()
        done += len(jobs)


_executor: concurrent.futures.ProcessPoolExecutor | None = None


def _init_child() -> None:
    # One BLAS thread and the lowest CPU priority: the second opinion is background work
    # and must never make the chat slow (the rules have already screened every message).
    # At nice 10 it still took about 10 % of a saturated core from the chat; at 19 it
    # runs on what the chat leaves idle.
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    with contextlib.suppress(OSError):
        os.nice(19)


def evaluate(texts: list[str], langs: list[str | None]):
    """Rules and model for a batch: (rule assessments, model level or None per text).

    Pure (no Django): runs in the child process, or in-process in tests."""
    from augenhoehe.safety.detector import Level, assess

    from .model import predict

    rules = [assess(t, lang) for t, lang in zip(texts, langs, strict=True)]
    todo = [i for i, a in enumerate(rules) if a.level is not Level.HIGH]
    levels: list = [None] * len(texts)
    if todo:
        preds = predict(
            [texts[i] for i in todo], [langs[i] for i in todo], [rules[i] for i in todo]
        )
        for i, (level, _probs) in zip(todo, preds, strict=True):
            levels[i] = level
    return rules, levels


@atexit.register
def _shutdown_child() -> None:
    if _executor is not None:
        _executor.shutdown(wait=False, cancel_futures=True)


def _evaluate_isolated(texts: list[str], langs: list[str | None]):
    global _executor
    if _sync() or not settings.AUGENHOEHE.get("CRISIS_SECOND_OPINION_PROCESS", True):
        return evaluate(texts, langs)
    if _executor is None:
        _executor = concurrent.futures.ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_child,
        )
    try:
        return _executor.submit(evaluate, texts, langs).result(timeout=120)
    except concurrent.futures.process.BrokenProcessPool:
        _executor = None  # the child died: the next batch starts a new one
        raise


def pending() -> int:
    return _queue.qsize()


def process(jobs: list[Job]) -> int:
    """Run the model on ``jobs``; write a flag where it raises the level. Returns how many
    flags were written. Rules-only (nothing written) when the model cannot be loaded."""
    global _model_failed
    if not jobs:
        return 0
    from .actions import record_second_opinion
    from .model import ModelUnavailable, combine, raise_level

    try:
        rule_assessments, levels = _evaluate_isolated(
            [j.text for j in jobs], [j.lang for j in jobs]
        )
    except ModelUnavailable:
        if not _model_failed:
            logger.error("second opinion unavailable; crisis screening is rules-only")
            _model_failed = True
        return 0
    written = 0
    for job, rules, level in zip(jobs, rule_assessments, levels, strict=True):
        if level is None:
            continue
        raised = raise_level(level, rules)
        if raised is None:
            continue
        try:
            flag = record_second_opinion(
                author_id=job.author_id,
                room_id=job.room_id,
                room_kind=job.room_kind,
                seq=job.seq,
                object_id=job.object_id,
                assessment=combine(rules, raised),
            )
        except Exception:
            logger.exception("second opinion: writing the flag failed (%r)", job)
            continue
        written += flag is not None
    return written
