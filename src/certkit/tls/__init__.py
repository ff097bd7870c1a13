"""The TLS wing: real handshakes in memory and on a socket, recorded and proven.

Modules: `wire` (the one parser of TLS bytes), `recording` (a connection's recording, built
once), `handshake` (contexts and an in-memory handshake), `serve` (a lab server on
127.0.0.1), `clientkit` (the files and command lines that connect real clients to it),
`keyschedule` (the recorded handshake re-derived from its key log), `ciphersuites` (the one
registry of cipher suites) and `java` (a Java peer for interop).

May import: the certificates wing, ``certkit.errors``, ``certkit.defaults``,
``certkit.datafiles``. Never ``certkit.traces``, ``certkit.zos`` or ``certkit.cli``.
"""
