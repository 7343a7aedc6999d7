#!/usr/bin/env python3
"""Where a request create's time goes (issue 15): the server's own CPU per create, measured from
/proc/<pid>/stat around a wrk run of POST /api/v1/requests (16 connections), on a fresh SQLite database
with the demo data and N_ROWS seeded requests. With PERF=1 the server is also sampled by `perf record`
and the heaviest symbols are printed (those above PERF_LIMIT percent, default 1.5).

    benches/create_cpu.py BIN [BIN ...]        # e.g. a release build before and after a change
    N_ROWS=1000000 SECONDS=10 PERF=1 benches/create_cpu.py target/release/xinghuo
    WHAT=me N_ROWS=0 benches/create_cpu.py BIN…   # GET /api/v1/me instead (per request, not per create)
    WHAT=list benches/create_cpu.py BIN…          # the project manager's work-queue page (GET /requests)
    DB=postgres benches/create_cpu.py BIN…        # on a fresh PostgreSQL database (127.0.0.1:5432) instead

On PostgreSQL the result also gives the CPU its server processes spent per create (every `postgres` process
on the machine: run nothing else against it meanwhile).

One RESULT line per binary: rps, server CPU ms per create, the share of it in user and kernel time, the
server's context switches per create, how idle the whole machine was meanwhile, and the server's peak
resident memory (VmHWM) over its life.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
import benchlib  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PORT = int(os.environ.get("PORT", "18097"))
BASE = f"http://127.0.0.1:{PORT}"
N_ROWS = int(os.environ.get("N_ROWS", "1000000"))
SECS = int(os.environ.get("SECONDS", "10"))
TICK = os.sysconf("SC_CLK_TCK")
# WHAT=me measures GET /api/v1/me (the authenticated floor) the same way instead of creates; WHAT=list the
# project manager's work-queue page (HTML, the first 25 open requests of the project).
WHAT = os.environ.get("WHAT", "create")
# DB=postgres: a fresh database xinghuo_cpu on the local PostgreSQL instead of a SQLite file.
DB = os.environ.get("DB", "sqlite")
PG_BASE = "postgres://postgres@127.0.0.1:5432"


def cpu_ticks(pid):
    # Fields 14 and 15 (utime, stime) after the command name in parentheses.
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return int(f[11]), int(f[12])


def ctx_switches(pid):
    # Voluntary + involuntary context switches of every thread of the server (sqlx's per-connection
    # SQLite workers included): each trip through a driver thread costs two.
    n = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            for line in open(f"/proc/{pid}/task/{t}/status"):
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    n += int(line.split()[1])
        except FileNotFoundError:
            pass  # a thread that ended meanwhile
    return n


def rss_peak_mb(pid):
    # The server's peak resident memory over its whole life so far (VmHWM).
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def postgres_ticks():
    # utime + stime of every PostgreSQL server process (the backends serving the app, and the writers).
    n = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if open(f"/proc/{pid}/comm").read().strip() == "postgres":
                u, s = cpu_ticks(pid)
                n += u + s
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass  # a process that ended meanwhile
    return n


def machine_idle():
    # (idle, total) jiffies of the whole machine, to tell a saturated box from a serialised server.
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return f[3] + f[4], sum(f)


def wait_ready():
    for _ in range(300):
        try:
            urllib.request.urlopen(BASE + "/readyz").read()
            return
        except Exception:
            time.sleep(0.2)
    sys.exit("server did not start")


def run(binary):
    d = tempfile.mkdtemp()
    if DB == "postgres":
        subprocess.run(["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                        "DROP DATABASE IF EXISTS xinghuo_cpu", "-c", "CREATE DATABASE xinghuo_cpu"], check=True)
        url = seed_target = f"{PG_BASE}/xinghuo_cpu"
    else:
        url, seed_target = f"sqlite://{d}/bench.db?mode=rwc", f"{d}/bench.db"
    env = dict(os.environ, XINGHUO_DATABASE_URL=url, XINGHUO_DATA_DIR=d,
               XINGHUO_LISTEN=f"127.0.0.1:{PORT}", XINGHUO_LOG="warn", XINGHUO_DB_MAX_CONNECTIONS="8",
               XINGHUO_WRITE_RATE_PER_USER="0", XINGHUO_WRITE_RATE_PER_ADDRESS="0")
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    if N_ROWS:
        subprocess.run(["bash", os.path.join(ROOT, "benches/seed_requests.sh"), DB, seed_target,
                        str(N_ROWS)], check=True, stdout=subprocess.DEVNULL)
    # The seed leaves about a gigabyte to write back: flush it now, not under the measured run (where it
    # slows the WAL checkpoints' fsync on the writer).
    os.sync()
    server = subprocess.Popen([binary, "serve"], env=env, stdout=open(f"{d}/server.log", "w"),
                              stderr=subprocess.STDOUT)
    try:
        wait_ready()
        h = benchlib.staff_token(BASE, "resident")
        me = benchlib.get(BASE, "/api/v1/me", h)
        hh = me["households"][0]
        project = benchlib.get(BASE, f"/api/v1/households/{hh}", h)["household"]["project_id"]
        services = benchlib.get(BASE, f"/open311/v2/services.json?jurisdiction_id={project}", h)
        cat = [s for s in services if s["service_name"] == "公共照明"][0]["service_code"]
        body = json.dumps({"category_id": int(cat), "description": "压测报事：楼道灯不亮", "household_id": hh},
                          ensure_ascii=False)
        lua = os.path.join(d, "post.lua")
        with open(lua, "w") as f:
            if WHAT == "me":  # the authenticated floor: credential, principal, a small JSON answer
                f.write('wrk.headers["Authorization"] = "%s"\n' % h["Authorization"])
            elif WHAT == "list":  # the work-queue page, as the project manager
                f.write('wrk.headers["Authorization"] = "%s"\n' % benchlib.staff_token(BASE, "staff")["Authorization"])
            else:
                f.write('wrk.method = "POST"\nwrk.body = [==[%s]==]\nwrk.headers["Content-Type"] = "application/json"\n'
                        'wrk.headers["Authorization"] = "%s"\n' % (body, h["Authorization"]))
        url = BASE + {"me": "/api/v1/me", "list": "/requests"}.get(WHAT, "/api/v1/requests")

        def wrk(secs):
            return subprocess.run(["wrk", "-t1", "-c16", f"-d{secs}s", "-s", lua, url],
                                  check=True, capture_output=True, text=True).stdout

        wrk(2)  # warm up (caches, prepared statements), then measure
        perf = None
        if os.environ.get("PERF"):
            perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-F", "499", "-g", "-o", f"{d}/perf.data", "-p",
                                     str(server.pid), "--", "sleep", str(SECS)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        u0, s0 = cpu_ticks(server.pid)
        c0, (i0, a0), g0 = ctx_switches(server.pid), machine_idle(), postgres_ticks()
        t0 = time.perf_counter()
        out = wrk(SECS)
        wall = time.perf_counter() - t0
        u1, s1 = cpu_ticks(server.pid)
        c1, (i1, a1), g1 = ctx_switches(server.pid), machine_idle(), postgres_ticks()
        n = int(out.split(" requests in ")[0].split()[-1])
        if "Non-2xx" in out or n == 0:
            sys.exit("refused or no creates:\n" + out)
        if perf:
            perf.wait()
            report = subprocess.run(["perf", "report", "-i", f"{d}/perf.data", "--no-children", "--stdio",
                                     "--sort", "dso,symbol", "-g", "none", "--percent-limit",
                                     os.environ.get("PERF_LIMIT", "1.5")],
                                    capture_output=True, text=True).stdout
            print("\n".join(l.rstrip(" -") for l in report.splitlines() if l.strip() and not l.startswith("#")))
        cpu = (u1 - u0 + s1 - s0) / TICK
        extra = {"postgres_cpu_ms_per_create": round((g1 - g0) / TICK * 1000 / n, 3)} if DB == "postgres" else {}
        benchlib.result({"binary": binary, "what": WHAT, "db": DB, "rows": N_ROWS, "creates": n, "rps": round(n / wall),
                         "server_cpu_ms_per_create": round(cpu * 1000 / n, 3),
                         "user_share": round((u1 - u0) / max(u1 - u0 + s1 - s0, 1), 2),
                         "server_cores": round(cpu / wall, 2),
                         "ctx_switches_per_create": round((c1 - c0) / n, 1),
                         "machine_idle_share": round((i1 - i0) / max(a1 - a0, 1), 2),
                         "server_rss_peak_mb": rss_peak_mb(server.pid), **extra})
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    for b in sys.argv[1:] or [os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release/xinghuo")]:
        run(b)
