"""The z/OS wing: what a z/OS administrator configures, modelled and generated.

Modules: `keyring` (a RACF key ring model) and `stores` (the ``ssl`` contexts and Java key
stores a ring stands for).

May import: the certificates and TLS wings, ``certkit.errors``, ``certkit.defaults``,
``certkit.datafiles``. Never ``certkit.traces`` or ``certkit.cli``. A validator that only reads
text imports no ``cryptography``.
"""
