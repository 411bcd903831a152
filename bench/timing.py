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
            companions: tuple[Scenario, ...] = ()) -> dict:
    """Time `scenario`'s URLs. Each request (warm-up included) follows one request of every
    companion (the ping, a deep page's first page), whose timings come back under
    `companions`: {key: summary}."""
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

    def round_trip() -> tuple:
        before = [hit(companion, companion.paths[0])[1] for companion in companions]
        return (*hit(scenario, next(paths)), before)

    first, first_seconds, _ = round_trip()
    for _ in range(options.warmup):
        round_trip()
    samples: list[float] = []
    companion_samples: list[list[float]] = [[] for _ in companions]
    deadline = time.monotonic() + options.max_seconds
    for count in range(options.requests):
        if count >= _MIN_SAMPLES and time.monotonic() > deadline:
            break
        _, seconds, before = round_trip()
        if seconds is not None:
            samples.append(seconds)
        for collected, companion_seconds in zip(companion_samples, before):
            if companion_seconds is not None:
                collected.append(companion_seconds)
    stats = summarize(samples)
    return {
        **scenario.to_json(),
        **stats,
        "capped": stats.get("n", 0) < options.requests,
        "errors": errors,
        "result_count": result_count(first),
        # The first request of a scenario: for a cached page, the one that fills the cache.
        "first_ms": None if first_seconds is None else round(first_seconds * 1000, 2),
        "bytes": len(first.body),
        "companions": {companion.key: summarize(collected)
                       for companion, collected in zip(companions, companion_samples)},
    }


def run_user(base_url: str, username: str, scenarios: list[Scenario], options: Options) -> list[dict]:
    session = Session(base_url, timeout=options.timeout)
    session.login(username, options.password)
    # The machine's speed drifts during a run (other tenants, CPU frequency), within seconds
    # on this one: each page is compared with pings measured alongside it (`--pairing`), not
    # with the one ping row measured minutes earlier.
    ping = next((s for s in scenarios if s.kind == PING), None)
    by_key = {s.key: s for s in scenarios}
    block = dataclasses.replace(options, requests=options.ping_block,
                                warmup=min(options.warmup, 5))
    results = []
    for scenario in scenarios:
        if scenario.follow_next:
            resolve_follow_next(session, scenario)
        paired = None
        companions: list[Scenario] = []
        if ping is not None and scenario.kind != PING:
            if options.pairing == "interleaved":
                companions.append(ping)
            elif options.pairing == "block" and options.ping_block:
                paired = measure(session, ping, block)
        # A deep page is compared with its first page: interleaved too, for the same reason.
        baseline = by_key.get(scenario.baseline)
        if baseline is not None and options.pairing == "interleaved":
            companions.append(baseline)
        result = measure(session, scenario, options, companions=tuple(companions))
        result["user"] = username
        if ping is not None and result["companions"].get(ping.key, {}).get("n"):
            paired = result["companions"][ping.key]
        if paired is not None and paired.get("n"):
            result["ping_p50_ms"], result["ping_p95_ms"] = paired["p50_ms"], paired["p95_ms"]
        if baseline is not None and result["companions"].get(baseline.key, {}).get("n"):
            result["baseline_p95_ms"] = result["companions"][baseline.key]["p95_ms"]
        log(f"{username:>10} {scenario.key:<20} p50 {result.get('p50_ms', 0):8.2f} ms  "
            f"p95 {result.get('p95_ms', 0):8.2f} ms  (n={result.get('n', 0)}) "
            + (f"ping p95 {result['ping_p95_ms']:.2f} ms " if "ping_p95_ms" in result else "")
            + (f"{scenario.baseline} p95 {result['baseline_p95_ms']:.2f} ms "
               if "baseline_p95_ms" in result else "")
            + f"{result['result_count']}")
        results.append(result)
    return results
