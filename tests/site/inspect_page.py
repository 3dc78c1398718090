"""Load one page of the site offline and record what a reader would run into."""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Error, Page, Response

from tests.browser import open_page

#: Axe impacts that fail the accessibility test.
BLOCKING_IMPACTS = ("critical", "serious")
#: Built-site folder of the self-hosted MathJax, left out of the page-weight budget.
MATHJAX_PREFIX = "_static/mathjax/"

IMAGES_JS = """async () => {
  const images = Array.from(document.images);
  // Lazy images load only near the viewport: ask for every one, to check each one
  // (and to count what a reader who scrolls through the whole page downloads).
  for (const image of images) image.loading = "eager";
  const timeout = new Promise((resolve) => setTimeout(resolve, 20000));
  await Promise.race([
    Promise.all(images.map((image) => image.decode().catch(() => null))), timeout]);
  return images.map((image) => [image.currentSrc || image.src || image.outerHTML, image.naturalWidth]);
}"""

MATH_JS = """() => {
  const math = Array.from(document.querySelectorAll(".math"));
  const unrendered = math
    .filter((element) => !element.querySelector("mjx-container"))
    .map((element) => element.textContent.trim().slice(0, 80));
  // TeX delimiters left in the text a reader sees (code is allowed to contain them).
  const skip = "pre, code, script, style, textarea, mjx-container, .highlight";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const raw = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest(skip)) continue;
    const match = node.textContent.match(/\\$\\$|\\\\\\(|\\\\\\[|\\\\begin\\{/);
    if (match) raw.push(node.textContent.trim().slice(0, 80));
  }
  return {count: math.length, containers: document.querySelectorAll("mjx-container").length,
          unrendered, raw};
}"""


@dataclass
class Transfer:
    """One response: its path in the site and the bytes it took on the wire."""

    path: str
    transferred: int

    @property
    def is_mathjax(self) -> bool:
        return self.path.startswith(MATHJAX_PREFIX)


@dataclass
class PageReport:
    """Everything the per-page tests assert on, from a single offline visit."""

    page: str
    problems: list[str] = field(default_factory=list)
    images: list[tuple[str, int]] = field(default_factory=list)
    math_count: int = 0
    mathjax_containers: int = 0
    unrendered_math: list[str] = field(default_factory=list)
    raw_tex: list[str] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    axe_violations: list[dict] = field(default_factory=list)

    @property
    def broken_images(self) -> list[str]:
        return [src for src, width in self.images if width <= 0]

    def bytes_transferred(self, *, mathjax: bool) -> int:
        """Bytes over the wire, with or without the self-hosted MathJax."""
        return sum(t.transferred for t in self.transfers if mathjax or not t.is_mathjax)


def inspect(browser: Browser, base_url: str, page_path: str) -> PageReport:
    """Visit ``page_path`` with the network cut off and record what happened."""
    report = PageReport(page_path)
    with open_page(browser, base_url + page_path) as (page, log):
        report.images = [tuple(item) for item in page.evaluate(IMAGES_JS)]
        math = page.evaluate(MATH_JS)
        report.math_count = math["count"]
        report.mathjax_containers = math["containers"]
        report.unrendered_math = math["unrendered"]
        report.raw_tex = math["raw"]
        report.problems = log.problems()
        report.transfers = [_transfer(base_url, response) for response in log.responses]
        report.axe_violations = blocking_violations(page)
    return report


def blocking_violations(page: Page, rules: list[str] | None = None) -> list[dict]:
    """Axe-core's critical and serious violations on the page (optionally, some rules only)."""
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    results = Axe().run(page, options=options)
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [", ".join(node["target"]) for node in violation["nodes"][:5]],
        }
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def _transfer(base_url: str, response: Response) -> Transfer:
    path = response.url.removeprefix(base_url).split("?")[0]
    try:
        sizes = response.request.sizes()
        transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
    except Error:  # a response that never completed counts as nothing transferred
        transferred = 0
    return Transfer(path, transferred)
