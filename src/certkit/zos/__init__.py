"""The z/OS wing: what a z/OS administrator configures, modelled and generated.

Modules: `keyring` (a RACF key ring model), `stores` (the ``ssl`` contexts and Java key
stores a ring stands for), `racf` (RACDCERT and permit commands from the model), `setup` (a
z/OS Connect server's whole security setup for RACF, ACF2 or Top Secret, as TSO lines or a
batch job), `rings` (pasted RACDCERT commands applied to ring models), `mapping` (which user ID
a certificate maps to through name filters), `jwt` (a token issued with lab keys and checked
as Liberty's JWT consumers check it) and `text` (validators of pasted text).

May import: the certificates and TLS wings, ``certkit.errors``, ``certkit.defaults``,
``certkit.datafiles``. Never ``certkit.traces`` or ``certkit.cli``. A validator that only reads
text imports no ``cryptography``.
"""
