"""A minimal bare WebSocket broadcast server: the baseline of `make bench`.

No database, no authentication, no Django: only the subset of docs/protocol.md the load
generator uses, so the figure is "what plain Python can do on this machine".

- ``{"type": "subscribe", "room": R}`` -> ``{"type": "subscribed", "room": R, "last_seq": n}``
- ``{"type": "send", "room": R, "client_id": C, "body": B}`` -> the next per-room ``seq``;
  one ``message`` frame (encoded once) broadcast to every socket in the room, sender
  included, and an ``ack`` to the sender.
- ``{"type": "ping", "ref": x}`` -> ``pong``.

Built on the ``websockets`` asyncio server with uvloop (the same event loop uvicorn picks for
Augenhöhe), no permessage-deflate, and ``websockets.broadcast`` (a synchronous write of the
same frame to every transport, no per-socket task). Usage::

    python bench/bare_server.py --port 8765 [--cpu 0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
from datetime import UTC, datetime

from websockets.asyncio.server import broadcast, serve

ROOMS: dict[int, set] = {}
SEQ: dict[int, int] = {}
AUTHOR = {"id": 0, "pseudonym": "bench"}


def _encode(frame: dict) -> str:
    return json.dumps(frame, ensure_ascii=False, separators=(",", ":"))


async def handler(ws) -> None:
    joined: set[int] = set()
    await ws.send(_encode({"type": "hello", "protocol": 1, "user": AUTHOR}))
    try:
        async for raw in ws:
            try:
                data = json.loads(raw)
                kind = data.get("type")
            except (ValueError, AttributeError):
                await ws.send(_encode({"type": "error", "code": "bad_json"}))
                continue
            if kind == "send":
                room = data["room"]
                if room not in joined:
                    await ws.send(_encode({"type": "error", "code": "not_found", "room": room}))
                    continue
                seq = SEQ[room] = SEQ.get(room, 0) + 1
                text = _encode(
                    {
                        "type": "message",
                        "room": room,
                        "seq": seq,
                        "author": AUTHOR,
                        "body": data["body"],
                        "client_id": data["client_id"],
                        "created": datetime.now(UTC).isoformat(),
                        "edited": None,
                        "deleted": False,
                        "hidden": False,
                    }
                )
                # Same order as Augenhöhe: the ack to the writer, then the room's broadcast.
                await ws.send(
                    _encode(
                        {
                            "type": "ack",
                            "room": room,
                            "client_id": data["client_id"],
                            "seq": seq,
                            "duplicate": False,
                        }
                    )
                )
                broadcast(ROOMS[room], text)
            elif kind == "subscribe":
                room = data["room"]
                ROOMS.setdefault(room, set()).add(ws)
                joined.add(room)
                await ws.send(
                    _encode({"type": "subscribed", "room": room, "last_seq": SEQ.get(room, 0)})
                )
            elif kind == "ping":
                await ws.send(_encode({"type": "pong", "ref": data.get("ref")}))
            else:
                await ws.send(_encode({"type": "error", "code": "unknown_type"}))
    finally:
        for room in joined:
            ROOMS.get(room, set()).discard(ws)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        handler,
        host,
        port,
        compression=None,
        max_size=64 * 1024,
        ping_interval=20,
        ping_timeout=20,
        max_queue=None,
    ):
        print(f"bare server on ws://{host}:{port}/", flush=True)
        await stop


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU")
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        raise SystemExit("the bench server only listens on loopback")
    raise_nofile()
    if args.cpu is not None:
        os.sched_setaffinity(0, {args.cpu})
    try:
        import uvloop

        uvloop.run(main(args.host, args.port))
    except ImportError:
        asyncio.run(main(args.host, args.port))
