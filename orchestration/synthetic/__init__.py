"""Realistic synthetic extracts (CLD event files, population, finance ledger) for demos, tests and benchmarks.

Entry point: :func:`generate` (wired to ``ascw generate``). See ``generate.py`` for the files written
and ``shared/spec/synthetic_data.md`` for the calibration targets.
"""

from .generate import GenerationResult, generate

__all__ = ["GenerationResult", "generate"]
