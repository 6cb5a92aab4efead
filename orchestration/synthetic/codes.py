"""Code lists used by the generator, with Release 1 and Release 2 spellings.

Events are built with short internal *keys* (e.g. ``"LTS_RES"``); only the file writer turns a key
into submitted text, through :func:`code_text`, for the file's release. The spellings follow
``shared/spec/cld_extract.md`` §5. Where the spec gives no R2 spelling (marked (*) there), the R2 text
is chosen so that its *value key* (§4.3) equals the R1 key, so a wrong guess still maps.

Also here: the R2 (DHSC-style underscore) header spelling and the value-key function, which the
tests use to check that injected ``unknown_code`` faults really are outside every list.
"""

from __future__ import annotations

import re

# field -> key -> (R1 text, R2 text)
CodeTable = dict[str, tuple[str, str]]

CLIENT_TYPE: CodeTable = {
    "SU": ("Service User", "Service user"),
    "CARER": ("Carer", "Unpaid carer"),
    "KBA": ("Carer known by association", "Unpaid carer known by association"),
}

GENDER: CodeTable = {
    "M": ("Male", "Male"),
    "F": ("Female", "Female"),
    "O": ("Other", "Other"),
    "U": ("Unknown", "Unknown"),
}

_ETHNIC_GROUPS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "W",
        "White",
        (
            ("WBRI", "English, Welsh, Scottish, Northern Irish or British"),
            ("WIRI", "Irish"),
            ("WGIT", "Gypsy or Irish Traveller"),
            ("WROM", "Roma"),
            ("WOTH", "Any other White background"),
        ),
    ),
    (
        "M",
        "Mixed or multiple ethnic groups",
        (
            ("MWBC", "White and Black Caribbean"),
            ("MWBA", "White and Black African"),
            ("MWAS", "White and Asian"),
            ("MOTH", "Any other Mixed or multiple ethnic background"),
        ),
    ),
    (
        "A",
        "Asian or Asian British",
        (
            ("AIND", "Indian"),
            ("APKN", "Pakistani"),
            ("ABAN", "Bangladeshi"),
            ("ACHN", "Chinese"),
            ("AOTH", "Any other Asian background"),
        ),
    ),
    (
        "B",
        "Black, Black British, Caribbean or African",
        (
            ("BCRB", "Caribbean"),
            ("BAFR", "African"),
            ("BOTH", "Any other Black, Black British or Caribbean background"),
        ),
    ),
    ("O", "Other ethnic group", (("OARA", "Arab"), ("OOTH", "Any other ethnic group"))),
    ("N", "No data", (("NREF", "Refused"), ("NUNK", "Undeclared or not known"))),
)

ETHNICITY: CodeTable = {
    key: (f"{group} - {sub}", f"{group}: {sub}") for _, group, subs in _ETHNIC_GROUPS for key, sub in subs
}

PSR: CodeTable = {
    "PHY_AM": ("Physical Support: Access & mobility only", "Physical support: Access and mobility only"),
    "PHY_PC": ("Physical Support: Personal care support", "Physical support: Personal care support"),
    "SEN_V": (
        "Sensory Support: Support for visual impairment",
        "Sensory support: Support for visual impairment",
    ),
    "SEN_H": (
        "Sensory Support: Support for hearing impairment",
        "Sensory support: Support for hearing impairment",
    ),
    "SEN_D": ("Sensory Support: Support for dual impairment", "Sensory support: Support for dual impairment"),
    "MEM": ("Support with Memory & Cognition", "Support with memory and cognition"),
    "LD": ("Learning Disability Support", "Learning disability support"),
    "MH": ("Mental Health Support", "Mental health support"),
    "SOC_SUB": ("Social Support: Substance misuse support", "Social support: Substance misuse support"),
    "SOC_ASY": ("Social Support: Asylum seeker support", "Social support: Asylum seeker support"),
    "SOC_ISO": (
        "Social Support: Support for Social Isolation/Other",
        "Social support: Support for social isolation or other reason",
    ),
    "SOC_CAR": ("Social Support: Support to Carer", "Social support: Support to unpaid carer"),
    "UNK": ("Unknown", "Unknown"),
}

ACCOMMODATION: CodeTable = {
    "OWNER": ("Owner occupier or shared ownership scheme", "Owner occupier or shared ownership scheme"),
    "TENANT_LA": ("Tenant", "Tenant: Local authority or other social housing provider"),
    "TENANT_PRIV": ("Tenant - private landlord", "Tenant - private landlord"),
    "FAMILY": (
        "Settled mainstream housing with family/friends",
        "Settled mainstream housing with family/friends",
    ),
    "SUPPORTED": (
        "Supported accommodation / supported lodgings / supported group home",
        "Supported accommodation / supported lodgings / supported group home",
    ),
    "SHARED_LIVES": ("Shared Lives scheme", "Shared Lives scheme"),
    "SHELTERED": (
        "Sheltered housing / extra care housing / other sheltered housing",
        "Sheltered housing / extra care housing / other sheltered housing",
    ),
    "ROUGH": ("Rough sleeper / squatting", "Rough sleeper / squatting"),
    "TEMP_COUNCIL": (
        "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
        "Placed in temporary accommodation by the council (inc. homelessness resettlement)",
    ),
    "GUEST": (
        "Staying with family/friends as a short-term guest",
        "Staying with family/friends as a short-term guest",
    ),
    "HOSPITAL": (
        "Acute/long-term healthcare residential facility or hospital",
        "Acute/long-term healthcare residential facility or hospital",
    ),
    "CARE_HOME": ("Registered care home", "Registered care home"),
    "NURSING_HOME": ("Registered nursing home", "Registered nursing home"),
    "OTHER_TEMP": ("Other temporary accommodation", "Other temporary accommodation"),
    "UNK": ("Unknown", "Unknown"),
}
SETTLED_ACCOMMODATION = frozenset(
    {"OWNER", "TENANT_LA", "TENANT_PRIV", "FAMILY", "SUPPORTED", "SHARED_LIVES", "SHELTERED"}
)

EMPLOYMENT: CodeTable = {
    "PAID_LT16": ("Paid: Less than 16 hours a week", "Paid: Less than 16 hours a week"),
    "PAID_16P": ("Paid: 16 or more hours a week", "Paid: 16 or more hours a week"),
    "PAID_UNK": ("Paid: Hours per week unknown", "Paid: Hours per week unknown"),
    "SEEKING": ("Not in Paid Employment (seeking work)", "Not in paid employment: Seeking work"),
    "NOT_SEEKING": (
        "Not in Paid Employment (not actively seeking work / retired)",
        "Not in paid employment: Not actively seeking work or retired",
    ),
    "VOLUNTARY": (
        "Not in Paid Employment (voluntary work only)",
        "Not in paid employment: Voluntary work only",
    ),
    "UNK": ("Unknown", "Unknown"),
}

YES_NO: CodeTable = {"Y": ("Yes", "Yes"), "N": ("No", "No")}
YES_NO_UNKNOWN: CodeTable = {"Y": ("Yes", "Yes"), "N": ("No", "No"), "U": ("Unknown", "Unknown")}

VISUAL: CodeTable = {
    "BLIND": ("Blind/severely sight impaired", "Blind/severely sight impaired"),
    "PARTIAL": ("Partial sight/sight impaired", "Partial sight/sight impaired"),
    "NONE": ("No visual impairment", "No visual impairment"),
    "SEV_UNK": ("Visual impairment - severity unknown", "Visual impairment - severity unknown"),
    "UNK": ("Unknown", "Unknown"),
}

HEARING: CodeTable = {
    "DEAF_SP": ("Deaf with speech", "Deaf with speech"),
    "DEAF_NOSP": ("Deaf without speech", "Deaf without speech"),
    "HARD": ("Hard of hearing", "Hard of hearing"),
    "NONE": ("No hearing impairment", "No hearing impairment"),
    "SEV_UNK": ("Hearing impairment: Severity unknown", "Hearing impairment: Severity unknown"),
    "UNK": ("Unknown", "Unknown"),
}

FUNDING: CodeTable = {
    "FULL_COST": ("18(3) (full cost client)", "Fully client funded"),
    "JOINT": ("Joint Client and Social Care Funded", "Joint client and social care funded"),
    "FULL_SC": ("Fully Social Care Funded", "Fully social care funded"),
    "UNK": ("Unknown - Individual Level", "Unknown"),
}

EVENT_TYPE: CodeTable = {
    "REQ": ("Request", "Request"),
    "ASM": ("Assessment", "Assessment"),
    "SRV": ("Service", "Service"),
    "REV": ("Review", "Review"),
}

# R1-only outcomes have no R2 value; in an R2 file the generator writes the nearest R2 value.
OUTCOME: CodeTable = {
    "TO_STMAX": ("Progress to Reablement/ST-Max", "Progress to reablement/ST-Max"),
    "TO_ASSESS": ("Progress to Assessment", "Progress to assessment, review or reassessment"),
    "HOSPITAL": ("Admitted to Hospital", "Admitted to hospital"),
    "TO_REASSESS": (
        "Progress to Re-assessment / Unplanned Review",
        "Progress to assessment, review or reassessment",
    ),
    "TO_SUPPORT": ("Progress to Support Planning / Services", "Progress to support planning or services"),
    "TO_EOL": ("Progress to End of Life Care", "Progress to support planning or services"),
    "NO_CHANGE": ("No change in package", "Continuation of support or services"),
    "ENDED_PLANNED": ("Service ended as planned", "NFA: Support ended as planned"),
    "TO_FINANCIAL": ("Progress to financial assessment", "Progress to support planning or services"),
    "PROVISION": ("Provision of service", "Progress to support planning or services"),
    "NFA_DECEASED": ("NFA - Deceased", "NFA: Deceased"),
    "NFA_MOVED": ("NFA - Moved to another LA", "NFA: Responsibility moved to another local authority"),
    "NFA_NHS": ("NFA - 100% NHS funded care", "NFA: Referral to NHS services or NHS funded social care"),
    "NFA_INFO": (
        "NFA - Information & Advice / Signposting only",
        "NFA: Information and advice or signposting",
    ),
    "NFA_SELF_FUNDED": (
        "NFA - Self-funded client (Inc. 12wk disregard)",
        "NFA: Self-funded client or under 12wk disregard",
    ),
    "NFA_DECLINED": ("NFA - Support declined", "NFA: Support declined"),
    "NFA_ENDED_OTHER": ("NFA - Support ended: Other reason", "NFA: Support ended for other reason"),
    "NFA_NO_SERVICES": ("NFA - No services offered: Other reason", "NFA: No services offered for other reason"),
    "NFA_OTHER": ("NFA- Other", "NFA: Other"),
}

ROUTE: CodeTable = {
    "TRANSITION": ("Planned Entry (Transition)", "Planned entry (transition)"),
    "HOSP_DISCHARGE": ("Discharge from Hospital", "Discharge from hospital"),
    "HOSP_DIVERSION": ("Diversion from Hospital Services", "Diversion from hospital services"),
    "COMMUNITY": ("Community / Other route", "Community / other route"),
    "PRISON": ("Prison", "Prison"),
    "SELF_FUNDER": ("Self-Funder", "Self-funder"),
    "REABLEMENT": ("Discharge from Reablement", "Discharge from reablement"),
    "TRANSFER": ("Transfer from Other LA", "Transfer from other LA"),
}

ASSESSMENT_TYPE: CodeTable = {
    "LONG": ("Long Term Assessment", "Long term assessment"),
    "SHORT": ("Short Term Assessment", "Short term assessment"),
    "FIN": ("Financial Assessment", "Financial assessment"),
}

METHOD_OF_ASSESSMENT: CodeTable = {
    "F2F": ("Face to face", "Face to face"),
    "PHONE": ("Telephone", "Telephone"),
    "VIDEO": ("Video call", "Video call"),
    "SELF": ("Supported self-assessment", "Supported self-assessment"),
}

HOURS_CARING: CodeTable = {
    "H0_19": ("0-19 hours", "0-19 hours"),
    "H20_34": ("20-34 hours", "20-34 hours"),
    "H35_49": ("35-49 hours", "35-49 hours"),
    "H50P": ("50+ hours", "50+ hours"),
}

SERVICE_TYPE: CodeTable = {
    "ST_MAX": ("Short Term Support: ST-Max", "Short term support: ST-Max"),
    "ST_LOW": ("Short Term Support: Ongoing Low Level", "Short term support: Ongoing low level"),
    "ST_OTHER": ("Short Term Support: Other Short Term", "Short term support: Other short term"),
    "LTS_NUR": ("Long Term Support: Nursing Care", "Long term support: Nursing care"),
    "LTS_RES": ("Long Term Support: Residential Care", "Long term support: Residential care"),
    "LTS_COM": ("Long Term Support: Community", "Long term support: Community"),
    "LTS_PRISON": ("Long Term Support: Prison", "Long term support: Prison"),
    "CARER_DIRECT": ("Carer Support: Direct to Carer", "Unpaid carer support: Direct to unpaid carer"),
    "CARER_VIA_CARED": (
        "Carer Support: Support involving the person cared-for",
        "Unpaid carer support: Support involving the person cared-for",
    ),
}
LONG_TERM_TYPES = frozenset({"LTS_NUR", "LTS_RES", "LTS_COM", "LTS_PRISON"})
CARER_TYPES = frozenset({"CARER_DIRECT", "CARER_VIA_CARED"})

COMPONENT: CodeTable = {
    "REABLEMENT": ("Reablement", "Reablement"),
    "ST_NURSING": ("Short Term Nursing Care", "Short term nursing care"),
    "ST_RESIDENTIAL": ("Short Term Residential Care", "Short term residential care"),
    "LT_NURSING": ("Long Term Nursing Care", "Long term nursing care"),
    "LT_RESIDENTIAL": ("Long Term Residential Care", "Long term residential care"),
    "HOME_SUPPORT": ("Home Support", "Home support or domiciliary care"),
    "DAY_SUPPORT": ("Day Support", "Day support"),
    "MEALS": ("Meals", "Meals"),
    "TRANSPORT": ("Transport", "Transport"),
    "EQUIPMENT": ("Equipment", "Equipment"),
    "DIRECT_PAYMENT": ("Direct Payment", "Direct payment"),
    "SHARED_LIVES": ("Shared Lives", "Shared Lives"),
    "SUPPORTED_LIVING": ("Community Supported Living", "Community supported living"),
    "PROF_OTHER": ("Professional Support", "Professional support: Other"),
    "PROF_SW": ("Professional Support – Social Worker", "Professional support: Social worker"),
    "EMPLOYMENT": ("Learning/Education/Employment Support", "Learning, education or employment support"),
    "END_OF_LIFE": ("End of Life Care", "End of life care"),
    "EMERGENCY": ("Emergency Support", "Emergency support"),
    "OTHER_ST": ("Other Short Term Support", "Other short term support"),
    "OTHER_LT": ("Other Long Term Support", "Other long term support"),
    "CARER_RESPITE": ("Carer Respite", "Unpaid carer respite"),
    "CARER_SITTING": ("Carer Sitting Service", "Unpaid carer sitting service"),
    "CARER_UNIVERSAL": ("Carer Universal Services", "Unpaid carer universal services"),
    "CARER_OTHER": ("Other Carer Support", "Other unpaid carer support"),
}

MECHANISM: CodeTable = {
    "DP": ("Direct Payment", "Direct payment"),
    "MPB": ("CASSR Managed Personal Budget", "CASSR managed personal budget"),
    "COMM": ("CASSR Commissioned Support", "CASSR commissioned support"),
}

REVIEW_REASON: CodeTable = {
    "PLANNED": ("Planned", "Planned"),
    "HOSPITAL": (
        "Unplanned - Hospital (Planned and unplanned episodes)",
        "Unplanned: Hospital (planned and unplanned episodes)",
    ),
    "CARER": ("Unplanned - Carer related", "Unplanned: Carer related"),
    "SAFEGUARDING": ("Unplanned - Safeguarding concern", "Unplanned: Safeguarding concern"),
    "OTHER": ("Unplanned - Other Reason", "Unplanned: Other reason"),
    "PROVIDER_FAILURE": ("Unplanned - Provider Failure", "Unplanned: Provider failure"),
    "COMMISSIONING": (
        "Unplanned - Change in Commissioning arrangements",
        "Unplanned: Change in commissioning arrangements",
    ),
}

REVIEW_OUTCOMES_ACHIEVED: CodeTable = {
    "FULLY": ("Fully achieved", "Fully achieved"),
    "PARTLY": ("Partially achieved", "Partially achieved"),
    "NOT": ("Not achieved", "Not achieved"),
}

METHOD_OF_REVIEW: CodeTable = {
    "CARER_ONLY": ("Carer only", "Carer only"),
    "SU_ONLY": ("Service user only", "Service user only"),
    "SU_AND_CARER": ("Service user and carer", "Service user and carer"),
}

COST_FREQUENCY: CodeTable = {
    k: (k, k)
    for k in (
        "Per session",
        "Hourly",
        "Daily",
        "Weekly",
        "Fortnightly",
        "4-weekly",
        "Monthly",
        "Quarterly",
        "Annually",
        "One-off",
    )
}

# canonical column -> its code table (only coded columns)
FIELD_TABLES: dict[str, CodeTable] = {
    "gender": GENDER,
    "ethnicity": ETHNICITY,
    "client_type": CLIENT_TYPE,
    "primary_support_reason": PSR,
    "accommodation_status": ACCOMMODATION,
    "employment_status": EMPLOYMENT,
    "has_unpaid_carer": YES_NO,
    "autism_spectrum_disorder_asd": YES_NO_UNKNOWN,
    "visual_impairment": VISUAL,
    "hearing_impairment": HEARING,
    "dementia": YES_NO_UNKNOWN,
    "client_funding_status": FUNDING,
    "event_type": EVENT_TYPE,
    "event_outcome": OUTCOME,
    "request_route_of_access": ROUTE,
    "assessment_type": ASSESSMENT_TYPE,
    "eligible_needs_identified": YES_NO,
    "method_of_assessment": METHOD_OF_ASSESSMENT,
    "informal_carer_involved_in_assessment": YES_NO,
    "total_hrs_caring_per_week": HOURS_CARING,
    "service_type": SERVICE_TYPE,
    "service_component": COMPONENT,
    "delivery_mechanism": MECHANISM,
    "review_reason": REVIEW_REASON,
    "review_outcomes_achieved": REVIEW_OUTCOMES_ACHIEVED,
    "method_of_review": METHOD_OF_REVIEW,
    "cost_frequency_unit_type": COST_FREQUENCY,
}


def code_text(table: CodeTable, key: str, release: int) -> str:
    """Submitted text for ``key`` in Release ``release`` (1 or 2)."""
    r1, r2 = table[key]
    return r1 if release == 1 else r2


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def value_key(text: str) -> str:
    """The CLD value key (cld_extract.md §4.3): lower-case, & -> and, non-alphanumerics -> space."""
    return " ".join(_NON_ALNUM.sub(" ", text.lower().replace("&", " and ")).split())


def header_key(text: str) -> str:
    """The CLD header key (cld_extract.md §4.2)."""
    t = text.replace("\ufeff", "").strip().lower().replace("&", "and")
    return _NON_ALNUM.sub("_", t).strip("_")


def all_value_keys() -> dict[str, frozenset[str]]:
    """Every known value key per coded column, over both releases (used by tests and faults)."""
    out: dict[str, frozenset[str]] = {}
    for field, table in FIELD_TABLES.items():
        keys = {value_key(t) for pair in table.values() for t in pair}
        if field in ("has_unpaid_carer", "eligible_needs_identified", "informal_carer_involved_in_assessment"):
            keys |= {"y", "n"}
        out[field] = frozenset(keys)
    return out


_ACRONYMS = {"la": "LA", "nhs": "NHS", "gp": "GP", "asd": "ASD", "cqc": "CQC", "id": "ID"}
_SMALL_WORDS = frozenset({"of", "in", "per", "for"})


def r2_header(canonical: str) -> str:
    """DHSC-style underscore header: ``event_outcome`` -> ``Event_Outcome``, ``la_code`` -> ``LA_Code``,
    ``request_route_of_access`` -> ``Request_Route_of_Access`` (lower-casing gives the canonical name)."""
    parts = canonical.split("_")
    return "_".join(
        _ACRONYMS.get(p) or (p if (i and p in _SMALL_WORDS) else p.capitalize()) for i, p in enumerate(parts)
    )
