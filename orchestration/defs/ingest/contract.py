"""The CLD extract contract (`shared/spec/cld_extract.md` §2) as data.

One row per canonical column: the Release 1 header a council submits, the canonical snake_case
name, how ingest parses it, and whether a file lacking the column is refused (every column whose
condition can be 2 is *required*, §4.2). Everything else in ingest reads this table, so adding a
column is a one-line change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "code", "date", "decimal", "integer", "nhs_number", "local_id", "postcode", "free_text"]


@dataclass(frozen=True)
class Column:
    header: str  # Release 1 submitted header, used in messages so the data owner recognises it
    name: str  # canonical name (the header key of the R1 header)
    kind: Kind
    required: bool  # missing from the file -> file refused (condition can be 2)


CLD_COLUMNS: tuple[Column, ...] = (
    Column("LA Code", "la_code", "text", True),
    Column("Reporting Period Start Date", "reporting_period_start_date", "date", True),
    Column("Reporting Period End Date", "reporting_period_end_date", "date", True),
    Column("NHS Number", "nhs_number", "nhs_number", True),
    Column("LA Person Unique Identifier", "la_person_unique_identifier", "local_id", True),
    Column("GP Practice Name", "gp_practice_name", "text", False),
    Column("GP Practice Code", "gp_practice_code", "text", False),
    Column("Gender", "gender", "code", True),
    Column("Ethnicity", "ethnicity", "code", True),
    Column("Date of Birth", "date_of_birth", "date", True),
    Column("Date of Death", "date_of_death", "date", False),
    Column("Client Type", "client_type", "code", True),
    Column("Primary Support Reason", "primary_support_reason", "code", True),
    Column("Postcode", "postcode", "postcode", True),
    Column("Accommodation Status", "accommodation_status", "code", True),
    Column("Employment Status", "employment_status", "code", True),
    Column("Has Unpaid Carer", "has_unpaid_carer", "code", True),
    Column("Autism Spectrum Disorder (ASD)", "autism_spectrum_disorder_asd", "code", False),
    Column("Visual Impairment", "visual_impairment", "code", False),
    Column("Hearing Impairment", "hearing_impairment", "code", False),
    Column("Dementia", "dementia", "code", False),
    Column("Client Funding Status", "client_funding_status", "code", True),
    Column("Event Type", "event_type", "code", True),
    Column("Event Reference", "event_reference", "text", False),
    Column("Event Start Date", "event_start_date", "date", True),
    Column("Event End Date", "event_end_date", "date", True),
    Column("Event Description", "event_description", "free_text", False),
    Column("Event Outcome", "event_outcome", "code", True),
    Column("Request: Route of Access", "request_route_of_access", "code", True),
    Column("Assessment Type", "assessment_type", "code", True),
    Column("Eligible Needs Identified", "eligible_needs_identified", "code", False),
    Column("Method of Assessment", "method_of_assessment", "code", True),
    Column("Informal Carer involved in Assessment", "informal_carer_involved_in_assessment", "code", False),
    Column("Total Hrs Caring per week", "total_hrs_caring_per_week", "code", False),
    Column("No. of adults being cared for", "no_of_adults_being_cared_for", "integer", False),
    Column("Adult 1 Linked Person_ID", "adult_1_linked_person_id", "local_id", False),
    Column("Adult 2 Linked Person_ID", "adult_2_linked_person_id", "local_id", False),
    Column("Adult 3 Linked Person_ID", "adult_3_linked_person_id", "local_id", False),
    Column("Service Type", "service_type", "code", True),
    Column("Service Component", "service_component", "code", True),
    Column("Delivery Mechanism", "delivery_mechanism", "code", False),
    Column("Provider CQC Location Name", "provider_cqc_location_name", "text", False),
    Column("Provider CQC Location ID", "provider_cqc_location_id", "text", False),
    Column("Review Reason", "review_reason", "code", True),
    Column("Review Outcomes Achieved", "review_outcomes_achieved", "code", True),
    Column("Method of Review", "method_of_review", "code", True),
    Column("Unit Cost", "unit_cost", "decimal", True),
    Column("Cost Frequency (Unit Type)", "cost_frequency_unit_type", "code", True),
    Column("Planned units per week", "planned_units_per_week", "decimal", True),
)

CLD_BY_NAME: dict[str, Column] = {c.name: c for c in CLD_COLUMNS}

# Coded fields whose values are mapped through a seed in seeds/code_lists/cld_<field>.csv.
CODED_FIELDS: tuple[str, ...] = tuple(c.name for c in CLD_COLUMNS if c.kind == "code")

# Release detection (§4.6) counts release-only keys over these fields.
RELEASE_EVIDENCE_FIELDS: tuple[str, ...] = ("client_type", "service_type", "event_outcome")

# Population file, project simple layout (reference_data.md §2).
POPULATION_COLUMNS: tuple[Column, ...] = (
    Column("la_code", "la_code", "text", True),
    Column("mid_year", "mid_year", "integer", True),
    Column("sex", "sex", "text", False),
    Column("age", "age", "integer", True),
    Column("population", "population", "integer", True),
)

# Finance transactions (finance_extract.md §2): recognised now, loaded by the spend issue.
FINANCE_REQUIRED: tuple[str, ...] = (
    "transaction_id",
    "la_code",
    "posting_date",
    "financial_year",
    "period_number",
    "cost_centre",
    "account_code",
    "transaction_type",
    "amount",
)

# Finance control totals (finance_extract.md §1, optional): recognised now, checked by the spend issue.
FINANCE_CONTROL_REQUIRED: tuple[str, ...] = ("la_code", "financial_year", "period_number", "row_count", "ledger_total")
