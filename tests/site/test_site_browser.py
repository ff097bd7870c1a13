"""Both editions in the Debian chromium: every page, search, copy buttons, annotations, Mermaid.

The online edition is served from 127.0.0.1, the offline edition opened from file://. Each
page is visited once per edition (session fixture ``visits``); the tests then look at what
the visits recorded. Requests that would leave the machine are answered or refused by the
test before they reach the network, and recorded.

Neither edition sets repo_url (it would make every page call api.github.com), so no page may
request anything off the machine: the online edition only 127.0.0.1, the offline one only
file://.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from site_helpers import DOCS, Build

pytestmark = pytest.mark.browser

EDITIONS = ["online", "offline"]
SEARCH_TERM = "fingerprint"  # in the body of docs/encryption.md, not only in a title
MERMAID_PAGE = DOCS / "encryption.md"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

# Facts about the rendered page, gathered in the page after it has settled.
PAGE_FACTS_JS = """() => {
  const content = document.querySelector('.md-content') || document.body;
  const codes = [...content.querySelectorAll('pre > code')].filter(c => !c.closest('.mermaid'));
  const copyButton = c => c.parentElement.querySelector(
    ':scope > nav.md-code__nav > button.md-code__button[data-md-type="copy"]');
  return {
    code_blocks: codes.length,
    code_blocks_without_copy_button: codes.filter(c => !copyButton(c))
      .map(c => (c.parentElement.id || '') + ' ' + c.textContent.slice(0, 60)),
    annotate_blocks: [...content.querySelectorAll('.annotate')]
      .map(e => e.querySelectorAll('.md-annotation').length),
    mermaid: [...document.querySelectorAll('.mermaid')].map(e => {
      // A diagram in an inactive content tab has no size until its tab is shown: show the
      // tabs around it while measuring, then put them back.
      const hidden = [];
      for (let b = e.closest('.tabbed-block'); b; b = b.parentElement.closest('.tabbed-block')) {
        hidden.push([b, b.style.display]);
        b.style.display = 'block';
      }
      const r = e.getBoundingClientRect();
      hidden.forEach(([b, display]) => { b.style.display = display; });
      return {tag: e.tagName, width: r.width, height: r.height};
    }),
  };
}"""

# What a reader means to copy from a console/pycon block: each line without its prompt
# (.gp); output lines (.go) left out. Computed from the markup, independently of the CSS.
EXPECTED_COPY_JS = """(block) => {
  const code = block.querySelector('pre > code');
  const lines = [...code.querySelectorAll(':scope > span[id^="__span"]')];
  const typed = lines.filter(l => !l.querySelector('.go')).map(l => {
    const clone = l.cloneNode(true);
    clone.querySelectorAll('.gp').forEach(p => p.remove());
    return clone.textContent.replace(/\\n$/, '');
  });
  return {
    expected: typed.join('\\n').replace(/\\s+$/, ''),
    prompts: [...code.querySelectorAll('.gp')].map(p => p.textContent),
    output: [...code.querySelectorAll('.go')].map(p => p.textContent).filter(t => t.trim()),
  };
}"""


# Select the tab (and the tabs around it) that holds a block, so the block is visible.
SHOW_TAB_JS = """(block) => {
  const blocks = [];
  for (let b = block.closest('.tabbed-block'); b; b = b.parentElement.closest('.tabbed-block'))
    blocks.unshift(b);
  for (const b of blocks) {
    const set = b.closest('.tabbed-set');
    const index = [...b.parentElement.children].indexOf(b);
    const input = set.querySelectorAll(':scope > input')[index];
    set.querySelector(`label[for="${input.id}"]`).click();
  }
}"""


@dataclass
class Visit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    mermaid_svgs: list[dict[str, str]] = field(default_factory=list)


def _is_local(url: str) -> bool:
    return url.startswith(LOCAL_SCHEMES) or urlsplit(url).hostname == "127.0.0.1"


@pytest.fixture(scope="session")
def guarded(browser: Any) -> Any:
    """The browser, with every request that would leave the machine stopped.

    Anything off the machine is aborted (the tests still see it: page.on("request") records
    every request, and test_requests_stay_on_the_machine fails on it).
    """
    browser.route(lambda url: not _is_local(url), lambda route: route.abort("blockedbyclient"))
    return browser


def _start(context: Any, url: str, visit: Visit) -> Any:
    """A new page navigating to ``url``, recording console errors, page errors and requests."""
    page = context.new_page()
    # Generous: a loaded 2-core machine parses the 3 MB Mermaid script slowly (not a speed test).
    page.set_default_timeout(60_000)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(_describe(m)))
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    page.on("request", lambda r: visit.requests.append(r.url))
    page.goto(url, wait_until="commit")
    return page


def _settle(page: Any) -> Any:
    page.wait_for_load_state("load")
    page.wait_for_load_state("networkidle")
    return page


def _open(context: Any, url: str, visit: Visit) -> Any:
    return _settle(_start(context, url, visit))


def _describe(message: Any) -> str:
    where = message.location.get("url") or ""
    return f"{message.text} [{where}]" if where else message.text


def _mermaid_svgs(context: Any, page: Any) -> list[dict[str, str]]:
    """The svg inside each Mermaid container: Material renders into a CLOSED shadow root,
    which page scripts cannot enter; the DevTools protocol can (pierce)."""
    cdp = context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    finally:
        cdp.detach()
    found: list[dict[str, str]] = []

    def attributes(node: dict[str, Any]) -> dict[str, str]:
        values = node.get("attributes", [])
        return dict(zip(values[::2], values[1::2], strict=True))

    def walk(node: dict[str, Any], container: dict[str, Any] | None) -> None:
        if container is None and "mermaid" in attributes(node).get("class", "").split():
            container = {"svg": "", "role": "", "shadow": ""}
            found.append(container)
            container["shadow"] = ",".join(
                s.get("shadowRootType", "") for s in node.get("shadowRoots", [])
            )
        elif (
            container is not None
            and node.get("nodeName", "").lower() == "svg"
            and not container["svg"]
        ):
            container["svg"] = "yes"
            container["role"] = attributes(node).get("aria-roledescription", "")
        for child in [*node.get("shadowRoots", []), *node.get("children", [])]:
            walk(child, container)

    walk(root, None)
    return found


def html_url(build: Build, html: Path, base: str | None) -> str:
    """The URL a reader opens for a built page: file:// offline, served URL online."""
    if base is None:
        return html.as_uri()
    relative = html.relative_to(build.site_dir).as_posix()
    return base + re.sub(r"(^|/)index\.html$", r"\1", relative)


def page_urls(build: Build, base: str | None) -> list[str]:
    """Every built page (the offline edition has no 404 page: file:// never serves one)."""
    return [
        html_url(build, html, base)
        for html in build.html_files()
        if base is not None or html.relative_to(build.site_dir).as_posix() != "404.html"
    ]


def _visit_all(context: Any, urls: list[str], batch: int = 3) -> dict[str, Visit]:
    """Visit pages a batch at a time: the browser loads a batch's pages side by side.

    Small batches: every page parses the 3 MB Mermaid script, and 2 cores loading 8 at once
    can miss the load timeout.
    """
    visits = {url: Visit(url) for url in urls}
    for first in range(0, len(urls), batch):
        pages = [(visits[u], _start(context, u, visits[u])) for u in urls[first : first + batch]]
        try:
            for visit, page in pages:
                _settle(page)
                if page.locator("pre.mermaid").count():
                    try:  # Material swaps each rendered <pre class="mermaid"> for a <div>
                        page.wait_for_function("!document.querySelector('pre.mermaid')")
                    except PlaywrightTimeoutError as error:
                        visit.page_errors.append(f"Mermaid did not render: {error}")
                visit.facts = page.evaluate(PAGE_FACTS_JS)
                visit.mermaid_svgs = _mermaid_svgs(context, page)
        finally:
            for _, page in pages:
                page.close()
    return visits


@pytest.fixture(scope="session")
def base_url(site_builds: dict[str, Build], online_url: str) -> Any:
    """base_url(edition): the served URL of the online edition, None for the offline one."""

    def base(edition: str) -> str | None:
        site_builds[edition].require_success()
        return online_url if edition == "online" else None

    return base


@pytest.fixture(scope="session")
def edition_urls(site_builds: dict[str, Build], base_url: Any) -> Any:
    return lambda edition: page_urls(site_builds[edition], base_url(edition))


@pytest.fixture(scope="session")
def visit_cache() -> dict[str, dict[str, Visit]]:
    return {}


@pytest.fixture
def visits(
    guarded: Any, edition_urls: Any, visit_cache: dict[str, dict[str, Visit]], edition: str
) -> dict[str, Visit]:
    """Every page of ``edition``, visited once per session."""
    if edition not in visit_cache:
        visit_cache[edition] = _visit_all(guarded, edition_urls(edition))
    return visit_cache[edition]


def _url_of(
    md: Path, edition: str, site_builds: dict[str, Build], base_url: Any, md_to_html: Any
) -> str:
    build = site_builds[edition]
    return html_url(build, build.site_dir / md_to_html(md, edition), base_url(edition))


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_loads_without_errors(visits: dict[str, Visit]) -> None:
    assert len(visits) >= 2
    problems = [
        f"{url}\n  " + "\n  ".join(v.console_errors + v.page_errors)
        for url, v in visits.items()
        if v.console_errors or v.page_errors
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("edition", EDITIONS)
def test_requests_stay_on_the_machine(visits: dict[str, Visit], edition: str) -> None:
    def offline_allowed(url: str) -> bool:
        return url.startswith(LOCAL_SCHEMES)

    allowed = offline_allowed if edition == "offline" else _is_local
    remote = sorted(
        {f"{u}  (from {v.url})" for v in visits.values() for u in v.requests if not allowed(u)}
    )
    assert not remote, "requests off the machine:\n" + "\n".join(remote)
    assert all(v.requests for v in visits.values())


@pytest.mark.parametrize("edition", EDITIONS)
def test_code_blocks_have_copy_buttons(visits: dict[str, Visit]) -> None:
    assert sum(v.facts["code_blocks"] for v in visits.values()) > 0, "no code on any page"
    missing = {url: v.facts["code_blocks_without_copy_button"] for url, v in visits.items()}
    assert not {url: m for url, m in missing.items() if m}


@pytest.mark.parametrize("edition", EDITIONS)
def test_code_annotations_are_mounted(visits: dict[str, Visit]) -> None:
    blocks = {
        url: v.facts["annotate_blocks"] for url, v in visits.items() if v.facts["annotate_blocks"]
    }
    assert blocks, "no page uses code annotations ({ .python .annotate }): the site must show one"
    unmounted = {url: counts for url, counts in blocks.items() if 0 in counts}
    assert not unmounted, f"annotate blocks without a mounted annotation: {unmounted}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_mermaid_diagrams_render(
    visits: dict[str, Visit],
    edition: str,
    site_builds: dict[str, Build],
    base_url: Any,
    md_to_html: Any,
) -> None:
    page = visits[_url_of(MERMAID_PAGE, edition, site_builds, base_url, md_to_html)]
    assert page.facts["mermaid"], f"no Mermaid diagram on {page.url}"
    for url, visit in visits.items():
        for diagram in visit.facts["mermaid"]:
            assert diagram["tag"] == "DIV", f"{url}: a diagram was not rendered"
            assert diagram["width"] > 0 and diagram["height"] > 0, f"{url}: {diagram}"
        assert len(visit.mermaid_svgs) == len(visit.facts["mermaid"]), url
        for svg in visit.mermaid_svgs:
            assert svg["shadow"] == "closed" and svg["svg"], f"{url}: {svg}"
            assert svg["role"] not in ("", "error"), f"{url}: Mermaid drew an error: {svg}"


def _search(page: Any, term: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(term)
    result = page.locator(".md-search-result__item a")
    result.first.wait_for(state="visible", timeout=60_000)
    return [a.get_attribute("href") or "" for a in result.all()]


@pytest.mark.parametrize("edition", EDITIONS)
def test_search_finds_a_term(
    guarded: Any, site_builds: dict[str, Build], base_url: Any, edition: str
) -> None:
    build = site_builds[edition]
    visit = Visit(html_url(build, build.site_dir / "index.html", base_url(edition)))
    page = _open(guarded, visit.url, visit)
    try:
        hrefs = _search(page, SEARCH_TERM)
    finally:
        page.close()
    assert any("encryption" in h for h in hrefs), hrefs
    assert not visit.console_errors and not visit.page_errors, visit
    if edition == "offline":
        assert any(r.endswith("search/search_index.js") for r in visit.requests), visit.requests


def _pages_with_sessions(build: Build) -> list[Path]:
    return [
        html
        for html in build.html_files()
        if re.search(r'class="language-(?:console|pycon)\b', html.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize("edition", EDITIONS)
def test_copy_leaves_out_prompts_and_output(
    guarded: Any, site_builds: dict[str, Build], base_url: Any, edition: str
) -> None:
    """The copy button copies the commands only (docs/assets/certkit.css)."""
    build = site_builds[edition]
    pages = _pages_with_sessions(build)
    assert pages, "no page has a console or pycon block: the copy test has nothing to check"
    checked = 0
    for html in pages:
        url = html_url(build, html, base_url(edition))
        visit = Visit(url)
        page = _open(guarded, url, visit)
        try:
            for block in page.locator(".language-console, .language-pycon").all():
                want = block.evaluate(EXPECTED_COPY_JS)
                page.evaluate("navigator.clipboard.writeText('<nothing copied>')")
                block.evaluate(SHOW_TAB_JS)
                block.hover()
                block.locator('button.md-code__button[data-md-type="copy"]').click()
                page.wait_for_function(
                    "async () => (await navigator.clipboard.readText()) !== '<nothing copied>'",
                    timeout=30_000,
                )
                copied = page.evaluate("navigator.clipboard.readText()")
                assert copied == want["expected"], (url, copied, want)
                for prompt in set(want["prompts"]):
                    assert not any(line.startswith(prompt) for line in copied.splitlines()), copied
                for output in want["output"]:
                    assert output not in copied.splitlines(), (output, copied)
                checked += 1
        finally:
            page.close()
    assert checked
