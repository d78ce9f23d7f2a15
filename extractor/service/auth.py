"""Who is asking: reviewers sign in with the token (or password) the admin set for them.

API clients send ``Authorization: Bearer <token>``; the review page signs in once
(``POST /api/login``) and then carries a session cookie: ``name.expiry.signature``, signed with
HMAC-SHA256 under a key kept in the data folder (so sessions survive a restart) and bound to
the reviewer's current secret (so changing a secret ends that reviewer's sessions). The cookie
is HttpOnly and SameSite=Strict, which keeps other sites from sending it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path
from typing import Mapping, Optional

COOKIE = "extractor_session"


def load_key(path: Path) -> bytes:
    """The session-signing key, made once (readable only by the owner)."""
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    return path.read_bytes()


class Auth:
    def __init__(self, reviewers: Mapping[str, str], key: bytes, session_hours: float):
        self.reviewers = dict(reviewers)
        self.key = key
        self.session_s = int(session_hours * 3600)

    def by_token(self, token: str) -> Optional[str]:
        """The reviewer whose secret this is (compared in constant time), or None."""
        found = None
        for name, secret in self.reviewers.items():
            if hmac.compare_digest(token.encode("utf-8"), secret.encode("utf-8")):
                found = name
        return found

    def login(self, name: Optional[str], secret: str) -> Optional[str]:
        """The reviewer signing in with (name, password) or with a token alone."""
        who = self.by_token(secret)
        if who is None or (name and name != who):
            return None
        return who

    def _sign(self, name: str, expiry: int) -> str:
        msg = f"{name}|{expiry}|{self.reviewers[name]}".encode("utf-8")
        return base64.urlsafe_b64encode(hmac.new(self.key, msg, hashlib.sha256).digest()).decode().rstrip("=")

    def session_cookie(self, name: str) -> str:
        expiry = int(time.time()) + self.session_s
        label = base64.urlsafe_b64encode(name.encode("utf-8")).decode().rstrip("=")
        return f"{label}.{expiry}.{self._sign(name, expiry)}"

    def by_cookie(self, value: str) -> Optional[str]:
        try:
            label, expiry_text, sig = value.split(".")
            name = base64.urlsafe_b64decode(label + "=" * (-len(label) % 4)).decode("utf-8")
            expiry = int(expiry_text)
        except (ValueError, UnicodeDecodeError):
            return None
        if name not in self.reviewers or expiry < time.time():
            return None
        return name if hmac.compare_digest(sig, self._sign(name, expiry)) else None

    def identify(self, headers: Mapping[str, str], cookies: Mapping[str, str]) -> Optional[str]:
        """The reviewer behind a request: a bearer token, else a session cookie."""
        header = headers.get("authorization", "")
        if header:
            scheme, _, token = header.partition(" ")
            return self.by_token(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        cookie = cookies.get(COOKIE)
        return self.by_cookie(cookie) if cookie else None
