"""kill -9 under write load (issue 9): writers create requests as fast as they can and record every id
the server acknowledged; the server is killed by its pid (SIGKILL) three times mid-stream and started
again; at the end every acknowledged request must be there, with the text that was sent. SQLite (WAL)
by default. Bounded: about 20 seconds of writing, loopback only.

usage: python3 tests/resilience/kill9.py /path/to/xinghuo [port]
"""
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import xh  # noqa: E402

BIN = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 18513
BASE = f"http://127.0.0.1:{PORT}"
KILLS = 3
WRITERS = 6
SECONDS_BETWEEN_KILLS = 3.0

tmp = tempfile.mkdtemp(prefix="xh-kill9-")
env = dict(os.environ,
           XINGHUO_DATABASE_URL=f"sqlite://{tmp}/k.db?mode=rwc", XINGHUO_DATA_DIR=tmp,
           XINGHUO_LISTEN=f"127.0.0.1:{PORT}", XINGHUO_LOG="warn",
           XINGHUO_WRITE_RATE_PER_USER="0", XINGHUO_WRITE_RATE_PER_ADDRESS="0")


def start(demo=False):
    log = open(os.path.join(tmp, "server.log"), "a")
    p = subprocess.Popen([BIN, "serve"] + (["--demo"] if demo else []), env=env, stdout=log, stderr=log)
    for _ in range(300):
        try:
            urllib.request.urlopen(BASE + "/healthz", timeout=1)
            return p
        except OSError:
            if p.poll() is not None:
                sys.exit(f"the server exited with {p.returncode}; see {tmp}/server.log")
            time.sleep(0.1)
    sys.exit("the server did not come up")


server = start(demo=True)
tok = xh.token(BASE, "resident")
status, me = xh.call(BASE, "GET", "/api/v1/me", tok)
home = me["households"][0]
status, h = xh.call(BASE, "GET", f"/api/v1/households/{home}", tok)
project = h["household"]["project_id"]
status, cats = xh.call(BASE, "GET", f"/api/v1/projects/{project}/request-categories", tok)
category = cats[0]["id"]

acked = {}          # id -> description
lock = threading.Lock()
stop = threading.Event()
errors = {"refused": 0, "other": 0}


def writer(w):
    n = 0
    while not stop.is_set():
        n += 1
        text = f"断电测试 {w}-{n}：楼道灯不亮"
        try:
            status, body = xh.call(BASE, "POST", "/api/v1/requests", tok,
                                   {"category_id": category, "description": text, "household_id": home})
        except OSError:
            with lock:
                errors["refused"] += 1
            time.sleep(0.05)
            continue
        if status in (200, 201) and body and "id" in body:
            with lock:
                acked[body["id"]] = text
        else:
            with lock:
                errors["other"] += 1


threads = [threading.Thread(target=writer, args=(w,), daemon=True) for w in range(WRITERS)]
for t in threads:
    t.start()
for k in range(KILLS):
    time.sleep(SECONDS_BETWEEN_KILLS)
    before = len(acked)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    print(f"kill -9 #{k + 1} after {before} acknowledged writes")
    server = start()
time.sleep(1.0)
stop.set()
for t in threads:
    t.join(timeout=10)

missing, wrong = [], []
for rid, text in sorted(acked.items()):
    status, body = xh.call(BASE, "GET", f"/api/v1/requests/{rid}", tok)
    if status != 200:
        missing.append(rid)
    elif body.get("description") != text and body.get("request", {}).get("description") != text:
        wrong.append(rid)
server.send_signal(signal.SIGTERM)
server.wait(timeout=30)
print(f"{len(acked)} acknowledged writes across {KILLS} kill -9s; refused while down: {errors['refused']}; "
      f"other answers: {errors['other']}; missing after restart: {len(missing)}; changed: {len(wrong)}")
ok = len(acked) > 100 and not missing and not wrong and errors["other"] == 0
print(f"{1 if ok else 0} passed, {0 if ok else 1} failed")
sys.exit(0 if ok else 1)
