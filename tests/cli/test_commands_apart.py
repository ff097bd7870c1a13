"""No command module imports another: what commands share lives in cli.options and cli.output."""

from __future__ import annotations

import ast
from pathlib import Path

COMMANDS = Path(__file__).resolve().parents[2] / "src" / "certkit" / "cli" / "commands"


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, with ``from package import name`` also as package.name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # a relative import: from . import x, from .pki import y
                base = ".".join(["certkit", "cli", "commands", *filter(None, [base])])
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def command_imports(path: Path) -> list[str]:
    return sorted(
        name
        for name in imported_modules(path)
        if name.startswith("certkit.cli.commands.") and name != "certkit.cli.commands.names"
    )


def test_no_command_imports_another_command() -> None:
    problems = {
        path.name: command_imports(path)
        for path in sorted(COMMANDS.glob("*.py"))
        if command_imports(path)
    }
    assert not problems, f"move what commands share into certkit.cli.options: {problems}"


def test_the_check_sees_every_way_to_import_a_command(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    for line in (
        "from certkit.cli.commands.pki import parse_time",
        "from certkit.cli.commands import handshake",
        "import certkit.cli.commands.verify",
        "from .lint import run",
        "from . import serve",
    ):
        sample.write_text(line + "\n", "utf-8")
        assert command_imports(sample), line
    sample.write_text("from certkit.cli.options import parse_time\n", "utf-8")
    assert command_imports(sample) == []
