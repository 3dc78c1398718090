"""What a reader notebook must show once JupyterLab has opened it, compared with the site page.

:func:`rendered_cells` reads every cell as JupyterLab renders it (markdown as
rendered HTML text, by the notebook's own renderer and typesetter; the collapsed state of
each cell). :func:`site_page` reads
what the built page shows: its glued values, its figure and exercise numbers.
The ``check_*`` functions compare the two and return a list of problems.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from playwright.sync_api import Page

# Raw MyST that must never reach a reader: roles, directive fences, (label)= targets.
MYST_LEFTOVERS = re.compile(r"\{glue|\{term|\{numref|\{doc\}|\{ref\}|\{cite|```|^\(\S+\)=\s*$", re.M)
# The same in a markdown source, where a plain ```bash code block is fine but a directive is not.
MYST_IN_SOURCE = re.compile(r"\{glue|\{term|\{numref|\{doc\}|\{ref\}|\{cite|^ *(`{3,}|:{3,})\{|^\(\S+\)=\s*$", re.M)
ANSWER, SOLUTION = "answer", "solution"
_EXERCISE = re.compile(r"^(Exercise \d+(?:\.\d+)*)\b")

# Each markdown cell's source, rendered by the notebook's own markdown renderer and MathJax
# typesetter (its rendermime registry: what a markdown cell uses when it comes into view),
# in a node of the page, and read as text. JupyterLab renders only the cells in view;
# scrolling to each one in turn read the same text (on every cell of chapter 5) for some
# 4 s of the browser's time per chapter.
_RENDERED = """async () => {
  const notebook = window.jupyterapp.shell.currentWidget.content;
  const rendermime = notebook.rendermime;
  const cells = [];
  for (const cell of notebook.widgets) {
    const type = cell.model.type;
    const source = cell.model.sharedModel.getSource();
    let text = null;
    if (type === 'markdown' && !cell.inputHidden) {
      const renderer = rendermime.createRenderer('text/markdown');
      document.body.appendChild(renderer.node);
      try {
        await renderer.renderModel({trusted: false, data: {'text/markdown': source},
                                    metadata: {}, setData() {}});
        if (rendermime.latexTypesetter) await rendermime.latexTypesetter.typeset(renderer.node);
        if (renderer.node.innerText.trim()) text = renderer.node.innerText;
      } finally {
        renderer.dispose();
        renderer.node.remove();
      }
    }
    cells.push({type, text, tags: cell.model.getMetadata('tags') || [], source,
                inputHidden: cell.inputHidden, outputHidden: type === 'code' ? cell.outputHidden : null});
  }
  return cells;
}"""


def rendered_cells(page: Page) -> list[dict[str, Any]]:
    """Every cell of the open notebook, with its rendered markdown text and collapsed state."""
    return page.evaluate(_RENDERED)


@dataclass
class SitePage:
    """What the built HTML page of a chapter shows."""

    glued: list[str]
    exercises: list[str]
    figures: list[str]


def site_page(html_file: Path) -> SitePage:
    """Read the glued values and the numbered exercises and figures of a built page."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    main = soup.find("main") or soup
    glued = [span.get_text() for span in main.select("span.pasted-text")]
    exercises = [" ".join(div.select_one(".caption-number").get_text().split())
                 for div in main.select("div.exercise") if div.select_one(".caption-number")]
    figures = [" ".join(span.get_text().split()) for span in main.select("figure .caption-number")]
    return SitePage(glued, exercises, figures)


def prose(cells: list[dict[str, Any]]) -> str:
    """The notebook's prose: rendered markdown, and the source of collapsed (solution) markdown."""
    parts = [cell["text"] if cell["text"] is not None else cell["source"]
             for cell in cells if cell["type"] == "markdown"]
    return " ".join(" ".join(parts).split())


def check_no_myst(cells: list[dict[str, Any]]) -> list[str]:
    """No rendered markdown cell shows raw MyST."""
    problems = []
    for index, cell in enumerate(cells):
        if cell["type"] == "markdown" and not cell["inputHidden"]:
            if cell["text"] is None:
                problems.append(f"markdown cell {index} did not render")
            elif found := MYST_LEFTOVERS.search(cell["text"]):
                problems.append(f"markdown cell {index} shows raw MyST {found.group(0)!r}")
    return problems


def check_glued_values(cells: list[dict[str, Any]], site: SitePage) -> list[str]:
    """Every value the site page pastes into its prose appears in the notebook's prose."""
    text = prose(cells)
    return [f"glued value {value!r} of the site is missing" for value in site.glued
            if " ".join(value.split()) not in text]


def check_numbers(cells: list[dict[str, Any]], site: SitePage) -> list[str]:
    """Exercises and figure captions carry the site's numbers, in the site's order."""
    problems = []
    exercises = [m.group(1) for cell in cells if cell["type"] == "markdown"
                 if (m := _EXERCISE.match((cell["text"] or "").strip()))]
    if exercises != site.exercises:
        problems.append(f"exercises {exercises} but the site numbers {site.exercises}")
    words = {number.rsplit(" ", 1)[0] for number in site.figures} or {"Fig.", "Figure"}
    caption = re.compile(rf"^((?:{'|'.join(map(re.escape, words))}) \d+(?:\.\d+)*)\.\s")
    figures = [m.group(1) for cell in cells if cell["type"] == "markdown"
               if (m := caption.match((cell["text"] or "").strip()))]
    if figures != site.figures:
        problems.append(f"figure captions {figures} but the site numbers {site.figures}")
    return problems


def check_exercise_layout(cells: list[dict[str, Any]]) -> list[str]:
    """Each exercise is followed by an empty answer cell; every solution cell is collapsed."""
    problems = []
    for index, cell in enumerate(cells):
        if cell["type"] == "markdown" and _EXERCISE.match((cell["text"] or "").strip()):
            after = cells[index + 1] if index + 1 < len(cells) else None
            empty = after is not None and after["type"] == "code" and all(
                not line.strip() or line.lstrip().startswith("#") for line in after["source"].split("\n"))
            if not empty:
                problems.append(f"exercise in cell {index} is not followed by an empty answer cell")
        if SOLUTION in cell["tags"] and cell["type"] == "code":
            if not (cell["inputHidden"] and cell["outputHidden"]):
                problems.append(f"solution cell {index} is not collapsed")
        elif SOLUTION in cell["tags"] and not cell["inputHidden"] and not cell["source"].startswith("**Solution"):
            problems.append(f"solution cell {index} is not collapsed")
    return problems
