"""Open311 GeoReport v2 against a running Xinghuo, through real client libraries from PyPI.

Usage: client_test.py BASE_URL API_KEY   (BASE_URL ends in /open311/v2)

georeport (Python 3) reads services, definitions and requests in JSON and in XML. `three` posts a
request and looks up its token; it was written for Python 2, and its only incompatibility on the path
used here is `itertools.ifilter`, shimmed below.
"""

import itertools
import sys

itertools.ifilter = filter  # `three` imports it (Python 2); the built-in `filter` is the same thing.

import requests  # noqa: E402
import three  # noqa: E402
from georeport import GeoReport  # noqa: E402

base, key = sys.argv[1], sys.argv[2]
checks = 0


def check(cond, what):
    global checks
    if not cond:
        print(f"FAIL: {what}")
        sys.exit(1)
    checks += 1
    print(f"ok   {what}")


for fmt in ("json", "xml"):
    geo = GeoReport(base, output_format=fmt)
    services = geo.get_service_list()
    check(isinstance(services, list) and len(services) >= 8, f"[{fmt}] service list has the demo categories")
    lighting = next(s for s in services if s["service_name"] == "公共照明" and s["group"] == "保利叶语")
    code = lighting["service_code"]
    check(str(lighting["metadata"]).lower() == "true", f"[{fmt}] services carry metadata=true")
    definition = geo.get_service_definition(code)
    attrs = definition["attributes"]
    attr = attrs[0] if isinstance(attrs, list) else attrs["attribute"]
    check(attr["code"] == "kind" and attr["datatype"] == "singlevaluelist", f"[{fmt}] service definition lists the kind attribute")

# POST with the key, through `three` (JSON), then the token and the request through both clients.
t = three.Three(base, api_key=key, format="json")
created = t.post(code, address="保利叶语 东门外人行道", description="市民来电：东门外路灯不亮（Open311 客户端测试）",
                 lat="30.5728", long="104.0668", **{"attribute[kind]": "repair"})
check(isinstance(created, list) and created[0].get("service_request_id"), "three posts a request and gets its id")
rid = created[0]["service_request_id"]
token = created[0]["token"]
by_token = t.token(token)
check(by_token[0]["service_request_id"] == rid, "three resolves the token to the request id")

for fmt in ("json", "xml"):
    geo = GeoReport(base, output_format=fmt)
    one = geo.get_service_request(rid)
    check(one["service_request_id"] == rid and one["status"] == "open", f"[{fmt}] the new request reads back as open")
    check(one["address"] == "保利叶语 东门外人行道", f"[{fmt}] Chinese address round-trips")
    listed = geo.get_service_requests(service_code=code, status="open")
    listed = listed if isinstance(listed, list) else [listed]
    check(any(r["service_request_id"] == rid for r in listed), f"[{fmt}] it is in the open list for its service")

# The spec's errors, as a client sees them.
r = requests.post(f"{base}/requests.json", data={"service_code": code, "description": "没有密钥的提交", "address_string": "东门"})
check(r.status_code == 403 and r.json()[0]["code"] == 403, "POST without a key: 403 with the error list")
r = requests.post(f"{base}/requests.json", data={"api_key": key, "service_code": "999999", "description": "错误的服务代码", "address_string": "东门"})
check(r.status_code == 400 and "service_code" in r.json()[0]["description"], "POST with a wrong service_code: 400")
r = requests.get(f"{base}/requests/999999.xml")
check(r.status_code == 404 and "<errors><error><code>404</code>" in r.text, "unknown request in XML: 404 error list")

print(f"Open311 client test: {checks} checks passed")
