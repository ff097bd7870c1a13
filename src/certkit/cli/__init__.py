"""The command line: ``certkit`` and its commands.

`app` builds the parser and runs a command; each module of `commands` adds one command.
`options` parses what several commands share (times, files, passwords, ``--json``, the
handshake's options) and `output` prints every result (``to_text()``, or ``to_dict()`` as
JSON). May import every wing. No command imports another command (``tests/cli`` checks it).
"""
