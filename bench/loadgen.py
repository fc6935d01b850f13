"""Open-loop WebSocket load generator for `make bench` (asyncio + ``websockets``).

Driven by ``bench/run.py`` over stdin/stdout, one JSON object per line::

    python bench/loadgen.py CONFIG.json [--cpu 1]

CONFIG: ``{"clients": [{"url": ..., "origin": ..., "token": ... | null, "room": 12}, ...],
"resume": true}``. Commands (stdin) and their answers (stdout):

- ``{"cmd": "connect"}``: open every client socket and subscribe it to its room.
- ``{"cmd": "step", "tag": "s3", "rate": 400, "duration": 6}``: open loop for ``duration``
  seconds: client *i* sends at ``rate / len(clients)`` per second on a fixed schedule
  (random phase, +-25 % jitter per send), whether or not replies came. Every ``message``
  frame that arrives is one delivery; its latency is arrival time minus the *scheduled*
  send time of that message (so a late send counts against the server, no coordinated
  omission), for every member of the room **including the sender's own echo**. After the
  sending phase the generator waits for stragglers (all expected deliveries, or 1 s of
  silence, at most ``drain`` seconds), then answers with counts, percentiles and drops.
- ``{"cmd": "report"}``: per room, the seqs every client received and the client_id of each
  seq (run.py compares them with the database log).
- ``{"cmd": "idle", "n": 10000, "concurrency": 200}``: open *n* more sockets (client *j* uses
  the token and room of active client ``j % len(clients)``), subscribe each, and keep them
  idle. ``{"cmd": "idle_fanout"}`` then sends one message into every room and counts how
  many of the idle sockets received it. ``{"cmd": "idle_close"}`` closes them.
- ``{"cmd": "quit"}``.

Drops: for each step, the expected set of a room is every seq acked in that step; a client
that misses one of them counts one missing delivery. Independently every client counts
gaps in the seq stream of its room (``seq > last + 1``).

Only loopback URLs are accepted; every loop is bounded by count and time.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlparse

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

perf = time.perf_counter
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
FILLER = (
    "Hallo zusammen, heute war ein ruhiger Tag. Ich habe einen Spaziergang gemacht und "
    "danach mit meiner Schwester telefoniert, das tat gut. Wie geht es euch? "
)


def body_for(n: int) -> str:
    head = f"#{n} "
    return (head + FILLER * 2)[:128]


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


@dataclass
class Client:
    idx: int
    url: str
    origin: str
    token: str | None
    room: int
    ws: object = None
    reader: asyncio.Task | None = None
    alive: bool = False
    subscribed: asyncio.Future | None = None
    start_seq: int = 0  # the room's head when this socket subscribed
    last_seq: int | None = None  # the last seq of its room this client received
    seqs: list[int] = field(default_factory=list)
    gaps: int = 0
    dups: int = 0
    closes: list = field(default_factory=list)
    reconnects: int = 0


class Step:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.t0 = 0.0
        self.sends = 0
        self.send_failed = 0
        self.acks = 0
        self.errors: dict[str, int] = {}
        self.deliveries = 0
        self.latencies: list[float] = []
        self.room_acked: dict[int, set[int]] = {}
        self.recv: dict[int, set[int]] = {}  # client idx -> seqs of this step
        self.t_last = 0.0
        self.late_sends = 0  # sends that left more than 10 ms after their schedule


class LoadGen:
    def __init__(self, config: dict) -> None:
        self.resume = bool(config.get("resume", False))
        self.clients = [
            Client(i, c["url"], c["origin"], c.get("token"), c["room"])
            for i, c in enumerate(config["clients"])
        ]
        for c in self.clients:
            host = urlparse(c.url).hostname
            if host not in LOOPBACK:
                raise SystemExit(f"refusing non-loopback target {c.url}")
        self.room_members: dict[int, int] = {}
        for c in self.clients:
            self.room_members[c.room] = self.room_members.get(c.room, 0) + 1
        self.pending: dict[str, tuple[Step, float]] = {}  # client_id -> (step, t_sched)
        self.steps: dict[str, Step] = {}
        self.room_cids: dict[int, dict[int, str]] = {}
        self.last_frame = perf()
        self.idle: list[Client] = []
        self.idle_msgs = 0
        self.idle_fanout_cids: set[str] = set()

    # --- connections ------------------------------------------------------------------
    async def open(self, c: Client, after: int | None = None) -> None:
        headers = {"Authorization": f"Bearer {c.token}"} if c.token else None
        c.ws = await connect(
            c.url,
            additional_headers=headers,
            origin=c.origin,
            compression=None,
            open_timeout=60,
            ping_interval=None,
            max_size=2**20,
            max_queue=None,
        )
        c.alive = True
        c.subscribed = asyncio.get_running_loop().create_future()
        c.reader = asyncio.create_task(self.read(c))
        frame = {"type": "subscribe", "room": c.room}
        if after is not None:
            frame["after"] = after
        await c.ws.send(json.dumps(frame))
        await asyncio.wait_for(c.subscribed, 60)

    async def connect_all(self, clients: list[Client], concurrency: int = 50) -> dict:
        t0 = perf()
        sem = asyncio.Semaphore(concurrency)
        failures: list[str] = []

        async def one(c: Client) -> None:
            async with sem:
                try:
                    await self.open(c)
                except (OSError, InvalidStatus, TimeoutError, ConnectionClosed) as exc:
                    failures.append(repr(exc)[:200])

        await asyncio.gather(*(one(c) for c in clients))
        return {
            "connected": sum(1 for c in clients if c.alive),
            "failed": len(failures),
            "failures": failures[:3],
            "secs": round(perf() - t0, 2),
        }

    async def reconnect_dead(self) -> int:
        dead = [c for c in self.clients if not c.alive]
        for c in dead:
            c.reconnects += 1
            after = c.last_seq if (self.resume and c.last_seq is not None) else None
            try:
                await self.open(c, after=after)
            except (OSError, InvalidStatus, TimeoutError, ConnectionClosed) as exc:
                log("reconnect failed", c.idx, repr(exc))
        return len(dead)

    # --- receiving --------------------------------------------------------------------
    async def read(self, c: Client) -> None:
        loads = json.loads
        pending = self.pending
        try:
            async for raw in c.ws:
                now = perf()
                self.last_frame = now
                f = loads(raw)
                typ = f.get("type")
                if typ == "message":
                    seq = f["seq"]
                    last = c.last_seq
                    if last is not None:
                        if seq > last + 1:
                            c.gaps += seq - last - 1
                        elif seq <= last:
                            c.dups += 1
                            continue
                    c.last_seq = seq
                    c.seqs.append(seq)
                    cid = f["client_id"]
                    self.room_cids.setdefault(c.room, {})[seq] = cid
                    hit = pending.get(cid)
                    if hit is not None:
                        step, t_sched = hit
                        step.deliveries += 1
                        step.latencies.append(now - t_sched)
                        step.t_last = now
                        s = step.recv.get(c.idx)
                        if s is None:
                            s = step.recv[c.idx] = set()
                        s.add(seq)
                elif typ == "ack":
                    hit = pending.get(f["client_id"])
                    if hit is not None:
                        step = hit[0]
                        step.acks += 1
                        step.room_acked.setdefault(f["room"], set()).add(f["seq"])
                elif typ == "subscribed":
                    if c.subscribed is not None and not c.subscribed.done():
                        head = f.get("last_seq", 0)
                        after = f.get("after")
                        if c.last_seq is None:  # the first subscription, not a resume
                            c.start_seq = head if after is None else after
                            c.last_seq = c.start_seq
                        c.subscribed.set_result(True)
                elif typ == "error":
                    code = f.get("code", "?")
                    hit = pending.get(f.get("client_id", ""))
                    if hit is not None:
                        hit[0].errors[code] = hit[0].errors.get(code, 0) + 1
                    elif c.subscribed is not None and not c.subscribed.done():
                        c.subscribed.set_exception(OSError(f"subscribe failed: {code}"))
        except ConnectionClosed as exc:
            c.closes.append(getattr(exc.rcvd, "code", None))
        finally:
            c.alive = False
            if c.subscribed is not None and not c.subscribed.done():
                c.subscribed.set_exception(OSError("closed before subscribed"))

    # --- the open loop ----------------------------------------------------------------
    async def sender(self, c: Client, step: Step, rate: float, t0: float, t_end: float) -> None:
        interval = 1.0 / rate
        rnd = random.Random(c.idx * 7919 + hash(step.tag) % 1000)
        phase = rnd.uniform(0, interval)
        k = -1  # slot -1 may jitter into the window, slot 0 out of it: the rate stays exact
        while True:
            t_sched = t0 + phase + k * interval + rnd.uniform(-0.25, 0.25) * interval
            if t_sched < t0:
                k += 1
                continue
            if t_sched >= t_end:
                if k * interval + phase - 0.25 * interval >= t_end - t0:
                    return
                k += 1
                continue
            delay = t_sched - perf()
            if delay > 0:
                await asyncio.sleep(delay)
            if perf() - t_sched > 0.010:
                step.late_sends += 1
            cid = f"{step.tag}-{c.idx}-{k}"
            self.pending[cid] = (step, t_sched)
            step.sends += 1
            try:
                await c.ws.send(
                    json.dumps(
                        {"type": "send", "room": c.room, "client_id": cid, "body": body_for(k)},
                        ensure_ascii=False,
                    )
                )
            except (ConnectionClosed, AttributeError):
                step.send_failed += 1
            k += 1

    def expected(self, step: Step) -> int:
        return sum(len(s) * self.room_members[r] for r, s in step.room_acked.items())

    async def step(self, tag: str, rate: float, duration: float, drain: float) -> dict:
        reconnected = await self.reconnect_dead()
        step = self.steps[tag] = Step(tag)
        live = [c for c in self.clients if c.alive]
        per_client = rate / len(self.clients)
        cpu0 = time.process_time()
        t0 = perf() + 0.2
        step.t0 = t0
        t_end = t0 + duration
        await asyncio.gather(*(self.sender(c, step, per_client, t0, t_end) for c in live))
        t_sent = perf()
        # Drain: all expected deliveries, or one second of silence, at most `drain` s.
        deadline = t_sent + drain
        while perf() < deadline:
            if step.acks + step.send_failed + sum(step.errors.values()) >= step.sends and (
                step.deliveries >= self.expected(step)
            ):
                break
            if perf() - self.last_frame > 1.0 and perf() - t_sent > 1.0:
                break
            await asyncio.sleep(0.02)
        cpu = time.process_time() - cpu0
        wall = perf() - t0
        lat = sorted(step.latencies)
        expected_all = step.sends * max(self.room_members.values())
        missing = 0
        for c in self.clients:
            acked = step.room_acked.get(c.room, set())
            got = step.recv.get(c.idx, set())
            missing += len(acked - got)
        span = (step.t_last - t0) if step.t_last > t0 else duration
        result = {
            "tag": tag,
            "rate": rate,
            "duration": duration,
            "sends": step.sends,
            "late_sends": step.late_sends,
            "send_failed": step.send_failed,
            "acks": step.acks,
            "errors": step.errors,
            "deliveries": step.deliveries,
            "expected": expected_all,
            "ratio": step.deliveries / expected_all if expected_all else 0.0,
            "missing_acked": missing,
            "delivered_per_s": step.deliveries / max(span, duration),
            "p50_ms": pct(lat, 0.50) * 1000,
            "p99_ms": pct(lat, 0.99) * 1000,
            "max_ms": (lat[-1] * 1000) if lat else 0.0,
            "drain_s": round(perf() - t_sent, 2),
            "loadgen_cpu": cpu / wall if wall else 0.0,
            "reconnected_before": reconnected,
            "dead_after": sum(1 for c in self.clients if not c.alive),
            "gaps_total": sum(c.gaps for c in self.clients),
            "close_codes": sorted({code for c in self.clients for code in c.closes if code}),
        }
        step.latencies = []  # free memory; counts stay
        # The generator holds large bookkeeping; a gen-2 collection in the middle of a step
        # would pause it for 100+ ms. Collect between steps, then freeze what survived.
        gc.collect()
        gc.freeze()
        return result

    def report(self) -> dict:
        rooms: dict[int, dict] = {}
        for c in self.clients:
            r = rooms.setdefault(c.room, {"clients": [], "cids": self.room_cids.get(c.room, {})})
            r["clients"].append(
                {
                    "idx": c.idx,
                    "start": c.start_seq,
                    "seqs": c.seqs,
                    "gaps": c.gaps,
                    "dups": c.dups,
                    "reconnects": c.reconnects,
                }
            )
        return {"rooms": {str(k): v for k, v in rooms.items()}}

    # --- idle sockets -----------------------------------------------------------------
    async def idle_open(self, n: int, concurrency: int) -> dict:
        base = len(self.clients) + len(self.idle)
        new = []
        for j in range(n):
            src = self.clients[j % len(self.clients)]
            new.append(Client(base + j, src.url, src.origin, src.token, src.room))
        self.idle.extend(new)
        return await self.connect_all(new, concurrency=concurrency)

    async def idle_fanout(self, timeout: float) -> dict:
        """One message into every room from an active client; count arrivals on idle sockets."""
        step = self.steps["idle"] = Step("idle")
        before = sum(len(c.seqs) for c in self.idle)
        t0 = perf()
        seen_rooms = set()
        for c in self.clients:
            if c.room in seen_rooms or not c.alive:
                continue
            seen_rooms.add(c.room)
            cid = f"idle-{c.idx}"
            self.pending[cid] = (step, perf())
            step.sends += 1
            await c.ws.send(
                json.dumps({"type": "send", "room": c.room, "client_id": cid, "body": body_for(0)})
            )
        alive = [c for c in self.idle if c.alive]
        target = sum(1 for c in alive if c.room in seen_rooms)
        deadline = t0 + timeout
        got = 0
        while perf() < deadline:
            got = sum(len(c.seqs) for c in self.idle) - before
            if got >= target:
                break
            await asyncio.sleep(0.05)
        lat = sorted(step.latencies)
        return {
            "idle_alive": len(alive),
            "expected": target,
            "received": got,
            "secs": round(perf() - t0, 2),
            "p50_ms": pct(lat, 0.5) * 1000,
            "p99_ms": pct(lat, 0.99) * 1000,
        }

    async def idle_close(self) -> dict:
        t0 = perf()
        sem = asyncio.Semaphore(500)

        async def one(c: Client) -> None:
            async with sem:
                if c.ws is not None:
                    with contextlib.suppress(TimeoutError, ConnectionClosed, OSError):
                        await asyncio.wait_for(c.ws.close(), 5)

        await asyncio.gather(*(one(c) for c in self.idle))
        n = len(self.idle)
        self.idle = []
        return {"closed": n, "secs": round(perf() - t0, 2)}

    async def close_all(self) -> None:
        for c in self.clients:
            if c.ws is not None:
                with contextlib.suppress(TimeoutError, ConnectionClosed, OSError):
                    await asyncio.wait_for(c.ws.close(), 2)


def pct(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


async def main(config_path: str) -> None:
    with open(config_path) as fh:
        config = json.load(fh)
    gen = LoadGen(config)
    gc.collect()
    gc.freeze()
    loop = asyncio.get_running_loop()
    out = sys.stdout
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        cmd = json.loads(line)
        name = cmd.get("cmd")
        if name == "connect":
            res = await gen.connect_all(gen.clients, concurrency=cmd.get("concurrency", 50))
        elif name == "step":
            res = await gen.step(cmd["tag"], cmd["rate"], cmd["duration"], cmd.get("drain", 10))
        elif name == "report":
            res = gen.report()
        elif name == "idle":
            res = await gen.idle_open(cmd["n"], cmd.get("concurrency", 200))
        elif name == "idle_fanout":
            res = await gen.idle_fanout(cmd.get("wait", 30))
        elif name == "idle_close":
            res = await gen.idle_close()
        elif name == "quit":
            await gen.close_all()
            out.write(json.dumps({"bye": True}) + "\n")
            out.flush()
            break
        else:
            res = {"error": f"unknown command {name}"}
        out.write(json.dumps(res) + "\n")
        out.flush()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    args = sys.argv[1:]
    if "--cpu" in args:
        i = args.index("--cpu")
        os.sched_setaffinity(0, {int(args[i + 1])})
        del args[i : i + 2]
    try:
        import uvloop

        uvloop.run(main(args[0]))
    except ImportError:
        asyncio.run(main(args[0]))
