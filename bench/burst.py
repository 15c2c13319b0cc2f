"""A burst of POSTs, one per bearer token, from its own process.

Run: python bench/burst.py URL TOKENS.json CONNECTIONS; prints JSON (throughput, latencies,
statuses). Every token is used once; the threads start together.
"""

import http.client
import json
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from latency import percentile_ms


def main() -> None:
    url, tokens_file, connections = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(tokens_file) as f:
        tokens = json.load(f)
    parts = urlsplit(url)
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(connections)

    def worker(mine: list[str]) -> None:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        barrier.wait()
        for token in mine:
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            start = time.perf_counter()
            try:
                conn.request("POST", parts.path, body=b"{}", headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = 0
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            with lock:
                latencies.append(time.perf_counter() - start)
                statuses[status] += 1
        conn.close()

    threads = [
        threading.Thread(target=worker, args=(tokens[i::connections],)) for i in range(connections)
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
                "seconds": elapsed,
                "p50_ms": percentile_ms(latencies, 0.5),
                "p99_ms": percentile_ms(latencies, 0.99),
                "statuses": {str(k): v for k, v in statuses.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
