from __future__ import annotations

import json

from channels.testing import WebsocketCommunicator

from augenhoehe.asgi import application


async def connect(token: str | None, *, origin: bytes = b"http://testserver"):
    headers = [(b"origin", origin)]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    comm = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _ = await comm.connect()
    if connected:
        hello = await comm.receive_json_from(timeout=5)
        assert hello["type"] == "hello"
    return comm, connected


async def frames_until(comm, predicate, *, timeout=5, limit=500):
    seen = []
    for _ in range(limit):
        frame = await comm.receive_json_from(timeout=timeout)
        seen.append(frame)
        if predicate(frame):
            return seen
    raise AssertionError(f"no matching frame in {seen}")


async def send(comm, frame):
    await comm.send_to(text_data=json.dumps(frame))


async def subscribe(comm, room_id, after=None):
    frame = {"type": "subscribe", "room": room_id}
    if after is not None:
        frame["after"] = after
    await send(comm, frame)
    frames = await frames_until(comm, lambda f: f["type"] in ("subscribed", "error"))
    return frames[-1]
