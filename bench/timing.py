"""Sequential HTTP timings: warm-up, then measured requests, per scenario and user."""

from __future__ import annotations

import dataclasses
import itertools
import time

from bench.config import Options
from bench.http_client import Session, next_link, result_count
from bench.processes import log
from bench.scenarios import PING, Scenario

_MIN_SAMPLES = 10
_MAX_ERRORS = 3


def percentile(sorted_values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between closest ranks."""
    if not sorted_values:
        return float("nan")
    position = (len(sorted_values) - 1) * q
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def summarize(seconds: list[float]) -> dict:
    values = sorted(s * 1000 for s in seconds)
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 0.50), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "mean_ms": round(sum(values) / len(values), 2),
        "min_ms": round(values[0], 2),
        "max_ms": round(values[-1], 2),
    }


def resolve_follow_next(session: Session, scenario: Scenario) -> None:
    """Replace the scenario's start path by the page reached after clicking `Next` N times."""
    path = scenario.paths[0]
    for step in range(scenario.follow_next):
        page = session.get(path)
        link = next_link(page)
        if page.status != 200 or not link or "cursor=" not in link:
            raise RuntimeError(f"no Next link on page {step + 1} of {path}")
        path = link
    scenario.paths = [path]
    scenario.follow_next = 0


def measure(session: Session, scenario: Scenario, options: Options,
            ping: Scenario | None = None) -> dict:
    """Time `scenario`'s URLs; with `ping`, each request (warm-up included) follows a ping
    request, and the pings' own timings come back as `ping_p50_ms` and `ping_p95_ms`."""
    paths = itertools.cycle(scenario.paths)
    errors: list[str] = []

    def hit(target: Scenario, path: str):
        response = session.get(path, headers=target.headers)
        if response.status != target.expect:
            errors.append(f"{path}: HTTP {response.status}")
            if len(errors) >= _MAX_ERRORS:
                raise RuntimeError(f"{target.key}: {'; '.join(errors)}")
            return response, None
        return response, response.seconds

    def pair() -> tuple:
        ping_seconds = hit(ping, ping.paths[0])[1] if ping is not None else None
        return (*hit(scenario, next(paths)), ping_seconds)

    first, first_seconds, _ = pair()
    for _ in range(options.warmup):
        pair()
    samples: list[float] = []
    pings: list[float] = []
    deadline = time.monotonic() + options.max_seconds
    for count in range(options.requests):
        if count >= _MIN_SAMPLES and time.monotonic() > deadline:
            break
        _, seconds, ping_seconds = pair()
        if seconds is not None:
            samples.append(seconds)
        if ping_seconds is not None:
            pings.append(ping_seconds)
    stats = summarize(samples)
    result = {
        **scenario.to_json(),
        **stats,
        "capped": stats.get("n", 0) < options.requests,
        "errors": errors,
        "result_count": result_count(first),
        # The first request of a scenario: for a cached page, the one that fills the cache.
        "first_ms": None if first_seconds is None else round(first_seconds * 1000, 2),
        "bytes": len(first.body),
    }
    if pings:
        paired = summarize(pings)
        result["ping_p50_ms"], result["ping_p95_ms"] = paired["p50_ms"], paired["p95_ms"]
    return result


def run_user(base_url: str, username: str, scenarios: list[Scenario], options: Options) -> list[dict]:
    session = Session(base_url, timeout=options.timeout)
    session.login(username, options.password)
    # The machine's speed drifts during a run (other tenants, CPU frequency), within seconds
    # on this one: each page is compared with pings measured alongside it (`--pairing`), not
    # with the one ping row measured minutes earlier.
    ping = next((s for s in scenarios if s.kind == PING), None)
    block = dataclasses.replace(options, requests=options.ping_block,
                                warmup=min(options.warmup, 5))
    results = []
    for scenario in scenarios:
        if scenario.follow_next:
            resolve_follow_next(session, scenario)
        paired = None
        measured_with = None
        if ping is not None and scenario.kind != PING:
            if options.pairing == "interleaved":
                measured_with = ping
            elif options.pairing == "block" and options.ping_block:
                paired = measure(session, ping, block)
        result = measure(session, scenario, options, ping=measured_with)
        result["user"] = username
        if paired is not None and paired.get("n"):
            result["ping_p50_ms"], result["ping_p95_ms"] = paired["p50_ms"], paired["p95_ms"]
        log(f"{username:>10} {scenario.key:<20} p50 {result.get('p50_ms', 0):8.2f} ms  "
            f"p95 {result.get('p95_ms', 0):8.2f} ms  (n={result.get('n', 0)}) "
            + (f"ping p95 {result['ping_p95_ms']:.2f} ms " if "ping_p95_ms" in result else "")
            + f"{result['result_count']}")
        results.append(result)
    return results
