"""Tables of the "Teach with this book" page, made from the book itself so they never drift.

Three directives, used in book/appendix/teaching.md:

- ``{teaching-chapters}``: every chapter of the numbered parts of ``_toc.yml``, with its
  execution time in this build (myst-nb's execution data, the numbers of the build-status
  page) and its exercises, each with the ``dl_workshop.exercises`` checker it names;
- ``{teaching-plan}`` with ``:weeks: N``: the chapters, in reading order, spread over N weeks;
- ``{nbgitpuller-link}``: the nbgitpuller URL of a chapter on a course's JupyterHub, as a
  template and as an example, from the repository and launch settings of ``_config.yml``.

The execution times exist only once every chapter has run, after this page is read, so
the directive leaves placeholders that a post-transform fills in (as myst-nb's own
``nb-exec-table`` does), and the page is written again whenever a chapter re-executes.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from docutils import nodes
from docutils.parsers.rst import directives
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_external_toc.parsing import parse_toc_yaml

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[2]
HAS_TABLE = "has_teaching_table"
EXAMPLE_HUB = "https://hub.example.edu"

# A fenced exercise directive (``` or :::), its options and its body, up to the closing fence.
_EXERCISE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{exercise\}[ \t]*(?P<title>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)
_CHECKER = re.compile(r"\bcheck_\w+")


@dataclass(frozen=True)
class Exercise:
    """An exercise of a chapter: its title and the checkers its statement names."""

    title: str
    checkers: tuple[str, ...]


@dataclass(frozen=True)
class Chapter:
    """A chapter of a numbered part of ``_toc.yml``."""

    docname: str
    part: str


def chapters(root: Path = ROOT) -> list[Chapter]:
    """Return the chapters of the numbered parts of ``_toc.yml``, in reading order.

    The preface and the appendix are unnumbered parts; the book's teaching content is
    exactly the numbered ones (Part I, Part II, ...).
    """
    site_map = parse_toc_yaml(root / "_toc.yml")
    found = []
    for subtree in site_map.root.subtrees:
        if subtree.numbered:
            found.extend(Chapter(docname, subtree.caption or "") for docname in subtree.files())
    return found


def exercises(source: str) -> list[Exercise]:
    """Return the exercises of a chapter's MyST source, with the checkers each one names."""
    found = []
    for match in _EXERCISE.finditer(source):
        checkers = tuple(dict.fromkeys(_CHECKER.findall(match["body"])))
        found.append(Exercise(match["title"].strip(), checkers))
    return found


def weekly_plan(items: list[Any], weeks: int) -> list[list[tuple[Any, bool]]]:
    """Spread ``items`` in order over ``weeks``; each week lists ``(item, continued)`` pairs.

    With fewer weeks than items, consecutive items share a week; with more, an item spans
    consecutive weeks and ``continued`` is True after its first. No week is empty.

    >>> weekly_plan(["a", "b", "c"], 2)
    [[('a', False), ('b', False)], [('c', False)]]
    >>> weekly_plan(["a", "b"], 3)
    [[('a', False)], [('a', True)], [('b', False)]]
    """
    if weeks < 1 or not items:
        raise ValueError(f"weekly_plan needs weeks >= 1 and at least one item, got weeks={weeks}, {len(items)} items")
    count = len(items)
    plan: list[list[tuple[Any, bool]]] = [[] for _ in range(weeks)]
    if weeks <= count:
        for index, item in enumerate(items):
            plan[index * weeks // count].append((item, False))
    else:
        for week in range(weeks):
            index = week * count // weeks
            plan[week].append((items[index], week > 0 and (week - 1) * count // weeks == index))
    return plan


def nbgitpuller_url(hub: str, repository_url: str, branch: str, notebook: str) -> str:
    """The link that pulls ``branch`` into ``~/{repository name}`` on ``hub`` and opens ``notebook`` in JupyterLab.

    It is the link that sphinx-book-theme's JupyterHub button carries, once
    book/_ext/colab_links.py has pointed it at the published notebooks.

    >>> nbgitpuller_url("https://h", "https://github.com/o/r", "nb", "book/a.ipynb")
    'https://h/hub/user-redirect/git-pull?repo=https%3A//github.com/o/r&urlpath=lab/tree/r/book/a.ipynb&branch=nb'
    """
    name = repository_url.rstrip("/").rsplit("/", 1)[-1]
    query = urlencode({"repo": repository_url, "urlpath": f"lab/tree/{name}/{notebook}", "branch": branch}, safe="/")
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


class RunTimeNode(nodes.General, nodes.Inline, nodes.Element):
    """Placeholder for a chapter's execution time, filled in once every chapter has run."""


def _doc_link(refdoc: str, docname: str) -> nodes.paragraph:
    """A paragraph holding a link to ``docname``, titled with the page's title."""
    link = pending_xref(refdoc=refdoc, reftarget=f"/{docname}", reftype="doc", refdomain="std",
                        refexplicit=False, refwarn=True)
    link += nodes.inline(text=docname)
    return nodes.paragraph("", "", link)


def _table(header: list[str], rows: list[list[nodes.Node]]) -> nodes.table:
    table = nodes.table(classes=["colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in header)
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph(text=text)) for text in header))
    body = nodes.tbody()
    for row in rows:
        body += nodes.row("", *(nodes.entry("", cell) for cell in row))
    group += head
    group += body
    return table


class _TeachingDirective(SphinxDirective):
    def chapters(self) -> list[Chapter]:
        self.env.note_dependency(str(ROOT / "_toc.yml"))
        found = chapters(ROOT)
        if not found:
            raise self.error("_toc.yml has no numbered part with chapters")
        return found


class TeachingChapters(_TeachingDirective):
    """Every chapter with its execution time, exercises and checkers."""

    def run(self) -> list[nodes.Node]:
        NbMetadataCollector.set_doc_data(self.env, self.env.docname, HAS_TABLE, True)
        module = importlib.import_module("dl_workshop.exercises")
        rows = []
        for chapter in self.chapters():
            path = ROOT / f"{chapter.docname}.md"
            self.env.note_dependency(str(path))
            found = exercises(path.read_text(encoding="utf-8"))
            items = nodes.bullet_list()
            for exercise in found:
                paragraph = nodes.paragraph(text=exercise.title)
                for checker in exercise.checkers:
                    if not hasattr(module, checker):
                        LOGGER.warning(f"{chapter.docname}: exercise {exercise.title!r} names {checker}, "
                                       "which dl_workshop.exercises does not define", location=self.get_location())
                    paragraph += nodes.Text(", checked by ")
                    paragraph += nodes.literal(text=f"exercises.{checker}")
                if not exercise.checkers:
                    paragraph += nodes.Text(" (no checker)")
                items += nodes.list_item("", paragraph)
            exercise_cell = items if found else nodes.paragraph(text="none")
            rows.append([nodes.paragraph(text=chapter.part), _doc_link(self.env.docname, chapter.docname),
                         nodes.paragraph("", "", RunTimeNode(docname=chapter.docname)), exercise_cell])
        return [_table(["Part", "Chapter", "Run time (s)", "Exercises"], rows)]


class TeachingPlan(_TeachingDirective):
    """The chapters spread over ``:weeks:`` weeks, in reading order."""

    option_spec = {"weeks": directives.positive_int}

    def run(self) -> list[nodes.Node]:
        if "weeks" not in self.options:
            raise self.error("teaching-plan needs a :weeks: option")
        rows = []
        for number, week in enumerate(weekly_plan(self.chapters(), self.options["weeks"]), start=1):
            cell = nodes.bullet_list()
            for chapter, continued in week:
                paragraph = _doc_link(self.env.docname, chapter.docname)
                paragraph += nodes.Text(" (continued: exercises and practice)" if continued else "")
                cell += nodes.list_item("", paragraph)
            parts = ", ".join(dict.fromkeys(chapter.part for chapter, _ in week))
            rows.append([nodes.paragraph(text=str(number)), nodes.paragraph(text=parts), cell])
        return [_table(["Week", "Part", "Chapters"], rows)]


class NbgitpullerLink(_TeachingDirective):
    """The nbgitpuller URL template, and the link of the first chapter on an example hub."""

    def run(self) -> list[nodes.Node]:
        settings = link_settings(self.config)
        _read_with(self.env)[self.env.docname] = settings
        repository_url, branch, hub = settings
        hub = hub or EXAMPLE_HUB
        template = nbgitpuller_url("{hub}", repository_url, branch, "{page}.ipynb")
        template = template.replace("%7B", "{").replace("%7D", "}")
        first = self.chapters()[0].docname
        example = nbgitpuller_url(hub, repository_url, branch, f"{first}.ipynb")
        student = nbgitpuller_url(hub, repository_url, branch, f"student/{first}.ipynb")
        return [
            nodes.paragraph(text="The template ({hub}: your hub's address; {page}: the chapter's path, "
                                 "as in the table above; student/{page} for the student edition):"),
            nodes.literal_block(template, template, classes=["wrap-to-copy"]),
            nodes.paragraph(text=f"The first chapter, reader edition, on {hub}:"),
            nodes.literal_block(example, example, classes=["wrap-to-copy"]),
            nodes.paragraph(text="The same chapter, student edition:"),
            nodes.literal_block(student, student, classes=["wrap-to-copy"]),
        ]


class RunTimePostTransform(SphinxPostTransform):
    """Fill each chapter's execution time in, from the execution data of this build."""

    default_priority = 8  # as myst-nb's execution table: before the references are resolved

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(RunTimeNode)):
            data = NbMetadataCollector.get_exec_data(self.env, node["docname"])
            if not data or data.get("runtime") is None:
                LOGGER.warning(f"no execution time for {node['docname']}: did it run in this build?",
                               location=node)
                text = "unknown"
            else:
                text = f"{data['runtime']:.1f}"
            node.replace_self(nodes.Text(text))


def link_settings(config: Any) -> tuple[str, str, str]:
    """``(repository URL, published branch, JupyterHub URL or "")``: what the link is made of."""
    options = config.html_theme_options
    return (options["repository_url"].rstrip("/"), config.colab_notebooks_branch,
            options.get("launch_buttons", {}).get("jupyterhub_url") or "")


def _read_with(env: Any) -> dict[str, tuple[str, str, str]]:
    """The link settings each page with an nbgitpuller link was read with, by docname."""
    if not hasattr(env, "teaching_link_settings"):
        env.teaching_link_settings = {}
    return env.teaching_link_settings


def _pages_with_old_links(app: Sphinx, env: Any, added: set[str], changed: set[str],
                          removed: set[str]) -> list[str]:
    """Read again the pages whose link was made with other settings. Sphinx itself only
    writes pages again when ``html_theme_options`` changes, whichever config file the
    build was given (``jupyter-book build --config``)."""
    now = link_settings(app.config)
    return [name for name, settings in _read_with(env).items() if settings != now and name not in removed]


def _purge(app: Sphinx, env: Any, docname: str) -> None:
    _read_with(env).pop(docname, None)


def _merge(app: Sphinx, env: Any, docnames: set[str], other: Any) -> None:
    _read_with(env).update({name: _read_with(other)[name] for name in docnames if name in _read_with(other)})


def _pages_with_tables(app: Sphinx, env: Any) -> list[str] | None:
    """When a chapter re-executed, write the pages with the chapters table again."""
    if not NbMetadataCollector.new_exec_data(env):
        return None
    return [name for name, data in NbMetadataCollector.get_doc_data(env).items() if data.get(HAS_TABLE)]


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the three directives and the post-transform."""
    app.add_node(RunTimeNode)
    app.add_directive("teaching-chapters", TeachingChapters)
    app.add_directive("teaching-plan", TeachingPlan)
    app.add_directive("nbgitpuller-link", NbgitpullerLink)
    app.add_post_transform(RunTimePostTransform)
    app.connect("env-updated", _pages_with_tables)
    app.connect("env-get-outdated", _pages_with_old_links)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
