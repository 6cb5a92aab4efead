"""Header and value keys (`cld_extract.md` §4.2 and §4.3).

Headers and code values drift in case and punctuation between councils and releases; matching on
these keys absorbs that drift while the raw text is always kept.
"""

from __future__ import annotations

import re

_NON_ALNUM_RUN = re.compile(r"[^a-z0-9]+")


def header_key(header: str) -> str:
    """Trim, strip a BOM, lower-case, `&` -> `and`, non-alphanumeric runs -> `_`, strip `_`."""
    text = header.replace("\ufeff", "").strip().lower().replace("&", "and")
    return _NON_ALNUM_RUN.sub("_", text).strip("_")


def value_key(value: str) -> str:
    """Lower-case, `&` -> `and`, every non-alphanumeric character -> space, collapse and trim."""
    text = value.lower().replace("&", "and")
    return _NON_ALNUM_RUN.sub(" ", text).strip()
