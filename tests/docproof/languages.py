"""Which fence languages are run and which are checked.

A fence's language is the first word of its info string (```` ```python title="x" ````),
or the first class of an attribute list (```` ``` { .python .annotate } ````).
"""

from __future__ import annotations

import re

from docproof import checkers
from docproof.checkers import Checker

#: Languages whose blocks are executed. ``output`` blocks belong to the runnable block before them.
RUN = {"python", "py", "pycon", "console"}

#: The language of a block that shows what the runnable block before it printed.
OUTPUT = "output"

#: The one registry of checked fences: each language with the checker its blocks go through
#: (the guard, the Sybil parser and the snippet tests all read it). Add a language here.
CHECKED: dict[str, Checker] = {
    "xml": checkers.check_xml,
    "pem": checkers.check_pem,
    "json": checkers.check_json,
    "yaml": checkers.check_yaml,
    "toml": checkers.check_toml,
    "mermaid": checkers.check_mermaid,
    "bash": checkers.check_shell,
    "sh": checkers.check_shell,
    "shell": checkers.check_shell,
    "racf": checkers.check_racf,
    "acf2": checkers.check_racf,
    "tss": checkers.check_racf,
    "jcl": checkers.check_jcl,
    "trace": checkers.check_trace,
    "attls": checkers.check_attls,
    "mvs": checkers.check_mvs,
}

#: Snippet files (snippets/) by suffix: the checked language each goes through.
SUFFIXES = {
    ".xml": "xml",
    ".pem": "pem",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".sh": "bash",
    ".racf": "racf",
    ".acf2": "acf2",
    ".tss": "tss",
    ".jcl": "jcl",
    ".trace": "trace",
    ".attls": "attls",
    ".mvs": "mvs",
}

_ATTR_LIST = re.compile(r"^\{\s*\.([\w+-]+)")
_WORD = re.compile(r"^([\w+#-]+)")


def language_of(info: str) -> str:
    """The language of a fence from its info string ('' when there is none)."""
    info = info.strip()
    match = _ATTR_LIST.match(info) or _WORD.match(info)
    return match.group(1).lower() if match else ""
