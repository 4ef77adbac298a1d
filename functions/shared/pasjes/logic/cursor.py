"""Opaque, tamper-safe paging cursors: a signed position in one particular search."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from pasjes.errors import InvalidCursor

_SIGNATURE_BYTES = 16


def cursor_secret() -> str:
    """The key that signs cursors, from Secrets Manager (named by CURSOR_SECRET_NAME)."""
    from pasjes.aws import secret_text
    from pasjes.settings import get_settings

    name: str = get_settings().required("cursor_secret_name")
    return secret_text(name)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode_cursor(position: Any, search: str, *, secret: str) -> str:
    """`search` fingerprints the query the cursor belongs to, so it cannot page another one."""
    payload = json.dumps({"p": position, "s": search}, separators=(",", ":")).encode()
    return f"{_b64(payload)}.{_b64(_sign(secret, payload))}"


def decode_cursor(cursor: str, search: str, *, secret: str) -> Any:
    try:
        payload_part, signature_part = cursor.split(".")
        payload = _unb64(payload_part)
        signature = _unb64(signature_part)
    except ValueError as error:
        raise InvalidCursor() from error
    if not hmac.compare_digest(signature, _sign(secret, payload)):
        raise InvalidCursor()
    data = json.loads(payload)
    if data.get("s") != search:
        raise InvalidCursor()
    return data["p"]
