# A certificate fingerprint is a hash of the certificate's DER bytes.
# Nothing inside the certificate stores it: whoever looks at the certificate
# computes it.
import hashlib

from cryptography.hazmat.primitives.serialization import Encoding

from certkit import Lab

lab = Lab(seed="fingerprint-demo")
certificate = lab.root_ca("Fingerprint Demo CA").certificate

der = certificate.public_bytes(Encoding.DER)
digest = hashlib.sha256(der).hexdigest().upper()
pairs = [digest[i : i + 2] for i in range(0, len(digest), 2)]
print("SHA-256 fingerprint, 16 bytes to a line:")
print(":".join(pairs[:16]))
print(":".join(pairs[16:]))
