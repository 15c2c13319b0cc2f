"""A small keep-alive HTTP load generator, used when wrk is not installed.

Run as its own process: python bench/loadgen.py URL SECONDS CONNECTIONS [COOKIE]; prints JSON.
"""

import http.client
import json
import sys
import threading
import time
from urllib.parse import urlsplit

from latency import percentile_ms


def worker(
    url: str, cookie: str, deadline: float, latencies: list[float], errors: list[int]
) -> None:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        try:
            conn.request("GET", target, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                errors.append(response.status)
        except OSError:
            errors.append(0)
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            continue
        latencies.append(time.perf_counter() - start)
    conn.close()


def main() -> None:
    url, seconds, connections = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    cookie = sys.argv[4] if len(sys.argv) > 4 else ""
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=worker, args=(url, cookie, deadline, latencies, errors))
        for _ in range(connections)
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()

    print(
        json.dumps(
            {
                "rps": len(latencies) / elapsed,
                "p50_ms": percentile_ms(latencies, 0.50),
                "p99_ms": percentile_ms(latencies, 0.99),
                "requests": len(latencies),
                "errors": len(errors),
            }
        )
    )


if __name__ == "__main__":
    main()
