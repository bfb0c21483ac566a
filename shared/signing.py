"""HMAC signatures of download links to a local blob folder (S3 signs its own: presigned URLs).

A link names a blob key and an expiry (Unix seconds) and carries an HMAC-SHA256 of both under a key
derived from `TOP100_SECRET_KEY`; changing any of the three, or waiting past the expiry, makes it
invalid. The time is read on `shared.clock`, so `TOP100_NOW` moves it in tests and drills.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import quote, urlencode

from shared import clock

#: Mixed into the key, so that no other signature made with the secret (a session cookie) is a link.
_PURPOSE = b"top100.blob-link"


def signature(secret_key: str, key: str, expires: int) -> str:
    mac_key = hmac.new(secret_key.encode(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(mac_key, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()


def signed_url(secret_key: str, base_url: str, key: str, seconds: int) -> str:
    """`base_url/<key>?expires=...&signature=...`, valid for `seconds` from now."""
    expires = int(clock.now().timestamp()) + seconds
    query = urlencode({"expires": expires, "signature": signature(secret_key, key, expires)})
    return f"{base_url}/{quote(key)}?{query}"


def valid(secret_key: str, key: str, expires: str | None, given: str | None) -> bool:
    """Whether the link's signature matches its key and expiry, and it has not expired."""
    if not expires or not given or not expires.isdigit() or len(expires) > 12:
        return False
    expected = signature(secret_key, key, int(expires))
    return hmac.compare_digest(expected, given) and int(expires) > clock.now().timestamp()
