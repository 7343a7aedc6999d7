"""Shared by the bench scripts' Python parts: log in as a demo user and mint an API token, fire a burst of
calls from a thread pool, and summarise outcomes and latencies as one RESULT line."""
import concurrent.futures
import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request


def staff_token(base, user="staff", password="Xinghuo@2026"):
    """Log in through the pages (CSRF and all) and create an API token; returns the JSON headers."""
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    csrf = lambda html: re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    page = op.open(base + "/login").read().decode()
    op.open(base + "/login", data=urllib.parse.urlencode(
        {"_csrf": csrf(page), "username": user, "password": password, "next": "/"}).encode())
    page = op.open(base + "/account").read().decode()
    html = op.open(base + "/account/tokens", data=urllib.parse.urlencode(
        {"_csrf": csrf(page), "name": "bench", "access": "write"}).encode()).read().decode()
    token = re.search(r'id="new-token">([^<]+)', html).group(1)
    return bearer(token)


def bearer(token):
    return {"Authorization": "Bearer " + token, "Content-Type": "application/json"}


def get(base, path, headers):
    return json.load(urllib.request.urlopen(urllib.request.Request(base + path, headers=headers)))


def post(url, body, headers):
    """POST JSON; returns (status, error code or "", seconds)."""
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(req) as r:
            r.read()
            return r.status, "", time.perf_counter() - t
    except urllib.error.HTTPError as e:
        return e.code, json.load(e).get("code", ""), time.perf_counter() - t


def burst(fn, items, threads):
    """Run fn over items from `threads` threads at once; returns (results, total seconds)."""
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        t0 = time.perf_counter()
        results = list(pool.map(fn, items))
        return results, time.perf_counter() - t0


def summary(results, total, **extra):
    """Outcomes counted by "status code", latency p50/p99, as a dict for the RESULT line."""
    lat = sorted(r[2] for r in results)
    codes = {}
    for s, c, _ in results:
        k = f"{s} {c}".strip()
        codes[k] = codes.get(k, 0) + 1
    return {**extra, "outcomes": codes, "burst_s": round(total, 3), "rps": round(len(results) / total),
            "p50_ms": round(lat[len(lat) // 2] * 1000, 1), "p99_ms": round(lat[max(int(len(lat) * 0.99) - 1, 0)] * 1000, 1)}


def result(d):
    print("RESULT " + json.dumps(d, ensure_ascii=False))
