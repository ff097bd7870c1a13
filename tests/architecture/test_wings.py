"""The house rules of src/certkit, enforced: wing contracts, private names, text-only modules.

The contracts live in ``.importlinter`` (import-linter); these tests run them, prove that a
broken contract fails, and check two rules import-linter cannot express: no module reaches
into another module's underscore names, and the text-only modules really import without
``cryptography`` (as they must in a reader's browser, under Pyodide).
"""

from __future__ import annotations

import ast
import configparser
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
WINGS = ("certificates", "tls", "traces", "zos", "cli")


def run_contracts(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / ".importlinter"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root / "src"), "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_hold() -> None:
    result = run_contracts(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("certificates/names.py", "import certkit.tls.handshake", "certificates wing"),
        ("tls/serve.py", "import certkit.traces.curl", "TLS wing"),
        ("traces/mermaid.py", "import certkit.cli.app", "traces wing"),
        ("certificates/derwalk.py", "import certkit.certificates.names", "no cryptography"),
    ],
)
def test_a_broken_contract_fails(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / ".importlinter", copy / ".importlinter")
    target = copy / "src" / "certkit" / module
    target.write_text(target.read_text("utf-8") + f"\n{line}  # noqa\n", "utf-8")
    result = run_contracts(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and contract in result.stdout.replace("\n", " ")


def python_files() -> Iterator[Path]:
    for top in ("src", "tests", "bench", "scripts", "snippets"):
        yield from sorted((ROOT / top).rglob("*.py"))


def private_uses(path: Path) -> list[str]:
    """Underscore names of a certkit module used from outside it, as ``line: text``."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found: list[str] = []
    modules: set[str] = set()  # local names bound to certkit modules
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("certkit"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
                modules.add(alias.asname or alias.name)  # may be a module: checked below
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("certkit"):
                    parts = alias.name.split(".")
                    if any(p.startswith("_") and not p.startswith("__") for p in parts):
                        found.append(f"{node.lineno}: import {alias.name}")
                    modules.add(alias.asname or parts[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules and base.id[:1].islower():
                found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def test_no_module_uses_another_modules_underscore_names() -> None:
    problems = []
    for path in python_files():
        for use in private_uses(path):
            problems.append(f"{path.relative_to(ROOT)}:{use}")
    assert not problems, "make the name public in one place:\n" + "\n".join(problems)


def test_the_private_name_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from certkit.tls.handshake import _Wire\n"
        "import certkit.certificates.verify as verify_module\n"
        "from certkit.certificates import lint\n"
        "x = verify_module._FACT_NAMES\n"
        "y = lint.CHECKS\n"
        "z = lint._check\n",
        "utf-8",
    )
    assert private_uses(sample) == [
        "1: from certkit.tls.handshake import _Wire",
        "4: verify_module._FACT_NAMES",
        "6: lint._check",
    ]


def text_only_modules() -> list[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    section = config["importlinter:contract:text-only"]
    names = section["source_modules"].split()
    assert section["forbidden_modules"].split() == ["cryptography"]
    found = []
    for name in names:
        if name.endswith(".**"):
            package = ROOT / "src" / Path(*name[:-3].split("."))
            for path in sorted(package.rglob("*.py")) if package.is_dir() else []:
                relative = path.relative_to(ROOT / "src").with_suffix("")
                found.append(".".join(relative.parts).removesuffix(".__init__"))
        else:
            found.append(name)
    return found


def test_text_only_modules_import_without_cryptography() -> None:
    modules = text_only_modules()
    assert "certkit.certificates.derwalk" in modules
    program = (
        "import sys\n"
        "sys.modules['cryptography'] = None  # as in Pyodide: no cryptography build\n"
        f"for name in {modules!r}:\n"
        "    __import__(name)\n"
        "assert not any(m.startswith('cryptography') for m in sys.modules if sys.modules[m])\n"
        "print('ok', len(" + repr(modules) + "))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_every_wing_says_what_it_may_import() -> None:
    for wing in WINGS:
        init = ROOT / "src" / "certkit" / wing / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8"))) or ""
        assert "import" in doc, f"{init}: say what the wing may import"
