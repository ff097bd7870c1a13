"""Both editions build with --strict and no warning; the two configurations stay in step."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from site_helpers import ROOT, Build, load_config

pytestmark = pytest.mark.site

EDITIONS = ["online", "offline"]
VENDORED = {
    "mermaid": ("mermaid.min.js", "LICENSE"),
    "iframe-worker": ("shim.js", "LICENSE"),
}


@pytest.mark.parametrize("edition", EDITIONS)
def test_edition_builds_strict_without_warnings(
    site_builds: dict[str, Build], edition: str
) -> None:
    build = site_builds[edition]
    assert build.returncode == 0, f"{' '.join(build.command)} failed:\n{build.output}"
    assert build.problems == [], f"{edition} build logged:\n" + "\n".join(build.problems)
    assert (build.site_dir / "index.html").is_file()


def _plugin_names(config: dict[str, Any]) -> list[str]:
    return [next(iter(p)) if isinstance(p, dict) else p for p in config["plugins"]]


def _plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    return {next(iter(p)): next(iter(p.values())) for p in config["plugins"] if isinstance(p, dict)}


def test_offline_config_repeats_the_online_lists() -> None:
    """INHERIT replaces lists: plugins and features are repeated in mkdocs-offline.yml."""
    online, offline = load_config("online"), load_config("offline")
    assert _plugin_names(offline) == _insert_offline(_plugin_names(online))
    assert _plugin_options(offline) == _plugin_options(online)
    online_features = [
        f for f in online["theme"]["features"] if not f.startswith("navigation.instant")
    ]
    assert offline["theme"]["features"] == online_features
    assert not any(f.startswith("navigation.instant") for f in offline["theme"]["features"])
    # Everything else that is a list is inherited unchanged.
    for key in ("extra_css", "extra_javascript", "markdown_extensions", "nav"):
        assert offline.get(key) == online.get(key), key


def _insert_offline(names: list[str]) -> list[str]:
    return [*names[:1], "offline", *names[1:]] if names[:1] == ["search"] else [*names, "offline"]


def test_offline_config_makes_no_remote_calls() -> None:
    offline = load_config("offline")
    assert offline.get("repo_url") is None, "repo_url makes every page call api.github.com"
    assert load_config("online").get("repo_url") is None, (
        "repo_url makes every page call api.github.com"
    )
    polyfills = offline["extra"]["polyfills"]
    assert any("iframe-worker" in p for p in polyfills)
    assert all(not re.match(r"^[a-z]+://", p) for p in polyfills), polyfills
    assert offline["theme"].get("font") is False, "theme.font loads Google Fonts"
    assert all(not re.match(r"^[a-z]+://", str(s)) for s in offline.get("extra_javascript", []))


def _lock_versions() -> dict[str, str]:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    return {
        name: lock["packages"][f"node_modules/{name}"]["version"]
        for name in package["dependencies"]
    }


def test_package_json_pins_exact_versions() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    for name, spec in package["dependencies"].items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec), f"{name}: {spec!r} is not an exact version"
        assert _lock_versions()[name] == spec
    assert package["dependencies"]["mermaid"].split(".")[0] == "11", "Material 9.8 uses mermaid@11"


@pytest.mark.parametrize("edition", EDITIONS)
def test_vendored_scripts_are_published_with_their_licences(
    site_builds: dict[str, Build], edition: str
) -> None:
    site = site_builds[edition].require_success()
    versions = _lock_versions()
    for package, (script, licence) in VENDORED.items():
        if package == "iframe-worker" and edition == "online":
            continue  # only the offline edition needs the worker shim
        folder = site / "assets" / "vendor" / package
        assert (folder / script).stat().st_size > 0
        assert "MIT" in (folder / licence).read_text(encoding="utf-8").split("\n", 1)[0] or (
            "Permission is hereby granted, free of charge" in (folder / licence).read_text()
        )
        meta = json.loads((folder / "package.json").read_text(encoding="utf-8"))
        assert meta["license"] == "MIT"
        assert meta["version"] == versions[package], f"stale copy of {package}: run `make vendor`"


_REMOTE_ASSET = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*?\b(?:src|href)=["']((?:https?:)?//[^"']+)"""
)


@pytest.mark.parametrize("edition", EDITIONS)
def test_pages_load_nothing_from_a_remote_host(site_builds: dict[str, Build], edition: str) -> None:
    """No script, stylesheet, image or frame comes from another host (links are fine)."""
    build = site_builds[edition]
    build.require_success()
    remote = {
        f"{page.relative_to(build.site_dir)}: {url}"
        for page in build.html_files()
        for url in _REMOTE_ASSET.findall(page.read_text(encoding="utf-8"))
        if not _is_link_tag_to_a_page(page.read_text(encoding="utf-8"), url)
    }
    assert not remote, "\n".join(sorted(remote))


def _is_link_tag_to_a_page(html: str, url: str) -> bool:
    """<link rel="canonical"> and the like name a URL but load nothing."""
    for tag in re.findall(r"<link\b[^>]*>", html):
        if url in tag and re.search(r"""rel=["'](?:canonical|alternate|prev|next)["']""", tag):
            return True
    return False


def test_offline_edition_is_made_for_file_urls(offline_site: Path) -> None:
    assert (offline_site / "search" / "search_index.js").is_file(), "offline search needs it"
    index = (offline_site / "index.html").read_text(encoding="utf-8")
    assert 'data-md-component="source"' not in index, "repo facts would call api.github.com"
    # use_directory_urls is off: links to pages name the .html file, as file:// needs.
    local = [
        h for h in re.findall(r'<a href="([^"]*)"', index) if h and not re.match(r"[a-z]+:|#", h)
    ]
    assert local, "no local links on the offline home page"
    assert [h for h in local if h.split("#")[0].endswith("/") or h in (".", "..")] == []


def test_both_editions_link_to_the_same_source_pages(
    site_builds: dict[str, Build], md_to_html: Any
) -> None:
    """Both editions have edit links, though neither has a repo_url."""
    online = site_builds["online"].require_success()
    offline = site_builds["offline"].require_success()
    edit = re.compile(r'<a href="([^"]+)"[^>]*rel="edit"')
    md = ROOT / "docs" / "index.md"
    online_links = edit.findall((online / md_to_html(md, "online")).read_text(encoding="utf-8"))
    offline_links = edit.findall((offline / md_to_html(md, "offline")).read_text(encoding="utf-8"))
    assert online_links, "the online edition has no edit link"
    assert offline_links == online_links
