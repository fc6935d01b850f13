"""Matching benchmark: 10,000 waiting requests, 1,000 peers, one peer becomes available.

Times ``conversations.matching.pick_request_for`` (the function the waiting room and the
auto-offer use to choose the best request for a peer) over 50 runs, on SQLite and, when
reachable, on PostgreSQL (a separate database, created and dropped here). Goal: median
under 20 ms. Also times ``position_of`` (a seeker's place in the queue).

    python bench/bench_matching.py [--runs 50] [--requests 10000] [--peers 1000]

Each backend runs in a fresh subprocess, because Django reads its settings once.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DB = "augenhoehe_bench_matching"


def reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def run_backend(args) -> None:
    """In the subprocess: set up Django, migrate, fill, measure, print."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "augenhoehe.settings")
    os.environ["DEBUG"] = "true"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from augenhoehe.accounts.models import RoleGrant, User
    from augenhoehe.conversations import matching
    from augenhoehe.conversations.models import (
        ConversationRequest,
        PeerProfile,
        RequestTopic,
        Topic,
    )

    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(42)
    topics = list(Topic.values)
    now = timezone.now()
    t0 = time.perf_counter()
    users = User.objects.bulk_create(
        [User(pseudonym=f"bench{i}", password="!") for i in range(args.peers + args.requests)],
        batch_size=2000,
    )
    peers, seekers = users[: args.peers], users[args.peers :]
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role="peer") for u in peers], batch_size=2000)
    PeerProfile.objects.bulk_create(
        [
            PeerProfile(
                user=u,
                topics=rng.sample(topics, rng.randint(1, 3)),
                languages=["de"] if rng.random() < 0.8 else ["de", "en"],
                gender=rng.choice(["", "female", "male", "diverse"]),
                is_young_peer=rng.random() < 0.2,
                available=False,
            )
            for u in peers
        ],
        batch_size=2000,
    )
    requests = ConversationRequest.objects.bulk_create(
        [
            ConversationRequest(
                seeker=u,
                topics=rng.sample(topics, rng.randint(1, 2)),
                language="de" if rng.random() < 0.85 else "en",
                peer_gender=rng.choice(["", "", "", "female", "male"]),
                young_peer=rng.random() < 0.1,
                priority=rng.choices([0, 1, 2], weights=[96, 3, 1])[0],
                created=now - timedelta(seconds=rng.randint(0, 3 * 3600)),
            )
            for u in seekers
        ],
        batch_size=2000,
    )
    RequestTopic.objects.bulk_create(
        [
            RequestTopic(request=r, topic=t, priority=r.priority, created=r.created)
            for r in requests
            for t in r.topics
        ],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    setup = time.perf_counter() - t0

    profiles = list(PeerProfile.objects.select_related("user"))
    pick_ms, position_ms = [], []
    for run in range(args.runs + 3):
        profile = rng.choice(profiles)
        profile.available = True  # this peer becomes available
        t = time.perf_counter()
        chosen = matching.pick_request_for(profile.user, profile)
        elapsed = (time.perf_counter() - t) * 1000
        assert chosen is not None
        some = rng.choice(requests)
        t = time.perf_counter()
        matching.position_of(some)
        position = (time.perf_counter() - t) * 1000
        if run >= 3:  # the first runs warm caches and connections
            pick_ms.append(elapsed)
            position_ms.append(position)
    print(
        f"{connection.vendor}: {args.requests} waiting requests, {args.peers} peers, "
        f"setup {setup:.1f} s"
    )
    print(
        f"{connection.vendor}: pick_request_for  median {statistics.median(pick_ms):.2f} ms  "
        f"p99 {percentile(pick_ms, 0.99):.2f} ms  ({args.runs} runs)"
    )
    print(
        f"{connection.vendor}: position_of       median {statistics.median(position_ms):.2f} ms  "
        f"p99 {percentile(position_ms, 0.99):.2f} ms"
    )
    goal = "met" if statistics.median(pick_ms) < 20 else "MISSED"
    print(f"{connection.vendor}: goal median < 20 ms: {goal}")


def _pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--peers", type=int, default=1_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        run_backend(args)
        return 0
    base = [
        sys.executable,
        __file__,
        "--runs",
        str(args.runs),
        "--requests",
        str(args.requests),
        "--peers",
        str(args.peers),
    ]
    env = dict(os.environ, DEBUG="true", PLAIN_STATIC_STORAGE="true")
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_env = dict(env, SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"))
        status = subprocess.call([*base, "--backend", "sqlite"], env=sqlite_env, cwd=ROOT)
    if not reachable("127.0.0.1", 5432):
        print("postgresql: not reachable on 127.0.0.1:5432, skipped")
        return status
    _pg(f'DROP DATABASE IF EXISTS "{PG_DB}"')
    _pg(f'CREATE DATABASE "{PG_DB}"')
    try:
        pg_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + PG_DB
        status |= subprocess.call(
            [*base, "--backend", "postgres"], env=dict(env, DATABASE_URL=pg_url), cwd=ROOT
        )
    finally:
        _pg(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')
    return status


if __name__ == "__main__":
    sys.exit(main())
