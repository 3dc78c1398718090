"""Check the PDF that `make pdf` built against the website (run by `make pdf`).

- Every figure's number in the PDF text ("Fig. 1.2: <caption>") equals its number on the
  website, and every exercise number of the website appears in the PDF, with its solution
  in a "Solutions to the exercises" section after it (not right under the exercise).
  The website's numbers come from ``_build/latex/web-numbers.json``, which the LaTeX
  build writes with the website's numbering (book/_ext/citable/latex.py); when a built
  site is present, its ``figures/figures.json`` must agree with that file too.
- No image in the PDF is below 300 dpi (as placed on the page), and there is one per figure.
- No link target contains ``%`` (a LaTeX-internal address that leaked into a URL).

Needs poppler-utils (pdftotext, pdfimages, pdfinfo), which `make pdf` installs.
Exits 1 with one line per problem.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

MIN_DPI = 300
#: pdfimages rounds to whole pixels per inch; a 300-dpi image placed at its natural size
#: may read as 299.
DPI_TOLERANCE = 2


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, text=True, capture_output=True,
                          errors="replace").stdout


def pdf_text(pdf: Path) -> str:
    """The PDF's text, with whitespace and hyphenation line breaks folded."""
    text = _run("pdftotext", "-enc", "UTF-8", str(pdf), "-")
    text = re.sub(r"-\n(?=[a-z])", "", text)
    return " ".join(text.split())


def _words(caption: str, n: int = 6) -> str | None:
    """A regex for the caption's first plain words (up to the first math or symbol)."""
    words = re.match(r"[A-Za-z][A-Za-z ,'-]*", caption)
    plain = words[0].split()[:n] if words else []
    if len(plain) < 2:
        return None
    return r"\s*".join(re.escape(w) for w in plain)


def figure_problems(text: str, figures: dict[str, dict]) -> list[str]:
    problems = []
    for name, fig in figures.items():
        words = _words(fig["caption"])
        if words is None:
            continue
        found = set(re.findall(r"Fig\.\s*(\d+(?:\.\d+)*)\s*:?\s*" + words, text))
        if not found:
            problems.append(f"{name}: no caption 'Fig. {fig['number']}: {fig['caption'][:40]}...'"
                            " in the PDF")
        elif found != {fig["number"]}:
            problems.append(f"{name} is Fig. {', '.join(sorted(found))} in the PDF "
                            f"but Fig. {fig['number']} on the website")
    checked = sum(_words(f["caption"]) is not None for f in figures.values())
    if checked < max(1, len(figures) // 2):
        problems.append(f"only {checked} of {len(figures)} figures could be found by caption")
    return problems


def exercise_problems(text: str, exercises: dict[str, str]) -> list[str]:
    in_pdf = set(re.findall(r"Exercise (\d+\.\d+(?:\.\d+)*)", text))
    problems = [f"exercise {label} is Exercise {number} on the website but not in the PDF"
                for label, number in exercises.items() if number not in in_pdf]
    extra = in_pdf - set(exercises.values())
    if extra:
        problems.append(f"the PDF has exercise numbers the website has not: {sorted(extra)}")
    return problems


def solution_problems(text: str, exercises: dict[str, str]) -> list[str]:
    """Each solution sits in its chapter's "Solutions to the exercises", not under the exercise."""
    problems = []
    for number in sorted(set(exercises.values())):
        exercise = re.search(rf"(?<!Solution to )Exercise {re.escape(number)} ", text)
        solution = text.find(f"Solution to Exercise {number} ")
        if exercise is None or solution < 0:
            continue  # a missing exercise is reported by exercise_problems
        if "Solutions to the exercises" not in text[exercise.end():solution]:
            problems.append(f"the solution of Exercise {number} is not in a Solutions section "
                            "after the exercise")
    return problems


def image_problems(pdf: Path, n_figures: int) -> list[str]:
    """Every image at least MIN_DPI as placed (soft masks excluded)."""
    lines = _run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    problems, images = [], 0
    for line in lines:
        cols = line.split()
        page, kind, x_ppi, y_ppi = cols[0], cols[2], cols[12], cols[13]
        if kind != "image":
            continue
        images += 1
        low = min(float(x_ppi), float(y_ppi))
        if low < MIN_DPI - DPI_TOLERANCE:
            problems.append(f"an image on page {page} is {low:.0f} dpi (below {MIN_DPI})")
    if images < n_figures:
        problems.append(f"the PDF holds {images} images for {n_figures} figures")
    return problems


def link_problems(pdf: Path) -> list[str]:
    urls = [line.split(maxsplit=2)[-1] for line in _run("pdfinfo", "-url", str(pdf)).splitlines()[1:]
            if line.strip()]
    problems = [f"a link target contains '%': {url}" for url in urls if "%" in url]
    return problems


def site_problems(numbers: dict, manifest: Path) -> list[str]:
    """The built website's figure numbers must be the ones the LaTeX build worked out."""
    if not manifest.is_file():
        return []
    site = {f["name"]: f["number"] for f in json.loads(manifest.read_text("utf-8"))["figures"]}
    latex = {name: fig["number"] for name, fig in numbers["figures"].items()}
    if site != latex:
        diff = sorted(set(site.items()) ^ set(latex.items()))
        return [f"the website ({manifest}) and the PDF build number figures differently: {diff}"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--numbers", type=Path, default=Path("_build/latex/web-numbers.json"))
    parser.add_argument("--site", type=Path, default=Path("_build/html/figures/figures.json"))
    args = parser.parse_args(argv)
    numbers = json.loads(args.numbers.read_text(encoding="utf-8"))
    text = pdf_text(args.pdf)
    problems = (site_problems(numbers, args.site)
                + figure_problems(text, numbers["figures"])
                + exercise_problems(text, numbers["exercises"])
                + solution_problems(text, numbers["exercises"])
                + image_problems(args.pdf, len(numbers["figures"]))
                + link_problems(args.pdf))
    for problem in problems:
        print(f"check_pdf: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_pdf: {args.pdf}: {len(numbers['figures'])} figures and "
          f"{len(numbers['exercises'])} exercises numbered as on the website; every image at "
          f"least {MIN_DPI} dpi; no link target with '%'.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
