"""The traces wing: a handshake recording written as the tools print it, and read back.

One module per trace format: `curl` (``curl -v``), `jsse` (``-Djavax.net.debug``); and the
course's views of a recording: `steps` (each message with the correct statement) and
`mermaid` (a sequence diagram). `capture` runs the real tools against a lab server and
`text.normalise` makes what they print byte-stable (``certkit.traces.text`` only reads text).

May import: the TLS and certificates wings, ``certkit.errors``, ``certkit.datafiles``. Never
``certkit.cli``. A module that only reads text (a trace reader) imports no ``cryptography``.
"""
