"""Visit each page of the site once, offline, and record what a reader would run into.

One visit per page serves every per-page test of the site
suite, in this order on the same tab, so that what one step does cannot hide another's
finding:

1. the page as it loads (light, 1280 px): console errors, failed or blocked requests,
   what went over the wire, images, math, search fields; then the measurements of
   tests/site/test_readable.py at desktop width and, with the window narrowed, at phone
   width; then a full axe-core run at desktop width (after any hands-on activity has
   drawn itself);
2. dark mode, switched on with the theme's own button: colours, axe-core's colour-contrast
   rule, and one screenshot of every figure;
3. last, because it changes the page: each exercise solution's toggle, clicked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Error, Page, Response

from tests.browser import open_page
from tests.contrast import figure_contrast

#: Axe impacts that fail the accessibility test.
BLOCKING_IMPACTS = ("critical", "serious")
#: Built-site folder of the self-hosted MathJax, left out of the page-weight budget.
MATHJAX_PREFIX = "_static/mathjax/"
#: Every picture in the page's content (figures, gallery thumbnails, plots).
FIGURES = ".bd-article img"
#: The citable figures and the gallery's thumbnails, which must sit on a white card.
CARDS = {"figure": "figure.citable-figure img", "thumb": ".citable-thumb img"}
SOLUTION = "div.solution.dropdown"
#: Highlighted code, and the attribute that marks the tokens axe checks for contrast.
CODE = ".highlight"
CODE_SAMPLE = "data-axe-contrast-sample"
CODE_UNSAMPLED = "data-axe-contrast-skip"
SEARCH_FIELDS = ".search-button-field:visible, input[type='search']:visible"
ACTIVITY = ".vega-activity"
VIEWPORTS = {"desktop": 1280, "phone": 390}

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

FIGURE_TEXT_JS = """async () => {
  // An SVG scales as a whole with the width it is drawn at, and its text with it: the
  // smallest text per pixel of width is measured once per figure, the first time.
  // Sizes are kept to 0.01 px: the scaled and the parsed size of a figure differ by
  // rounding error only (at most 0.0003 px), which must not decide the 9 px limit.
  const perPixel = (window.__figureTextPerPixel ??= new Map());
  const hundredths = (px) => Math.round(px * 100) / 100;
  const found = [];
  for (const img of document.querySelectorAll(".bd-article img")) {
    img.loading = "eager";
    await img.decode().catch(() => null);
    const src = img.currentSrc || img.src;
    const width = img.getBoundingClientRect().width;
    if (!src.endsWith(".svg") || width === 0) continue;
    if (perPixel.has(src)) {
      const ratio = perPixel.get(src);
      if (ratio !== null) found.push([img.getAttribute("src"), Math.round(width), hundredths(ratio * width)]);
      continue;
    }
    const holder = document.createElement("div");
    holder.style.cssText = `position:absolute;left:0;top:0;width:${width}px;visibility:hidden`;
    holder.innerHTML = await (await fetch(src)).text();
    document.body.appendChild(holder);
    const svg = holder.querySelector("svg");
    svg.style.width = `${width}px`;
    svg.style.height = "auto";
    let smallest = Infinity, pieces = 0;
    // Matplotlib writes text as glyph paths in a group scaled by fontsize / 100.
    for (const group of svg.querySelectorAll('g[id^="text_"] g[transform*="scale"]')) {
      const m = group.getScreenCTM();
      smallest = Math.min(smallest, Math.hypot(m.a, m.b) * 100);
      pieces += 1;
    }
    holder.remove();
    perPixel.set(src, pieces ? smallest / width : null);
    if (pieces) found.push([img.getAttribute("src"), Math.round(width), hundredths(smallest)]);
  }
  return found;
}"""

# Resolves when every running CSS transition and finite animation of the page has
# finished (the theme fades its colours when the mode changes), after one more frame;
# at most 2 s.
TRANSITIONS_DONE_JS = """async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  await frame();
  const finite = document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity);
  await Promise.race([Promise.all(finite.map((a) => a.finished.catch(() => null))),
                      new Promise((resolve) => setTimeout(resolve, 2000))]);
  await frame();
}"""

OUTPUT_TEXT_JS = """() => Array.from(document.querySelectorAll(".bd-article .cell_output"))
  .map((output) => output.innerText)"""

OVERFLOW_JS = """() => {
  const limit = document.documentElement.clientWidth + 1;
  const scrolls = (element) => ["auto", "scroll"].includes(getComputedStyle(element).overflowX);
  const offenders = [];
  for (const element of document.querySelectorAll(".bd-article *")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit) continue;
    // Contained if some ancestor that scrolls sideways itself fits in the page.
    let holder = element.parentElement;
    while (holder && !(scrolls(holder) && holder.getBoundingClientRect().right <= limit)) {
      holder = holder.parentElement;
    }
    if (holder) continue;
    const name = element.tagName.toLowerCase() + (element.className && element.className.baseVal
      === undefined ? "." + String(element.className).trim().split(/\\s+/).join(".") : "");
    offenders.push(`${name} (right edge ${Math.round(box.right)} px): `
      + (element.textContent || "").trim().slice(0, 60));
  }
  return {offenders: offenders.slice(0, 10),
          pageScrollsSideways: document.documentElement.scrollWidth > limit};
}"""

# The code blocks of the page, cell outputs included, and the longest line of each one
# that scrolls sideways: the reader would lose the end of that line.
WIDE_CODE_JS = """() => {
  const blocks = Array.from(document.querySelectorAll(".bd-article div.highlight pre"));
  const longest = (pre) => pre.innerText.split("\\n")
    .reduce((a, b) => (b.length > a.length ? b : a), "");
  return {blocks: blocks.length,
          scrolling: blocks.filter((pre) => pre.scrollWidth > pre.clientWidth + 1)
            .map((pre) => `${longest(pre).length} characters: ${longest(pre).trim().slice(0, 70)}`)};
}"""

MARK_CODE_LOOKS_JS = """([code, mark, skip]) => {
  const backdrop = (element) => {
    for (; element; element = element.parentElement) {
      const colour = getComputedStyle(element).backgroundColor;
      if (colour !== "rgba(0, 0, 0, 0)" && colour !== "transparent") return colour;
    }
    return "none";
  };
  const looks = new Set();
  for (const block of document.querySelectorAll(`${code} pre`)) {
    let sampled = false;
    for (const element of [block, ...block.querySelectorAll("*")]) {
      element.removeAttribute(mark);
      const text = Array.from(element.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!text) continue;
      const s = getComputedStyle(element);
      const look = [s.color, s.fontWeight, s.fontSize, s.opacity, backdrop(element)].join("|");
      if (looks.has(look)) continue;
      looks.add(look);
      element.setAttribute(mark, "");
      sampled = true;
    }
    // A block without a kept token is left out whole: one node for axe to skip, not hundreds.
    if (sampled) block.removeAttribute(skip); else block.setAttribute(skip, "");
  }
  return looks.size;
}"""

COLOURS_JS = """() => [getComputedStyle(document.body).backgroundColor,
                      getComputedStyle(document.querySelector(".bd-article")).color]"""

FIGURE_STYLE_JS = """(img, cards) => {
  const s = getComputedStyle(img);
  const kind = Object.keys(cards).find((k) => img.matches(cards[k])) || null;
  return {src: img.getAttribute("src"), kind, style: [s.filter, s.backgroundColor]};
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
class Readable:
    """What tests/site/test_readable.py measures at one width."""

    figures: list[list] = field(default_factory=list)  # [src, width px, smallest text px]
    outputs: list[str] = field(default_factory=list)
    overflow: dict = field(default_factory=dict)
    code: dict = field(default_factory=dict)  # {"blocks": n, "scrolling": [longest lines]}


@dataclass
class DarkFigure:
    """One picture of the page's content, seen in dark mode."""

    src: str
    kind: str | None  # "figure", "thumb" (must sit on a white card) or None
    style: list[str]  # computed [filter, background-color]
    shade: float  # background luminance of its screenshot
    ratio: float  # ink contrast of its screenshot


@dataclass
class DarkReport:
    """The page after the reader switched the theme to dark."""

    theme: str | None = None
    colours: list[str] = field(default_factory=list)  # body background, article text
    contrast_violations: list[dict] = field(default_factory=list)
    figures: list[DarkFigure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Solution:
    """One exercise solution: folded before its toggle is clicked, shown after."""

    shown_before: bool
    expanded_before: str | None
    shown_after: bool
    expanded_after: str | None


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
    search_fields: int = 0
    readable: Readable = field(default_factory=Readable)  # at desktop width (1280 px)
    phone: Readable = field(default_factory=Readable)  # at phone width (390 px)
    axe_violations: list[dict] = field(default_factory=list)
    dark: DarkReport = field(default_factory=DarkReport)
    solutions: list[Solution] = field(default_factory=list)
    solution_problems: list[str] = field(default_factory=list)  # logged while they were opened

    @property
    def broken_images(self) -> list[str]:
        return [src for src, width in self.images if width <= 0]

    def bytes_transferred(self, *, mathjax: bool) -> int:
        """Bytes over the wire, with or without the self-hosted MathJax."""
        return sum(t.transferred for t in self.transfers if mathjax or not t.is_mathjax)


def inspect(browser: Browser, base_url: str, page_path: str, *, book_page: bool = True) -> PageReport:
    """Visit ``page_path`` with the network cut off and record what happened (steps 1-3 above).

    Steps 2 and 3 are for the book's own pages (``book_page``), not Sphinx's search and index.
    """
    report = PageReport(page_path)
    with open_page(browser, base_url + page_path) as (page, log):
        report.images = [tuple(item) for item in page.evaluate(IMAGES_JS)]
        math = page.evaluate(MATH_JS)
        report.math_count = math["count"]
        report.mathjax_containers = math["containers"]
        report.unrendered_math = math["unrendered"]
        report.raw_tex = math["raw"]
        report.search_fields = page.locator(SEARCH_FIELDS).count()
        if page.locator(ACTIVITY).count():
            page.locator(f"{ACTIVITY}.vega-activity-ready").first.wait_for(timeout=60_000)
        report.problems = log.problems()
        report.transfers = [_transfer(base_url, response) for response in log.responses]
        report.readable = measure_readable(page)
        if book_page:
            report.phone = measure_readable(page, width=VIEWPORTS["phone"])
        report.axe_violations = all_violations(page)
        if not book_page:
            return report
        # Axe fetches the theme's imported stylesheets by a wrong path (for its CSS rules):
        # what it logs is not the reader's, so the dark-mode step starts a new count.
        seen = len(log.problems())
        report.dark = inspect_dark(page)
        report.dark.problems = log.problems()[seen:]
        seen = len(log.problems())
        report.solutions = [open_solution(page, index) for index in range(page.locator(SOLUTION).count())]
        report.solution_problems = log.problems()[seen:]
    return report


def measure_readable(page: Page, width: int | None = None) -> Readable:
    """The readability measurements, at the page's width or, for a while, at ``width`` px.

    The page is laid out again at the new width by its own CSS, as when a reader turns a
    phone; nothing on these pages is laid out by script at load (MathJax 3 breaks no lines).
    The theme slides its sidebar in or out for a quarter of a second after a resize, so
    each width is measured, and the page handed back, once the transitions have ended.
    """
    if width is None:
        return Readable(figures=page.evaluate(FIGURE_TEXT_JS), outputs=page.evaluate(OUTPUT_TEXT_JS),
                        overflow=page.evaluate(OVERFLOW_JS), code=page.evaluate(WIDE_CODE_JS))
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": before["height"]})
    try:
        page.evaluate(TRANSITIONS_DONE_JS)
        return measure_readable(page)
    finally:
        page.set_viewport_size(before)
        page.evaluate(TRANSITIONS_DONE_JS)


def switch_to_dark(page: Page) -> None:
    """Click the theme's colour-mode button until the page is dark (it cycles modes)."""
    button = page.locator(".theme-switch-button:visible").first
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == "dark":
            break
        button.click()
    # Move away so the button's tooltip fades out (axe would catch it half-transparent).
    page.mouse.move(0, page.viewport_size["height"] - 1)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.wait_for_selector(".tooltip", state="detached")
    page.evaluate(TRANSITIONS_DONE_JS)  # let the theme's colour transitions finish


def inspect_dark(page: Page) -> DarkReport:
    """Dark mode, from the page's own button: its colours, contrast and figures."""
    switch_to_dark(page)
    dark = DarkReport(theme=page.evaluate("document.documentElement.dataset.theme"))
    if dark.theme != "dark":
        return dark
    dark.colours = page.evaluate(COLOURS_JS)
    dark.contrast_violations = contrast_violations(page)
    images = page.locator(FIGURES)
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        image.evaluate("el => el.decode()")
        seen = image.evaluate(FIGURE_STYLE_JS, CARDS)
        shade, ratio = figure_contrast(image.screenshot())
        dark.figures.append(DarkFigure(seen["src"], seen["kind"], seen["style"], shade, ratio))
    return dark


def open_solution(page: Page, index: int) -> Solution:
    """Look at solution ``index`` before and after a click on its toggle."""
    solution = page.locator(SOLUTION).nth(index)
    body = solution.locator(":scope > :not(.admonition-title)").first
    toggle = solution.locator("button.toggle-button")
    solution.scroll_into_view_if_needed()
    shown_before, expanded_before = body.is_visible(), toggle.get_attribute("aria-expanded")
    toggle.click()
    try:
        body.wait_for(state="visible", timeout=5_000)
    except Error:
        pass  # recorded as not shown; the test says so
    return Solution(shown_before, expanded_before, body.is_visible(), toggle.get_attribute("aria-expanded"))


def blocking_violations(page: Page, rules: list[str] | None = None, *,
                        skip: list[str] | None = None, context: dict | None = None) -> list[dict]:
    """Axe-core's critical and serious violations on the page (optionally, some rules only,
    or all but ``skip``; in ``context``, axe's include/exclude selectors)."""
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    if skip:
        options["rules"] = {rule: {"enabled": False} for rule in skip}
    results = Axe().run(page, context=context, options=options)
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


def all_violations(page: Page) -> list[dict]:
    """Every axe-core rule on the whole page; colour contrast as ``contrast_violations`` checks it.

    Leaving the code tokens out (by axe's ``exclude``) is what makes the contrast rule
    affordable, and what would make other rules slow: axe matches each element against the
    excluded ones. So the other rules run on everything, and the contrast rule on its own.
    """
    return blocking_violations(page, skip=["color-contrast"]) + contrast_violations(page)


def contrast_violations(page: Page) -> list[dict]:
    """Axe-core's colour-contrast rule on the page, each look of a code token checked once.

    The rule takes most of axe's time, mostly on code: a chapter's code cells are thousands
    of highlighted tokens in a dozen looks. One token of each look (colour, weight, size,
    opacity and the background behind it: all the rule depends on) is kept and the other
    tokens are left out; the rest of the page is checked as usual.
    """
    return blocking_violations(page, ["color-contrast"], context=code_samples_only(page))


def code_samples_only(page: Page) -> dict:
    """Axe's context: the page without the code tokens that look like a kept one (and without
    the code blocks that hold no kept token, each left out as one element)."""
    page.evaluate(MARK_CODE_LOOKS_JS, [CODE, CODE_SAMPLE, CODE_UNSAMPLED])
    return {"exclude": [[f"{CODE} pre[{CODE_UNSAMPLED}]"],
                        [f"{CODE} pre:not([{CODE_UNSAMPLED}]) span:not([{CODE_SAMPLE}])"]]}


def _transfer(base_url: str, response: Response) -> Transfer:
    path = response.url.removeprefix(base_url).split("?")[0]
    try:
        sizes = response.request.sizes()
        transferred = sizes["responseBodySize"] + sizes["responseHeadersSize"]
    except Error:  # a response that never completed counts as nothing transferred
        transferred = 0
    return Transfer(path, transferred)
