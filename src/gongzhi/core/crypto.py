"""Encryption at rest for sensitive fields, with a keyed blind index for exact look-ups.

AES-256-GCM with a random 96-bit nonce. The stored text is "<key id>$" + base64(nonce ||
ciphertext), the key id naming which of FIELD_ENCRYPTION_KEYS (newest first) wrote it, so
keys can rotate: new values use the newest key, older ones stay readable until
`gongzhi reencrypt` rewrites them. Text without a key id (written before rotation existed)
is tried under every key. The blind index is HMAC-SHA256 under a separate derived key, so
equality search and uniqueness work without decrypting; look-ups match the digests under
every configured key (`blind_indexes`). Outside production the key derives from SECRET_KEY
when no field key is set.

cryptography (its Rust bindings: ~6 MB in every process) is imported on the first key
derivation, not with this module: the models import it, and most processes and requests
never encrypt anything (issue 19, memory).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)
SEP = "$"


class Undecryptable(ValueError):
    """Stored text that no configured key opens (a lost or changed key, or corruption)."""


@dataclass(frozen=True)
class FieldKey:
    kid: str
    aead: AESGCM
    index_key: bytes


def _derive(master: str, info: bytes) -> bytes:
    from cryptography.hazmat.primitives.hashes import SHA256
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=SHA256(), length=32, salt=b"gongzhi", info=info).derive(master.encode())


@lru_cache(maxsize=4)
def _keys_for(masters: tuple[str, ...]) -> tuple[FieldKey, ...]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return tuple(
        FieldKey(
            kid=_derive(m, b"key-id").hex()[:8],
            aead=AESGCM(_derive(m, b"field-encryption")),
            index_key=_derive(m, b"blind-index"),
        )
        for m in masters
    )


def keys() -> tuple[FieldKey, ...]:
    """The configured keys, newest first (read each call, so settings overrides apply)."""
    masters = tuple(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or ())
    if not masters:
        masters = (settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY,)
    return _keys_for(masters)


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    key = keys()[0]
    nonce = os.urandom(12)
    body = base64.b64encode(nonce + key.aead.encrypt(nonce, plain.encode(), None)).decode()
    return f"{key.kid}{SEP}{body}"


def key_id(token: str) -> str:
    """The key id a stored value names ("" for text written before key ids)."""
    return token.split(SEP, 1)[0] if SEP in token else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    from cryptography.exceptions import InvalidTag

    kid, _sep, body = token.rpartition(SEP)
    candidates = [k for k in keys() if k.kid == kid] if kid else list(keys())
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    for key in candidates:
        try:
            return key.aead.decrypt(raw[:12], raw[12:], None).decode()
        except (InvalidTag, ValueError):
            continue
    log.error("undecryptable field value (key id %r): no configured key opens it", kid or "-")
    raise Undecryptable("no configured field-encryption key opens this value")


def blind_index(kind: str, value: str) -> str:
    """A stable keyed digest under the newest key; `kind` separates the ID and phone domains."""
    return _digest(keys()[0], kind, value)


def blind_indexes(kind: str, value: str) -> list[str]:
    """The digests under every configured key, for look-ups while a rotation is under way."""
    return [_digest(key, kind, value) for key in keys()] if value else [""]


def _digest(key: FieldKey, kind: str, value: str) -> str:
    if not value:
        return ""
    msg = kind.encode() + b"\0" + value.encode()
    return hmac.new(key.index_key, msg, hashlib.sha256).hexdigest()[:40]
