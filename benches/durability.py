#!/usr/bin/env python3
"""What happens to people's requests under load and on a full disk, measured on a madoguchi binary.

Usage: python3 benches/durability.py [--binary target/release/madoguchi] [--rounds 40]
                                     [--chatters 6] [--full-disk]

contention (always): one person chats, sends a consultation request with its session_id, then
feedback, ROUNDS times, while CHATTERS other clients chat without pause; counts the answers of
each kind and how often /healthz said degraded.
--full-disk (root): the database on a 4 MiB tmpfs; three requests, the disk filled, eight
requests, the filler removed, requests until one is stored, SIGTERM and a restart; counts the
201s, the 503s and the acknowledged requests missing after the restart.

Everything runs on 127.0.0.1 with a server this script starts and stops by its pid.
"""
import argparse, json, os, socket, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

TOKEN = "durability-bench-token"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(binary, url):
    port = free_port()
    proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}", "--database", url,
                             "--desk-token", TOKEN, "--rate-per-second", "0",
                             "--new-sessions-per-hour", "0", "--writes-per-hour", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "RUST_LOG": "warn"})
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return proc, base
        except Exception:
            time.sleep(0.05)
    proc.kill()
    sys.exit("the server did not start")


def stop(proc):
    proc.terminate()
    proc.wait(timeout=20)


def call(base, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=15) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        try:
            return e.code, json.loads(raw)
        except ValueError:
            return e.code, raw.decode(errors="replace")


def contention(binary, rounds, chatters):
    with tempfile.TemporaryDirectory() as d:
        proc, base = start(binary, f"sqlite://{d}/m.sqlite3")
        stop_flag = threading.Event()
        chat_status = {}
        lock = threading.Lock()

        def chatter(q):
            while not stop_flag.is_set():
                s, _ = call(base, "POST", "/api/v1/chat", {"message": q})
                with lock:
                    chat_status[s] = chat_status.get(s, 0) + 1

        questions = ["台湾の百貨店で県産品を売りたい", "豪雨で店舗が浸水した", "製造業でIoTを導入したい",
                     "事業を息子に継がせたい", "資金繰りが苦しい", "展示会に出展したい"]
        threads = [threading.Thread(target=chatter, args=(questions[i % len(questions)],))
                   for i in range(chatters)]
        for t in threads:
            t.start()
        consult, feedback, degraded, polls = {}, {}, 0, 0
        for i in range(rounds):
            _, turn = call(base, "POST", "/api/v1/chat", {"message": "台湾に菓子を輸出したい"})
            sid = turn["session_id"]
            s, _ = call(base, "POST", "/api/v1/consultations",
                        {"session_id": sid, "name": f"相談 {i}", "contact": "desk@example.jp",
                         "message": "輸出の相談", "consent": True})
            consult[s] = consult.get(s, 0) + 1
            s, _ = call(base, "POST", "/api/v1/feedback", {"session_id": sid, "helpful": True})
            feedback[s] = feedback.get(s, 0) + 1
            for _ in range(4):
                polls += 1
                _, h = call(base, "GET", "/healthz")
                degraded += h["status"] != "ok"
        stop_flag.set()
        for t in threads:
            t.join()
        stop(proc)
    return {"case": "contention", "rounds": rounds, "chatters": chatters,
            "consultations": consult, "feedback": feedback, "chat": chat_status,
            "healthz_degraded": f"{degraded}/{polls}"}


def full_disk(binary):
    d = tempfile.mkdtemp()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", d], check=True)
    proc = None
    try:
        url = f"sqlite://{d}/m.sqlite3"
        proc, base = start(binary, url)
        long = "補助金について詳しく相談したいことがあります。" * 60
        acked, statuses = [], {}

        def send(name):
            s, v = call(base, "POST", "/api/v1/consultations",
                        {"name": name, "contact": "desk@example.jp", "message": long, "consent": True})
            statuses[s] = statuses.get(s, 0) + 1
            if s == 201:
                acked.append(v["id"])
            return s

        for i in range(3):
            send(f"before {i}")
        filler = os.path.join(d, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        for i in range(8):
            send(f"full {i}")
        os.remove(filler)
        for i in range(20):
            if send(f"after {i}") == 201:
                break
            time.sleep(0.25)
        for i in range(5):
            send(f"later {i}")
        stop(proc)
        proc, base = start(binary, url)
        _, listing = call(base, "GET", "/api/v1/desk/consultations?limit=5000", token=TOKEN)
        stored = {c["id"] for c in listing["items"]}
        stop(proc)
        lost = [i for i in acked if i not in stored]
        return {"case": "full_disk", "answers": statuses, "acknowledged": len(acked),
                "lost_after_restart": len(lost)}
    finally:
        if proc and proc.poll() is None:
            proc.kill()
            proc.wait()
        for _ in range(50):
            if subprocess.run(["umount", d], stderr=subprocess.DEVNULL).returncode == 0:
                break
            time.sleep(0.1)
        os.rmdir(d)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", default="target/release/madoguchi")
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--chatters", type=int, default=6)
    ap.add_argument("--full-disk", action="store_true", help="also the full-disk case (root)")
    args = ap.parse_args()
    print(json.dumps(contention(args.binary, args.rounds, args.chatters), ensure_ascii=False))
    if args.full_disk:
        print(json.dumps(full_disk(args.binary), ensure_ascii=False))


if __name__ == "__main__":
    main()
