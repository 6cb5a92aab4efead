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

# Finance transactions (finance_extract.md §2). The required columns are those a file must hold
# (FIN001), except that one `period` column (`2024-25/03`) may stand in for financial_year and
# period_number (FINANCE_ONE_OF).
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
FINANCE_OPTIONAL: tuple[str, ...] = (
    "cost_centre_name",
    "account_name",
    "description",
    "person_local_id",
    "nhs_number",
    "service_ref",
    "service_period_start",
    "service_period_end",
    "provider_id",
    "provider_name",
    "provider_cqc_location_id",
    "underlying_type",
    "reverses_transaction_id",
    "quantity",
    "unit_type",
    "unit_rate",
    "vat_amount",
    "source_system",
    "period",
)
FINANCE_COLUMNS: tuple[Column, ...] = (
    *(Column(n, n, "text", n not in ("financial_year", "period_number")) for n in FINANCE_REQUIRED),
    *(Column(n, n, "text", False) for n in FINANCE_OPTIONAL),
)
FINANCE_ONE_OF: tuple[tuple[str, ...], ...] = (("financial_year", "period"), ("period_number", "period"))

# Finance control totals (finance_extract.md §1, optional).
FINANCE_CONTROL_REQUIRED: tuple[str, ...] = ("la_code", "financial_year", "period_number", "row_count", "ledger_total")

# A council's own category map (finance_extract.md §6), recognised by this header set.
FINANCE_CATEGORY_MAP_REQUIRED: tuple[str, ...] = (
    "cost_centre",
    "account_code",
    "support_type",
    "setting",
    "primary_support_reason",
    "age_group",
)
FINANCE_CATEGORY_MAP_COLUMNS: tuple[Column, ...] = tuple(
    Column(n, n, "text", n in FINANCE_CATEGORY_MAP_REQUIRED)
    for n in (
        "la_code",
        "cost_centre",
        "account_code",
        "effective_from",
        "effective_to",
        "support_type",
        "setting",
        "primary_support_reason",
        "age_group",
        "cost_group",
        "five_areas_category",
        "include_in_asc",
        "note",
    )
)

# Place inputs (reference_data.md §7, optional): long layout, recognised by this header set.
PLACE_INPUTS_COLUMNS: tuple[Column, ...] = tuple(
    Column(n, n, "text", n in ("la_code", "year", "indicator_code", "value"))
    for n in ("la_code", "year", "indicator_code", "value", "unit", "event_date", "source", "note")
)

# Hospital discharge extract (docs/hospital_discharge_extract.md; metrics.md ASCOF_2D): one row per
# discharge (or per episode, with the last-episode indicator). Canonical names are the header keys.
HOSPITAL_COLUMNS: tuple[Column, ...] = (
    Column("LA Code", "la_code", "text", True),
    Column("NHS Number", "nhs_number", "nhs_number", False),
    Column("LA Person Unique Identifier", "la_person_unique_identifier", "local_id", False),
    Column("Hospital Spell ID", "hospital_spell_id", "local_id", False),
    Column("Episode Number", "episode_number", "integer", False),
    Column("Last Episode In Spell", "last_episode_in_spell", "code", False),
    Column("Admission Date", "admission_date", "date", True),
    Column("Discharge Date", "discharge_date", "date", True),
    Column("Discharge Method", "discharge_method", "code", True),
    Column("Discharge Destination", "discharge_destination", "code", True),
    Column("Treatment Function Code", "treatment_function_code", "code", True),
    Column("Date of Birth", "date_of_birth", "date", False),
    Column("Age at Discharge", "age_at_discharge", "integer", False),
    Column("Resident LA Code", "resident_la_code", "text", True),
)

# Good-lives profile extract (good_lives_extract.md §4): one row per person x profile date x domain.
# Headers are the canonical snake_case names; the six required columns are the recognition set (§2).
GOOD_LIVES_COLUMNS: tuple[Column, ...] = (
    Column("la_code", "la_code", "text", True),
    Column("person_local_id", "person_local_id", "local_id", True),
    Column("nhs_number", "nhs_number", "nhs_number", False),
    Column("profile_date", "profile_date", "date", True),
    Column("profile_id", "profile_id", "text", False),
    Column("practitioner_team", "practitioner_team", "text", False),
    Column("domain", "domain", "code", True),
    Column("strength_text", "strength_text", "free_text", False),
    Column("strength_rating", "strength_rating", "integer", False),
    Column("need_level", "need_level", "code", True),
    Column("goal_text", "goal_text", "free_text", False),
    Column("goal_status", "goal_status", "code", False),
    Column("matters_most", "matters_most", "code", False),
    Column("support_sources", "support_sources", "code", True),
    Column("paid_service_component", "paid_service_component", "code", False),
    Column("paid_service_ref", "paid_service_ref", "text", False),
    Column("support_fit", "support_fit", "code", False),
    Column("paid_fit", "paid_fit", "code", False),
    Column("feels_like_home", "feels_like_home", "code", False),
)

# Columns of which a file must hold at least one (the person, and their age).
HOSPITAL_ONE_OF: tuple[tuple[str, ...], ...] = (
    ("nhs_number", "la_person_unique_identifier"),
    ("date_of_birth", "age_at_discharge"),
)

# Header keys used by hospital systems (SUS/HES wording) for the canonical names above; the CLD alias
# seed covers the shared ones (NHS No, DOB, LA Person ID ...).
HOSPITAL_HEADER_ALIASES: dict[str, str] = {
    "hospital_provider_spell_number": "hospital_spell_id",
    "spell_id": "hospital_spell_id",
    "spell_number": "hospital_spell_id",
    "episode_no": "episode_number",
    "last_episode_in_spell_indicator": "last_episode_in_spell",
    "admission_date_hospital_provider_spell": "admission_date",
    "start_date_hospital_provider_spell": "admission_date",
    "discharge_date_hospital_provider_spell": "discharge_date",
    "discharge_method_hospital_provider_spell": "discharge_method",
    "discharge_method_code": "discharge_method",
    "discharge_destination_code": "discharge_destination",
    "discharge_destination_code_hospital_provider_spell": "discharge_destination",
    "treatment_function": "treatment_function_code",
    "activity_treatment_function_code": "treatment_function_code",
    "age_on_discharge": "age_at_discharge",
    "la_of_residence": "resident_la_code",
    "local_authority_of_residence": "resident_la_code",
    "residence_la_code": "resident_la_code",
}

# NHS Data Dictionary DISCHARGE METHOD CODE (HOSPITAL PROVIDER SPELL).
DISCHARGE_METHODS: dict[str, str] = {
    "1": "Patient discharged on clinical advice or with clinical consent",
    "2": "Patient discharged themselves or was discharged by a relative or advocate",
    "3": "Patient discharged by mental health review tribunal, Home Secretary or court",
    "4": "Patient died",
    "5": "Stillbirth",
    "8": "Not applicable: patient still in hospital",
    "9": "Not known",
}
DISCHARGE_METHOD_DIED = "4"

# NHS Data Dictionary DISCHARGE DESTINATION CODE (HOSPITAL PROVIDER SPELL).
DISCHARGE_DESTINATIONS: dict[str, str] = {
    "19": "Usual place of residence",
    "29": "Temporary place of residence when usually resident elsewhere",
    "30": "Repatriation from high security psychiatric hospital",
    "37": "Court",
    "38": "Penal establishment or police station",
    "48": "High security psychiatric hospital, Scotland",
    "49": "NHS other hospital provider: high security psychiatric accommodation",
    "50": "NHS other hospital provider: medium secure unit",
    "51": "NHS other hospital provider: ward for general patients or the younger physically disabled",
    "52": "NHS other hospital provider: ward for maternity patients or neonates",
    "53": "NHS other hospital provider: ward for patients who are mentally ill or have learning disabilities",
    "54": "NHS run care home",
    "65": "Local authority residential accommodation where care is provided",
    "66": "Local authority foster care",
    "79": "Not applicable: patient died or stillbirth",
    "84": "Non-NHS run hospital: medium secure unit",
    "85": "Non-NHS (other than local authority) run care home",
    "87": "Non-NHS run hospital",
    "88": "Non-NHS (other than local authority) run hospice",
    "98": "Not applicable: hospital provider spell not finished",
    "99": "Not known",
}

# Last Episode In Spell: NHS Data Dictionary 1 = last episode, 2 = not; Y/N and yes/no also read.
LAST_EPISODE_VALUES: dict[str, bool] = {
    "1": True,
    "y": True,
    "yes": True,
    "true": True,
    "2": False,
    "n": False,
    "no": False,
    "false": False,
}
