"""Copies of a keyed row within one file, found across its chunks (finance §5, good-lives GL040).

Only the first row of each key and a 64-bit hash of its values are kept, so a copy in a later chunk is
still recognised without holding the rows; "exact" means every hashed value is equal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator
from typing import Any

import pandas as pd


def content_digests(loaded: pd.DataFrame, columns: Iterable[str]) -> pd.Series:
    """A 64-bit hash per row of the given columns (the row's stored values)."""
    return pd.util.hash_pandas_object(loaded[list(columns)], index=False)


class FirstSeen:
    """First row number and value hash of each key across the chunks of one file."""

    def __init__(self) -> None:
        self._first: dict[Hashable, tuple[int, int]] = {}

    def copies(
        self, row_numbers: Iterable[Any], keys: Iterable[Hashable], digests: Iterable[Any]
    ) -> Iterator[tuple[int, int, int, bool]]:
        """(position, row_number, first_row, exact) of each row whose key was seen before; the first
        row of a key is remembered and never yielded."""
        for position, (row_number, key, digest) in enumerate(zip(row_numbers, keys, digests, strict=True)):
            first = self._first.get(key)
            if first is None:
                self._first[key] = (int(row_number), int(digest))
                continue
            yield position, int(row_number), first[0], first[1] == int(digest)


def drop_copies(chunk: Any, duplicates: list[dict[str, object]]) -> set[int]:
    """Move the copies out of a chunk result's loaded rows, issues and check counts into its
    rejections; returns their row numbers."""
    copies = {int(d["row_number"]) for d in duplicates}
    if not copies:
        return copies
    chunk.loaded = chunk.loaded[~chunk.loaded["row_number"].isin(copies)]
    chunk.issues = [i for i in chunk.issues if int(i["row_number"]) not in copies]
    chunk.failed = Counter((str(i["column"]), str(i["rule"])) for i in chunk.issues)
    for name in chunk.checked:
        chunk.checked[name] -= len(copies)
    chunk.rejected.extend(duplicates)
    return copies
