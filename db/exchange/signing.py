"""The county's signing key: update and setup files only the county can make (docs/design.md §10).

The county makes an Ed25519 key pair when its database is made (`county init`). The private
half stays in the county's own books (the `setting` row `county_signing_key:<county>`, which no file
that leaves the county copies); the public half is the county row's `public_key`, and travels
to each station in its setup file. A station checks every update's signature with it, so
holding a station's key (which signs that station's monthly files) lets no one write an
update, and no station can write one for another.
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

SETTING = "county_signing_key"


def setting_name(county: str) -> str:
    """The `setting` row of county `county`'s private key: one a county (migration 0011)."""
    return f"{SETTING}:{county}"


SIGNATURE_HEX = 128  # an Ed25519 signature is 64 bytes


def new_key_pair() -> tuple[str, str]:
    """(private, public), each as hex of the raw 32 bytes."""
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw.hex(), public.hex()


def sign(private: str, data: bytes) -> str:
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(private)).sign(data).hex()


def valid(public: str, data: bytes, signature: str) -> bool:
    """Whether `signature` (hex) is the county's signature of `data` under `public` (hex)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(bytes.fromhex(public))
        key.verify(bytes.fromhex(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True
