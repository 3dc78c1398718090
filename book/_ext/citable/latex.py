"""The PDF (LaTeX builder) as a print edition of the same book as the website.

- The title page carries the release and the licences (in place of the date).
- The solutions of a chapter's exercises move to a "Solutions" section at the end of the
  chapter, instead of sitting under each exercise (where the web shows them folded).
- The gallery lists every figure by number and page, with no link to the web (the
  web links of the HTML gallery have no meaning in print).
- The LaTeX file is then given the website's structure (:func:`match_the_website`): the
  preface is front matter, unnumbered; each numbered part of ``_toc.yml`` is a part
  titled as on the site, and the appendix is back matter, unnumbered, so chapters,
  figures, equations and exercises carry the same numbers as on the site.
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

from .bookinfo import BookInfo

logger = logging.getLogger(__name__)


def title_page_line(info: BookInfo) -> str:
    """LaTeX for the title page, under the title: release, licences and address."""
    release = (f"Version {info.version}, released {info.release.date}" if info.release.date
               else f"Unreleased version (after {info.version})")
    return (f"{release}\\\\[1ex]\\small Text and figures under "
            f"{info.content_license.name} (\\url{{{info.content_license.url}}}),\\\\ "
            f"code under {info.code_license.name}.\\\\[1ex] \\url{{{info.url}}}")


def _is_solution(node: nodes.Node) -> bool:
    return type(node).__name__ == "solution_node"  # sphinx_exercise.nodes.solution_node


def _own_solutions(node: nodes.Element) -> list[nodes.Element]:
    """Solutions inside ``node`` but not inside a page included within it."""
    found = []
    for child in node.children:
        if isinstance(child, addnodes.start_of_file):
            continue
        if _is_solution(child):
            found.append(child)
        elif isinstance(child, nodes.Element):
            found += _own_solutions(child)
    return found


def solutions_at_chapter_end(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """In the LaTeX build's one big document: each chapter's solutions go to its end.

    A chapter is a ``start_of_file`` node (one per included page; Sphinx does not set
    the parent of the page inside it, so the walk goes down, not up); its solutions
    close its top section, under a section of their own.
    """
    if app.builder.format != "latex":
        return
    for chapter in list(doctree.findall(addnodes.start_of_file)):
        solutions = _own_solutions(chapter)
        if not solutions:
            continue
        top = next(iter(chapter.findall(nodes.section)), None)
        if top is None:
            logger.warning(f"{chapter['docname']}: no section to hold its solutions",
                           type="citable", subtype="latex")
            continue
        box = nodes.section(ids=[f"solutions-{chapter['docname'].replace('/', '-')}"])
        box += nodes.title("", "Solutions to the exercises")
        for solution in solutions:
            solution.parent.remove(solution)
            box += solution
        top += box


def _figure_label(docname: str, name: str) -> str:
    """The label Sphinx's LaTeX writer gives a figure: ``\\detokenize{doc:name}``."""
    return f"\\detokenize{{{docname}:{name}}}"


def gallery_for_print(views: list, info: BookInfo) -> list[nodes.Node]:
    """The gallery in print: each figure's number, page and caption's first sentence."""
    intro = nodes.paragraph("", (
        "Each figure of this book, by number and page. The online edition's gallery "
        "offers each as SVG and 300-dpi PNG files, with a suggested citation, at "))
    intro += nodes.reference("", info.url, refuri=info.url)
    intro += nodes.Text(" (see the chapter Figure gallery there).")
    if not views:
        return [intro, nodes.paragraph("", "This book has no numbered figures yet.")]
    lines = ["\\begin{description}"]
    for view in views:
        label = _figure_label(view.record.docname, view.record.name)
        first = re.split(r"(?<=[.!?])\s", view.citation.caption_latex, maxsplit=1)[0]
        lines.append(f"\\item[{{\\hyperref[{label}]{{Figure~\\ref*{{{label}}}}}}}] "
                     f"(page~\\pageref*{{{label}}}) {first}")
    lines.append("\\end{description}")
    return [intro, nodes.raw("", "\n".join(lines) + "\n", format="latex")]


# --- the LaTeX file: front matter, parts and back matter as on the site -----------------

_PART = re.compile(r"\\part\{(?P<title>[^{}]*)\}")
# The report class (under sphinxmanual) has no \frontmatter: a chapter is unnumbered,
# and steps no counter, while secnumdepth is below 0; it still goes in the contents.
_SAVE_DEPTH = ("\\newcounter{citablesecnumdepth}"
               "\\setcounter{citablesecnumdepth}{\\value{secnumdepth}}\n")
_UNNUMBERED = "\\setcounter{secnumdepth}{-1}\n"
_NUMBERED = "\\setcounter{secnumdepth}{\\value{citablesecnumdepth}}\n"


def match_the_website(tex: str, numbered: list[str], front: list[str],
                      back: list[str]) -> str:
    """Give the LaTeX file the website's structure and numbering.

    ``numbered`` are the captions of the numbered parts; ``front`` and ``back`` those of
    the unnumbered parts before and after them. The chapters of unnumbered parts are
    unnumbered (and count for nothing), those of numbered parts are numbered on from 1
    across parts, as on the site. Each part but the front one gets an unnumbered
    ``\\part*`` with its own caption (so "Part I: ..." is not printed "Part II").
    Raises ``ValueError`` if a part is missing.
    """
    parts = list(_PART.finditer(tex))
    found = [m["title"] for m in parts]
    for title in (*front, *numbered, *back):
        if title not in found:
            raise ValueError(f"the LaTeX file has no part {title!r}; it has {found}")
    out, pos = [], 0
    numbering = None  # None before the first part, then True or False
    for match in parts:
        title = match["title"]
        out.append(tex[pos:match.start()])
        wanted = title in numbered
        if numbering is None:  # remember the document's depth before turning it off
            out.append(_SAVE_DEPTH)
        if wanted != numbering:
            out.append(_NUMBERED if wanted else _UNNUMBERED)
            numbering = wanted
        if title not in front:  # front matter chapters need no part heading
            out.append(f"\\part*{{{title}}}\\addcontentsline{{toc}}{{part}}{{{title}}}")
        pos = match.end()
    out.append(tex[pos:])
    return "".join(out)


def toc_parts(root: Path) -> tuple[list[str], list[str], list[str]]:
    """Captions of ``_toc.yml``'s parts: (numbered, unnumbered before, unnumbered after)."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    numbered, front, back = [], [], []
    for part in toc.get("parts", []):
        caption = part.get("caption", "")
        if part.get("numbered"):
            numbered.append(caption)
        else:
            (back if numbered else front).append(caption)
    return numbered, front, back


def rewrite_tex(app: Sphinx, exception: Exception | None) -> None:
    """After the LaTeX writer: give each ``.tex`` document the website's structure."""
    if exception is not None or app.builder.name != "latex":
        return
    numbered, front, back = toc_parts(Path(app.srcdir))
    for _, target, *_ in app.config.latex_documents:
        path = Path(app.outdir) / target
        tex = path.read_text(encoding="utf-8")
        try:
            path.write_text(match_the_website(tex, numbered, front, back), encoding="utf-8")
        except ValueError as exc:
            logger.warning(f"{path.name}: {exc}", type="citable", subtype="latex")


# --- numbers: the env numbers things as the website does; LaTeX's counters follow -------

def web_numbering(app: Sphinx) -> None:
    """``builder-inited`` (after sphinx-jupyterbook-latex): number as on the website.

    sphinx-jupyterbook-latex sets ``numfig_secnum_depth = 2`` so that LaTeX resets its
    figure counter per chapter; but Sphinx also numbers figures and exercises with that
    setting, as chapter.section.n ("Exercise 1.5.1"), unlike the website's chapter.n.
    The environment therefore numbers with the website's depth, and the LaTeX writer
    gets jupyterbook-latex's value back once reading is over (:func:`latex_counters`).
    """
    if app.builder.format != "latex":
        return
    app.config._citable_latex_depth = app.config.numfig_secnum_depth  # type: ignore[attr-defined]
    app.config.numfig_secnum_depth = 1


def latex_counters(app: Sphinx, env) -> None:
    """``env-check-consistency``: the writer's numfig depth, as jupyterbook-latex chose it."""
    depth = getattr(app.config, "_citable_latex_depth", None)
    if app.builder.format == "latex" and depth is not None:
        app.config.numfig_secnum_depth = depth


def write_web_numbers(app: Sphinx, exception: Exception | None) -> None:
    """``_build/latex/web-numbers.json``: each figure's and exercise's number as the website
    shows it, for ``tools/check_pdf.py`` to compare with the PDF's text."""
    if exception is not None or app.builder.name != "latex":
        return
    import json

    from .collect import build_state
    from .gallery import figure_views

    env = app.env
    views = next(iter(build_state(app).views.values()), None)
    if views is None:
        galleries = sorted(getattr(env, "citable").galleries)
        views = figure_views(app, galleries[0]) if galleries else []
    figures = {v.record.name: {"number": v.number, "docname": v.record.docname,
                               "caption": v.citation.caption} for v in views}
    exercises = {label: ".".join(str(n) for n in number)
                 for doc in sorted(env.toc_fignumbers)
                 for label, number in env.toc_fignumbers[doc].get("exercise", {}).items()}
    path = Path(app.outdir) / "web-numbers.json"
    path.write_text(json.dumps({"figures": figures, "exercises": exercises}, indent=1,
                               sort_keys=True) + "\n", encoding="utf-8")
