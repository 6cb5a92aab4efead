"""Every ingest rule with its code, severity, check code and action, in one table.

`chk` follows the national condition/check pattern (`cld_extract.md` §9). Severity:
- `error`: the row (or file) is not loaded; it goes to quarantine (or the file is refused);
- `warning`: the row loads with the rule in its `dq_flags` and a row in `quarantine.row_issues`;
- `info`: recorded for the data owner; nothing is wrong with the row itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
Level = Literal["file", "row", "field"]


@dataclass(frozen=True)
class Rule:
    code: str
    level: Level
    severity: Severity
    chk: int | None
    description: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        # File level: the whole file is refused (cld_extract.md §8).
        Rule("undecodable", "file", "error", None, "the file cannot be decoded or opened"),
        Rule("unsupported_container", "file", "error", None, "not a .csv or .xlsx file"),
        Rule("no_header", "file", "error", None, "the file has no header row"),
        Rule("unknown_header_set", "file", "error", None, "the headers match no known extract"),
        Rule("duplicate_header", "file", "error", None, "two headers share one header key"),
        Rule("missing_required_column", "file", "error", None, "a required column is missing"),
        Rule("multiple_la_codes", "file", "error", None, "the file holds more than one LA code"),
        Rule("unknown_la_code", "file", "error", None, "the LA code is not a CASSR code in the seed"),
        Rule("no_rows", "file", "error", None, "the file has a header but no data rows"),
        Rule("unknown_column", "file", "info", None, "an extra column is kept aside, not loaded"),
        Rule("optional_column_missing", "file", "warning", None, "an optional column is absent (all null)"),
        Rule("encoding_fallback", "file", "warning", None, "not UTF-8; decoded as Windows-1252"),
        # Row level: the row is rejected to quarantine.rejected_rows.
        Rule("malformed_row", "row", "error", None, "the record cannot be parsed as a CSV record"),
        Rule("date_ambiguous", "row", "error", -3, "a date with a two-digit year or no separators"),
        Rule("date_unparseable", "row", "error", -3, "a date in no pinned format, or impossible"),
        Rule("integer_invalid", "row", "error", -3, "a required whole number is not one"),
        # Hospital discharge extract only (docs/hospital_discharge_extract.md): a discharge that
        # cannot be dated or linked to a person is of no use to ASCOF 2D, so the row is not loaded.
        Rule("required_value_missing", "row", "error", -1, "blank where the row cannot be used without it"),
        Rule("discharge_before_admission", "row", "error", -5, "discharge date before the admission date"),
        Rule("no_person_identifier", "row", "error", -1, "neither a valid NHS number nor an LA person id"),
        # Field level: the row loads flagged.
        Rule("mandatory_missing", "field", "warning", -1, "blank where the field is mandatory (cond 2)"),
        Rule("code_not_in_list", "field", "warning", -2, "the value is not in the field's code list"),
        Rule("number_unparseable", "field", "warning", -3, "a number that cannot be read"),
        Rule("nhs_number_format", "field", "warning", -3, "NHS number is not 10 digits"),
        Rule("postcode_invalid", "field", "warning", -3, "not a UK postcode"),
        Rule("date_out_of_range", "field", "warning", -4, "a date before 1900 or after the file was received"),
        Rule("age_implausible", "field", "warning", -4, "age below 0 or at or above max_plausible_age"),
        Rule("end_before_start", "field", "warning", -5, "event end date before its start date"),
        Rule("event_after_death", "field", "warning", -5, "date of death before the event start"),
        Rule("birth_after_event_start", "field", "warning", -5, "date of birth after the event start"),
        Rule("nhs_number_check_digit", "field", "warning", -6, "NHS number fails the modulus-11 check"),
        Rule("nhs_number_repeated_digit", "field", "warning", -6, "NHS number is one repeated digit"),
        Rule("nhs_number_test_range", "field", "warning", -6, "test NHS number (999 range) in production"),
        Rule("r1_value_in_r2_file", "field", "warning", -7, "a Release 1 value in a Release 2 file"),
        Rule(
            "planned_units_ignored",
            "field",
            "warning",
            None,
            "planned units disagree with the cost frequency; the frequency is used",
        ),
        Rule("duplicate_row", "row", "info", None, "an exact copy of an earlier row in the same file"),
        # Finance ledger, control totals and category map (finance_extract.md §8, codes as the spec
        # numbers them). FIN011, FIN013 and FIN031 reject the row in their error form and flag it in
        # their warning form (the row loads); the warning form is written to row_issues as 'warning'.
        Rule("FIN001", "file", "error", None, "a mandatory finance column is missing"),
        Rule("FIN002", "file", "info", None, "an unknown extra finance column, ignored"),
        Rule("FIN010", "row", "error", -1, "transaction_id blank or longer than 64 characters"),
        Rule(
            "FIN011",
            "row",
            "error",
            None,
            "la_code blank or not a CASSR code valid on the posting date (warning when it is the successor "
            "of the code valid then)",
        ),
        Rule("FIN012", "row", "error", -3, "posting_date blank, or a posting or service-period date unparseable"),
        Rule(
            "FIN013",
            "row",
            "error",
            -3,
            "financial_year blank or not YYYY-YY (rejected); posting_date outside that year (warning)",
        ),
        Rule("FIN014", "row", "error", -3, "period_number not a whole number from 1 to 16"),
        Rule("FIN015", "field", "warning", None, "posting_date month differs from the month of period 1-12"),
        Rule("FIN020", "row", "error", -3, "amount blank, unparseable or with more than 2 decimal places"),
        Rule("FIN021", "field", "info", None, "amount is 0"),
        Rule("FIN022", "field", "warning", None, "sign unusual for the class (negative expenditure, positive income)"),
        Rule("FIN023", "field", "warning", None, "vat_amount above 20% of amount (absolute values) + 0.01"),
        Rule("FIN030", "row", "error", -2, "transaction_type not a code of finance_extract.md §3"),
        Rule(
            "FIN031",
            "row",
            "error",
            -2,
            "adjustment without a valid base underlying_type (rejected); base type carrying one (warning, ignored)",
        ),
        Rule("FIN040", "field", "warning", None, "NHS number invalid; not used for identity"),
        Rule("FIN041", "field", "warning", -1, "direct_payment or client_contribution without a person link"),
        Rule("FIN043", "field", "warning", -5, "service_period_end before service_period_start; period ignored"),
        Rule("FIN050", "row", "warning", None, "exact copy of an earlier row of the file (same la_code + id)"),
        Rule("FIN051", "row", "warning", None, "same la_code + transaction_id as an earlier row, other values"),
        # Category map (finance_extract.md §6): a rule that breaks the lists is not loaded.
        Rule("map_value_not_in_list", "row", "error", -2, "a category map value not in its §6/§7 list"),
        Rule("map_setting_mismatch", "row", "error", -2, "the setting does not belong to the support type"),
        Rule("map_non_salt_breakdown", "row", "error", -2, "a non-SALT rule with PSR or age group set"),
        Rule("map_catch_all", "row", "error", None, "a blank-LA rule with cost_centre and account_code both *"),
        Rule("map_la_code_unknown", "row", "error", None, "la_code is not a council code in the LA seed"),
        Rule("map_boolean_invalid", "row", "error", -3, "include_in_asc is not true or false"),
        Rule("map_dates_backwards", "row", "error", -5, "effective_to before effective_from"),
        # Good-lives profiles (good_lives_extract.md §5, codes as the spec numbers them). GL014 and
        # GL041-GL054 need the case data or the whole profile and are dbt's.
        Rule("GL001", "file", "error", None, "a mandatory good-lives column is missing"),
        Rule("GL002", "file", "info", None, "an unknown extra good-lives column, ignored"),
        Rule("GL010", "row", "error", -2, "la_code blank or not a CASSR code valid on profile_date"),
        Rule("GL011", "row", "error", -1, "person_local_id blank"),
        Rule("GL012", "row", "error", -3, "profile_date blank, unparseable or ambiguous"),
        Rule("GL013", "row", "error", -4, "profile_date after the file was received"),
        Rule("GL020", "row", "error", -2, "domain not one of the seven life domains"),
        Rule("GL021", "row", "error", -2, "need_level blank or not none, low, moderate or high"),
        Rule("GL022", "field", "warning", -3, "strength_rating not a whole number 0-4; set to null"),
        Rule(
            "GL023",
            "field",
            "warning",
            -2,
            "goal_status, support_fit, paid_fit or feels_like_home not in its list; set to null",
        ),
        Rule("GL024", "field", "warning", -1, "goal_text present, goal_status blank; treated as not_started"),
        Rule("GL025", "field", "warning", -1, "support_sources blank; support not recorded"),
        Rule("GL026", "field", "warning", -2, "unknown support source, or none with other sources; dropped"),
        Rule(
            "GL027",
            "field",
            "warning",
            -1,
            "support_fit blank with support present (not_recorded) or given with none (ignored)",
        ),
        Rule("GL028", "field", "warning", -2, "paid_service_component not a CLD service component; dropped"),
        Rule("GL029", "field", "warning", -1, "paid component or ref given without paid among the sources; paid added"),
        Rule(
            "GL030",
            "field",
            "warning",
            -1,
            "feels_like_home missing on the home row (not_asked) or given on another row (ignored)",
        ),
        Rule("GL031", "field", "warning", -2, "matters_most not Y or N; treated as N"),
        Rule("GL040", "row", "error", None, "a second row for la_code x person x profile_date x domain in the file"),
        Rule("GL050", "field", "warning", None, "NHS number invalid; not used for identity"),
        # Place inputs (reference_data.md §7). PLC001 is "a warning and ignored" in the spec: the row
        # is quarantined (not loaded) so rows_in = rows_loaded + rows_rejected holds.
        Rule("PLC001", "row", "warning", -2, "place-inputs indicator_code not in place_indicators; ignored"),
        Rule("PLC002", "row", "error", -3, "place-inputs value not a number for a numeric indicator (or blank text)"),
        Rule("PLC003", "row", "error", -1, "place-inputs policy_event without an event_date"),
        Rule("PLC004", "row", "error", -3, "place-inputs year neither YYYY-YY nor YYYY"),
        # CQC care directory (reference_data.md §5).
        Rule("CQC001", "file", "error", None, "CQC directory snapshot date not in the file; set cqc_snapshot_date"),
        Rule("CQC002", "row", "error", -1, "CQC directory row without a location id"),
        Rule("CQC003", "row", "error", None, "CQC location id repeated within one directory file"),
        Rule("PLC005", "row", "error", None, "place-inputs la_code blank or not a council code in the LA seed"),
    )
}


def rule(code: str) -> Rule:
    return RULES[code]
