"""Fixtures for the site tests: each edition is built once per session, then shared.

- ``online_site`` / ``offline_site``: ``mkdocs build --strict`` of mkdocs.yml and
  mkdocs-offline.yml into temporary directories (both builds run in parallel, once per test
  run however many xdist workers there are).
- ``online_url``: the online edition served by a local http.server on 127.0.0.1, under
  the path of the configured ``site_url`` (as GitHub Pages serves it), text gzip-compressed.
- ``browser``: one Debian chromium (never ``playwright install``) with a fresh profile,
  for the tests marked ``browser``.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from chromium import CHROMIUM, CHROMIUM_ARGS
from site_helpers import (
    CONFIGS,
    DOCS,
    PROBLEM_LINE,
    ROOT,
    Build,
    load_config,
    run_dir,
    site_path,
)


@pytest.fixture(scope="session")
def site_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Build]:
    """Both editions, built once per test run (in parallel), whichever xdist worker asks first.

    The builds go to a directory all workers of the run share, under a file lock: the first
    worker to need them builds both, the others wait for the lock and read the record.
    """
    vendor = DOCS / "assets" / "vendor"
    if not (vendor / "mermaid" / "mermaid.min.js").is_file():
        pytest.fail(f"{vendor} is missing: run `make vendor` first", pytrace=False)
    shared = run_dir(tmp_path_factory)
    record = shared / "site-builds.json"
    with FileLock(shared / "site-builds.lock"):
        if not record.is_file():
            builds = _build_editions(shared)
            record.write_text(json.dumps({e: asdict(b) for e, b in builds.items()}, default=str))
        saved = json.loads(record.read_text())
    return {
        edition: Build(**{**fields, "root": Path(fields["root"])})
        for edition, fields in saved.items()
    }


def _build_editions(shared: Path) -> dict[str, Build]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    builds: dict[str, Build] = {}
    running: dict[str, subprocess.Popen[str]] = {}
    for edition, config in CONFIGS.items():
        root = shared / f"site-{edition}"
        # The online edition goes under site_url's path, so that a file server on root
        # serves it at the same URLs as GitHub Pages (404.html uses absolute URLs).
        url_path = site_path(load_config(edition).get("site_url")) if edition == "online" else ""
        site_dir = root / url_path
        command = [
            sys.executable, "-m", "mkdocs", "build", "--strict",
            "--config-file", str(config), "--site-dir", str(site_dir),
        ]  # fmt: skip
        builds[edition] = Build(edition, command, root, url_path)
        running[edition] = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    for edition, process in running.items():
        output, _ = process.communicate(timeout=600)
        build = builds[edition]
        build.returncode = process.returncode
        build.output = output
        build.problems = PROBLEM_LINE.findall(output)
    return builds


@pytest.fixture(scope="session")
def online_site(site_builds: dict[str, Build]) -> Path:
    return site_builds["online"].require_success()


@pytest.fixture(scope="session")
def offline_site(site_builds: dict[str, Build]) -> Path:
    return site_builds["offline"].require_success()


class _CompressingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as a web server would: text compressed with gzip when the browser
    accepts it, so that the sizes the browser test records are bytes on the wire."""

    COMPRESSED = frozenset({".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"})

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.suffix in self.COMPRESSED and path.is_file()):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def online_url(online_site: Path, site_builds: dict[str, Build]) -> Iterator[str]:
    """Base URL of the online edition, served on 127.0.0.1 (random free port)."""
    build = site_builds["online"]
    handler = functools.partial(_CompressingHandler, directory=str(build.root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{build.url_path}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory, playwright: Any) -> Iterator[Any]:
    """Debian chromium with a fresh profile, as a Playwright BrowserContext.

    The clipboard may be read and written (for the copy-button test); everything else is
    Chromium's default.
    """
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps`", pytrace=False)
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
    )
    try:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def md_to_html() -> Callable[[Path, str], str]:
    """Map docs/x.md to the built page's path inside an edition (MkDocs' own rule)."""
    from mkdocs.structure.files import File

    def convert(md: Path, edition: str) -> str:
        use_directory_urls = edition == "online"
        src = md.relative_to(DOCS).as_posix()
        return File(src, str(DOCS), "/site", use_directory_urls).dest_uri

    return convert

