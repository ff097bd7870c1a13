"""Tests of the machinery that proves the course pages: each property with a failing case."""

from __future__ import annotations

import pytest
from minisite import MiniSite

FAILING = "raise AssertionError('this block ran')"


# -- a. python blocks run whatever their header, wherever they sit --------------------------

HEADERS = [
    "python",
    "py",
    'python title="example.py"',
    'python linenums="1"',
    'python linenums="1" hl_lines="1"',
    "{ .python .annotate }",
    '{ .python title="x.py" }',
]


@pytest.mark.parametrize("header", HEADERS)
def test_python_block_runs_whatever_its_header(site: MiniSite, header: str) -> None:
    site.page("p.md", f"# P\n\n```{header}\n{FAILING}\n```\n")
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*this block ran*"])


CONTAINERS = {
    "tab": '=== "Tab"\n\n    ```python\n    {code}\n    ```\n',
    "admonition": "!!! note\n\n    ```python\n    {code}\n    ```\n",
    "details": '??? example "Open me"\n\n    ```python\n    {code}\n    ```\n',
    "list": "1. Step one\n\n    ```python\n    {code}\n    ```\n",
    "tab in admonition": '!!! note\n\n    === "Tab"\n\n        ```python\n        {code}\n        ```\n',
}


@pytest.mark.parametrize("container", CONTAINERS)
def test_python_block_runs_inside_containers(site: MiniSite, container: str) -> None:
    site.page("p.md", "# P\n\n" + CONTAINERS[container].format(code=FAILING))
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*this block ran*"])


def test_blocks_of_a_page_share_one_namespace_in_order(site: MiniSite) -> None:
    site.page("p.md", "```python\nx = 41\n```\n\n```python\nassert x + 1 == 42\n```\n")
    site.run().assert_outcomes(passed=2)


def test_pycon_session_runs_and_fails_on_wrong_output(site: MiniSite) -> None:
    site.page("p.md", "```pycon\n>>> 1 + 1\n2\n```\n\n```pycon\n>>> 2 + 2\n5\n```\n")
    result = site.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/p.md:6: pycon session failed*", "*Expected:*", "*5*", "*Got:*", "*4*"]
    )


def test_python_error_traceback_names_page_line(site: MiniSite) -> None:
    site.page("p.md", "# P\n\ntext\n\n```python\nx = 1\ny = 1 / 0\n```\n")
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:7: ZeroDivisionError*"])


# -- b. shown output is compared with what the block printed -------------------------------


def test_output_block_matches(site: MiniSite) -> None:
    site.page("p.md", '```python\nprint("hello")\n```\n\n```output\nhello\n```\n')
    site.run().assert_outcomes(passed=1)


def test_wrong_output_fails_with_file_line_and_diff(site: MiniSite) -> None:
    site.page(
        "p.md",
        '# P\n\n```python\nprint("hello")\nprint("world")\n```\n\n```output\nhello\nwrld\n```\n',
    )
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/p.md:3: the output differs from what the page shows*",
            "*--- shown on the page*",
            "*+++ printed when run*",
            "*-wrld*",
            "*+world*",
        ]
    )


def test_ellipsis_matches_only_what_varies(site: MiniSite) -> None:
    site.page(
        "p.md",
        "```python\nimport os\nprint('key', os.urandom(4).hex(), 'end')\n```\n\n```output\nkey ... end\n```\n",
    )
    site.run().assert_outcomes(passed=1)
    site.page(
        "p.md",
        "```python\nimport os\nprint('key', os.urandom(4).hex(), 'end')\n```\n\n```output\nkey ... END\n```\n",
    )
    site.run().assert_outcomes(failed=1)


def test_output_after_annotation_list(site: MiniSite) -> None:
    site.page(
        "p.md",
        "```{ .python .annotate }\nprint(1)  # (1)!\n```\n\n1. Prints one.\n\n```output\n1\n```\n",
    )
    site.run().assert_outcomes(passed=1)


def test_printing_without_output_block_fails(site: MiniSite) -> None:
    site.page("p.md", '```python\nprint("unseen")\n```\n')
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*printed output that the page does not show*"])


def test_output_block_without_python_before_fails(site: MiniSite) -> None:
    site.page("p.md", "Some text.\n\n```output\n42\n```\n")
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:3: an output block must directly follow*"])


# -- c. console blocks run their commands in a per-page scratch directory -------------------


def test_console_commands_run_and_output_compared(site: MiniSite) -> None:
    site.page("p.md", "```console\n$ echo hello\nhello\n$ printf 'a\\nb\\n'\na\nb\n```\n")
    site.run().assert_outcomes(passed=1)


def test_console_wrong_output_fails_with_diff(site: MiniSite) -> None:
    site.page("p.md", "# P\n\n```console\n$ echo hello\nhello\n$ echo world\nword\n```\n")
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:6: the output differs*", "*-word*", "*+world*"])


def test_console_failing_command_must_show_its_status(site: MiniSite) -> None:
    site.page("p.md", "```console\n$ ls does-not-exist > /dev/null 2>&1\n```\n")
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*exited with status 2*echo $?*"])
    site.page("p.md", "```console\n$ ls does-not-exist > /dev/null 2>&1\n$ echo $?\n2\n```\n")
    site.run().assert_outcomes(passed=1)


def test_console_runs_certkit_cli(site: MiniSite) -> None:
    site.page("p.md", "```console\n$ certkit --version\ncertkit 0.1.0\n```\n")
    site.run().assert_outcomes(passed=1)


def test_scratch_directory_is_per_page(site: MiniSite) -> None:
    site.page("a.md", "```console\n$ touch made-by-a\n$ ls\nmade-by-a\n```\n")
    site.page(
        "b.md",
        "```console\n$ ls made-by-a 2>/dev/null\n$ echo $?\n2\n```\n\n```python\nimport os\nassert os.listdir('.') == []\n```\n",
    )
    site.run().assert_outcomes(passed=3)


def test_python_and_console_share_the_scratch_directory(site: MiniSite) -> None:
    site.page(
        "p.md",
        "```python\nopen('note.txt', 'w').write('from python\\n')\n```\n\n```console\n$ cat note.txt\nfrom python\n```\n",
    )
    site.run().assert_outcomes(passed=2)


# -- d. other fences go through a checker for their language --------------------------------

GOOD_AND_BAD = {
    "xml": ('<ssl id="a" keyStoreRef="k"/>\n<keyStore id="k"/>', '<ssl id="a">'),
    "json": ('{"a": 1}', '{"a": 1,}'),
    "yaml": ("a: [1, 2]", "a: [1, 2"),
    "toml": ('a = "b"', "a = "),
    "mermaid": ("sequenceDiagram\n  A->>B: hi", "sequenceDiagramm\n  A->>B: hi"),
    "bash": ("echo hi", "if then fi"),
    "mvs": (
        "/* on */\nF ZCSRV1,LOGGING='*=info:SSLChannel=all'\nF ZCSRV1,REFRESH,CONFIG",
        "F ZCSRV1,LOGGING='SSLChannel=verbose'",
    ),
}


@pytest.mark.parametrize("language", GOOD_AND_BAD)
def test_checker_accepts_good_and_rejects_bad(site: MiniSite, language: str) -> None:
    good, bad = GOOD_AND_BAD[language]
    site.page("good.md", f"```{language}\n{good}\n```\n")
    site.page("bad.md", f"# Bad\n\n```{language}\n{bad}\n```\n")
    result = site.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*docs/bad.md:3: *"])


def test_pem_checker(site: MiniSite) -> None:
    from cryptography.hazmat.primitives import serialization

    from certkit import Lab

    root = Lab(seed="t").root_ca("T")
    pem = root.pem
    key = root.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    site.page("good.md", f"```pem\n{pem}```\n")
    site.page("broken.md", f"```pem\n{pem.replace('M', 'A', 5)}```\n")
    site.page("key.md", f"```pem\n{key}\n```\n")
    result = site.run()
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["*private key: pages never show private keys*"])


def test_unknown_language_fails(site: MiniSite) -> None:
    site.page("p.md", "```cobol\nDISPLAY 'HI'.\n```\n\n```\nno language\n```\n")
    result = site.run()
    result.assert_outcomes(failed=2)
    result.stdout.fnmatch_lines(
        ["*no runner or checker for ```cobol*", "*a fence needs a language*"]
    )


def test_opt_out_is_reported_with_its_reason(site: MiniSite) -> None:
    site.page(
        "p.md",
        '<!-- docproof: not-run reason="z/OS console command" -->\n```text\nF SRV,REFRESH\n```\n',
    )
    result = site.run()
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*docs/p.md:2: not run: z/OS console command*"])


# -- f. snippet includes are expanded in the page's context ---------------------------------


def test_snippet_runs_in_page_context(site: MiniSite) -> None:
    site.snippet("greet.py", "print(greeting.upper())\n")
    site.page(
        "p.md",
        '```python\ngreeting = "hello"\n```\n\n```python\n--8<-- "greet.py"\n```\n\n```output\nHELLO\n```\n',
    )
    site.run().assert_outcomes(passed=2)


def test_snippet_output_mismatch_fails(site: MiniSite) -> None:
    site.snippet("greet.py", "print('hello')\n")
    site.page("p.md", '```python\n--8<-- "greet.py"\n```\n\n```output\nbye\n```\n')
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*-bye*", "*+hello*"])


def test_missing_snippet_fails_the_tests(site: MiniSite) -> None:
    site.page("p.md", '# P\n\n```python\n--8<-- "missing.py"\n```\n')
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*docs/p.md:3: snippet include failed*missing.py*"])


# -- hidden setup blocks run ---------------------------------------------------------------


def test_hidden_setup_block_runs(site: MiniSite) -> None:
    site.page(
        "p.md",
        "<!-- invisible-code-block: python\nsecret = 6 * 7\n-->\n\n```python\nprint(secret)\n```\n\n```output\n42\n```\n",
    )
    site.run().assert_outcomes(passed=2)
    site.page("p.md", f"<!-- invisible-code-block: python\n{FAILING}\n-->\n")
    site.run().assert_outcomes(failed=1)


# -- a proof folded under its claim (CONTRIBUTING, "How a chapter is shaped") -------------

FOLDED = (
    "## The claim\n\nThe answer, first.\n\n"
    '??? example "Proof: run it"\n\n'
    "    The code, introduced by a sentence.\n\n"
    "    ```python\n    print(6 * 7)\n    ```\n\n"
    "    ```output\n    {shown}\n    ```\n"
)


def test_folded_python_and_output_run_and_are_counted(site: MiniSite) -> None:
    from docproof import guard

    site.page("p.md", FOLDED.format(shown="42"))
    result = site.run()
    result.assert_outcomes(passed=1)
    verdicts = guard.judge(site.root / "mkdocs.yml")
    assert [(v.fence.line, v.status) for v in verdicts] == [(9, "run"), (13, "output")]


def test_wrong_output_inside_a_fold_fails(site: MiniSite) -> None:
    site.page("p.md", FOLDED.format(shown="41"))
    result = site.run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*docs/p.md:9: the output differs from what the page shows*", "*-41*", "*+42*"]
    )


def test_regen_rewrites_output_inside_a_fold(site: MiniSite) -> None:
    from docproof.regen import regenerate

    page = site.page("p.md", FOLDED.format(shown="41"))
    assert regenerate(site.root / "mkdocs.yml", page)
    assert page.read_text() == FOLDED.format(shown="42")
    site.run().assert_outcomes(passed=1)


# -- regeneration of shown output -----------------------------------------------------------


def test_regen_rewrites_output_and_console_blocks(site: MiniSite) -> None:
    from docproof.regen import regenerate

    page = site.page(
        "p.md",
        '=== "Tab"\n\n    ```python\n    print("new")\n    ```\n\n    ```output\n    old\n    ```\n\n'
        "```console\n$ echo fresh\nstale\n$ echo two; echo lines\n```\n",
    )
    assert regenerate(site.root / "mkdocs.yml", page)
    assert page.read_text() == (
        '=== "Tab"\n\n    ```python\n    print("new")\n    ```\n\n    ```output\n    new\n    ```\n\n'
        "```console\n$ echo fresh\nfresh\n$ echo two; echo lines\ntwo\nlines\n```\n"
    )
    assert not regenerate(site.root / "mkdocs.yml", page)
    site.run().assert_outcomes(passed=2)


def test_regen_keeps_placeholders_of_a_block_that_still_matches(
    site: MiniSite, capsys: pytest.CaptureFixture[str]
) -> None:
    from docproof.regen import regenerate

    page = site.page(
        "p.md",
        "```console\n$ date +%Y; echo same\n...\nsame\n```\n\n"
        "```console\n$ date +%Y; echo changed\n...\nstale\n```\n",
    )
    assert regenerate(site.root / "mkdocs.yml", page)
    first, second = page.read_text().split("\n\n")
    assert first == "```console\n$ date +%Y; echo same\n...\nsame\n```"
    assert "..." not in second and second.endswith("changed\n```\n")
    assert "p.md:8: rewritten; it held '...'" in capsys.readouterr().out


def test_fence_shown_inside_a_markdown_example_is_not_run(site: MiniSite) -> None:
    site.page(
        "p.md",
        '<!-- docproof: not-run reason="shows Markdown source" -->\n'
        "````markdown\n```python\nraise AssertionError('must not run')\n```\n````\n",
    )
    result = site.run()
    result.assert_outcomes(skipped=1)


def test_expect_directive_compares_a_block_with_what_the_page_generates(site: MiniSite) -> None:
    from docproof.regen import regenerate

    diagram = "sequenceDiagram\n  A->>B: hi\n"
    site.page(
        "p.md",
        f'```python\ndiagram = {diagram!r}\n```\n\n<!-- docproof: expect="diagram" -->\n```mermaid\n{diagram}```\n',
    )
    site.run().assert_outcomes(passed=2)
    page = site.page(
        "p.md",
        f'```python\ndiagram = {diagram!r}\n```\n\n<!-- docproof: expect="diagram" -->\n```mermaid\nsequenceDiagram\n  A->>B: bye\n```\n',
    )
    result = site.run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*docs/p.md:6: the output differs*",
            "*generated by diagram*",
            "*-  A->>B: bye*",
            "*+  A->>B: hi*",
        ]
    )
    assert regenerate(site.root / "mkdocs.yml", page)
    assert "A->>B: hi" in page.read_text()
    site.page(
        "p.md",
        '<!-- docproof: expect="undefined_name" -->\n```mermaid\nsequenceDiagram\n  A->>B: x\n```\n',
    )
    site.run().stdout.fnmatch_lines(["*expect='undefined_name' failed: NameError*"])


# -- random order: pages move, their blocks stay in order --------------------------------------

ORDERED_PAGE = "# P\n\n" + "".join(
    f"```python\nsteps = [*globals().get('steps', []), {n}]\nassert steps == list(range({n + 1}))\n```\n\n"
    for n in range(8)
)


def test_random_order_keeps_a_pages_blocks_in_order(site: MiniSite) -> None:
    site.page("a.md", ORDERED_PAGE)
    site.page("b.md", ORDERED_PAGE)
    for seed in range(1, 6):
        result = site.run("-p", "randomly", f"--randomly-seed={seed}")
        result.assert_outcomes(passed=16)


def test_without_in_document_order_the_shuffle_breaks_a_page(site: MiniSite) -> None:
    """The failing case: pytest-randomly alone shuffles a page's blocks."""
    (site.root / "conftest.py").write_text(
        "from pathlib import Path\nfrom docproof import make_sybil\n"
        'pytest_collect_file = make_sybil(Path(__file__).parent / "mkdocs.yml").pytest()\n'
    )
    site.page("a.md", ORDERED_PAGE)
    failed = [
        site.run("-p", "randomly", f"--randomly-seed={seed}").parseoutcomes().get("failed", 0)
        for seed in range(1, 6)
    ]
    assert any(failed), failed
