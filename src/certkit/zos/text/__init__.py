"""Readers and validators of z/OS text a reader pastes (TSO commands, server.xml, policies).

Text only: nothing here imports ``cryptography``, so that these can run in the reader's browser
(Pyodide). The import contract ``text-only`` in ``.importlinter`` enforces it.
"""
