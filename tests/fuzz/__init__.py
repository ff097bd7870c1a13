"""Property-based tests: mutated DER, PEM and TLS bytes fed to every parser of certkit.

``corpus`` holds the real inputs (lab certificates, requests, keys, PKCS #7, PKCS #12, CRLs and
recorded handshakes), ``mutations`` the hypothesis strategies that damage them, and ``budget``
the fixed example budget (raise it with ``CERTKIT_FUZZ_EXAMPLES`` for a long local run).
"""
