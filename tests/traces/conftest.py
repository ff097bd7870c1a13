"""The trace tests' fixtures (see lab_recordings.py)."""

from lab_recordings import ec_pki, rsa_pki

__all__ = ["ec_pki", "rsa_pki"]
