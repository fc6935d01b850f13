"""Run real Augenhöhe server processes for end-to-end tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DEBUG="true",
        FAST_PASSWORD_HASHER="true",
        PLAIN_STATIC_STORAGE="true",
        LOG_LEVEL="warning",
        CHAT_MESSAGES_PER_MINUTE="100000",
        DJANGO_SETTINGS_MODULE="augenhoehe.settings",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "-m", "augenhoehe", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
    )
    if result.returncode != 0:
        raise RuntimeError(f"augenhoehe {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class Server:
    def __init__(self, env: dict[str, str]):
        self.port = free_port()
        self.env = env
        self.proc: subprocess.Popen | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "augenhoehe", "serve", "--port", str(self.port)],
            env=self.env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("server died: " + (self.proc.stderr.read() or b"").decode())
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return self
            time.sleep(0.1)
        raise RuntimeError("server did not start in 30 s")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


def setup_group(env: dict[str, str], pseudonyms: list[str]) -> dict:
    """Create people and one open group they all belong to; return tokens and the room."""
    script = f"""
import json
from augenhoehe.accounts.actions import register_user, issue_token
from augenhoehe.groups.actions import create_group, join_group
group = create_group(name="Skalierung {uuid.uuid4().hex[:6]}", topic="other", rules="Respekt")
tokens = {{}}
for name in {pseudonyms!r}:
    user = register_user(pseudonym=name, password="ein-sicheres-passwort-42")
    join_group(user, group.pk, accept_rules=True)
    tokens[name] = issue_token(user)
print("RESULT" + json.dumps({{"room": group.room_id, "tokens": tokens}}))
"""
    out = manage(env, "shell", "-c", script)
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    return json.loads(line[len("RESULT") :])


@contextlib.contextmanager
def running_server(home: Path, setup: str = "", **extra_env: str):
    """Serve Augenhöhe (ASGI, WebSockets included) on a free port for a browser test: a
    fresh SQLite file under ``home``, ``setup`` run in ``augenhoehe shell``, ``extra_env``
    on top of the test environment. Yields the URL."""
    env = base_env(SQLITE_PATH=str(home / "db.sqlite3"), AUGENHOEHE_HOME=str(home), **extra_env)
    for name in ("DATABASE_URL", "REDIS_URL"):
        env.pop(name, None)
    manage(env, "migrate", "--noinput", "-v0")
    if setup:
        manage(env, "shell", "-c", setup)
    server = Server(env).start()
    try:
        yield server.origin
    finally:
        server.stop()
