"""Password hashing with scrypt (memory-hard, in the standard library), a salt per user.

The parameters are stored with each hash, so they can be raised later without
invalidating the passwords already stored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

__all__ = ["SCRYPT_N", "hash_password", "verify_password"]

# About 16 MiB and a few tens of milliseconds per hash. Read at call time, so a test
# suite may lower it the way Django test settings pick a fast hasher.
SCRYPT_N = 2**14
_R, _P = 8, 1
_SALT_BYTES = 16
_KEY_BYTES = 32
_MAX_N = 2**20  # refuse stored parameters that would exhaust memory


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_KEY_BYTES, maxmem=2**27
    )


def hash_password(password: str) -> str:
    """``scrypt$n$r$p$salt$key`` with a fresh random salt."""
    salt = secrets.token_bytes(_SALT_BYTES)
    key = _scrypt(password, salt, SCRYPT_N, _R, _P)
    encoded = [base64.b64encode(part).decode("ascii") for part in (salt, key)]
    return "$".join(["scrypt", str(SCRYPT_N), str(_R), str(_P), *encoded])


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; a malformed hash matches nothing."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        salt_bytes, key_bytes = base64.b64decode(salt), base64.b64decode(key)
    except (ValueError, binascii.Error):
        return False
    if scheme != "scrypt" or not 1 < n_ <= _MAX_N or not (0 < r_ <= 32 and 0 < p_ <= 16):
        return False
    try:
        candidate = _scrypt(password, salt_bytes, n_, r_, p_)
    except ValueError:
        return False
    return hmac.compare_digest(candidate, key_bytes)
