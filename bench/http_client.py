"""A minimal browser-like HTTP session on the standard library: cookies, CSRF log-in, timing.

gunicorn's sync workers close the connection after every response, so each request opens a
new loopback connection, as a browser behind a non-keep-alive proxy would.
"""

from __future__ import annotations

import html
import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
_NEXT_LINK = re.compile(r'rel="next"\s+href="([^"]+)"')
_RESULT_COUNT = re.compile(r'class="text-body-secondary result-count">\s*(.*?)\s*</span>', re.S)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Session:
    def __init__(self, base_url: str, *, timeout: float) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.origin = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        send = {"Host": f"{self.host}:{self.port}", "Accept": "text/html",
                "User-Agent": "crm-bench/1"}
        if self.cookies:
            send["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        send.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=send)
            response = connection.getresponse()
            data = response.read()
            seconds = time.perf_counter() - started
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(response.status, dict(response.headers.items()), data, seconds)

    def get(self, path: str, headers: dict[str, str] | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def login(self, username: str, password: str) -> None:
        """Log in through the real form: GET for the CSRF token, POST the credentials."""
        page = self.get("/accounts/login/")
        match = _CSRF_INPUT.search(page.text)
        if page.status != 200 or not match:
            raise RuntimeError(f"log-in page answered {page.status} without a CSRF token")
        form = urlencode({"csrfmiddlewaretoken": match.group(1), "username": username,
                          "password": password, "next": ""}).encode()
        answer = self.request("POST", "/accounts/login/", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": f"{self.origin}/accounts/login/",
        })
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"log-in as {username} failed (HTTP {answer.status})")
        ping = self.get("/accounts/ping")
        if ping.status != 204:
            raise RuntimeError(f"/accounts/ping after log-in answered {ping.status}")


def next_link(page: Response) -> str | None:
    match = _NEXT_LINK.search(page.text)
    return html.unescape(match.group(1)) if match else None


def result_count(page: Response) -> str:
    match = _RESULT_COUNT.search(page.text)
    return " ".join(html.unescape(match.group(1)).split()) if match else ""
