"""Keyed hashes of identifiers (HMAC-SHA256), computed at ingest because DuckDB has no HMAC.

Raw tables hold only these hashes, never NHS numbers or local ids, so the person key in every mart
is a pseudonym that cannot be reversed without the key (`processing_rules.md` §1).
"""

from __future__ import annotations

import hashlib
import hmac


class Hasher:
    """HMAC-SHA256 with a cache: identifiers repeat on every event row of a person."""

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("an HMAC key is required to pseudonymise identifiers")
        self._key = key
        self._cache: dict[str, str] = {}

    def hash(self, value: str) -> str:
        found = self._cache.get(value)
        if found is None:
            found = hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).hexdigest()
            if len(self._cache) < 2_000_000:
                self._cache[value] = found
        return found
