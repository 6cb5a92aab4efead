"""Synthetic NHS numbers from the reserved test range only (cld_extract.md §7).

Every number is ``999`` followed by six free digits and a valid modulus-11 check digit, and never a
repeated-digit number. That leaves about 909,000 valid numbers, so uniqueness is per LA (person counts
are always within one LA, processing_rules.md §1): :class:`NhsAllocator` walks the million candidates
in a seeded pseudo-random order (an affine permutation), one allocator per LA, without holding a set of
issued numbers in memory.
"""

from __future__ import annotations

import random

_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
_SPAN = 1_000_000  # the six free digits between "999" and the check digit


def check_digit(first9: str) -> int | None:
    """Modulus-11 check digit for nine digits; None when no valid digit exists (check 10)."""
    total = sum(int(d) * w for d, w in zip(first9, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid(number: str) -> bool:
    """True for a 10-digit number with a correct check digit that is not one repeated digit."""
    digits = number.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    return check_digit(digits[:9]) == int(digits[9])


def in_test_range(number: str) -> bool:
    digits = number.replace(" ", "").replace("-", "")
    return len(digits) == 10 and digits.startswith("999")


def wrong_check_digit(number: str, rng: random.Random) -> str:
    """The same number with a different, wrong last digit (for the ``nhs_check_digit`` fault)."""
    good = int(number[9])
    bad = rng.choice([d for d in range(10) if d != good])
    candidate = number[:9] + str(bad)
    return candidate


class NhsAllocator:
    """Hands out unique valid test-range NHS numbers in a seeded order."""

    def __init__(self, seed: int | str) -> None:
        rng = random.Random(f"nhs:{seed}")
        # multiplier coprime with 10**7 (odd and not a multiple of 5) -> a permutation of the range
        while True:
            mult = rng.randrange(100_003, _SPAN)
            if mult % 2 and mult % 5:
                break
        self._mult = mult
        self._offset = rng.randrange(_SPAN)
        self._i = 0

    def next(self) -> str:
        while True:
            if self._i >= _SPAN:
                raise RuntimeError("test NHS number range exhausted")
            tail = (self._i * self._mult + self._offset) % _SPAN
            self._i += 1
            first9 = f"999{tail:06d}"
            check = check_digit(first9)
            if check is None:
                continue
            number = first9 + str(check)
            if len(set(number)) == 1:
                continue
            return number
