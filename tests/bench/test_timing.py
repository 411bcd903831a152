"""The benchmark's pairing of page requests with ping requests (`bench/timing.py`)."""

from __future__ import annotations

from bench.config import parse_args
from bench.http_client import Response
from bench.report import evaluate
from bench.scenarios import DEEP, LIST, PING, Scenario
from bench.timing import run_user


class FakeSession:
    """Answers every GET at once, with a made-up duration per path, and records the order."""

    seconds = {"/accounts/ping": 0.002, "/customers/": 0.006}

    def __init__(self, base_url, *, timeout):
        self.requested: list[str] = []
        FakeSession.last = self

    def login(self, username, password):
        pass

    def get(self, path, headers=None):
        self.requested.append(path)
        status = 204 if path == "/accounts/ping" else 200
        return Response(status=status, headers={}, body=b"", seconds=self.seconds[path])


def _scenarios():
    return [
        Scenario(key="ping", label="ping", kind=PING, paths=["/accounts/ping"], expect=204),
        Scenario(key="list.first", label="list", kind=LIST, paths=["/customers/"]),
    ]


def _run(monkeypatch, *args):
    monkeypatch.setattr("bench.timing.Session", FakeSession)
    options = parse_args(["--warmup", "2", "--requests", "20", *args])
    return run_user("http://127.0.0.1:1", "manager", _scenarios(), options), FakeSession.last


def test_interleaved_pairing_puts_a_ping_before_every_page_request(monkeypatch):
    results, session = _run(monkeypatch)
    page = next(row for row in results if row["key"] == "list.first")
    # The ping row itself (1 + 2 + 20 requests), then ping/page pairs for the list.
    pairs = session.requested[23:]
    assert pairs == ["/accounts/ping", "/customers/"] * 23
    assert page["n"] == 20
    assert page["p95_ms"] == 6.0
    assert page["ping_p95_ms"] == 2.0


def test_block_pairing_measures_the_pings_before_the_page(monkeypatch):
    results, session = _run(monkeypatch, "--pairing", "block", "--ping-block", "7")
    page = next(row for row in results if row["key"] == "list.first")
    after_ping_row = session.requested[23:]
    # A block of 1 + 2 + 7 pings (first, warm-up, measured), then the page's own requests.
    assert after_ping_row == ["/accounts/ping"] * 10 + ["/customers/"] * 23
    assert page["ping_p95_ms"] == 2.0


def test_no_pairing_leaves_the_ratio_to_the_ping_row(monkeypatch):
    results, session = _run(monkeypatch, "--pairing", "none")
    page = next(row for row in results if row["key"] == "list.first")
    assert session.requested[23:] == ["/customers/"] * 23
    assert "ping_p95_ms" not in page


def test_a_deep_page_is_interleaved_with_its_first_page(monkeypatch):
    class DriftingSession(FakeSession):
        """The first page answers in 6 ms on its own and in 4 ms once the deep page is
        measured: only the interleaved first-page requests give the deep page's ratio."""

        def get(self, path, headers=None):
            response = super().get(path, headers)
            if path == "/customers/" and "/customers/?cursor=last" in self.requested:
                response.seconds = 0.004
            return response

    monkeypatch.setattr("bench.timing.Session", DriftingSession)
    monkeypatch.setattr(FakeSession, "seconds",
                        {**FakeSession.seconds, "/customers/?cursor=last": 0.009})
    scenarios = [*_scenarios(), Scenario(key="deep.last", label="last", kind=DEEP,
                                         paths=["/customers/?cursor=last"],
                                         baseline="list.first")]
    options = parse_args(["--warmup", "0", "--requests", "10"])
    results = run_user("http://127.0.0.1:1", "manager", scenarios, options)
    first = next(row for row in results if row["key"] == "list.first")
    deep = next(row for row in results if row["key"] == "deep.last")
    requested = FakeSession.last.requested
    assert requested[-33:] == ["/accounts/ping", "/customers/", "/customers/?cursor=last"] * 11
    assert first["p95_ms"] == 6.0
    assert (deep["p95_ms"], deep["ping_p95_ms"], deep["baseline_p95_ms"]) == (9.0, 2.0, 4.0)
    goals = evaluate(results, None, trigram=True)
    deep_goal = next(g for g in goals if g["key"] == "deep.last" and "list.first" in g["goal"])
    assert deep_goal["value"] == 2.25
