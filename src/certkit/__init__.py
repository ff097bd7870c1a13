"""certkit: build test PKIs, explain certificates and run real TLS handshakes.

The library behind the certkit course. Start with [`Lab`][certkit.pki.Lab], which makes keys
and certificates from a seed and a clock.
"""

from certkit.errors import CertkitError, InputError
from certkit.pki import Issued, Lab

__all__ = ["CertkitError", "InputError", "Issued", "Lab", "__version__"]

__version__ = "0.1.0"
