"""Small helpers the script tests share (standard library only): log in through the real form and
issue an API token, and call the JSON API."""
import http.cookiejar
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

PASSWORD = "Xinghuo@2026"


def token(base, user, access="write", days="30"):
    """Log in as `user` through the log-in form and issue an API token from 我的账户."""
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    csrf = lambda html: re.search(r'name="_csrf" value="([^"]+)"', html).group(1)
    page = op.open(base + "/login").read().decode()
    op.open(base + "/login", data=urllib.parse.urlencode(
        {"_csrf": csrf(page), "username": user, "password": PASSWORD, "next": "/"}).encode())
    page = op.open(base + "/account").read().decode()
    html = op.open(base + "/account/tokens", data=urllib.parse.urlencode(
        {"_csrf": csrf(page), "name": "script", "access": access, "days": days}).encode()).read().decode()
    return re.search(r'id="new-token">([^<]+)', html).group(1)


def call(base, method, path, tok, body=None, timeout=5):
    """(status, parsed JSON or None). Connection failures raise OSError."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None


if __name__ == "__main__" and sys.argv[1] == "token":
    print(token(f"http://127.0.0.1:{sys.argv[2]}", sys.argv[3]))
