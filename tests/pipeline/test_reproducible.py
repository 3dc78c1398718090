"""Two clean builds give the same executed notebooks, up to the committed sanitizers.

The first build is the one `make test` just made in _build/. This test makes a
second, independent clean build in a scratch folder (with its own empty
jupyter-cache) and compares every output of every cell: text, HTML and images,
byte for byte, after applying tests/nbval_sanitize.cfg to text outputs. As in nbval,
consecutive stream outputs are joined (how a kernel chunks its stdout into messages is
timing, not content) and widget model ids, random by design, are not compared. Cells
tagged nbval-ignore-output hold measurements that vary by machine (speed ratios); as
in strict nbval (tests/nbval_build.py), their outputs are the only ones not compared.
"""

from __future__ import annotations

import configparser
import json
import re
from pathlib import Path

from _scratch import ROOT, VENV, run

FIRST = ROOT / "_build" / "jupyter_execute"
SANITIZE = ROOT / "tests" / "nbval_sanitize.cfg"


def sanitizers() -> list[tuple[re.Pattern[str], str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SANITIZE)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MEASURED = "nbval-ignore-output"  # nbval's own tag, as in tests/nbval_build.py


def joined_streams(outputs: list[dict]) -> list[dict]:
    """Join consecutive stream outputs of the same name; drop widget model ids."""
    joined: list[dict] = []
    for output in outputs:
        output = dict(output)
        if "data" in output:
            output["data"] = {k: v for k, v in output["data"].items() if k != WIDGET_VIEW}
        if output.get("text") is not None and not isinstance(output["text"], str):
            output["text"] = "".join(output["text"])
        previous = joined[-1] if joined else {}
        if output["output_type"] == "stream" and previous.get("output_type") == "stream" \
                and previous["name"] == output["name"]:
            previous["text"] += output["text"]
        else:
            joined.append(output)
    return joined


def normalized_outputs(notebook: Path, rules: list[tuple[re.Pattern[str], str]]) -> list[str]:
    cells = json.loads(notebook.read_text())["cells"]
    text = ["measured, not compared" if MEASURED in c.get("metadata", {}).get("tags", [])
            else json.dumps(joined_streams(c.get("outputs", [])), sort_keys=True)
            for c in cells if c["cell_type"] == "code"]
    for pattern, replacement in rules:
        text = [pattern.sub(replacement, t) for t in text]
    return text


def test_second_clean_build_reproduces_every_output(tmp_path: Path) -> None:
    built = run(
        [str(VENV / "bin" / "jupyter-book"), "build", str(ROOT), "--builder", "html",
         "--path-output", str(tmp_path), "-W", "-n", "--keep-going"],
        ROOT, PYTHONPATH=str(ROOT / "src"), JAX_PLATFORMS="cpu",
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    second = tmp_path / "_build" / "jupyter_execute"
    first_notebooks = sorted(p.relative_to(FIRST) for p in FIRST.rglob("*.ipynb"))
    assert first_notebooks, "the first build executed no notebooks"
    assert first_notebooks == sorted(p.relative_to(second) for p in second.rglob("*.ipynb"))
    rules = sanitizers()
    for name in first_notebooks:
        a, b = normalized_outputs(FIRST / name, rules), normalized_outputs(second / name, rules)
        differing = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        assert not differing, f"{name}: code cells {differing} differ between two clean builds"
