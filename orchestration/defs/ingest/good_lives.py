"""The good-lives whole-person profile extract (`good_lives_extract.md`): raw table contract.

Python ingest owns file reading, code normalisation and the row rules GL0xx (§5); it writes one raw
row per accepted file row with the coded values already cleaned to the contract's codes, so dbt only
resolves identity, selects profiles and aggregates. Free text never reaches this table (§1): only
`has_strength_text` / `has_goal_text`.
"""

from __future__ import annotations

# Canonical columns of raw.good_lives_profiles after validation (load metadata is added by store.py).
# Multi-valued fields are stored '|'-joined in a fixed order; codes are the contract's snake_case codes.
RAW_GOOD_LIVES_SCHEMA: tuple[tuple[str, str], ...] = (
    ("la_code", "VARCHAR"),
    ("la_person_id_hash", "VARCHAR"),  # keyed hash of la_code_<person_local_id>, exactly as CLD
    ("nhs_number_hash", "VARCHAR"),  # keyed hash of a valid NHS number (GL050: NULL when invalid)
    ("nhs_number_chk", "INTEGER"),  # 1 valid, 0 blank, < 0 invalid (as CLD)
    ("profile_date", "DATE"),
    ("profile_id", "VARCHAR"),
    ("practitioner_team", "VARCHAR"),
    ("domain", "VARCHAR"),  # physical_practical | community | work_learning | relationships | independence | safety | home
    ("strength_rating", "INTEGER"),  # 0-4, NULL = not discussed or invalid (GL022)
    ("has_strength_text", "BOOLEAN"),
    ("need_level", "VARCHAR"),  # none | low | moderate | high
    ("has_goal_text", "BOOLEAN"),
    ("goal_status", "VARCHAR"),  # not_started | in_progress | achieved | no_longer_wanted | NULL (no goal)
    ("matters_most", "BOOLEAN"),  # blank or invalid = false (GL031)
    ("support_sources", "VARCHAR"),  # 'paid|family|community|technology' subset in that order, 'none', or NULL (GL025)
    ("paid_service_component", "VARCHAR"),  # '|'-joined cleaned CLD component values (R2 labels), NULL if none valid
    ("paid_service_ref", "VARCHAR"),  # '|'-joined CLD Event References as given
    ("support_fit", "VARCHAR"),  # fits | partly | does_not_fit | not_recorded (GL027) | NULL when sources = none
    ("paid_fit", "VARCHAR"),  # fits | partly | does_not_fit | NULL (blank or invalid)
    ("feels_like_home", "VARCHAR"),  # home row: yes | partly | no | not_asked (GL030); NULL on other rows
)

# Only when the LA setting `load_free_text` is true (default false, §1): restricted, never in a mart.
RAW_GOOD_LIVES_TEXT_SCHEMA: tuple[tuple[str, str], ...] = (
    ("strength_text", "VARCHAR"),
    ("goal_text", "VARCHAR"),
)
