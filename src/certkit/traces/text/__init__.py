"""Trace code that only reads text: no ``cryptography`` (contract "text-only")."""
