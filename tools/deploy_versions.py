"""Add one build of the book to the published, versioned site.

The published site keeps every release in its own folder and main's latest build
in ``latest/``, which is also copied to the root (so the old unversioned links keep
working)::

    <site>/latest/    main, "unreleased"
    <site>/v0.2.0/    each release tag, kept for good
    <site>/v0.1.0/
    <site>/...        a copy of latest/
    <site>/versions.json and <every copy>/_static/switcher.json: the version list

Usage (the Pages workflow runs it; it works on any folder)::

    python tools/deploy_versions.py --site SITE --build _build/html --ref refs/tags/v0.2.0

``--ref`` is the Git ref that was built: a tag ``vX.Y.Z`` goes to ``/vX.Y.Z/`` (a
tag that is already published is refused unless ``--replace``), a branch to
``/latest/``. Only the target folder, the root copy of ``latest/`` and the version
lists change; every other version folder is kept as it was.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
from pathlib import Path

TAG = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
LATEST = "latest"
SWITCHER = Path("_static") / "switcher.json"
RELEASE = Path("_static") / "release.json"  # written by each build (book/_ext/citable)
#: Files at the root that are not part of the copy of latest/.
KEEP_AT_ROOT = {".git", ".nojekyll", "versions.json", LATEST}


def folder_for(ref: str) -> str:
    """The folder a Git ref is published in: ``vX.Y.Z`` for a release tag, else ``latest``."""
    if ref.startswith("refs/tags/") or TAG.fullmatch(ref):
        tag = ref.removeprefix("refs/tags/")
        if not TAG.fullmatch(tag):
            raise ValueError(f"--ref: a release tag must look like v1.2.3, got {tag!r}")
        return tag
    return LATEST


def _version_key(folder: str) -> tuple[int, ...]:
    match = TAG.fullmatch(folder)
    assert match is not None
    return tuple(int(part) for part in match.groups())


def published(site: Path) -> list[str]:
    """The version folders of a site: ``latest`` first, then releases, newest first."""
    releases = sorted((p.name for p in site.iterdir() if p.is_dir() and TAG.fullmatch(p.name)),
                      key=_version_key, reverse=True)
    return ([LATEST] if (site / LATEST).is_dir() else []) + releases


def switcher(site: Path, root_url: str) -> list[dict]:
    """The theme's version list: one entry per folder, the newest release preferred."""
    entries = []
    for folder in published(site):
        own = site / folder / RELEASE
        entry = json.loads(own.read_text(encoding="utf-8")) if own.is_file() else {
            "name": folder, "version": folder}
        entry["url"] = f"{root_url}{folder}/"
        entries.append(entry)
    releases = [e for e in entries if e["version"] != LATEST]
    if releases:
        releases[0]["preferred"] = True
    return entries


def _copy_latest_to_root(site: Path) -> None:
    for item in site.iterdir():
        if item.name in KEEP_AT_ROOT or TAG.fullmatch(item.name):
            continue
        shutil.rmtree(item) if item.is_dir() else item.unlink()
    for item in (site / LATEST).iterdir():
        target = site / item.name
        shutil.copytree(item, target) if item.is_dir() else shutil.copy2(item, target)


def root_url_of(build: Path) -> str:
    """The site's root address, as the build states it in its own version entry."""
    own = build / RELEASE
    if not own.is_file():
        raise FileNotFoundError(f"{own} is missing: pass --url, or build with book/_ext/citable")
    entry = json.loads(own.read_text(encoding="utf-8"))
    return entry["url"].removesuffix(entry["version"] + "/")


def deploy(build: Path, site: Path, ref: str, root_url: str, replace: bool = False) -> str:
    """Put ``build`` into ``site`` for ``ref``; rewrite the version lists. Returns the folder."""
    if not (build / "index.html").is_file():
        raise FileNotFoundError(f"--build {build} holds no built site (no index.html)")
    folder = folder_for(ref)
    root_url = root_url if root_url.endswith("/") else root_url + "/"
    site.mkdir(parents=True, exist_ok=True)
    target = site / folder
    if target.exists():
        if folder != LATEST and not replace:
            raise FileExistsError(f"{folder} is already published in {site}: a release is never "
                                  "overwritten (tag a new version, or pass --replace)")
        shutil.rmtree(target)
    shutil.copytree(build, target)
    if (site / LATEST).is_dir():
        _copy_latest_to_root(site)
    (site / ".nojekyll").touch()
    versions = json.dumps(switcher(site, root_url), indent=1) + "\n"
    (site / "versions.json").write_text(versions, encoding="utf-8")
    copies = [site / f for f in published(site)] + ([site] if (site / LATEST).is_dir() else [])
    for copy in copies:
        (copy / SWITCHER).parent.mkdir(parents=True, exist_ok=True)
        (copy / SWITCHER).write_text(versions, encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, required=True, help="the published site's folder")
    parser.add_argument("--build", type=Path, required=True, help="a built site (_build/html)")
    parser.add_argument("--ref", required=True, help="the Git ref built: refs/tags/vX.Y.Z or a branch")
    parser.add_argument("--url", help="the site's root address (default: from the build's "
                        "_static/release.json)")
    parser.add_argument("--replace", action="store_true", help="overwrite a published release")
    args = parser.parse_args(argv)
    try:
        url = args.url or root_url_of(args.build)
        folder = deploy(args.build, args.site, args.ref, url, replace=args.replace)
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        print(f"deploy_versions: {exc}", file=sys.stderr)
        return 1
    print(f"Published {args.build} as {folder}/ in {args.site}; versions: "
          + ", ".join(published(args.site)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
