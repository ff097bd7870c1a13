"""Both editions in the Debian chromium: every page, search, copy buttons, annotations, Mermaid,
and the width of every code block at a 1280-pixel window.

The online edition is served from 127.0.0.1 (compressed, as a web server would), the offline
edition opened from file://. Each page is visited once per edition (session fixture
``visits``), and each visit waits for events, never for time passing: the ``load`` event (by
then Material has mounted copy buttons and annotations), the response that brings the search
index, and the rendering of as many Mermaid diagrams as the built page holds. The tests then
look at what the visits recorded. Requests that would leave the machine are refused by the
test before they reach the network, and recorded.

Neither edition sets repo_url (it would make every page call api.github.com), so no page may
request anything off the machine: the online edition only 127.0.0.1, the offline one only
file://.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from site_helpers import DOCS, Build, page_weight_file

pytestmark = [pytest.mark.site, pytest.mark.browser]

EDITIONS = ["online", "offline"]
SEARCH_TERM = "fingerprint"  # in the body of docs/encryption.md, not only in a title
MERMAID_PAGE = DOCS / "encryption.md"
MERMAID_SCRIPT = "/assets/vendor/mermaid/mermaid.min.js"
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")
# What a reader downloads for a page without a diagram, on a cold cache (kB = 1000 bytes).
PAGE_BUDGET_KB = 500

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

# Material swaps each <pre class="mermaid"> for a <div class="mermaid"> holding the drawing.
DIAGRAMS_DRAWN_JS = "(n) => document.querySelectorAll('div.mermaid').length >= n"

# For each console/pycon block: what a reader means to copy (each line without its prompt,
# output lines left out; computed from the markup, independently of the CSS), and what the
# copy button really put on the clipboard, its tab selected first. Material copies synchronously
# in the click handler (clipboard.js, document.execCommand('copy')), so the clipboard is read a
# frame after the click. Chromium lets execCommand copy only while the page has transient user
# activation, which Playwright's evaluate grants and which lasts 5 seconds: one evaluate per block
# (COPY_ONE_JS), never one for the whole page (a long page under load ran past 5 s and its last
# blocks copied nothing). The activation is reported, so a failure says which cause it was.
COPY_BLOCKS = ".language-console, .language-pycon"
COPY_ONE_JS = """async ([selector, index]) => {
  const block = document.querySelectorAll(selector)[index];
  // A block in a closed <details> (a folded proof) or in an inactive tab is not rendered, and
  // copies nothing or copies without the CSS: open the details and select the tabs around it
  // first, as a reader would.
  for (let d = block.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
  const tabs = [];
  for (let b = block.closest('.tabbed-block'); b; b = b.parentElement.closest('.tabbed-block'))
    tabs.unshift(b);
  for (const b of tabs) {
    const set = b.closest('.tabbed-set');
    const input = set.querySelectorAll(':scope > input')[[...b.parentElement.children].indexOf(b)];
    set.querySelector(`label[for="${input.id}"]`).click();
  }
  const code = block.querySelector('pre > code');
  const lines = [...code.querySelectorAll(':scope > span[id^="__span"]')];
  const typed = lines.filter(l => !l.querySelector('.go')).map(l => {
    const clone = l.cloneNode(true);
    clone.querySelectorAll('.gp').forEach(p => p.remove());
    return clone.textContent.replace(/\\n$/, '');
  });
  await navigator.clipboard.writeText('<nothing copied>');
  const activated = navigator.userActivation.isActive;
  block.querySelector('button.md-code__button[data-md-type="copy"]').click();
  await new Promise(frame => requestAnimationFrame(frame));
  return {
    expected: typed.join('\\n').replace(/\\s+$/, ''),
    copied: await navigator.clipboard.readText(),
    activated: activated,
    prompts: [...code.querySelectorAll('.gp')].map(p => p.textContent),
    output: [...code.querySelectorAll('.go')].map(p => p.textContent).filter(t => t.trim()),
  };
}"""


def copy_all(page: Any) -> list[dict[str, Any]]:
    """Click every console/pycon block's copy button, each in its own evaluate (see above)."""
    count = page.evaluate(f"document.querySelectorAll({COPY_BLOCKS!r}).length")
    return [page.evaluate(COPY_ONE_JS, [COPY_BLOCKS, index]) for index in range(count)]


# The width every code block must fit in: a 1280-pixel browser window (the browser fixture's
# viewport). After everything else a visit looks at, each <pre> (and the <code> inside it) is
# revealed as a reader would (its <details> opened, its content tabs selected, outermost first)
# and measured: a box whose content is wider than the box (scrollWidth > clientWidth) scrolls
# sideways. Reading scrollWidth makes the browser lay the page out first: no waiting is needed.
# For each such block the visit records its index among the page's blocks, the first line whose
# text runs past the box's right edge, and that line's number.
WIDTH_PX = 1280
CODE_WIDTHS_JS = """() => {
  const content = document.querySelector('.md-content') || document.body;
  const pres = [...content.querySelectorAll('pre')].filter(p => !p.closest('.mermaid'));
  const reveal = pre => {
    const tabs = [];
    for (let e = pre.parentElement; e && e !== content; e = e.parentElement) {
      if (e.tagName === 'DETAILS') e.open = true;
      if (e.classList.contains('tabbed-block')) tabs.unshift(e);
    }
    for (const b of tabs) {
      const set = b.closest('.tabbed-set');
      const input = set.querySelectorAll(':scope > input')[[...b.parentElement.children].indexOf(b)];
      set.querySelector(`label[for="${input.id}"]`).click();
    }
  };
  const linesOf = box => {
    const spans = [...box.querySelectorAll('span[id^="__span"]')];
    if (spans.length) return spans;
    return [box];  // no line spans: the box as one "line"
  };
  const firstWideLine = box => {
    const style = getComputedStyle(box);
    const r = box.getBoundingClientRect();
    const right = r.left + box.clientLeft + box.clientWidth - parseFloat(style.paddingRight);
    const lines = linesOf(box);
    for (let i = 0; i < lines.length; i++) {
      const range = document.createRange();
      range.selectNodeContents(lines[i]);
      const rects = [...range.getClientRects()];
      if (rects.some(q => q.right > right + 0.5))
        return {line: i + 1, text: lines[i].textContent.replace(/\\n$/, '')};
    }
    const texts = box.textContent.split('\\n');
    const longest = texts.reduce((a, t, i) => t.length > texts[a].length ? i : a, 0);
    return {line: longest + 1, text: texts[longest]};
  };
  const blocks = pres.map((pre, index) => {
    reveal(pre);
    const code = pre.querySelector(':scope > code');
    const boxes = code ? [pre, code] : [pre];
    const shown = pre.getClientRects().length > 0;
    const wide = boxes.filter(b => b.scrollWidth > b.clientWidth);
    const box = wide.length ? wide[wide.length - 1] : null;
    return {
      index: index + 1,
      shown,
      wide: Boolean(box),
      scroll_width: box ? box.scrollWidth : 0,
      client_width: box ? box.clientWidth : 0,
      first_wide_line: box ? firstWideLine(box) : null,
      start: pre.textContent.slice(0, 60),
    };
  });
  return {viewport: window.innerWidth, blocks};
}"""


@dataclass
class Visit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    mermaid_svgs: list[dict[str, str]] = field(default_factory=list)
    copies: list[dict[str, Any]] = field(default_factory=list)
    # Every <pre> of the page measured at the window's width (see CODE_WIDTHS_JS).
    code_widths: dict[str, Any] = field(default_factory=dict)
    # Online edition: bytes on the wire per URL (compressed body and headers), cold cache.
    transferred: dict[str, int] = field(default_factory=dict)


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


def _describe(message: Any) -> str:
    where = message.location.get("url") or ""
    return f"{message.text} [{where}]" if where else message.text


def _new_page(context: Any, visit: Visit) -> Any:
    """A page that records console errors, page errors and requests into ``visit``."""
    page = context.new_page()
    # Generous, and only ever reached when something is broken: every wait is for an event.
    page.set_default_timeout(60_000)
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(_describe(m)))
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))
    page.on("request", lambda r: visit.requests.append(r.url))
    return page


def _is_search_index(url: str) -> bool:
    return url.split("?")[0].endswith(("search/search_index.json", "search/search_index.js"))


def _load(page: Any, url: str, *, online: bool) -> list[Any]:
    """Open ``url`` and wait for the load event and, online, for the search index to arrive.

    Returns the requests that finished (online: with the cache off, so that their sizes are a
    first-time reader's download).
    """
    finished: list[Any] = []
    if not online:
        page.goto(url, wait_until="load")
        return finished
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.on("requestfinished", lambda request: finished.append(request))
    with page.expect_event("requestfinished", lambda r: _is_search_index(r.url)):
        page.goto(url, wait_until="load")
    return finished


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


def _pages(build: Build, base: str | None) -> dict[str, Path]:
    """Every built page by URL (the offline edition has no 404 page: file:// never serves one)."""
    return {
        html_url(build, html, base): html
        for html in build.html_files()
        if base is not None or html.relative_to(build.site_dir).as_posix() != "404.html"
    }


def _diagrams_in(html: Path) -> int:
    """How many Mermaid diagrams the built page holds, before any script runs."""
    return len(re.findall(r'<pre class="mermaid"', html.read_text(encoding="utf-8")))


def _visit(context: Any, url: str, html: Path, online: bool) -> Visit:
    visit = Visit(url)
    page = _new_page(context, visit)
    try:
        finished = _load(page, url, online=online)
        diagrams = _diagrams_in(html)
        if diagrams:
            try:
                page.wait_for_function(DIAGRAMS_DRAWN_JS, arg=diagrams)
            except PlaywrightError as error:
                visit.page_errors.append(f"Mermaid did not draw {diagrams} diagrams: {error}")
        visit.facts = page.evaluate(PAGE_FACTS_JS)
        visit.mermaid_svgs = _mermaid_svgs(context, page)
        visit.copies = copy_all(page)
        # Last: it opens every <details> and selects tabs, which the facts above must not see.
        visit.code_widths = page.evaluate(CODE_WIDTHS_JS)
        for request in finished:
            sizes = request.sizes()
            visit.transferred[request.url] = (
                sizes["responseBodySize"] + sizes["responseHeadersSize"]
            )
    finally:
        page.close()
    return visit


@pytest.fixture(scope="session")
def base_url(site_builds: dict[str, Build], online_url: str) -> Any:
    """base_url(edition): the served URL of the online edition, None for the offline one."""

    def base(edition: str) -> str | None:
        site_builds[edition].require_success()
        return online_url if edition == "online" else None

    return base


@pytest.fixture(scope="session")
def visits_of(
    guarded: Any,
    site_builds: dict[str, Build],
    base_url: Callable[[str], str | None],
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[str], dict[str, Visit]]:
    """visits_of(edition): every page of the edition, visited once per session, in turn.

    The online visits also record each page's download (see `page_weight_file`).
    """
    cache: dict[str, dict[str, Visit]] = {}

    def visits(edition: str) -> dict[str, Visit]:
        if edition not in cache:
            base = base_url(edition)
            pages = _pages(site_builds[edition], base)
            cache[edition] = {
                url: _visit(guarded, url, html, online=base is not None)
                for url, html in pages.items()
            }
            if base is not None:
                weights = {
                    url.removeprefix(base) or "/": {
                        "transferred_bytes": sum(v.transferred.values()),
                        "requests": len(v.transferred),
                        "diagrams": len(v.facts["mermaid"]),
                    }
                    for url, v in cache[edition].items()
                }
                page_weight_file(tmp_path_factory).write_text(json.dumps(weights, indent=1))
        return cache[edition]

    return visits


@pytest.fixture
def visits(visits_of: Callable[[str], dict[str, Visit]], edition: str) -> dict[str, Visit]:
    return visits_of(edition)


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


@pytest.mark.parametrize("edition", EDITIONS)
def test_mermaid_is_loaded_only_where_a_diagram_is(visits: dict[str, Visit]) -> None:
    """docs/assets/certkit-mermaid.js fetches the 3.5 MB script on pages with a diagram only."""
    loads = {url: any(MERMAID_SCRIPT in r for r in v.requests) for url, v in visits.items()}
    diagrams = {url: bool(v.facts["mermaid"]) for url, v in visits.items()}
    assert any(diagrams.values()) and not all(diagrams.values()), diagrams
    assert loads == diagrams


def test_pages_without_a_diagram_stay_small(visits_of: Callable[[str], dict[str, Visit]]) -> None:
    """A first-time reader's download for a page: what crossed the wire, cache off."""
    visits_online = visits_of("online")
    sizes = {url: sum(v.transferred.values()) for url, v in visits_online.items()}
    assert all(sizes.values()), sizes
    heavy = {
        url: f"{size / 1000:.0f} kB"
        for url, size in sizes.items()
        if size > PAGE_BUDGET_KB * 1000 and not visits_online[url].facts["mermaid"]
    }
    assert not heavy, f"pages without a diagram over {PAGE_BUDGET_KB} kB: {heavy}"


def _search(page: Any, term: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(term)
    result = page.locator(".md-search-result__item a")
    result.first.wait_for(state="visible")
    return [a.get_attribute("href") or "" for a in result.all()]


@pytest.mark.parametrize("edition", EDITIONS)
def test_search_finds_a_term(
    guarded: Any, site_builds: dict[str, Build], base_url: Any, edition: str
) -> None:
    build = site_builds[edition]
    visit = Visit(html_url(build, build.site_dir / "index.html", base_url(edition)))
    page = _new_page(guarded, visit)
    try:
        _load(page, visit.url, online=edition == "online")
        hrefs = _search(page, SEARCH_TERM)
    finally:
        page.close()
    assert any("encryption" in h for h in hrefs), hrefs
    assert not visit.console_errors and not visit.page_errors, visit
    if edition == "offline":
        assert any(r.endswith("search/search_index.js") for r in visit.requests), visit.requests


@pytest.mark.parametrize("edition", EDITIONS)
def test_copy_leaves_out_prompts_and_output(visits: dict[str, Visit]) -> None:
    """The copy button copies the commands only (docs/assets/certkit.css), on every block."""
    copies = [(url, c) for url, v in visits.items() for c in v.copies]
    assert copies, "no page has a console or pycon block: the copy test has nothing to check"
    for url, copy in copies:
        assert copy["copied"] == copy["expected"], (url, copy)
        lines = copy["copied"].splitlines()
        for prompt in set(copy["prompts"]):
            assert not any(line.startswith(prompt) for line in lines), (url, copy["copied"])
        for output in copy["output"]:
            assert output not in lines, (url, output, copy["copied"])


@pytest.mark.parametrize("edition", EDITIONS)
def test_a_readers_click_copies_like_the_button(
    guarded: Any, site_builds: dict[str, Build], base_url: Any, edition: str, md_to_html: Any
) -> None:
    """The mouse path: hover shows the button, a real click copies what the button copies."""
    build = site_builds[edition]
    html = build.site_dir / md_to_html(DOCS / "anatomy.md", edition)
    visit = Visit(html_url(build, html, base_url(edition)))
    page = _new_page(guarded, visit)
    try:
        _load(page, visit.url, online=False)
        block = page.locator(".language-console").first
        page.evaluate("navigator.clipboard.writeText('<nothing copied>')")
        block.hover()
        block.locator('button.md-code__button[data-md-type="copy"]').click()
        page.wait_for_function(
            "async () => (await navigator.clipboard.readText()) !== '<nothing copied>'"
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        expected = page.evaluate(COPY_ONE_JS, [COPY_BLOCKS, 0])["expected"]
    finally:
        page.close()
    assert copied == expected and copied and not copied.startswith("$"), copied


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_code_block_scrolls_sideways_at_1280_px(visits: dict[str, Visit]) -> None:
    """Every <pre> on every page, in a 1280-pixel window, folded ones opened first, fits.

    A block scrolls when its box (the <pre>, or the <code> that Material makes scroll) has a
    scrollWidth greater than its clientWidth. CONTRIBUTING.md, "How a chapter is shaped".
    """
    measured = 0
    problems: list[str] = []
    for url, visit in visits.items():
        widths = visit.code_widths
        assert widths["viewport"] == WIDTH_PX, (url, widths["viewport"])
        for block in widths["blocks"]:
            measured += 1
            where = f"{url} block {block['index']} ({block['start'][:40]!r})"
            if not block["shown"]:
                problems.append(f"{where}: not shown even with its details and tabs opened")
            elif block["wide"]:
                line = block["first_wide_line"]
                problems.append(
                    f"{where}: {block['scroll_width']} px of content in a "
                    f"{block['client_width']} px box; line {line['line']}: {line['text']!r}"
                )
    assert measured, "no <pre> on any page: the width test measured nothing"
    assert not problems, (
        f"{len(problems)} code blocks scroll sideways at {WIDTH_PX} px:\n" + "\n".join(problems)
    )
