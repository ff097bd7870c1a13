"""The certificates wing: keys, lab PKIs, reading, walking, explaining, verifying and linting.

Modules: `keys` (seeded keys), `pki` (the lab that issues certificates), `profiles` (the
extensions of each kind of certificate), `files` (private keys written readable by their owner
only), `load` (reading PEM, DER and PKCS #12 files), `derwalk` (the DER tree of any certificate,
even a broken one), `anatomy` (a certificate explained field by field), `verify` (chain
verification through ``cryptography.x509.verification``, explained), `lint` (rules a
certificate should meet) and `names` (distinguished, general and extended-key-usage names).

May import: ``certkit.errors``, ``certkit.defaults``, ``certkit.datafiles`` and ``cryptography``.
Imports nothing of ``certkit.tls``, ``certkit.traces``, ``certkit.zos`` or ``certkit.cli``
(``.importlinter`` holds the contract).
"""
