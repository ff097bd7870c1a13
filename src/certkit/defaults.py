"""The one place for certkit's defaults that more than one wing uses.

A command option, a function's default argument and a course page that need one of these values
take it from here, so that the key ring in a RACF sketch, the ring that
[`KeyRing`][certkit.zos.keyring.KeyRing] models and the ring a page shows are the same ring.
Imports nothing but the standard library (nothing at all, in fact), so any module may use it.

The key ring and its owner follow the IBM Washington Systems Center z/OS Connect workshop, whose
``RACDCERT ID(LIBSERV) LISTRING(Liberty.KeyRing)`` output the course's reference reproduces: the
Liberty server's started task user ``LIBSERV`` owns the ring ``Liberty.KeyRing``.
"""

from __future__ import annotations

__all__ = [
    "CLIENT_LABEL",
    "EXPIRING_DAYS",
    "INTERMEDIATE_CA_LABEL",
    "KEY_TYPE",
    "LAB_HOSTS",
    "RING_NAME",
    "RING_OWNER",
    "ROOT_CA_LABEL",
    "SERVER_LABEL",
    "STORE_PASSWORD",
]

# -- z/OS: the key ring --------------------------------------------------------------------------

RING_OWNER = "LIBSERV"
"""The RACF user ID that owns the key ring: the Liberty (z/OS Connect) server's started task."""

RING_NAME = "Liberty.KeyRing"
"""The key ring's name, as ``safkeyring://LIBSERV/Liberty.KeyRing`` names it in ``server.xml``."""

ROOT_CA_LABEL = "Lab Root CA"
"""The label of the lab's root CA certificate in a ring (connected with USAGE CERTAUTH)."""

INTERMEDIATE_CA_LABEL = "Lab Intermediate CA"
"""The label of the lab's intermediate CA certificate in a ring (USAGE CERTAUTH)."""

SERVER_LABEL = "Liberty server"
"""The label of the lab's server certificate in a ring (USAGE PERSONAL, the DEFAULT)."""

CLIENT_LABEL = "Liberty client"
"""The label of the lab's client certificate in a client's ring (USAGE PERSONAL)."""

# -- the lab PKI ---------------------------------------------------------------------------------

KEY_TYPE = "ec-p256"
"""The key type of a lab's keys when none is named (see ``certkit.certificates.keys.KEY_TYPES``)."""

LAB_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1")
"""The names a lab server certificate is issued for when none are given."""

STORE_PASSWORD = "changeit"
"""The password of the PKCS #12 files certkit writes for Java (the JDK's default; a lab only)."""

# -- checks --------------------------------------------------------------------------------------

EXPIRING_DAYS = 30
"""How many days before its end a certificate counts as expiring soon (``certkit lint``)."""
