"""Which fence languages are run and which are checked.

A fence's language is the first word of its info string (```` ```python title="x" ````),
or the first class of an attribute list (```` ``` { .python .annotate } ````).
"""

from __future__ import annotations

import re

#: Languages whose blocks are executed. ``output`` blocks belong to the runnable block before them.
RUN = {"python", "py", "pycon", "console"}

#: The language of a block that shows what the runnable block before it printed.
OUTPUT = "output"

#: Languages whose blocks are validated by a checker (see `checkers.CHECKERS`).
CHECKED = {"xml", "pem", "json", "yaml", "toml", "mermaid", "bash", "sh", "shell"}

_ATTR_LIST = re.compile(r"^\{\s*\.([\w+-]+)")
_WORD = re.compile(r"^([\w+#-]+)")


def language_of(info: str) -> str:
    """The language of a fence from its info string ('' when there is none)."""
    info = info.strip()
    match = _ATTR_LIST.match(info) or _WORD.match(info)
    return match.group(1).lower() if match else ""
