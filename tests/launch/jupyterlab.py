"""A JupyterLab server arranged as Binder arranges it, and a browser check of one chapter.

Binder copies the repository into ``$HOME`` and starts JupyterLab there, so
JupyterLab reads the repository's ``.jupyter/labconfig`` as the user's own
config. :func:`copy_repository` and :class:`JupyterLab` do the same on
127.0.0.1, with the project's venv. The helpers below then do what a reader does
after clicking "launch": open the launch URL's path in the browser (:func:`open_as_notebook`,
or :class:`LabTab` for one chapter after another), expect a notebook with a Python kernel
(:func:`wait_for_python_kernel`), run all cells (:func:`run_all_cells`), and look at the
results (:func:`check_run`).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Route

VENV_BIN = Path(sys.executable).parent
RAISES = "raises-exception"
START_TIMEOUT_S = 90
RUN_TIMEOUT_MS = 300_000
STOP_GRACE_S = 5


def copy_repository(root: Path, dest: Path, *, without: tuple[str, ...] = ()) -> Path:
    """Copy what a clone of ``root`` would hold (tracked and new, not ignored files) to ``dest``."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root, capture_output=True, check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        if name in without or not (root / name).is_file():
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, dest / name)
    return dest


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class JupyterLab:
    """A JupyterLab server from the project's venv, on 127.0.0.1 and a free port.

    ``home`` becomes ``$HOME`` and, unless ``launcher`` says otherwise, the
    server's root, as on Binder; ``env`` adds or overrides environment
    variables. ``launcher`` turns the server options into the command to run
    (default: the venv's ``jupyter lab``). Use it as a context manager: the
    server, and every kernel it started, is shut down on exit, whatever happened.
    """

    home: Path
    env: dict[str, str] = field(default_factory=dict)
    launcher: Callable[[JupyterLab, list[str]], list[str]] | None = None
    port: int = field(default_factory=free_port)
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen | None = None
    log_path: Path | None = None
    #: Kernel shutdowns still running (reset_server with wait=False).
    shutdowns: list[threading.Thread] = field(default_factory=list)

    def url(self, path: str) -> str:
        """Return the URL of ``path`` on this server, with the login token."""
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?token={self.token}"

    def server_args(self) -> list[str]:
        """Options that make the server private, local and inspectable by the test."""
        args = [
            "--no-browser", "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            # Lets the test read the notebook model (outputs, kernel) through window.jupyterapp.
            "--LabApp.expose_app_in_browser=True",
        ]
        if os.geteuid() == 0:
            args.append("--allow-root")
        return args

    def __enter__(self) -> JupyterLab:
        inherited = {key: value for key, value in os.environ.items() if not key.startswith(_NOT_INHERITED)}
        # Kernels ignore the build's figure settings (book/_ext/citable/ipython_kernel_config.py),
        # as on Binder and Colab, where that file is not installed.
        env = {**inherited, "HOME": str(self.home), "PYTHONPATH": str(self.home / "src"),
               "BOOK_KERNEL_SETTINGS": "0", **self.env}
        launcher = self.launcher or jupyter_lab_in_home
        self.log_path = self.home.parent / f"jupyterlab-{self.port}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                launcher(self, self.server_args()), cwd=self.home, env=env,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("api/status"), timeout=2):
                    return
            except OSError:
                time.sleep(0.25)
        raise TimeoutError(f"JupyterLab did not answer within {START_TIMEOUT_S} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        """Return the end of the server's log, for error messages."""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Shut the kernels down through the API, SIGTERM the server, and make sure its group is gone.

        After SIGTERM the server runs its cleanup, but the process can then hang
        at exit on an idle AnyIO worker thread (jupyterlab/jupyterlab#10442), so
        after a grace period whatever is left of the group is killed.
        """
        for thread in self.shutdowns:
            thread.join(timeout=30)
        if self.process is None or self.process.poll() is not None:
            return
        try:
            reset_server(self)
        except OSError:
            pass  # the server is not answering; it is stopped below all the same
        group = self.process.pid  # start_new_session: the group id is the server's pid
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait(timeout=10)
        try:  # anything the server started and left behind
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass


# Jupyter settings of the test's own environment must not leak into the server's.
# (MAKEFLAGS does pass through, so that `make lab` uses the venv of the make run
# that started the tests, e.g. DEPS=latest.)
_NOT_INHERITED = ("JUPYTER",)


def jupyter_lab_in_home(server: JupyterLab, args: list[str]) -> list[str]:
    """The command Binder's start amounts to: the venv's ``jupyter lab``, rooted at ``$HOME``."""
    return [str(VENV_BIN / "jupyter"), "lab", f"--ServerApp.root_dir={server.home}", *args]


def make_lab(root: Path) -> Callable[[JupyterLab, list[str]], list[str]]:
    """A launcher that runs the README's ``make lab`` in ``root``, passing the options as LAB_ARGS."""

    def launch(server: JupyterLab, args: list[str]) -> list[str]:
        own = [arg for arg in args if not arg.startswith("--ip=")]  # make lab sets --ip=127.0.0.1 itself
        return ["make", "--no-print-directory", "-C", str(root), "lab", f"LAB_ARGS={shlex.join(own)}"]

    return launch


def block_outside_requests(page: Page) -> None:
    """Abort every request that would leave 127.0.0.1 (the tests run offline)."""

    def handle(route: Route) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", handle)


# JavaScript run in the page. The notebook model is JupyterLab's public API.
_OPENED = """(path) => {
  const widget = window.jupyterapp?.shell?.currentWidget;
  if (!widget || !widget.context || widget.context.path !== path) return null;
  if (widget.node.classList.contains('jp-NotebookPanel')) return 'notebook';
  if (widget.node.querySelector('.jp-FileEditor')) return 'editor';
  return 'something else: ' + widget.node.className;
}"""
_CURRENT = """() => {
  const widget = window.jupyterapp.shell.currentWidget;
  const kernel = widget.sessionContext?.session?.kernel;
  return {path: widget.context.path, kernel: kernel ? kernel.name : null,
          status: kernel ? kernel.status : null, dialog: !!document.querySelector('.jp-Dialog')};
}"""
_KERNEL_LANGUAGE = """async () => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  return (await kernel.spec).language;
}"""
# Run All is over when the kernel is idle and either every code cell has run or a
# cell without the raises-exception tag failed (JupyterLab then skips the rest).
# The notebook model is read, not the page: JupyterLab renders only visible cells.
_DONE = """() => {
  const widget = window.jupyterapp.shell.currentWidget;
  if (widget.sessionContext.session.kernel.status !== 'idle') return false;
  const cells = widget.content.model.toJSON().cells.filter(c => c.cell_type === 'code');
  const tagged = c => (c.metadata.tags || []).includes('raises-exception');
  const failed = c => !tagged(c) && c.outputs.some(o => o.output_type === 'error');
  return cells.every(c => c.execution_count !== null) || cells.some(failed);
}"""
_CELLS = """() => window.jupyterapp.shell.currentWidget.content.model.toJSON().cells"""
_EXECUTE = """async (code) => {
  const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, store_history: false});
  let text = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') text += msg.content.text;
    if (msg.header.msg_type === 'error') text += msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return text;
}"""


@dataclass
class RunResult:
    """What a chapter's notebook showed after Run All Cells."""

    cells: list[dict[str, Any]]
    dl_workshop_file: str

    def code_cells(self) -> list[tuple[int, dict[str, Any]]]:
        """Return ``(notebook index, cell)`` for every code cell."""
        return [(index, cell) for index, cell in enumerate(self.cells) if cell["cell_type"] == "code"]


def open_as_notebook(page: Page, server: JupyterLab, urlpath: str) -> None:
    """Open ``urlpath`` (``lab/tree/...``) and assert JupyterLab shows a notebook, not a text editor."""
    block_outside_requests(page)
    page.goto(server.url(urlpath))
    expect_notebook(page, urlpath.removeprefix("lab/tree/"))


def expect_notebook(page: Page, path: str) -> None:
    """Wait until JupyterLab shows ``path``; assert it shows it as a notebook, not as text."""
    opened = page.wait_for_function(_OPENED, arg=path, timeout=60_000).json_value()
    assert opened == "notebook", (
        f"{path} opened in a text editor, not as a notebook: is the Jupytext default viewer "
        "(.jupyter/labconfig/default_setting_overrides.json) in place?"
        if opened == "editor" else f"{path} opened as {opened}, not as a notebook"
    )


# JupyterLab's tree resolver hands a launch URL's path to this command, once started.
_OPEN_PATH = """async (path) => {
  const current = window.jupyterapp.shell.currentWidget;
  if (current) current.dispose();  // the previous chapter's notebook (the server reset after each test shuts its kernel down)
  await window.jupyterapp.commands.execute('filebrowser:open-path', {path, dontShowBrowser: true});
}"""


class LabTab:
    """One browser tab with JupyterLab in it, kept from chapter to chapter.

    The first chapter opens from its launch URL, as after a reader's click. On start-up,
    JupyterLab's tree resolver takes the file's path from that URL and runs
    ``filebrowser:open-path`` on it. Each later chapter is opened in the same tab by that same
    command, which spares JupyterLab's start-up (4 to 5 s a chapter, on 2 cores); JupyterLab
    then shows the chapter's launch URL in the address bar, and :meth:`open` checks that it
    does. After a failure the tab is closed (:meth:`discard`), so the next chapter starts
    afresh from its URL.
    """

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.server: JupyterLab | None = None

    def open(self, server: JupyterLab, urlpath: str) -> Page:
        """Show ``urlpath`` (``lab/tree/...``) as a notebook, as its launch URL does; return the tab."""
        if self.page is None or self.server is not server:
            self.discard()
            self.context = self.browser.new_context(viewport={"width": 1400, "height": 900})
            self.page = self.context.new_page()
            self.server = server
            open_as_notebook(self.page, server, urlpath)
            return self.page
        path = urlpath.removeprefix("lab/tree/")
        self.page.evaluate(_OPEN_PATH, path)
        expect_notebook(self.page, path)
        address = urlsplit(self.page.url).path
        assert address == f"/{urlpath}", f"JupyterLab shows {address}, not the launch URL's /{urlpath}"
        return self.page

    def discard(self) -> None:
        """Close the tab (the next :meth:`open` loads JupyterLab again)."""
        if self.context is not None:
            self.context.close()
        self.context = self.page = self.server = None


def wait_for_python_kernel(page: Page) -> None:
    """Assert the notebook got a Python kernel of its own, without asking the reader to pick one."""
    page.wait_for_function(
        "() => !!document.querySelector('.jp-Dialog')"
        " || window.jupyterapp.shell.currentWidget.sessionContext?.session?.kernel?.status === 'idle'",
        timeout=120_000,
    )
    current = page.evaluate(_CURRENT)
    assert not current["dialog"], "JupyterLab asked the reader to choose a kernel"
    assert current["kernel"] == "python3", f"kernel is {current['kernel']!r}, not the chapter's python3"
    assert page.evaluate(_KERNEL_LANGUAGE) == "python"
    toolbar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelName")
    assert "Python 3" in toolbar.inner_text()


def run_all_cells(page: Page) -> RunResult:
    """Click Run > Run All Cells, wait until the kernel is done, and collect the cells."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-item:has(.lm-Menu-itemLabel:text-is('Run All Cells'))").click()
    deadline = time.monotonic() + RUN_TIMEOUT_MS / 1000
    while True:  # the kernel is briefly idle between cells: ask for two answers in a row
        page.wait_for_function(_DONE, timeout=max(1.0, deadline - time.monotonic()) * 1000, polling=250)
        page.wait_for_timeout(250)
        if page.evaluate(_DONE):
            break
    cells = page.evaluate(_CELLS)
    where = page.evaluate(_EXECUTE, "import dl_workshop\nprint(dl_workshop.__file__, end='')")
    return RunResult(cells=cells, dl_workshop_file=where)


def check_run(result: RunResult, home: Path) -> None:
    """Assert every code cell ran, errors only in ``raises-exception`` cells, and the home's library."""
    problems = []
    for index, cell in result.code_cells():
        tagged = RAISES in cell.get("metadata", {}).get("tags", [])
        errors = [out for out in cell.get("outputs", []) if out["output_type"] == "error"]
        if cell.get("execution_count") is None:
            problems.append(f"cell {index} never ran")
        elif errors and not tagged:
            problems.append(f"cell {index} shows {errors[0]['ename']}: {errors[0]['evalue']}")
        elif tagged and not errors:
            problems.append(f"cell {index} is tagged {RAISES} but raised nothing")
    assert not problems, "; ".join(problems)
    expected = home / "src" / "dl_workshop"
    assert Path(result.dl_workshop_file).parent == expected, (
        f"the kernel imported dl_workshop from {result.dl_workshop_file!r}, not from {expected}"
    )


def api(server: JupyterLab, path: str, method: str = "GET") -> Any:
    """Call the server's REST API; return the decoded JSON answer (None if empty)."""
    request = urllib.request.Request(server.url(path), method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()
    return json.loads(body) if body else None


def reset_server(server: JupyterLab, *, wait: bool = True) -> None:
    """Make the next visit a fresh launch: shut every kernel down and forget the saved layout.

    A kernel takes seconds to exit (the server answers once it has), and nothing the next
    visit does waits for it: it gets a kernel of its own. With ``wait=False`` the kernels
    are shut down on a thread of their own, which :meth:`JupyterLab.stop` waits for.
    """
    for workspace in api(server, "lab/api/workspaces")["workspaces"]["ids"]:
        api(server, f"lab/api/workspaces/{workspace}", "DELETE")
    sessions = [session["id"] for session in api(server, "api/sessions")]
    if wait:
        _delete_sessions(server, sessions)
    elif sessions:
        thread = threading.Thread(target=_delete_sessions, args=(server, sessions), daemon=True)
        thread.start()
        server.shutdowns.append(thread)


def _delete_sessions(server: JupyterLab, sessions: list[str]) -> None:
    for session in sessions:
        try:
            api(server, f"api/sessions/{session}", "DELETE")
        except urllib.error.HTTPError as error:
            if error.code != 404:  # 404: already gone (shut down by an earlier reset)
                raise
