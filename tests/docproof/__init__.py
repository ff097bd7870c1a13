"""docproof: every fenced block on every course page is run or checked.

* `sybil_parser` turns each fence of a page into a Sybil example (run Python, pycon and console
  sessions; check XML, PEM, JSON, ... with a checker for the language; refuse anything else);
* `guard` reads the pages on its own and accounts for every fence: run, checked, or opted out
  with a written reason;
* `languages` is the one table of what is run and what is checked.
"""

from docproof.sybil_parser import make_sybil

__all__ = ["make_sybil"]
