"""`make bench`: the bare baseline vs Augenhöhe (SQLite, then PostgreSQL + Redis scale-out).

    .venv/bin/python bench/run.py [--quick] [--only bare,sqlite,pg,idle,history,extras]
                                  [--idle 10000] [--history 1000000] [--profile SECS]

See docs/benchmarks.md for the method and how to read the output. The bench reports; it does
not assert: exit code 0 even if a goal fails, non-zero only if the bench itself breaks.
Only loopback addresses are used; every load step is bounded in count and time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
CLK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

CLIENTS = 200
ROOMS = 20
LIGHT_RATE = 9.0  # sends/s: 90 deliveries/s into rooms of 10
P99_LIMIT_MS = 250.0
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/test"
PG_BENCH_DB = "augenhoehe_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"

STARTED: list[subprocess.Popen] = []


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- processes --------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def reachable(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        if reachable(port):
            return
        time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not come up in {timeout}s")


def start(
    cmd: list[str], env: dict | None = None, log_path: Path | None = None, stdin=None, stdout=None
) -> subprocess.Popen:
    err = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdin=stdin, stdout=stdout or err, stderr=err, text=True
    )
    STARTED.append(proc)
    return proc


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    if proc in STARTED:
        STARTED.remove(proc)


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLK
    except (OSError, IndexError):
        return 0.0


def system_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class LoadGenProc:
    """bench/loadgen.py in its own process, one JSON command/answer per line."""

    def __init__(self, clients: list[dict], workdir: Path, cpu: int | None, resume: bool):
        cfg = workdir / f"loadgen-{time.monotonic_ns()}.json"
        cfg.write_text(json.dumps({"clients": clients, "resume": resume}))
        cmd = [PY, str(BENCH / "loadgen.py"), str(cfg)]
        if cpu is not None:
            cmd += ["--cpu", str(cpu)]
        self.proc = start(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, log_path=workdir / "loadgen.log"
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def call(self, timeout: float, **cmd) -> dict:
        self.proc.stdin.write(json.dumps(cmd) + "\n")
        self.proc.stdin.flush()
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(
                f"load generator did not answer {cmd['cmd']} in {timeout}s"
            ) from None
        if line is None:
            raise RuntimeError("load generator exited")
        return json.loads(line)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, BrokenPipeError, OSError):
            self.call(timeout=20, cmd="quit")
        stop(self.proc)


# --- load steps -------------------------------------------------------------------------
class Runner:
    def __init__(self, gen: LoadGenProc, server_pids: list[int], step_s: float, label: str):
        self.gen = gen
        self.pids = server_pids
        self.step_s = step_s
        self.label = label
        self.rows: list[dict] = []
        self.n = 0

    def step(self, rate: float, duration: float | None = None, kind: str = "search") -> dict:
        self.n += 1
        duration = duration or self.step_s
        cpu0 = [cpu_seconds(p) for p in self.pids]
        gen0 = cpu_seconds(self.gen.proc.pid)
        busy0, total0 = system_busy()
        t0 = time.monotonic()
        r = self.gen.call(
            timeout=duration + 60,
            cmd="step",
            tag=f"{self.label}{self.n}",
            rate=rate,
            duration=duration,
            drain=12,
        )
        wall = time.monotonic() - t0
        r["server_cpu"] = [
            (cpu_seconds(p) - c) / wall for p, c in zip(self.pids, cpu0, strict=True)
        ]
        r["wall"] = wall
        # Server CPU per send: robust against other load on the machine, unlike capacity.
        r["us_per_send"] = (sum(r["server_cpu"]) * wall / r["sends"] * 1e6) if r["sends"] else 0.0
        busy1, total1 = system_busy()
        ncpu = os.cpu_count() or 1
        # What else ran on the machine meanwhile (PostgreSQL, Redis, other people's jobs),
        # in cores: all busy CPU minus the server(s) and the generator.
        r["machine_busy"] = (busy1 - busy0) / max(1, total1 - total0) * ncpu
        r["other_cpu"] = max(
            0.0,
            r["machine_busy"]
            - sum(r["server_cpu"])
            - (cpu_seconds(self.gen.proc.pid) - gen0) / wall,
        )
        r["kind"] = kind
        r["ok"] = passes(r)
        self.rows.append(r)
        log(
            f"{self.label} {kind} rate={rate:.0f}/s delivered/s={r['delivered_per_s']:.0f} "
            f"ratio={r['ratio']:.4f} p99={r['p99_ms']:.1f}ms ok={r['ok']}"
        )
        if not r["ok"]:
            time.sleep(2)  # let a saturated server drain before the next step
        return r

    def search(self, start: float, limit: float, bisections: int) -> dict | None:
        best = None
        fail = None
        rate = start
        while rate <= limit:
            r = self.step(rate)
            if r["ok"]:
                best = r
                rate *= 2
            else:
                fail = r
                break
        if fail is not None:
            lo = best["rate"] if best else 0.0
            hi = fail["rate"]
            for _ in range(bisections):
                mid = (lo + hi) / 2
                if mid < 1:
                    break
                r = self.step(mid)
                if r["ok"]:
                    best, lo = r, mid
                else:
                    hi = mid
        return best


def passes(r: dict) -> bool:
    return (
        r["sends"] > 0
        and r["acks"] == r["sends"]
        and r["deliveries"] == r["expected"]
        and r["missing_acked"] == 0
        and not r["errors"]
        and r["p99_ms"] < P99_LIMIT_MS
    )


def print_steps(title: str, rows: list[dict]) -> None:
    print(f"\n### {title}")
    head = (
        f"{'kind':<7}{'offered/s':>10}{'sends':>8}{'deliv/s':>10}{'ratio':>8}{'missing':>8}"
        f"{'gaps':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'late':>6}{'srv cpu':>14}"
        f"{'gen cpu':>8}{'other':>7}{'us/send':>9}  ok"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        srv = "/".join(f"{c * 100:.0f}%" for c in r["server_cpu"])
        extra = ""
        if r["errors"]:
            extra += f" errors={r['errors']}"
        if r["close_codes"]:
            extra += f" closes={r['close_codes']}"
        print(
            f"{r['kind']:<7}{r['rate'] * 10:>10.0f}{r['sends']:>8}{r['delivered_per_s']:>10.0f}"
            f"{r['ratio']:>8.4f}{r['missing_acked']:>8}{r['gaps_total']:>6}{r['p50_ms']:>9.1f}"
            f"{r['p99_ms']:>9.1f}{r['max_ms']:>9.1f}{r['late_sends']:>6}{srv:>14}"
            f"{r['loadgen_cpu'] * 100:>7.0f}%{r['other_cpu'] * 100:>6.0f}%"
            f"{r['us_per_send']:>9.0f}  {'yes' if r['ok'] else 'NO'}{extra}"
        )
    print(
        "(offered/s = offered deliveries per second = sends/s x 10; late = sends that left "
        "the generator >10 ms after schedule; cpu = share of one core; other = CPU used by "
        "everything else on the machine during the step, incl. PostgreSQL/Redis; us/send = "
        "server CPU microseconds per send, all its deliveries included)"
    )


def load_section(
    label: str,
    clients: list[dict],
    pids: list[int],
    args,
    workdir: Path,
    gen_cpu: int | None,
    start_rate: float,
    limit: float,
    resume: bool,
) -> dict:
    gen = LoadGenProc(clients, workdir, gen_cpu, resume)
    try:
        c = gen.call(timeout=180, cmd="connect", concurrency=50)
        log(f"{label}: connected {c}")
        if c["connected"] != len(clients):
            raise RuntimeError(f"{label}: only {c['connected']}/{len(clients)} connected: {c}")
        run = Runner(gen, pids, args.step, label)
        run.step(LIGHT_RATE * 4, duration=2, kind="warmup")
        light = run.step(LIGHT_RATE, duration=args.light, kind="light")
        best = run.search(start_rate, limit, args.bisect)
        report = gen.call(timeout=60, cmd="report")
        out = {
            "rows": run.rows,
            "light": light,
            "best": best,
            "report": report,
            "connect": c,
            "gen": gen,
            "runner": run,
        }
        return out
    except Exception:
        gen.close()
        raise


def below_saturation_drops(rows: list[dict], best: dict | None) -> tuple[int, int]:
    limit = best["rate"] if best else 0
    steps = [r for r in rows if r["rate"] <= limit]
    return sum(
        r["missing_acked"]
        + (r["expected"] - r["deliveries"] if r["expected"] > r["deliveries"] else 0)
        for r in steps
    ), len(steps)


def client_stream_check(report: dict) -> dict:
    """Without a DB: each client's seqs must be consecutive, gapless, no dups."""
    bad = 0
    total = 0
    for room in report["rooms"].values():
        for c in room["clients"]:
            total += 1
            seqs = c["seqs"]
            if (
                c["gaps"]
                or c["dups"]
                or seqs != list(range(c["start"] + 1, c["start"] + 1 + len(seqs)))
            ):
                bad += 1
    return {"clients": total, "bad": bad}


def db_check(report: dict, env: dict) -> dict:
    """Each client's received seqs (and their client_ids) must equal the room's DB log."""
    rooms = ",".join(report["rooms"].keys())
    out = subprocess.run(
        [PY, str(BENCH / "setup_data.py"), "dblog", "--rooms", rooms],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    log_ = json.loads(out.stdout)
    mismatched_clients = 0
    missing = 0
    extra = 0
    cid_mismatch = 0
    db_gaps = 0
    db_messages = 0
    for room_id, room in report["rooms"].items():
        rows = log_.get(room_id, [])
        db_messages += len(rows)
        seqs = [s for s, _ in rows]
        if seqs != list(range(1, len(seqs) + 1)):
            db_gaps += 1
        cids = dict(rows)
        for seq, cid in room["cids"].items():
            if cids.get(int(seq)) != cid:
                cid_mismatch += 1
        for c in room["clients"]:
            want = [s for s in seqs if s > c["start"]]
            got = c["seqs"]
            if got != want:
                mismatched_clients += 1
                missing += len(set(want) - set(got))
                extra += len(set(got) - set(want))
    return {
        "db_messages": db_messages,
        "clients_mismatched": mismatched_clients,
        "missing": missing,
        "extra": extra,
        "client_id_mismatch": cid_mismatch,
        "rooms_with_db_gaps": db_gaps,
    }


# --- sections ---------------------------------------------------------------------------
def section_bare(args, workdir: Path, results: dict) -> None:
    port = free_port()
    server = start(
        [PY, str(BENCH / "bare_server.py"), "--port", str(port), "--cpu", "0"],
        log_path=workdir / "bare.log",
    )
    try:
        wait_port(port, server)
        url = f"ws://127.0.0.1:{port}/"
        clients = [
            {
                "url": url,
                "origin": f"http://127.0.0.1:{port}",
                "token": None,
                "room": i // (CLIENTS // ROOMS) + 1,
            }
            for i in range(CLIENTS)
        ]
        sec = load_section(
            "bare", clients, [server.pid], args, workdir, 1, args.bare_start, 8000, resume=False
        )
        sec["gen"].close()
        sec["stream"] = client_stream_check(sec["report"])
        sec["rss_mib"] = rss_mib(server.pid)
        results["bare"] = sec
        print_steps(
            "(a) bare WebSocket server (websockets + uvloop, 1 process on CPU 0; "
            "load generator on CPU 1)",
            sec["rows"],
        )
        print(f"client streams: {sec['stream']}")
    finally:
        stop(server)


def augenhoehe_env(extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            # Production settings (DEBUG off: no SQL debug cursor), but plain HTTP on
            # loopback, so no TLS redirect and no collectstatic.
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "SECURE_SSL_REDIRECT": "false",
            "BEHIND_TLS_PROXY": "false",
            "PLAIN_STATIC_STORAGE": "true",
            "FAST_PASSWORD_HASHER": "true",
            "CHAT_MESSAGES_PER_MINUTE": "1000000",
            "LOG_LEVEL": "warning",
            "DJANGO_SETTINGS_MODULE": "augenhoehe.settings",
        }
    )
    env.update(extra)
    return env


def _run(cmd: list[str], env: dict, timeout: float) -> str:
    out = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[-3:])} failed:\n{out.stderr[-3000:]}")
    return out.stdout


def manage(env: dict, *argv: str, timeout: float = 600) -> str:
    return _run([str(Path(PY).with_name("augenhoehe")), *argv], env, timeout)


def migrate(env: dict) -> None:
    manage(env, "migrate", "--noinput")


def setup_py(env: dict, *argv: str, timeout: float = 900) -> str:
    return _run([PY, str(BENCH / "setup_data.py"), *argv], env, timeout)


def start_augenhoehe(env: dict, port: int, cpu: int | None, workdir: Path, name: str):
    cmd = [PY, str(BENCH / "serve.py")]
    if cpu is not None:
        cmd += ["--cpu", str(cpu)]
    cmd += ["--", "--host", "127.0.0.1", "--port", str(port)]
    proc = start(cmd, env=env, log_path=workdir / f"{name}.log")
    wait_port(port, proc)
    return proc


def aug_clients(setup: dict, ports: list[int]) -> list[dict]:
    clients = []
    for i, c in enumerate(setup["clients"]):
        port = ports[i % len(ports)]  # with 2 servers: 5 of every room's 10 on each
        clients.append(
            {
                "url": f"ws://127.0.0.1:{port}/ws/",
                "origin": f"http://127.0.0.1:{port}",
                "token": c["token"],
                "room": c["room"],
            }
        )
    return clients


def py_spy(pid: int, seconds: int, out: Path) -> subprocess.Popen | None:
    exe = Path(PY).with_name("py-spy")
    if not exe.exists():
        log("py-spy not installed in the venv; skipping the profile")
        return None
    return start(
        [
            str(exe),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(seconds),
            "--rate",
            "200",
            "--format",
            "raw",
            "--output",
            str(out),
            "--nonblocking",
        ],
        log_path=out.with_suffix(".log"),
    )


def section_sqlite(args, workdir: Path, results: dict) -> None:
    db = workdir / "augenhoehe.sqlite3"
    env = augenhoehe_env({"SQLITE_PATH": str(db), "AUGENHOEHE_HOME": str(workdir)})
    t0 = time.monotonic()
    migrate(env)
    setup = json.loads(
        setup_py(
            env,
            "accounts",
            "--users",
            str(CLIENTS),
            "--groups",
            str(ROOMS),
            "--out",
            str(workdir / "clients-sqlite.json"),
        ).splitlines()[-1]
    )
    setup = json.loads((workdir / "clients-sqlite.json").read_text())
    log(f"sqlite: migrated and set up in {time.monotonic() - t0:.1f}s")
    port = free_port()
    server = start_augenhoehe(env, port, 0, workdir, "augenhoehe-sqlite")
    try:
        clients = aug_clients(setup, [port])
        sec = load_section(
            "sqlite", clients, [server.pid], args, workdir, 1, args.aug_start, 4000, resume=True
        )
        gen, runner = sec["gen"], sec["runner"]
        if args.profile and sec["best"]:
            rate = sec["best"]["rate"] * 0.8
            prof = workdir / "profile-sqlite.txt"
            spy = py_spy(server.pid, int(args.profile), prof)
            if spy is not None:
                r = runner.step(rate, duration=args.profile, kind="profile")
                spy.wait(args.profile + 30)
                sec["profile"] = {"file": str(prof), "rate": rate, "row": r}
            sec["report"] = gen.call(timeout=60, cmd="report")
        time.sleep(1)
        sec["stream"] = client_stream_check(sec["report"])
        sec["db"] = db_check(sec["report"], env)
        sec["rss_mib"] = rss_mib(server.pid)
        print_steps(
            "(b) Augenhöhe, 1 process, SQLite (uvicorn on CPU 0; load generator on CPU 1)",
            sec["rows"],
        )
        print(f"client streams: {sec['stream']}")
        print(f"DB log check: {sec['db']}")
        if "profile" in sec:
            print(
                f"py-spy profile at {sec['profile']['rate'] * 10:.0f} offered deliveries/s: "
                f"{sec['profile']['file']}"
            )
        if "idle" in args.only and args.idle:
            sec["idle"] = idle_sockets(gen, server.pid, args.idle)
        gen.close()
        results["sqlite"] = sec
    finally:
        stop(server)


def idle_sockets(gen: LoadGenProc, pid: int, n: int) -> dict:
    before = rss_mib(pid)
    t0 = time.monotonic()
    opened = gen.call(timeout=900, cmd="idle", n=n, concurrency=100)
    open_s = time.monotonic() - t0
    time.sleep(3)
    after = rss_mib(pid)
    cpu0 = cpu_seconds(pid)
    time.sleep(5)
    idle_cpu = (cpu_seconds(pid) - cpu0) / 5
    fan = gen.call(timeout=120, cmd="idle_fanout", wait=60)
    peak = rss_mib(pid)
    closed = gen.call(timeout=300, cmd="idle_close")
    res = {
        "requested": n,
        "opened": opened["connected"],
        "failed": opened["failed"],
        "failures": opened["failures"],
        "open_s": round(open_s, 1),
        "rss_before_mib": round(before, 1),
        "rss_idle_mib": round(after, 1),
        "rss_after_fanout_mib": round(peak, 1),
        "kib_per_socket": round((after - before) * 1024 / max(1, opened["connected"]), 1),
        "idle_cpu": round(idle_cpu, 3),
        "fanout": fan,
        "closed": closed,
    }
    print("\n### Idle sockets on one Augenhöhe process (SQLite)")
    print(
        f"{'sockets':>8}{'open s':>8}{'RSS before':>12}{'RSS idle':>10}{'KiB/socket':>11}"
        f"{'idle cpu':>9}{'fan-out':>16}{'fan-out s':>10}"
    )
    print(
        f"{res['opened']:>8}{res['open_s']:>8}{res['rss_before_mib']:>10.0f}Mi"
        f"{res['rss_idle_mib']:>8.0f}Mi{res['kib_per_socket']:>11}{res['idle_cpu'] * 100:>8.0f}%"
        f"{fan['received']:>8}/{fan['expected']:<7}{fan['secs']:>10}"
    )
    print(
        "(each idle socket is authenticated with a bearer token and subscribed to its room; "
        "fan-out = one message into each of the 20 rooms, counted on the idle sockets)"
    )
    if opened["failed"]:
        print(f"failures: {opened['failures']}")
    return res


def psql(sql: str, db: str = "test") -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}", autocommit=True) as conn:
        conn.execute(sql)


def section_pg(args, workdir: Path, results: dict) -> None:
    if not (reachable(5432) and reachable(6379)):
        print("\n### (c) scale-out: PostgreSQL or Redis not reachable on 127.0.0.1: skipped")
        return
    psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {PG_BENCH_DB}")
    env = augenhoehe_env(
        {
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}",
            "REDIS_URL": REDIS_URL,
            "AUGENHOEHE_HOME": str(workdir),
        }
    )
    servers: list[subprocess.Popen] = []
    try:
        t0 = time.monotonic()
        migrate(env)
        setup_py(
            env,
            "accounts",
            "--users",
            str(CLIENTS),
            "--groups",
            str(ROOMS),
            "--out",
            str(workdir / "clients-pg.json"),
        )
        setup = json.loads((workdir / "clients-pg.json").read_text())
        log(f"pg: migrated and set up in {time.monotonic() - t0:.1f}s")
        sec = None
        if "pg" in args.only:
            ports = [free_port(), free_port()]
            servers = [
                start_augenhoehe(env, p, cpu, workdir, f"augenhoehe-pg{cpu}")
                for p, cpu in zip(ports, (0, 1), strict=True)
            ]
            clients = aug_clients(setup, ports)
            sec = load_section(
                "pg",
                clients,
                [s.pid for s in servers],
                args,
                workdir,
                None,
                args.aug_start,
                4000,
                resume=True,
            )
            sec["gen"].close()
            time.sleep(1)
            sec["stream"] = client_stream_check(sec["report"])
            sec["db"] = db_check(sec["report"], env)
            results["pg"] = sec
            print_steps(
                "(c) Augenhöhe scale-out: 2 processes (CPU 0 and CPU 1), PostgreSQL + "
                "Redis pub/sub; load generator unpinned",
                sec["rows"],
            )
            print(f"client streams: {sec['stream']}")
            print(f"DB log check: {sec['db']}")
        # The million history rows go in after the load steps: their checkpoint would
        # otherwise land in the scale-out's light-load step.
        hist = None
        if "history" in args.only and args.history:
            t0 = time.monotonic()
            hist = json.loads(
                setup_py(
                    env,
                    "history",
                    "--messages",
                    str(args.history),
                    "--out",
                    str(workdir / "history.json"),
                ).splitlines()[-1]
            )
            log(f"pg: {hist['messages']} history messages in {time.monotonic() - t0:.1f}s")
        if hist is not None:
            results["history"] = history(env, hist, servers, workdir, args)
    finally:
        for s in servers:
            stop(s)
        try:
            psql(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        except Exception as exc:  # noqa: BLE001 - report, don't mask the real error
            log(f"could not drop {PG_BENCH_DB}: {exc}")


def history(env: dict, hist: dict, servers: list, workdir: Path, args) -> dict:
    n = 50 if args.quick else 200
    timed = json.loads(
        setup_py(
            env, "history-time", "--info", str(workdir / "history.json"), "--requests", str(n)
        ).splitlines()[-1]
    )
    live = None
    if servers and servers[0].poll() is None:
        live = http_history(servers[0], hist, timed["mid"], n, env)
    res = {"messages": hist["messages"], "insert_s": hist["insert_s"], "timed": timed, "live": live}
    print(
        f"\n### History: a room with {hist['messages']:,} messages on PostgreSQL "
        f"(inserted in {hist['insert_s']} s), {n} requests each, limit=50"
    )
    print(f"{'what':<44}{'median ms':>10}{'p99 ms':>9}")
    for k, v in timed["results"].items():
        print(f"{k:<44}{v['median_ms']:>10.3f}{v['p99_ms']:>9.3f}")
    if live:
        for k, v in live.items():
            print(f"{k:<44}{v['median_ms']:>10.3f}{v['p99_ms']:>9.3f}")
    print(f"plan: {timed['plan']}")
    return res


def http_history(server: subprocess.Popen, hist: dict, mid: int, n: int, env: dict) -> dict:
    import httpx

    port = int(server.args[server.args.index("--port") + 1])
    base = f"http://127.0.0.1:{port}/api/v1/rooms/{hist['room']}/messages"
    headers = {"Authorization": f"Bearer {hist['token']}"}
    out = {}
    with httpx.Client(headers=headers, timeout=10) as client:
        client.get(base, params={"limit": 50}).raise_for_status()
        for name, params in (
            ("uvicorn_http_newest", {"limit": 50}),
            ("uvicorn_http_before_mid", {"limit": 50, "before": mid}),
        ):
            times = []
            for _ in range(n):
                t0 = time.perf_counter()
                r = client.get(base, params=params)
                times.append(time.perf_counter() - t0)
                if r.status_code != 200 or len(r.json()["messages"]) != 50:
                    raise RuntimeError(f"history over HTTP: {r.status_code} {r.text[:200]}")
            times.sort()
            out[name] = {
                "median_ms": round(times[len(times) // 2] * 1000, 3),
                "p99_ms": round(times[int(0.99 * (len(times) - 1))] * 1000, 3),
            }
    return out


def section_extras(results: dict) -> None:
    for name in ("bench_detector.py", "bench_matching.py", "bench_second_opinion.py"):
        path = BENCH / name
        print(f"\n### {name}")
        if not path.exists():
            print(f"(bench/{name} not present: skipped)")
            continue
        try:
            out = subprocess.run(
                [PY, str(path)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=600,
                env=augenhoehe_env({"AUGENHOEHE_HOME": tempfile.gettempdir()}),
            )
            print(out.stdout.rstrip())
            if out.returncode != 0:
                print(f"(exit code {out.returncode}) {out.stderr[-1500:]}")
            results[name] = {"rc": out.returncode, "stdout": out.stdout}
        except subprocess.TimeoutExpired:
            print("(timed out after 600 s)")


# --- summary ----------------------------------------------------------------------------
def summary(results: dict) -> None:
    print("\n## Summary")
    rows = []

    def cap(key):
        sec = results.get(key)
        return sec["best"]["delivered_per_s"] if sec and sec.get("best") else None

    bare, sq, pg = cap("bare"), cap("sqlite"), cap("pg")
    print(f"{'setup':<48}{'sustained deliveries/s':>24}{'light p99 ms':>14}")
    for key, label in (
        ("bare", "(a) bare websockets server"),
        ("sqlite", "(b) Augenhöhe 1 process, SQLite"),
        ("pg", "(c) Augenhöhe 2 processes, PostgreSQL + Redis"),
    ):
        sec = results.get(key)
        if not sec:
            continue
        c = cap(key)
        print(
            f"{label:<48}{(f'{c:,.0f}' if c else 'none passed'):>24}{sec['light']['p99_ms']:>14.1f}"
        )

    def cpu_cap(key):
        # deliveries/s one fully busy core would sustain at the measured CPU cost per send
        # (median over the search steps that delivered everything)
        sec = results.get(key)
        if not sec:
            return None
        costs = sorted(
            r["us_per_send"]
            for r in sec["rows"]
            if r["kind"] == "search" and r["sends"] >= 100 and r["deliveries"] == r["expected"]
        )
        if not costs:
            return None
        return 10 * 1e6 / costs[len(costs) // 2], costs[len(costs) // 2]

    print()
    print(f"{'setup':<48}{'server CPU us/send':>20}{'deliveries/s per core':>24}")
    for key in ("bare", "sqlite", "pg"):
        cc = cpu_cap(key)
        if cc:
            print(f"{key:<48}{cc[1]:>20.0f}{cc[0]:>24,.0f}")
    print(
        "(CPU-normalised: what one fully busy core would deliver at the measured cost; "
        "robust against other load on the machine, which the sustained figure is not)"
    )
    cb, cs, cp = cpu_cap("bare"), cpu_cap("sqlite"), cpu_cap("pg")
    # The goal is the sustained capacity measured side by side (below). Only when other
    # work shared the two cores does this CPU-normalised figure give the verdict instead;
    # on a quiet machine it is information (a median over steps of very different load,
    # where fixed per-step costs weigh on the light steps).
    others = sorted(
        r["other_cpu"] for k in ("bare", "sqlite") if k in results for r in results[k]["rows"]
    )
    noisy = others[len(others) // 2] if others else 0.0
    if cb and cs:
        rows.append(
            (
                "CPU-normalised capacity Augenhöhe (SQLite) / bare",
                ">= 25%" if noisy > 0.5 else "(info)",
                f"{cs[0] / cb[0] * 100:.1f}%",
                (cs[0] / cb[0] >= 0.25) if noisy > 0.5 else None,
            )
        )
    if cb and cp:
        rows.append(
            (
                "CPU-normalised (PG+Redis, app CPU only) / bare",
                "(info)",
                f"{cp[0] / cb[0] * 100:.1f}%",
                None,
            )
        )
    if bare and sq:
        ratio = sq / bare
        # With other work on the 2 cores the sustained figures measure the neighbours too;
        # then only the CPU-normalised ratio above gives the verdict.
        note = f" (machine busy: {noisy:.1f} other cores)" if noisy > 0.5 else ""
        verdict = (ratio >= 0.25) if noisy <= 0.5 else None
        rows.append(
            ("capacity Augenhöhe (SQLite) / bare", ">= 25%", f"{ratio * 100:.1f}%{note}", verdict)
        )
    if bare and pg:
        rows.append(
            (
                "capacity Augenhöhe (PG+Redis, 2 proc) / bare",
                "(info)",
                f"{pg / bare * 100:.1f}%",
                None,
            )
        )
    for key in ("sqlite", "pg"):
        sec = results.get(key)
        if sec:
            p = sec["light"]["p99_ms"]
            ok_light = p < 20 and sec["light"]["ok"]
            rows.append(
                (f"light load 90 deliveries/s p99 ({key})", "< 20 ms", f"{p:.1f} ms", ok_light)
            )
    for key in ("bare", "sqlite", "pg"):
        sec = results.get(key)
        if sec:
            drops, steps = below_saturation_drops(sec["rows"], sec.get("best"))
            dbinfo = ""
            ok = drops == 0 and sec["stream"]["bad"] == 0
            if "db" in sec:
                d = sec["db"]
                dbinfo = f"; DB log: {d['clients_mismatched']} clients differ"
                ok = ok and d["clients_mismatched"] == 0 and d["client_id_mismatch"] == 0
            rows.append(
                (
                    f"silent drops below saturation ({key})",
                    "0",
                    f"{drops} in {steps} steps{dbinfo}",
                    ok,
                )
            )
    sq_sec = results.get("sqlite")
    if sq_sec and "idle" in sq_sec:
        i = sq_sec["idle"]
        rows.append(
            (
                f"RSS with {i['opened']:,} idle sockets (1 process)",
                "< 1 GiB",
                f"{i['rss_idle_mib']:.0f} MiB",
                i["rss_idle_mib"] < 1024 and i["opened"] == i["requested"],
            )
        )
    hist = results.get("history")
    if hist:
        t = hist["timed"]["results"]
        for k in ("django_client_newest", "django_client_before_mid"):
            rows.append(
                (
                    f"history {hist['messages'] // 1000}k, {k} median",
                    "< 5 ms",
                    f"{t[k]['median_ms']:.2f} ms",
                    t[k]["median_ms"] < 5,
                )
            )
        if hist.get("live"):
            for k, v in hist["live"].items():
                rows.append(
                    (
                        f"history {hist['messages'] // 1000}k, {k} median",
                        "(info)",
                        f"{v['median_ms']:.2f} ms",
                        None,
                    )
                )
    print()
    print(f"{'goal':<52}{'target':>10}  {'measured':<40}result")
    print("-" * 112)
    for name, target, measured, ok in rows:
        verdict = "info" if ok is None else ("PASS" if ok else "FAIL")
        print(f"{name:<52}{target:>10}  {measured:<40}{verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short steps (a rough figure)")
    parser.add_argument("--only", default="bare,sqlite,idle,pg,history,extras")
    parser.add_argument("--idle", type=int, default=10_000)
    parser.add_argument("--history", type=int, default=1_000_000)
    parser.add_argument("--profile", type=int, default=0, help="py-spy seconds (SQLite)")
    parser.add_argument("--step", type=float, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    args.only = set(args.only.split(","))
    args.step = args.step or (3.0 if args.quick else 6.0)
    args.light = 6.0 if args.quick else 15.0
    args.bisect = 2 if args.quick else 3
    args.bare_start = 400.0
    args.aug_start = 50.0
    workdir = Path(tempfile.mkdtemp(prefix="augenhoehe-bench-"))
    print("# Augenhöhe bench")
    print(
        f"machine: {os.cpu_count()} CPUs, "
        f"{os.sysconf('SC_PHYS_PAGES') * PAGE / 2**30:.0f} GiB, Python {sys.version.split()[0]}"
    )
    print(
        f"workload: {CLIENTS} clients in {ROOMS} rooms of {CLIENTS // ROOMS}, 128-byte bodies, "
        f"open loop; {args.step:.0f} s per step; latency = arrival - scheduled send, every "
        f"delivery incl. the sender's own echo; sustained = 100% delivered and p99 < "
        f"{P99_LIMIT_MS:.0f} ms"
    )
    print(f"work directory: {workdir}")
    results: dict = {}
    started = time.monotonic()
    try:
        if "bare" in args.only:
            section_bare(args, workdir, results)
        if "sqlite" in args.only:
            section_sqlite(args, workdir, results)
        if {"pg", "history"} & args.only:
            section_pg(args, workdir, results)
        if "extras" in args.only:
            section_extras(results)
        summary(results)
        print(f"\n(bench took {time.monotonic() - started:.0f} s)")
    finally:
        for proc in list(STARTED):
            stop(proc)
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
