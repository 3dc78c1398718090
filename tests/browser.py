"""Open pages of the served site in headless Debian Chromium, offline.

Chromium resolves no host name but this machine's (``--host-resolver-rules``), so no
request leaves it, and every request to another host is recorded: a page that would
need the internet fails the tests instead of quietly working on a connected machine.
(The rule is the browser's own: routing each request through Playwright instead cost
half a second a page.)
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, Response

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    # Every host name but this machine's fails to resolve: nothing is fetched from elsewhere.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
NEXT_FRAMES_JS = """() => new Promise((resolve) =>
  requestAnimationFrame(() => requestAnimationFrame(resolve)))"""
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: Resolves once MathJax (if the page loads it) has typeset everything and the fonts
#: are in, or after 30 s (the math test then reports what is left untypeset).
SETTLE_JS = """async () => {
  const settled = (async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      await MathJax.startup.promise;
    }
    await document.fonts.ready;
  })();
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 30000))]);
}"""


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (Playwright never downloads a browser here)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@dataclass
class PageLog:
    """What went wrong, or over the wire, while a page loaded."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    responses: list[Response] = field(default_factory=list)

    def problems(self) -> list[str]:
        """Everything that should not happen on a healthy offline page."""
        return (
            [f"request to the network (blocked): {url}" for url in self.blocked_requests]
            + [f"failed request: {item}" for item in self.failed_requests]
            + [f"console error: {item}" for item in self.console_errors]
        )


def is_local(url: str) -> bool:
    """Whether loading ``url`` stays on this machine (or in the page itself)."""
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


@contextmanager
def open_page(
    browser: Browser, url: str, *, color_scheme: str = "light", settle: bool = True
) -> Iterator[tuple[Page, PageLog]]:
    """Load ``url`` in a fresh browser context with the network cut off.

    The context has an empty cache, so the responses logged are everything the
    page transfers. Waits until the page has loaded, MathJax has finished, the fonts are
    in, and no request is left unanswered. (Playwright's "networkidle" would wait for
    the same and then half a second more, on each of the suites' hundred-odd visits.)
    A request to another host fails in the browser (CHROMIUM_ARGS) and is logged as
    blocked; one that got an answer all the same (an address, not a name) is too.
    """
    context = browser.new_context(color_scheme=color_scheme, viewport={"width": 1280, "height": 900})
    log = PageLog()

    pending: set[Request] = set()

    def on_request(request: Request) -> None:
        pending.add(request)
        if not is_local(request.url):
            log.blocked_requests.append(request.url)

    def on_failed(request: Request) -> None:
        pending.discard(request)
        if is_local(request.url):
            log.failed_requests.append(f"{request.url} ({request.failure})")

    def on_response(response: Response) -> None:
        log.responses.append(response)
        if response.status >= 400:
            log.failed_requests.append(f"{response.url} (HTTP {response.status})")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            log.console_errors.append(f"{message.text} at {message.location.get('url', '?')}")

    try:
        page = context.new_page()
        page.on("request", on_request)
        page.on("requestfailed", on_failed)
        page.on("requestfinished", lambda request: pending.discard(request))
        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda error: log.console_errors.append(f"uncaught: {error}"))
        page.goto(url, wait_until="load")
        if settle:
            page.evaluate(SETTLE_JS)
            wait_for_answers(page, pending)
        yield page, log
    finally:
        context.close()


def wait_for_answers(page: Page, pending: set[Request], timeout_s: float = 30.0) -> None:
    """Wait until every request the page made has been answered or has failed, twice in a
    row a few frames apart (an answer can start another request: a style sheet its font)."""
    deadline = time.monotonic() + timeout_s
    quiet = 0
    while quiet < 2:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(pending)} requests unanswered after {timeout_s:.0f} s: "
                               + ", ".join(sorted(r.url for r in pending))[:500])
        page.evaluate(NEXT_FRAMES_JS)  # Playwright delivers the request events meanwhile
        quiet = quiet + 1 if not pending else 0
