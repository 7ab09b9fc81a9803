"""Encryption at rest for sensitive fields, with a keyed blind index for exact look-ups.

AES-256-GCM with a random 96-bit nonce; the stored text is base64(nonce || ciphertext).
The blind index is HMAC-SHA256 under a separate derived key, so equality search and
uniqueness work without decrypting. Both keys derive from FIELD_ENCRYPTION_KEY
(or SECRET_KEY when that is unset) with HKDF.
"""

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


def _derive(info: bytes) -> bytes:
    master = (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY).encode()
    return HKDF(algorithm=SHA256(), length=32, salt=b"gongzhi", info=info).derive(master)


@lru_cache(maxsize=1)
def _aead() -> AESGCM:
    return AESGCM(_derive(b"field-encryption"))


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    return _derive(b"blind-index")


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    nonce = os.urandom(12)
    return base64.b64encode(nonce + _aead().encrypt(nonce, plain.encode(), None)).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    raw = base64.b64decode(token)
    return _aead().decrypt(raw[:12], raw[12:], None).decode()


def blind_index(kind: str, value: str) -> str:
    """A stable keyed digest; `kind` separates the ID and phone domains."""
    if not value:
        return ""
    msg = kind.encode() + b"\0" + value.encode()
    return hmac.new(_index_key(), msg, hashlib.sha256).hexdigest()[:40]
