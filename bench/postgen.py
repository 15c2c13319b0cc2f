"""A keep-alive HTTP load generator that POSTs JSON responses, some of them twice.

Run as its own process: python bench/postgen.py URL SECONDS CONNECTIONS BODIES.json RETRY_SHARE
Each request sends one of the bodies with a fresh instance_id; with probability RETRY_SHARE the
previous request is sent again unchanged, as a client on a flaky connection would. Prints JSON:
throughput, latencies, the status codes seen and every instance_id that got a 201.
"""

import http.client
import json
import random
import sys
import threading
import time
import uuid
from collections import Counter
from urllib.parse import urlsplit

from latency import percentile_ms


def worker(url, bodies, retry_share, deadline, out, seed):
    rng = random.Random(seed)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    previous = None
    while time.perf_counter() < deadline:
        if previous is not None and rng.random() < retry_share:
            data, retry = previous, True
        else:
            body = dict(rng.choice(bodies), instance_id=str(uuid.uuid4()))
            data, retry = json.dumps(body).encode(), False
        start = time.perf_counter()
        try:
            conn.request("POST", parts.path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
        except OSError:
            out["statuses"][0] += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            continue
        out["latencies"].append(time.perf_counter() - start)
        out["statuses"][response.status] += 1
        if retry:
            out["retries"] += 1
        if response.status == 201:
            out["created"].append(json.loads(payload)["id"] if payload[:1] == b"{" else None)
        previous = data
    conn.close()


def main():
    url, seconds, connections = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    with open(sys.argv[4]) as f:
        bodies = json.load(f)
    retry_share = float(sys.argv[5])
    out = {"latencies": [], "statuses": Counter(), "created": [], "retries": 0}
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=worker, args=(url, bodies, retry_share, deadline, out, n))
        for n in range(connections)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies = sorted(out["latencies"])

    print(
        json.dumps(
            {
                "rps": len(latencies) / elapsed,
                "p50_ms": percentile_ms(latencies, 0.5),
                "p99_ms": percentile_ms(latencies, 0.99),
                "requests": len(latencies),
                "retries": out["retries"],
                "statuses": {str(k): v for k, v in out["statuses"].items()},
                "created": len(out["created"]),
                "created_ids": len(set(out["created"])),
            }
        )
    )


if __name__ == "__main__":
    main()
