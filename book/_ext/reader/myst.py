"""MyST markdown to plain Jupyter markdown, for the reader notebooks.

JupyterLab and Colab render CommonMark with ``$math$``, not MyST. This module
rewrites one markdown cell of a chapter into that dialect: roles become text
(and links to the site), admonitions become block quotes, ``(label)=`` targets
and ``%`` comments go away, and math stays as it is. Exercise and solution
directives are not text: :func:`split_blocks` hands them back as
:class:`Directive` items for :mod:`reader.editions` to lay out as cells.

A role or directive this module does not know is an error naming the file and
line, so that no new MyST construct can reach a notebook raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

# Directives laid out as cells by reader.editions, not converted to text here.
STRUCTURAL = {"exercise", "exercise-start", "exercise-end", "solution", "solution-start", "solution-end"}
ADMONITIONS = {"admonition", "note", "tip", "hint", "important", "warning", "caution",
               "attention", "danger", "error", "seealso"}
PY_ROLES = {"py:func", "py:class", "py:mod", "py:meth", "py:attr", "py:data", "py:obj", "py:exc",
            "func", "class", "mod", "meth", "attr", "data", "obj", "exc"}

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*)$")
_DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.+-]+)\}\s*(?P<args>.*)$")
_TARGET = re.compile(r"^\s*\([\w.:-]+\)=\s*$")
_COMMENT = re.compile(r"^\s*%")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
# A role, or an inline code span (left untouched), or a substitution.
_INLINE = re.compile(
    r"\{(?P<role>[\w:.+-]+)\}(?P<ticks>`+)(?P<content>.+?)(?P=ticks)"
    r"|(?P<code>(?P<codeticks>`+).+?(?P=codeticks))"
    r"|\{\{\s*(?P<sub>[\w.-]+)\s*\}\}",
    re.S,
)
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)


class MystError(ValueError):
    """A MyST construct the reader notebooks cannot render, with the file and line."""


class Site(Protocol):
    """What the conversion asks of the built site. Each returns ``(text, url)`` or text."""

    def glue(self, docname: str, key: str, fmt: str, *, plain: bool) -> str: ...
    def glue_markdown(self, docname: str, key: str) -> str: ...
    def numref(self, docname: str, label: str, title: str | None) -> tuple[str, str]: ...
    def ref(self, docname: str, label: str, title: str | None) -> tuple[str, str]: ...
    def doc(self, docname: str, target: str, title: str | None) -> tuple[str, str]: ...
    def term(self, docname: str, term: str, title: str | None) -> tuple[str, str]: ...
    def cite(self, docname: str, kind: str, keys: str) -> tuple[str, str]: ...
    def py(self, docname: str, kind: str, target: str) -> tuple[str, str]: ...
    def substitution(self, name: str) -> str: ...
    def editions(self) -> list[tuple[str, str, dict[str, str]]]: ...
    def page_url(self, docname: str) -> str: ...


@dataclass
class Directive:
    """A structural directive (exercise, solution...) found in a markdown cell."""

    name: str
    args: str
    options: dict[str, str]
    body: str
    line: int


@dataclass
class Where:
    """The chapter and the line of its source that a piece of text starts at."""

    docname: str
    path: str
    line: int

    def at(self, offset: int) -> Where:
        return Where(self.docname, self.path, self.line + offset)

    def error(self, message: str) -> MystError:
        return MystError(f"{self.path}:{self.line}: {message}")


@dataclass
class Converter:
    """Converts the MyST of one chapter, with the site's numbers, titles and links."""

    site: Site
    known_roles: frozenset[str] = field(default_factory=lambda: frozenset(
        {"glue", "glue:text", "glue:", "glue:md", "numref", "ref", "doc", "term", "cite:t", "cite:p",
         "cite:ps", "cite:ts", "math", "sub", "sup", "abbr", *PY_ROLES}))

    # -- inline ---------------------------------------------------------
    def inline(self, text: str, where: Where) -> str:
        """Replace every role and substitution of ``text``; leave code spans alone."""

        def replace(match: re.Match[str]) -> str:
            if match["code"]:
                return match["code"]
            here = where.at(text.count("\n", 0, match.start()))
            if match["sub"]:
                return self.site.substitution(match["sub"])
            return self.role(match["role"], match["content"], here)

        return _INLINE.sub(replace, text)

    def role(self, name: str, content: str, where: Where) -> str:
        """Render one role as CommonMark."""
        if name not in self.known_roles:
            raise where.error(f"the reader notebooks cannot render the role {{{name}}}`{content}` "
                              f"(add it to book/_ext/reader/myst.py)")
        doc = where.docname
        title, target = _split_explicit(content)
        try:
            if name in {"glue", "glue:", "glue:text"}:
                # As myst-nb reads it: the format spec follows the last colon.
                key, fmt = content.rsplit(":", 1) if name == "glue:text" and ":" in content else (content, "")
                if "::" in key:
                    raise LookupError("a value glued in another page cannot be pasted here; glue it in this page")
                return self.site.glue(doc, key.strip(), fmt, plain=name != "glue:text")
            if name == "glue:md":
                if "::" in content:
                    raise LookupError("a value glued in another page cannot be pasted here; glue it in this page")
                return self.site.glue_markdown(doc, content.strip())
            if name == "math":
                return f"${content}$"
            if name in {"sub", "sup"}:
                return f"<{name}>{content}</{name}>"
            if name == "abbr":
                return title if title is not None else content
            if name == "numref":
                return _link(*self.site.numref(doc, target, title))
            if name == "ref":
                return _link(*self.site.ref(doc, target, title))
            if name == "doc":
                return _link(*self.site.doc(doc, target, title))
            if name == "term":
                return _link(*self.site.term(doc, target, title))
            if name.startswith("cite:"):
                return _link(*self.site.cite(doc, name.split(":", 1)[1], content))
            shown, url = self.site.py(doc, name.removeprefix("py:"), target.lstrip("~"))
            if title is not None:
                shown = title
            elif target.startswith("~"):
                shown = target.rsplit(".", 1)[-1]
            label = shown + ("()" if name.endswith(("func", "meth")) and title is None else "")
            return f"[`{label}`]({url})"
        except LookupError as error:
            raise where.error(f"{{{name}}}`{content}`: {error.args[0] if error.args else error}") from None

    # -- blocks ---------------------------------------------------------
    def split_blocks(self, source: str, where: Where) -> list[str | Directive]:
        """Convert a markdown cell; return text pieces and structural directives, in order."""
        lines = source.split("\n")
        out: list[str | Directive] = []
        text: list[tuple[int, str, bool]] = []  # (line offset, line, verbatim)

        def flush() -> None:
            pieces, run = [], []
            for offset, line, verbatim in text + [(len(lines), "", True)]:
                if not verbatim:
                    run.append((offset, line))
                    continue
                if run:
                    pieces.append(self.inline("\n".join(l for _, l in run), where.at(run[0][0])))
                    run = []
                pieces.append(line)
            converted = "\n".join(pieces[:-1]).strip("\n")
            if converted.strip():
                out.append(converted)
            text.clear()

        index = 0
        while index < len(lines):
            line = lines[index]
            here = where.at(index)
            opened = _FENCE_OPEN.match(line)
            if opened:
                end = _closing(lines, index, opened["fence"])
                if end is None:
                    raise here.error(f"unclosed fence {opened['fence']}")
                body = lines[index + 1 : end]
                directive = _DIRECTIVE_INFO.match(opened["info"].strip())
                if directive is None:  # a plain code block: verbatim
                    text.extend((i, lines[i], True) for i in range(index, end + 1))
                else:
                    options, content, skipped = _options(body)
                    found = Directive(directive["name"], directive["args"].strip(), options,
                                      "\n".join(content), here.line + 1 + skipped)
                    if found.name in STRUCTURAL:
                        flush()
                        out.append(found)
                    else:
                        rendered = self.directive(found, here)
                        text.extend((index, piece, True) for piece in rendered.split("\n"))
                index = end + 1
                continue
            if not (_TARGET.match(line) or _COMMENT.match(line)):
                text.append((index, line, False))
            index += 1
        flush()
        return out

    def markdown(self, source: str, where: Where) -> str:
        """Convert text that may not hold structural directives (captions, bodies)."""
        parts = self.split_blocks(source, where)
        for part in parts:
            if isinstance(part, Directive):
                raise where.at(part.line - where.line).error(
                    f"a {{{part.name}}} directive cannot sit inside another directive here")
        return "\n\n".join(parts)

    def directive(self, found: Directive, where: Where) -> str:
        """Render a non-structural directive as CommonMark."""
        name = found.name
        inside = Where(where.docname, where.path, found.line)
        if name in ADMONITIONS:
            title = found.args if name == "admonition" else (found.args or name.capitalize())
            if name == "seealso" and not found.args:
                title = "See also"
            body = self.markdown(found.body, inside)
            quoted = "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
            return f"> **{self.inline(title, where)}**\n>\n{quoted}\n"
        if name == "math":
            return f"$$\n{found.body.strip()}\n$$\n"
        if name in {"code-block", "code", "sourcecode"}:
            return f"```{found.args}\n{found.body}\n```\n"
        if name == "notebook-editions":
            return "\n".join(
                f"- [{title}]({url}): " + ", ".join(f"[{edition} notebook]({link})" for edition, link in links.items())
                for title, url, links in self.site.editions()) + "\n"
        if name == "nb-exec-table":
            url = self.site.page_url(where.docname)
            return f"*The table of executions is on the [site's copy of this page]({url}).*\n"
        raise where.error(f"the reader notebooks cannot render the directive {{{name}}} "
                          f"(add it to book/_ext/reader/myst.py)")


def _split_explicit(content: str) -> tuple[str | None, str]:
    """Split ``text <target>`` into its parts; plain ``target`` gives ``(None, target)``."""
    match = _EXPLICIT.match(content.strip())
    if match and match["text"]:
        return match["text"], match["target"].strip()
    return None, content.strip()


def _link(text: str, url: str) -> str:
    return f"[{text}]({url})"


def _closing(lines: list[str], start: int, fence: str) -> int | None:
    """Return the index of the line closing the fence opened at ``start`` (CommonMark rules)."""
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    for index in range(start + 1, len(lines)):
        if closing.match(lines[index]):
            return index
    return None


def _options(body: list[str]) -> tuple[dict[str, str], list[str], int]:
    """Split a directive body into its options (``:key: value`` or a YAML block) and content."""
    options: dict[str, str] = {}
    if body and body[0].strip() == "---":
        end = next((i for i in range(1, len(body)) if body[i].strip() == "---"), None)
        if end is not None:
            for line in body[1:end]:
                key, _, value = line.partition(":")
                options[key.strip()] = value.strip()
            return options, body[end + 1 :], end + 1
    index = 0
    while index < len(body) and (match := _OPTION.match(body[index])):
        options[match["key"]] = match["value"].strip()
        index += 1
    return options, body[index:], index
