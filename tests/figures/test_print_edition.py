"""The PDF's structure as on the website (book/_ext/citable/latex.py), checked on small
LaTeX and doctree inputs; `make pdf` checks the real PDF (tools/check_pdf.py)."""

from __future__ import annotations

import sys

import pytest
from docutils import nodes
from sphinx import addnodes

from _figsite import ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
sys.path.insert(0, str(ROOT))
from citable.latex import match_the_website, toc_parts  # noqa: E402
from tools.check_pdf import exercise_problems, figure_problems, solution_problems  # noqa: E402,E501

TEX = ("\\sphinxtableofcontents\n\\part{Preface}\n\\chapter{Preface}\n\\chapter{Run it}\n"
       "\\part{Part I: Basics}\n\\chapter{One}\n\\part{Part II: More}\n\\chapter{Six}\n"
       "\\part{Appendix}\n\\chapter{Glossary}\n")


def test_front_matter_is_unnumbered_parts_keep_their_names_and_numbering_runs_on() -> None:
    out = match_the_website(TEX, ["Part I: Basics", "Part II: More"], ["Preface"], ["Appendix"])
    assert "\\part{" not in out, "numbered \\part headings would print 'Part II' for Part I"
    assert "\\part*{Part I: Basics}\\addcontentsline{toc}{part}{Part I: Basics}" in out
    assert "\\part*{Preface}" not in out
    front, main, back = (out.index(s) for s in ("\\chapter{Preface}", "\\chapter{One}",
                                                "\\chapter{Glossary}"))
    off, on = "\\setcounter{secnumdepth}{-1}", "\\setcounter{secnumdepth}{\\value{citablesecnumdepth}}"
    assert out.rindex(off, 0, front) < front
    assert out.rindex(on, 0, main) > out.rindex(off, 0, main), "Part I's chapters are numbered"
    between = out[out.index("\\chapter{One}"):out.index("\\chapter{Six}")]
    assert on not in between and off not in between, "numbering runs on across parts"
    assert out.rindex(off, 0, back) > out.index("\\chapter{Six}"), "the appendix is unnumbered"


def test_a_missing_part_is_an_error() -> None:
    with pytest.raises(ValueError, match="no part 'Part III'"):
        match_the_website(TEX, ["Part III"], [], [])


def test_the_parts_of_toc_yml_are_read_in_order() -> None:
    numbered, front, back = toc_parts(ROOT)
    assert numbered and all(c.startswith("Part ") for c in numbered)
    assert front == ["Preface"] and back == ["Appendix"]


def test_solutions_move_to_the_end_of_their_chapter() -> None:
    from sphinx_exercise.nodes import solution_node

    from citable import latex

    doc = nodes.document(None, None)
    chapters = []
    for name in ("a", "b"):
        start = addnodes.start_of_file(docname=f"book/{name}")
        section = nodes.section(ids=[name])
        section += nodes.title("", name)
        section += nodes.paragraph("", "exercise")
        section += solution_node("", nodes.paragraph("", f"solution {name}"))
        section += nodes.paragraph("", "after")
        page = nodes.document(None, None)  # as Sphinx inlines a page: children set directly,
        page += nodes.compound("", section) if name == "b" else section  # no parent link
        start.children = [page]
        doc += start
        chapters.append(section)

    class App:
        class builder:
            format = "latex"

    latex.solutions_at_chapter_end(App, doc, "root")
    for name, section in zip("ab", chapters):
        last = section.children[-1]
        assert isinstance(last, nodes.section) and last.astext().startswith("Solutions")
        assert last.astext().endswith(f"solution {name}")
        assert section.children[-2].astext() == "after"


def test_pdf_checks_catch_a_renumbered_figure_and_a_missing_exercise() -> None:
    figures = {"fig-a": {"number": "1.2", "caption": "The simulated data and the line."}}
    assert figure_problems("Fig. 1.2: The simulated data and the line.", figures) == []
    wrong = figure_problems("Fig. 3.2: The simulated data and the line.", figures)
    assert wrong == ["fig-a is Fig. 3.2 in the PDF but Fig. 1.2 on the website"]
    assert exercise_problems("Exercise 1.2 (x)", {"ex-a": "1.2"}) == []
    assert exercise_problems("Exercise 1.5.1 (x)", {"ex-a": "1.2"})[0].startswith("exercise ex-a")
    assert solution_problems("Exercise 1.2 (x) Solution to Exercise 1.2 (x)", {"e": "1.2"})
    assert solution_problems("Exercise 1.2 (x) text Solutions to the exercises "
                             "Solution to Exercise 1.2 (x)", {"e": "1.2"}) == []
