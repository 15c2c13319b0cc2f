"""Percentiles of latencies, as the load generators report them."""


def percentile_ms(latencies: list[float], share: float) -> float:
    """The latency (in ms) under which `share` of the sorted latencies (in s) fall; 0 if none."""
    if not latencies:
        return 0.0
    return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000
