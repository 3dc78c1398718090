"""The versioned site: tools/deploy_versions.py, run locally on fake builds, as the Pages
workflow runs it (main at /latest/ and the root, a tag vX.Y.Z at /vX.Y.Z/, old
versions kept, the theme's version list rewritten in every copy).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from _figsite import ROOT

sys.path.insert(0, str(ROOT))
from tools.deploy_versions import deploy, folder_for  # noqa: E402

URL = "https://example.org/book/"
SCRIPT = ROOT / "tools" / "deploy_versions.py"


def fake_build(path: Path, folder: str, date: str | None, marker: str) -> Path:
    """A built site as book/_ext/citable leaves it: pages plus its own version entry."""
    (path / "_static").mkdir(parents=True)
    (path / "index.html").write_text(f"<p>{marker}</p>")
    (path / "book").mkdir()
    (path / "book" / "page.html").write_text(f"<p>{marker} page</p>")
    name = f"{folder} ({date})" if date else "latest (unreleased)"
    entry = {"name": name, "version": folder, "url": f"{URL}{folder}/"}
    (path / "_static" / "release.json").write_text(json.dumps(entry))
    (path / "_static" / "switcher.json").write_text(json.dumps([entry]))
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], text=True, capture_output=True,
                          timeout=60)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A published site holding v0.1.0 and a main build, as after earlier deploys."""
    site = tmp_path / "site"
    old = fake_build(tmp_path / "old", "v0.1.0", "2026-12-01", "old release")
    main = fake_build(tmp_path / "main1", "latest", None, "main before")
    assert deploy(old, site, "refs/tags/v0.1.0", URL) == "v0.1.0"
    assert deploy(main, site, "refs/heads/main", URL) == "latest"
    return site


def test_a_new_tag_gets_its_folder_and_the_old_one_is_kept(site: Path, tmp_path: Path) -> None:
    old_page = (site / "v0.1.0" / "book" / "page.html").read_bytes()
    new = fake_build(tmp_path / "new", "v0.2.0", "2027-01-15", "new release")
    result = run("--site", str(site), "--build", str(new), "--ref", "refs/tags/v0.2.0")
    assert result.returncode == 0, result.stderr
    assert (site / "v0.2.0" / "book" / "page.html").read_text() == "<p>new release page</p>"
    assert (site / "v0.1.0" / "book" / "page.html").read_bytes() == old_page
    assert (site / "latest" / "index.html").read_text() == "<p>main before</p>"
    assert (site / "index.html").read_text() == "<p>main before</p>", "the root is latest's copy"
    versions = json.loads((site / "versions.json").read_text())
    assert versions == [
        {"name": "latest (unreleased)", "version": "latest", "url": f"{URL}latest/"},
        {"name": "v0.2.0 (2027-01-15)", "version": "v0.2.0", "url": f"{URL}v0.2.0/",
         "preferred": True},
        {"name": "v0.1.0 (2026-12-01)", "version": "v0.1.0", "url": f"{URL}v0.1.0/"}]
    for copy in (site, site / "latest", site / "v0.2.0", site / "v0.1.0"):
        assert json.loads((copy / "_static" / "switcher.json").read_text()) == versions, copy


def test_main_replaces_latest_and_the_root_but_no_release(site: Path, tmp_path: Path) -> None:
    (site / "book" / "gone.html").write_text("a page main no longer has")
    main = fake_build(tmp_path / "main2", "latest", None, "main after")
    assert run("--site", str(site), "--build", str(main), "--ref", "main").returncode == 0
    assert (site / "latest" / "index.html").read_text() == "<p>main after</p>"
    assert (site / "index.html").read_text() == "<p>main after</p>"
    assert not (site / "book" / "gone.html").exists(), "the root must mirror latest exactly"
    assert (site / "v0.1.0" / "index.html").read_text() == "<p>old release</p>"
    assert (site / ".nojekyll").is_file()


def test_a_published_release_is_never_overwritten(site: Path, tmp_path: Path) -> None:
    again = fake_build(tmp_path / "again", "v0.1.0", "2026-12-02", "rebuilt")
    result = run("--site", str(site), "--build", str(again), "--ref", "refs/tags/v0.1.0")
    assert result.returncode == 1
    assert "v0.1.0 is already published" in result.stderr
    assert (site / "v0.1.0" / "index.html").read_text() == "<p>old release</p>"


def test_refs_map_to_folders_and_bad_tags_are_refused() -> None:
    assert folder_for("refs/tags/v1.2.3") == "v1.2.3"
    assert folder_for("v1.2.3") == "v1.2.3"
    assert folder_for("refs/heads/main") == "latest"
    with pytest.raises(ValueError, match="must look like v1.2.3"):
        folder_for("refs/tags/release-1")


def test_the_pages_workflow_builds_tags_and_deploys_with_this_script() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key "on" as True
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["push"]["tags"], "release tags must trigger a deploy"
    steps = [s for job in workflow["jobs"].values() for s in job.get("steps", [])]
    runs = "\n".join(s.get("run", "") for s in steps)
    assert "tools/deploy_versions.py --site site --build _build/html" in runs
    build_env = next(s["env"] for s in steps if s.get("run") == "make book")
    assert "github.ref_name" in build_env["BOOK_RELEASE"]
