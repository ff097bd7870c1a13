"""Hidden setup code (Sybil's invisible-code-block comments) never reaches a reader.

For every ``<!-- invisible-code-block: LANG ... -->`` comment in docs/**/*.md, none of its
code lines may show in the built page: a code line may appear in the page's visible text at
most as often as it appears in what the page shows on purpose (the Markdown outside those
comments, with snippets expanded). Such blocks turn into visible text when, for example, they
sit inside an indented tab or admonition and contain a blank line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_helpers import DOCS, ROOT, Build, load_config

pytestmark = pytest.mark.site

HIDDEN = re.compile(
    r"<!--+[ \t]*invisible-code-block:[ \t]*(?P<lang>[\w+.-]+)[ \t]*\n(?P<body>.*?)-->", re.S
)
SNIPPET = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+["']([^"']+)["'][ \t]*$""", re.M)
MARKER = "invisible-code-block"
EDITIONS = ["online", "offline"]
MIN_LINE = 4  # shorter lines (")", "pass") say nothing about where they came from


class VisibleText(HTMLParser):
    """The text a reader can see: no comments, scripts, styles, templates or attributes.

    ``article`` is the text of the page's content (Material's ``article.md-content__inner``).
    """

    HIDDEN_TAGS = frozenset({"script", "style", "template"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page: list[str] = []
        self.article: list[str] = []
        self._hidden = 0
        self._article_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN_TAGS:
            self._hidden += 1
        if self._article_depth:
            self._article_depth += tag == "article"
        elif tag == "article" and "md-content__inner" in (dict(attrs).get("class") or ""):
            self._article_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN_TAGS and self._hidden:
            self._hidden -= 1
        if tag == "article" and self._article_depth:
            self._article_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.page.append(data)
        if self._article_depth:
            self.article.append(data)


def visible_text(html: str) -> tuple[str, str]:
    """(whole page, article) visible text, whitespace collapsed."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return _squash(" ".join(parser.page)), _squash(" ".join(parser.article))


def _squash(text: str) -> str:
    return " ".join(text.split())


def _snippet_dirs() -> list[Path]:
    for extension in load_config("online").get("markdown_extensions", []):
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            options = extension["pymdownx.snippets"] or {}
            bases = options.get("base_path", ["."])
            return [ROOT / b for b in ([bases] if isinstance(bases, str) else bases)]
    return [ROOT]


def _auto_appended() -> str:
    for extension in load_config("online").get("markdown_extensions", []):
        if isinstance(extension, dict) and "pymdownx.snippets" in extension:
            names = (extension["pymdownx.snippets"] or {}).get("auto_append", [])
            return "\n".join(_read_snippet(name) for name in names)
    return ""


def _read_snippet(name: str) -> str:
    for base in _snippet_dirs():
        if (base / name).is_file():
            return (base / name).read_text(encoding="utf-8")
    return ""


def shown_on_purpose(markdown: str) -> str:
    """The page's Markdown minus hidden blocks, with --8<-- snippets expanded."""
    shown = HIDDEN.sub("", markdown)
    shown = SNIPPET.sub(lambda m: _read_snippet(m.group(1)), shown)
    return _squash(shown + "\n" + _auto_appended())


def hidden_lines(markdown: str) -> list[str]:
    lines = []
    for block in HIDDEN.finditer(markdown):
        for line in block.group("body").splitlines():
            squashed = _squash(line)
            if len(squashed) >= MIN_LINE:
                lines.append(squashed)
    return lines


PAGES_WITH_HIDDEN_CODE = sorted(
    p for p in DOCS.rglob("*.md") if HIDDEN.search(p.read_text(encoding="utf-8"))
)


def test_the_hidden_block_pattern_matches_sybils_syntax() -> None:
    sample = "text\n<!-- invisible-code-block: python\nx = 1\n\ny = 2\n-->\nmore"
    assert hidden_lines(sample) == ["x = 1", "y = 2"]
    assert shown_on_purpose(sample).startswith("text more")
    page, article = visible_text(
        "<p>a</p><!-- invisible-code-block: python\nx = 1\n--><script>var s = 1</script>"
        '<article class="md-content__inner md-typeset"><p>b</p></article>'
    )
    assert (page, article) == ("a b", "b")


def test_some_page_has_hidden_code() -> None:
    # Without one, the test below would prove nothing about the real site.
    assert PAGES_WITH_HIDDEN_CODE, "no page has an invisible-code-block"


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize(
    "md",
    PAGES_WITH_HIDDEN_CODE,
    ids=lambda p: p.relative_to(DOCS).as_posix(),
)
def test_hidden_code_lines_do_not_show(
    site_builds: dict[str, Build],
    md_to_html: Callable[[Path, str], str],
    edition: str,
    md: Path,
) -> None:
    site = site_builds[edition].require_success()
    built = site / md_to_html(md, edition)
    assert built.is_file(), f"{md} has no built page at {built}"
    markdown = md.read_text(encoding="utf-8")
    _, article = visible_text(built.read_text(encoding="utf-8"))
    assert article, f"{built}: no article.md-content__inner found"
    on_purpose = shown_on_purpose(markdown)
    leaked = [
        f"{line!r}: shown {article.count(line)}x, on purpose {on_purpose.count(line)}x"
        for line in dict.fromkeys(hidden_lines(markdown))
        if article.count(line) > on_purpose.count(line)
    ]
    assert not leaked, f"hidden code of {md.relative_to(ROOT)} shows on {built.name}:\n" + (
        "\n".join(leaked)
    )


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_page_shows_the_hidden_block_marker(site_builds: dict[str, Build], edition: str) -> None:
    build = site_builds[edition]
    build.require_success()
    shown = [
        str(page.relative_to(build.site_dir))
        for page in build.html_files()
        if MARKER in visible_text(page.read_text(encoding="utf-8"))[0]
    ]
    assert not shown, f"{MARKER!r} is visible on: {', '.join(shown)}"
    index = build.site_dir / "search" / "search_index.json"
    assert index.is_file()
    assert MARKER not in index.read_text(encoding="utf-8"), "hidden code is in the search index"


def _leaks(markdown_text: str) -> list[str]:
    """What the checks above would report for one page rendered with the site's extensions."""
    import markdown

    html = markdown.markdown(
        markdown_text,
        extensions=["admonition", "pymdownx.superfences", "pymdownx.tabbed", "md_in_html"],
        extension_configs={"pymdownx.tabbed": {"alternate_style": True}},
    )
    visible, _ = visible_text(html)
    on_purpose = shown_on_purpose(markdown_text)
    return [
        line for line in hidden_lines(markdown_text) if visible.count(line) > on_purpose.count(line)
    ]


def test_the_check_catches_a_hidden_block_that_renders() -> None:
    # The known trap: indented inside a tab, a blank line turns the comment into visible text.
    block = "<!-- invisible-code-block: python\nsecret_setup = 1\n\nassert secret_setup\n-->\n"
    top_level = "# Page\n\n" + block
    in_a_tab = '# Page\n\n=== "Tab"\n\n' + "".join(
        f"    {line}\n" if line else "\n" for line in block.splitlines()
    )
    assert _leaks(top_level) == []
    assert _leaks(in_a_tab) == ["secret_setup = 1", "assert secret_setup"]
