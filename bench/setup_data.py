"""Bench data for Augenhöhe, run with the server's environment (DATABASE_URL / SQLITE_PATH).

    python bench/setup_data.py accounts --users 200 --groups 20 --out var/bench/clients.json
    python bench/setup_data.py history --messages 1000000 --out var/bench/history.json  # PG
    python bench/setup_data.py history-time --info var/bench/history.json --requests 200
    python bench/setup_data.py dblog --rooms 3,4,5                 (seq -> client_id per room)

Accounts go through ``accounts.actions.register_user`` + ``issue_token`` and groups through
``groups.actions.create_group`` + ``join_group``, the same paths as the product. The million
history messages are inserted by ``INSERT ... SELECT generate_series`` straight into
``chat_message`` (the schema comes from ``augenhoehe migrate``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "augenhoehe.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

PASSWORD = "bench-Passwort-2026"


def _groups():
    try:
        from augenhoehe.groups import actions as group_actions
    except ImportError as exc:  # the groups app is being built in parallel
        raise SystemExit(f"augenhoehe.groups.actions is not importable yet: {exc}") from None
    if not hasattr(group_actions, "create_group") or not hasattr(group_actions, "join_group"):
        raise SystemExit("augenhoehe.groups.actions has no create_group/join_group yet")
    return group_actions


def _make_group(group_actions, i: int, prefix: str):
    return group_actions.create_group(
        name=f"{prefix} Gruppe {i:03d}",
        topic="other",
        description="Benchmark",
        language="de",
        rules="Respektvoll bleiben.",
        audience="everyone",
        join_policy="open",
        created_by=None,
    )


def _join(group_actions, user, group) -> None:
    group_actions.join_group(user, group.pk, accept_rules=True)


def _user(i: int, prefix: str):
    from augenhoehe.accounts.actions import register_user

    return register_user(pseudonym=f"{prefix}{i:05d}", password=PASSWORD)


def cmd_accounts(args) -> None:
    from augenhoehe.accounts.actions import issue_token

    group_actions = _groups()
    t0 = time.perf_counter()
    groups = [_make_group(group_actions, g, "Bench") for g in range(args.groups)]
    per_room = args.users // args.groups
    out = []
    for i in range(args.users):
        user = _user(i, "Bank")
        group = groups[min(i // per_room, len(groups) - 1)]
        _join(group_actions, user, group)
        out.append(
            {"user": user.pk, "token": issue_token(user), "room": group.room_id, "group": group.pk}
        )
    with open(args.out, "w") as fh:
        json.dump({"clients": out, "rooms": [g.room_id for g in groups]}, fh)
    print(
        json.dumps(
            {"users": len(out), "groups": len(groups), "secs": round(time.perf_counter() - t0, 2)}
        )
    )


def cmd_history(args) -> None:
    from augenhoehe.accounts.actions import issue_token
    from augenhoehe.chat.models import Room

    if connection.vendor != "postgresql":
        raise SystemExit("history needs PostgreSQL")
    group_actions = _groups()
    group = _make_group(group_actions, 999, "Archiv")
    user = _user(99_999, "Lesende")
    _join(group_actions, user, group)
    token = issue_token(user)
    n = args.messages
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO chat_message (room_id, seq, author_id, client_id, body, created)
            SELECT %s, g, %s, 'hist-' || g,
                   'Nachricht ' || g || ': ' || repeat('Heute war ein guter Tag. ', 4),
                   now() - (%s - g) * interval '1 second'
            FROM generate_series(1, %s) AS g
            """,
            [group.room_id, user.pk, n, n],
        )
        Room.objects.filter(pk=group.room_id).update(last_seq=n)
    insert_s = time.perf_counter() - t0
    with connection.cursor() as cur:
        # As a maintained database would be: vacuumed and analysed, so that autovacuum does
        # not start on the fresh million rows while the history is being timed.
        cur.execute("VACUUM (ANALYZE) chat_message")
        cur.execute("SELECT count(*) FROM chat_message WHERE room_id = %s", [group.room_id])
        count = cur.fetchone()[0]
    info = {
        "room": group.room_id,
        "token": token,
        "messages": count,
        "insert_s": round(insert_s, 1),
    }
    with open(args.out, "w") as fh:
        json.dump(info, fh)
    print(json.dumps(info))


def _median_ms(fn, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return statistics.median(times) * 1000, times[int(0.99 * (len(times) - 1))] * 1000


def cmd_history_time(args) -> None:
    from django.test import Client

    from augenhoehe.chat import selectors
    from augenhoehe.chat.models import Room

    with open(args.info) as fh:
        info = json.load(fh)
    room = Room.objects.get(pk=info["room"])
    mid = room.last_seq // 2
    n = args.requests
    results = {}
    results["selector_newest"] = _median_ms(
        lambda: selectors.messages_before(room, None, limit=51), n
    )
    results["selector_before_mid"] = _median_ms(
        lambda: selectors.messages_before(room, mid, limit=51), n
    )

    def raw_sql(before):
        def run():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT m.*, u.pseudonym FROM chat_message m LEFT JOIN accounts_user u "
                    "ON u.id = m.author_id WHERE m.room_id = %s AND m.seq < %s "
                    "ORDER BY m.seq DESC LIMIT 51",
                    [room.pk, before],
                )
                cur.fetchall()

        return run

    results["raw_sql_newest"] = _median_ms(raw_sql(room.last_seq + 1), n)
    results["raw_sql_before_mid"] = _median_ms(raw_sql(mid), n)
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {info['token']}"}
    url = f"/api/v1/rooms/{room.pk}/messages"

    def get(query: str):
        def run():
            response = client.get(url + query, **auth)
            if response.status_code != 200:
                raise SystemExit(
                    f"GET {url}{query}: {response.status_code} {response.content[:200]!r}"
                )
            body = response.json()
            if len(body["messages"]) != 50:
                raise SystemExit(f"expected 50 messages, got {len(body['messages'])}")

        return run

    get("?limit=50")()  # warm up
    results["django_client_newest"] = _median_ms(get("?limit=50"), n)
    results["django_client_before_mid"] = _median_ms(get(f"?limit=50&before={mid}"), n)
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN SELECT * FROM chat_message WHERE room_id = %s AND seq < %s "
            "ORDER BY seq DESC LIMIT 51",
            [room.pk, mid],
        )
        plan = " | ".join(r[0].strip() for r in cur.fetchall()[:3])
    print(
        json.dumps(
            {
                "messages": room.last_seq,
                "mid": mid,
                "requests": n,
                "results": {
                    k: {"median_ms": round(v[0], 3), "p99_ms": round(v[1], 3)}
                    for k, v in results.items()
                },
                "plan": plan,
            }
        )
    )


def cmd_dblog(args) -> None:
    from augenhoehe.chat.models import Message

    rooms = [int(r) for r in args.rooms.split(",") if r]
    out = {}
    for room in rooms:
        rows = list(
            Message.objects.filter(room_id=room).order_by("seq").values_list("seq", "client_id")
        )
        out[str(room)] = rows
    json.dump(out, sys.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("accounts")
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--groups", type=int, default=20)
    p.add_argument("--out", required=True)
    p = sub.add_parser("history")
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--out", required=True)
    p = sub.add_parser("history-time")
    p.add_argument("--info", required=True)
    p.add_argument("--requests", type=int, default=200)
    p = sub.add_parser("dblog")
    p.add_argument("--rooms", required=True)
    args = parser.parse_args()
    {
        "accounts": cmd_accounts,
        "history": cmd_history,
        "history-time": cmd_history_time,
        "dblog": cmd_dblog,
    }[args.cmd](args)


if __name__ == "__main__":
    main()
