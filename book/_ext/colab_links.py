"""Point each chapter's Colab, Binder and JupyterHub buttons at its reader notebook.

sphinx-book-theme builds the Colab link from the repository settings as
``{colab_url}/github/{org}/{repo}/blob/{branch}/{page}.md``, and the Binder link
as ``{binderhub_url}/v2/gh/{org}/{repo}/{branch}?urlpath=lab/tree/{page}.md``.
Both would open the chapter's MyST source. This extension rewrites them to
``{colab_notebooks_branch}`` and ``{page}.ipynb``: the reader notebook that the
build writes (book/_ext/reader), ``tools/colab_notebooks.py`` lays out and
``.github/workflows/colab-notebooks.yml`` publishes to that branch, together with
the rest of the repository at the same commit (so Binder builds the site's
environment from it). The JupyterHub button (shown when ``launch_buttons.jupyterhub_url``
is set) is an nbgitpuller link: it pulls that branch into the student's home on a
course's hub and opens the same reader notebook there.

It also hands the repository settings to the pages as MyST substitutions
(``{{ repository_url }}``, ``{{ repository_branch }}``, ``{{ repository_name }}``), so that no page has to
type them a second time.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)


def colab_blob_prefix(theme_options: dict[str, Any]) -> str:
    """Return ``{colab_url}/github/{org}/{repo}/blob/``, as sphinx-book-theme builds it."""
    colab_url = theme_options["launch_buttons"]["colab_url"].strip("/")
    org_repo = theme_options["repository_url"].rstrip("/").split("github.com/", 1)[1]
    return f"{colab_url}/github/{org_repo}/blob/"


def rewrite_colab_url(url: str, prefix: str, branch: str, colab_branch: str) -> str:
    """Turn the theme's link to ``{branch}/{page}.md`` into one to ``{colab_branch}/{page}.ipynb``.

    >>> rewrite_colab_url("https://c/github/o/r/blob/main/book/a.md", "https://c/github/o/r/blob/", "main", "nb")
    'https://c/github/o/r/blob/nb/book/a.ipynb'
    """
    expected = f"{prefix}{branch}/"
    if not url.startswith(expected):
        raise ValueError(f"Colab link {url!r} does not start with {expected!r}; has sphinx-book-theme changed?")
    page = PurePosixPath(url[len(expected) :]).with_suffix(".ipynb")
    return f"{prefix}{colab_branch}/{page}"


def rewrite_binder_url(url: str, branch: str, colab_branch: str) -> str:
    """Turn the theme's Binder link to ``{branch}`` and ``{page}.md`` into one to ``{colab_branch}``, ``.ipynb``.

    >>> rewrite_binder_url("https://b/v2/gh/o/r/main?urlpath=lab/tree/book/a.md", "main", "nb")
    'https://b/v2/gh/o/r/nb?urlpath=lab/tree/book/a.ipynb'
    """
    head, sep, urlpath = url.partition("?urlpath=")
    if not sep or not head.endswith(f"/{branch}") or not urlpath.startswith("lab/tree/"):
        raise ValueError(f"Binder link {url!r} is not .../{branch}?urlpath=lab/tree/...; "
                         "has sphinx-book-theme changed?")
    page = PurePosixPath(urlpath.removeprefix("lab/tree/")).with_suffix(".ipynb")
    return f"{head.removesuffix(branch)}{colab_branch}?urlpath=lab/tree/{page}"


def rewrite_jupyterhub_url(url: str, branch: str, colab_branch: str) -> str:
    """Turn the theme's nbgitpuller link to ``{branch}`` and ``{page}.md`` into one to ``{colab_branch}``, ``.ipynb``.

    sphinx-book-theme builds ``{hub}/hub/user-redirect/git-pull?repo=...&urlpath=lab/tree/{repo}/{page}.md
    &branch={branch}``; nbgitpuller clones (or merges) ``branch`` into ``~/{repo}`` and opens ``urlpath``.

    >>> rewrite_jupyterhub_url("https://h/hub/user-redirect/git-pull?repo=https%3A//g/o/r"
    ...                        "&urlpath=lab/tree/r/book/a.md&branch=main", "main", "nb")
    'https://h/hub/user-redirect/git-pull?repo=https%3A//g/o/r&urlpath=lab/tree/r/book/a.ipynb&branch=nb'
    """
    head, sep, query = url.partition("?")
    params = dict(parse_qsl(query))
    if (not sep or not head.endswith("/hub/user-redirect/git-pull") or params.get("branch") != branch
            or not params.get("urlpath", "").startswith("lab/tree/") or "repo" not in params):
        raise ValueError(f"JupyterHub link {url!r} is not .../git-pull?repo=...&urlpath=lab/tree/...&branch={branch}; "
                         "has sphinx-book-theme changed?")
    params["urlpath"] = str(PurePosixPath(params["urlpath"]).with_suffix(".ipynb"))
    params["branch"] = colab_branch
    return f"{head}?{urlencode(params, safe='/')}"


def _add_substitutions(app: Sphinx, config: Config) -> None:
    options = config.html_theme_options
    substitutions = dict(config.myst_substitutions)
    substitutions.setdefault("repository_url", options["repository_url"].rstrip("/"))
    substitutions.setdefault("repository_branch", options["repository_branch"])
    # The folder nbgitpuller clones the repository into, in a course hub's home.
    substitutions.setdefault("repository_name", options["repository_url"].rstrip("/").rsplit("/", 1)[-1])
    config.myst_substitutions = substitutions


def _point_colab_at_notebooks(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    options = app.config.html_theme_options
    for group in context.get("header_buttons", []):
        if group.get("label") != "launch-buttons":
            continue
        for button in group["buttons"]:
            if button.get("text") not in {"Colab", "Binder", "JupyterHub"}:
                continue
            if not app.config.colab_notebooks_branch:
                LOGGER.warning("colab_notebooks_branch is not set, so the launch buttons would open a .md file",
                               location=pagename)
                continue
            try:
                if button["text"] == "Colab":
                    button["url"] = rewrite_colab_url(
                        button["url"],
                        colab_blob_prefix(options),
                        options["repository_branch"],
                        app.config.colab_notebooks_branch,
                    )
                elif button["text"] == "JupyterHub":
                    button["url"] = rewrite_jupyterhub_url(
                        button["url"], options["repository_branch"], app.config.colab_notebooks_branch
                    )
                else:
                    button["url"] = rewrite_binder_url(
                        button["url"], options["repository_branch"], app.config.colab_notebooks_branch
                    )
            except ValueError as error:
                LOGGER.warning(str(error), location=pagename)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the ``colab_notebooks_branch`` setting and the two hooks."""
    app.add_config_value("colab_notebooks_branch", "", "html", types=[str])
    app.connect("config-inited", _add_substitutions)
    # After sphinx-book-theme's add_launch_buttons (priority 501) has built the links.
    app.connect("html-page-context", _point_colab_at_notebooks, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
