"""Two app processes on PostgreSQL and Redis serve one room; one of them is killed.

Needs real PostgreSQL and Redis: skipped with a reason where they are absent, a failure
when CI=true.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import uuid

import psycopg
import pytest
import websockets
from conftest import require_service

from tests.support import Server, base_env, manage, setup_group

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture
def scale_out_env():
    require_service("PostgreSQL", "127.0.0.1", 5432)
    require_service("Redis", "127.0.0.1", 6379)
    name = "augenhoehe_scale_" + uuid.uuid4().hex[:8]
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = base_env(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        REDIS_CHANNEL_PREFIX="test-" + uuid.uuid4().hex[:8],
    )
    manage(env, "migrate", "--noinput")
    yield env, name
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Client:
    """A chat client that behaves as docs/protocol.md asks: resume and resend."""

    def __init__(self, name, token, room, servers):
        self.name, self.token, self.room = name, token, room
        self.servers = servers  # preferred first; on failure, the next
        self.received: dict[int, tuple] = {}
        self.duplicates = 0
        self.last_seq = 0
        self.unacked: dict[str, str] = {}
        self.acked: dict[str, int] = {}
        self.ws = None
        self.reconnects = 0

    async def connect(self):
        last_error = None
        for server in self.servers:
            if server.proc is None or server.proc.poll() is not None:
                continue
            try:
                self.ws = await websockets.connect(
                    server.ws_url,
                    additional_headers={"Authorization": f"Bearer {self.token}"},
                    origin=server.origin,
                    open_timeout=5,
                )
            except (OSError, websockets.WebSocketException) as exc:
                last_error = exc
                continue
            await self.ws.send(
                json.dumps({"type": "subscribe", "room": self.room, "after": self.last_seq})
            )
            for client_id, body in list(self.unacked.items()):  # resend with the same id
                await self.ws.send(
                    json.dumps(
                        {"type": "send", "room": self.room, "client_id": client_id, "body": body}
                    )
                )
            return
        raise RuntimeError(f"no server reachable: {last_error}")

    async def send(self, client_id, body):
        self.unacked[client_id] = body
        frame = {"type": "send", "room": self.room, "client_id": client_id, "body": body}
        with contextlib.suppress(websockets.ConnectionClosed):  # the reader resends
            await self.ws.send(json.dumps(frame))

    async def read_forever(self):
        while True:
            try:
                async for raw in self.ws:
                    self.handle(json.loads(raw))
            except (websockets.ConnectionClosed, OSError):
                pass
            self.reconnects += 1
            await asyncio.sleep(0.2)
            await self.connect()

    def handle(self, frame):
        if frame["type"] == "message":
            seq = frame["seq"]
            if seq in self.received:
                self.duplicates += 1
            self.received[seq] = (frame["author"]["pseudonym"], frame["client_id"], frame["body"])
            self.last_seq = max(self.last_seq, seq)
        elif frame["type"] == "ack":
            self.unacked.pop(frame["client_id"], None)
            self.acked[frame["client_id"]] = frame["seq"]


def database_log(dbname, room):
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{dbname}") as conn:
        rows = conn.execute(
            "SELECT m.seq, u.pseudonym, m.client_id, m.body FROM chat_message m "
            "JOIN accounts_user u ON u.id = m.author_id WHERE m.room_id = %s ORDER BY m.seq",
            (room,),
        ).fetchall()
    return {seq: (author, client_id, body) for seq, author, client_id, body in rows}


async def wait_until(predicate, timeout):
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.1)
    return predicate()


def test_two_processes_one_room_survive_a_killed_process(scale_out_env):
    env, dbname = scale_out_env
    names = [f"Person{i}" for i in range(6)]
    data = setup_group(env, names)
    a, b = Server(env).start(), Server(env).start()
    try:
        asyncio.run(_chat_through_a_crash(data, names, a, b, dbname))
    finally:
        a.stop()
        b.stop()


async def _chat_through_a_crash(data, names, a, b, dbname):
    room = data["room"]
    clients = []
    for i, name in enumerate(names):
        servers = [a, b] if i % 2 == 0 else [b, a]  # half on A, half on B
        client = Client(name, data["tokens"][name], room, servers)
        await client.connect()
        clients.append(client)
    readers = [asyncio.create_task(c.read_forever()) for c in clients]
    counter = itertools.count(1)
    try:
        # A client on A receives what a client on B sends.
        await clients[1].send("probe", "von B")
        assert await wait_until(
            lambda: any(v[1] == "probe" for v in clients[0].received.values()), 10
        )

        for round_no in range(30):
            for client in clients:
                n = next(counter)
                await client.send(f"{client.name}-{n}", f"Nachricht {n} von {client.name}")
            if round_no == 12:
                a.kill()  # SIGKILL mid-stream: its clients must move to B
            await asyncio.sleep(0.03)

        assert await wait_until(lambda: all(not c.unacked for c in clients), 30), [
            c.unacked for c in clients
        ]
        log = database_log(dbname, room)
        expected_ids = {"probe"} | {cid for c in clients for cid in c.acked}
        assert await wait_until(lambda: all(c.received == log for c in clients), 20)
    finally:
        for task in readers:
            task.cancel()
        for client in clients:
            if client.ws is not None:
                await client.ws.close()

    assert list(log) == list(range(1, len(log) + 1))  # no gap in the database either
    assert {entry[1] for entry in log.values()} == expected_ids  # every send stored exactly once
    assert len(log) == 1 + 30 * len(clients)
    for client in clients:
        assert client.duplicates == 0, client.name
        assert client.received == log, client.name
    assert sum(c.reconnects for c in clients[0::2]) >= 3  # the clients of A did fail over
