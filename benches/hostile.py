#!/usr/bin/env python3
"""Hostile-traffic figures for madoguchi: each scenario starts the given binary on a free
127.0.0.1 port, attacks it from loopback addresses only (127.0.0.2 … stand for other
clients) and prints what it measured. Run it on two binaries to compare them:

    benches/hostile.py target/release/madoguchi                 # every scenario
    benches/hostile.py OLD_BINARY stalled eight sigterm         # some scenarios

Scenarios: stalled (500 stalled connections: RSS, open files, how long they stay), ulimit
(318 idle sockets against `ulimit -n 200`), eight (stalled heads and bodies from eight
addresses each, then /healthz and /api/v1/programs), sigterm (exit time with a half-sent
head and with a stalled body), proxy (users behind one proxy address), cors (a 429 to another
site), headers, tokens (50 wrong tokens), unanswered (a flood of off-topic questions), sessions
(a flood of new conversations from one address), flood (five conversations in progress while
six addresses start twenty each, --max-sessions 100), redis (50 conversations with
--max-sessions 5; needs redis-server and redis-cli). Flags the binary does not know (an older build) are left out.
Every process started here is stopped by its pid; every scenario is bounded in time.
"""

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

# Set by main() from the command line.
BIN = "target/release/madoguchi"
NEW = True
HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "..", "corpus")
TOKEN = "staff-token-for-the-hostile-bench"


def new_flags():
    out = subprocess.run([BIN, "serve", "--help"], capture_output=True, text=True).stdout
    return "--trusted-proxy" in out


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    """A madoguchi serve process on a free port; `new_only` flags are passed to new builds."""

    def __init__(self, *flags, new_only=(), nofile=None):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        args = [BIN, "serve", "--bind", f"127.0.0.1:{self.port}", *flags]
        if NEW:
            args += list(new_only)
        limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))) if nofile else None
        env = dict(os.environ, MADOGUCHI_CORPUS=CORPUS, RUST_LOG="info")
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=self.log, env=env,
                                     preexec_fn=limit)
        deadline = time.time() + 30
        while time.time() < deadline:
            if get(self.port, "/healthz", timeout=1)[0] == 200:
                return
            time.sleep(0.05)
        self.stop()
        sys.exit("the server did not start")

    def rss_mb(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return 0.0

    def files(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def log_text(self):
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def connect(port, source="127.0.0.1", timeout=5):
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def request(port, method, path, headers=None, body=b"", source="127.0.0.1", timeout=10):
    """(status, headers dict (lower-case names), body, seconds); status 0 on no answer."""
    start = time.time()
    try:
        s = connect(port, source, timeout)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for k, v in (headers or {}).items():
            head += f"{k}: {v}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        s.sendall(head.encode() + b"\r\n" + body)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        s.close()
    except OSError:
        return 0, {}, b"", time.time() - start
    took = time.time() - start
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        return 0, {}, b"", took
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, rest, took


def get(port, path, **kw):
    return request(port, "GET", path, **kw)


def chat(port, message, session=None, source="127.0.0.1"):
    body = {"message": message}
    if session:
        body["session_id"] = session
    status, _, raw, _ = request(port, "POST", "/api/v1/chat", body=json.dumps(body).encode(), source=source)
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {}


def still_open(socks):
    """How many of `socks` the server has not closed (an answer it sent is read and dropped)."""
    n = 0
    for s in socks:
        try:
            s.setblocking(False)
            while True:
                if s.recv(65536) == b"":
                    break  # closed by the server
        except BlockingIOError:
            n += 1
        except OSError:
            pass  # reset by the server
    return n


def close_all(socks):
    for s in socks:
        try:
            s.close()
        except OSError:
            pass


def row(*cells):
    print(" | ".join(str(c) for c in cells))


def stalled():
    for label, sources, pad in [("one address, 40-byte heads", ["127.0.0.2"], 0),
                                ("one address, 300 KB heads", ["127.0.0.2"], 300_000),
                                ("100 addresses × 5, 40-byte heads", [f"127.0.1.{i}" for i in range(1, 101)], 0),
                                ("100 addresses × 5, 300 KB heads", [f"127.0.1.{i}" for i in range(1, 101)], 300_000)]:
        srv = Server("--rate-per-second", "0")
        base_rss, base_files = srv.rss_mb(), srv.files()
        socks = []
        for i in range(500):
            try:
                s = connect(srv.port, sources[i % len(sources)])
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * pad)
                socks.append(s)
            except OSError:
                pass
        time.sleep(1)
        rss, files, held = srv.rss_mb(), srv.files(), still_open(socks)
        status, _, _, took = get(srv.port, "/healthz", timeout=12)
        time.sleep(11)
        held_later, files_later = still_open(socks), srv.files()
        row(f"stalled: {label}", f"RSS {base_rss:.1f} → {rss:.1f} MB",
            f"open files {base_files} → {files}", f"held {held}/500 after 1 s, {held_later}/500 after 12 s",
            f"server files after 12 s: {files_later}", f"/healthz {status} in {took * 1000:.0f} ms")
        close_all(socks)
        srv.stop()


def ulimit():
    for label, sources in [("from one address", ["127.0.0.2"]),
                           ("from ten addresses", [f"127.0.0.{i}" for i in range(2, 12)])]:
        srv = Server("--rate-per-second", "0", nofile=200)
        socks = []
        for i in range(318):
            try:
                socks.append(connect(srv.port, sources[i % len(sources)], timeout=2))
            except OSError:
                pass
        time.sleep(0.5)
        start = time.time()
        status = 0
        while time.time() - start < 15:
            status = get(srv.port, "/healthz", timeout=2)[0]
            if status == 200:
                break
            time.sleep(0.1)
        waited = time.time() - start
        emfile = srv.log_text().count("Too many open files")
        row(f"ulimit -n 200, 318 idle sockets {label}", f"server files {srv.files()}",
            f"'Too many open files' logged {emfile}×",
            f"/healthz {status} after {waited:.1f} s" if status == 200 else f"no /healthz 200 within {waited:.0f} s")
        close_all(socks)
        srv.stop()


def eight():
    srv = Server()
    socks = []
    for a in range(8):
        for _ in range(36):
            for source, data in [(f"127.0.0.{10 + a}", b"GET /api/v1/programs HTTP/1.1\r\nHost: x\r\nX-Slow: "),
                                 (f"127.0.0.{30 + a}", b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"message\":")]:
                try:
                    s = connect(srv.port, source)
                    s.sendall(data)
                    socks.append(s)
                except OSError:
                    pass
    time.sleep(0.5)
    for path in ["/healthz", "/api/v1/programs"]:
        status, _, body, took = get(srv.port, path, timeout=15)
        code = ""
        try:
            code = json.loads(body)["error"]["code"]
        except (ValueError, KeyError, TypeError):
            pass
        row("eight addresses × 36 stalled heads + × 36 stalled bodies", path, f"{status} {code}".strip(),
            f"in {took * 1000:.0f} ms")
    close_all(socks)
    srv.stop()


def sigterm():
    for label, data in [("a half-sent head", b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Half: "),
                        ("a stalled body", b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")]:
        srv = Server()
        s = connect(srv.port)
        s.sendall(data)
        time.sleep(0.3)
        start = time.time()
        srv.proc.send_signal(signal.SIGTERM)
        try:
            srv.proc.wait(timeout=30)
            result = f"exited in {time.time() - start:.2f} s (status {srv.proc.returncode})"
        except subprocess.TimeoutExpired:
            result = "still running 30 s after SIGTERM"
        row(f"SIGTERM with {label} open", result)
        s.close()
        srv.stop()


def proxy():
    srv = Server(new_only=["--trusted-proxy", "127.0.0.2"])
    limited = sum(get(srv.port, "/api/v1/programs", source="127.0.0.2",
                      headers={"X-Forwarded-For": f"203.0.113.{i}"})[0] == 429 for i in range(1, 61))
    health = sum(get(srv.port, "/healthz", source="127.0.0.3")[0] == 429 for _ in range(100))
    row("behind a proxy: 60 users, one request each, through 127.0.0.2", f"{limited} answered 429")
    row("100 × /healthz from one address", f"{health} answered 429")
    srv.stop()


def cors():
    srv = Server("--allow-origin", "https://shokokai.example.jp", "--rate-per-second", "1", "--rate-burst", "1")
    origin = {"Origin": "https://shokokai.example.jp"}
    get(srv.port, "/api/v1/programs", headers=origin)
    status, h, _, _ = get(srv.port, "/api/v1/programs", headers=origin)
    row("a 429 to another site", status, "access-control-allow-origin:", h.get("access-control-allow-origin", "(none)"))
    srv.stop()


def headers():
    srv = Server("--desk-token", TOKEN)
    for path, hdrs in [("/desk", {}), ("/demo", {}), ("/api/v1/programs", {}),
                       ("/api/v1/desk/unanswered", {}),
                       ("/api/v1/desk/unanswered", {"Authorization": f"Bearer {TOKEN}"})]:
        status, h, _, _ = get(srv.port, path, headers=hdrs)
        shown = {k: h[k] for k in ["content-security-policy", "x-content-type-options", "referrer-policy",
                                    "x-frame-options", "cache-control", "www-authenticate"] if k in h}
        row("headers", path, "with token" if hdrs else "", status, json.dumps(shown, ensure_ascii=False))
    srv.stop()


def tokens():
    srv = Server("--desk-token", TOKEN, "--rate-per-second", "0")
    statuses = [get(srv.port, "/api/v1/desk/unanswered", source="127.0.0.2",
                    headers={"Authorization": f"Bearer wrong-{i}"})[0] for i in range(50)]
    right = get(srv.port, "/api/v1/desk/unanswered", source="127.0.0.2",
                headers={"Authorization": f"Bearer {TOKEN}"})[0]
    other = get(srv.port, "/api/v1/desk/unanswered", source="127.0.0.3",
                headers={"Authorization": f"Bearer {TOKEN}"})[0]
    logged = srv.log_text().count("wrong token")
    row("50 wrong tokens from one address", f"{statuses.count(401)}×401, {statuses.count(429)}×429",
        f"then the right token: {right}; from another address: {other}", f"warn lines: {logged}")
    srv.stop()


def unanswered():
    srv = Server("--desk-token", TOKEN, "--rate-per-second", "0", new_only=["--new-sessions-per-hour", "0"])
    chat(srv.port, "犬の散歩コースを教えて", source="127.0.0.3")
    for i in range(600):
        chat(srv.port, f"今日の天気は？その{i}", source="127.0.0.2")
    _, _, body, _ = get(srv.port, "/api/v1/desk/unanswered", headers={"Authorization": f"Bearer {TOKEN}"})
    items = json.loads(body)["items"]
    flood = sum(i["question"].startswith("今日の天気") for i in items)
    real = any(i["question"] == "犬の散歩コースを教えて" for i in items)
    row("600 off-topic questions from one address", f"log: {len(items)} lines, {flood} of the flood",
        f"the real question kept: {real}")
    srv.stop()


def sessions():
    srv = Server("--max-sessions", "100", "--rate-per-second", "0")
    _, first = chat(srv.port, "災害で店の建物が壊れました", source="127.0.0.3")
    statuses = [chat(srv.port, "台湾に焼酎を輸出したい", source="127.0.0.2")[0] for _ in range(300)]
    status, after = chat(srv.port, "令和2年7月豪雨", first.get("session_id"), source="127.0.0.3")
    row("300 new conversations from one address (cap 100)", f"{statuses.count(200)}×200, {statuses.count(429)}×429",
        "a real conversation then:", after.get("session", {}).get("status", status))
    srv.stop()


def flood():
    """Five conversations in progress, then six addresses start twenty conversations each."""
    srv = Server("--max-sessions", "100", "--rate-per-second", "0")
    real = []
    for i in range(5):
        _, v = chat(srv.port, "災害で店の建物が壊れました", source=f"127.0.0.{30 + i}")
        real.append(v.get("session_id"))
    statuses = []
    for a in range(6):
        for _ in range(20):
            statuses.append(chat(srv.port, "台湾に焼酎を輸出したい", source=f"127.0.0.{40 + a}")[0])
    kept = 0
    for i, sid in enumerate(real):
        _, v = chat(srv.port, "令和2年7月豪雨", sid, source=f"127.0.0.{30 + i}")
        kept += v.get("session", {}).get("status") == "continued"
    row("6 addresses × 20 new conversations, 5 in progress (cap 100)",
        f"{statuses.count(200)}×200, {statuses.count(503)}×503, {statuses.count(429)}×429",
        f"real conversations continued: {kept} of 5")
    srv.stop()


def redis():
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        row("redis", "redis-server / redis-cli not installed: skipped")
        return
    port = free_port()
    r = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 10
        while subprocess.run(["redis-cli", "-p", str(port), "PING"], capture_output=True).returncode != 0:
            if time.time() > deadline:
                sys.exit("redis-server did not start")
            time.sleep(0.05)
        srv = Server("--sessions", f"redis://127.0.0.1:{port}/0", "--max-sessions", "5", "--rate-per-second", "0",
                     new_only=["--new-sessions-per-hour", "0"])
        time.sleep(1.2)
        message = "災害で店が浸水しました"
        statuses = [chat(srv.port, message)[0] for _ in range(50)]
        keys = subprocess.run(["redis-cli", "-p", str(port), "--raw", "KEYS", "madoguchi:session:*"],
                              capture_output=True, text=True).stdout.split()
        texts = sum(message in subprocess.run(["redis-cli", "-p", str(port), "--raw", "GET", k],
                                              capture_output=True, text=True).stdout for k in keys)
        row("redis: 50 conversations, --max-sessions 5", f"{len(keys)} session keys",
            f"{texts} holding the message as typed",
            f"{statuses.count(200)}×200, {statuses.count(503)}×503")
        srv.stop()
    finally:
        r.kill()
        r.wait()


SCENARIOS = {f.__name__: f for f in [stalled, ulimit, eight, sigterm, proxy, cors, headers, tokens,
                                     unanswered, sessions, flood, redis]}


def main():
    global BIN, NEW
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("binary", nargs="?", default=BIN,
                        help=f"the madoguchi binary to attack (default {BIN})")
    parser.add_argument("scenarios", nargs="*", metavar="scenario",
                        help="scenarios to run (default all): " + ", ".join(SCENARIOS))
    args = parser.parse_args()
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(SCENARIOS)}")
    BIN = os.path.abspath(args.binary)
    if not os.access(BIN, os.X_OK):
        parser.error(f"{args.binary} is not an executable madoguchi binary")
    NEW = new_flags()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"# {BIN} ({'new' if NEW else 'old'} flags)")
    for name in args.scenarios or list(SCENARIOS):
        SCENARIOS[name]()


if __name__ == "__main__":
    main()
