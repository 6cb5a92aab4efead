"""Ledger vocabulary: columns, cost centres, accounts, the posting row and small helpers.

**Cost centres** (``cost_centre``: name -> intended ASC-FR setting)

| code | name | setting |
|---|---|---|
| RES01 | Residential care (long-term) | long_term / residential |
| NUR01 | Nursing care (long-term) | long_term / nursing |
| HC01 | Home care | long_term / community_home_care |
| DP01 | Direct payments | long_term / community_direct_payments |
| SL01 | Supported living and Shared Lives | long_term / community_supported_living |
| DAY01 | Day care (external) | long_term / community_other |
| DAY02 | Day services (in-house) | long_term / community_other |
| OLT01 | Other long-term community support (meals, transport) | long_term / community_other |
| STM01 | Reablement (ST-Max) | short_term / st_max |
| STO01 | Other short-term support (short-term beds) | short_term / other_short_term |
| CAR01 | Carers' support | other / social_support_carer_direct_payments (DP accounts) or social_support_carer_other |
| EQ01 | Equipment, telecare and low-level support | other / assistive_equipment_technology |
| MGT01 | Assessment and care management | other / social_care_activities |
| COM01 | Commissioning and service delivery | other / commissioning_service_delivery |
| PRV01 | Prevention, information and advice | other / information_early_intervention |
| BCF01 | Better Care Fund pooled budget (NHS income) | other / commissioning_service_delivery |
| CAP01 | Capital charges | (capital) |
| GRT01 | Specific grants (memo) | (memo) |

**Accounts** (``account_code``)

| code | name | transaction types |
|---|---|---|
| 5101 | Residential placements | provider_payment |
| 5102 | Nursing placements | provider_payment |
| 5105 | Third-party top-up element | third_party_top_up |
| 5110 | Home care - external | provider_payment |
| 5120 | Supported living / Shared Lives | provider_payment |
| 5130 | Day care - external | provider_payment |
| 5140 | Other community services | provider_payment |
| 5150 | Reablement - external | provider_payment |
| 5160 | Short-term placements | provider_payment |
| 5170 | Equipment and telecare | provider_payment, own_provision |
| 5200 | Direct payments | direct_payment |
| 5210 | Carers' direct payments | direct_payment |
| 5220 | Carers' services | provider_payment |
| 5300 | Grants to voluntary organisations | grant_paid |
| 5400 | Employees | own_provision |
| 5410 | Premises | own_provision |
| 5420 | Transport | own_provision |
| 5430 | Supplies and services | own_provision |
| 5800 | Depreciation and capital charges | capital_charge |
| 9100 | Client contributions - residential | client_contribution |
| 9110 | Client contributions - non-residential | client_contribution |
| 9200 | NHS income (BCF / s75) | nhs_income |
| 9210 | Joint arrangement income | joint_arrangement_income |
| 9300 | Other income | other_income |
| 9400 | Income from other local authorities | inter_authority_income |
| 9500 | Specific government grants | grant_received |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from .model import Event

FINANCE_COLUMNS: tuple[str, ...] = (
    "transaction_id",
    "la_code",
    "posting_date",
    "financial_year",
    "period_number",
    "cost_centre",
    "cost_centre_name",
    "account_code",
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
    "transaction_type",
    "underlying_type",
    "reverses_transaction_id",
    "quantity",
    "unit_type",
    "unit_rate",
    "amount",
    "vat_amount",
    "source_system",
)


CONTROL_COLUMNS = ("la_code", "financial_year", "period_number", "row_count", "ledger_total")


MISMATCH_COLUMNS = ("la_code", "service_ref", "person_local_id", "kind")


COST_CENTRES: dict[str, str] = {
    "RES01": "Residential care (long-term)",
    "NUR01": "Nursing care (long-term)",
    "HC01": "Home care",
    "DP01": "Direct payments",
    "SL01": "Supported living and Shared Lives",
    "DAY01": "Day care (external)",
    "DAY02": "Day services (in-house)",
    "OLT01": "Other long-term community support",
    "STM01": "Reablement (ST-Max)",
    "STO01": "Other short-term support",
    "CAR01": "Carers' support",
    "EQ01": "Equipment, telecare and low-level support",
    "MGT01": "Assessment and care management",
    "COM01": "Commissioning and service delivery",
    "PRV01": "Prevention, information and advice",
    "BCF01": "Better Care Fund pooled budget",
    "CAP01": "Capital charges",
    "GRT01": "Specific grants",
}


ACCOUNTS: dict[str, str] = {
    "5101": "Residential placements",
    "5102": "Nursing placements",
    "5105": "Third-party top-up element",
    "5110": "Home care - external",
    "5120": "Supported living / Shared Lives",
    "5130": "Day care - external",
    "5140": "Other community services",
    "5150": "Reablement - external",
    "5160": "Short-term placements",
    "5170": "Equipment and telecare",
    "5200": "Direct payments",
    "5210": "Carers' direct payments",
    "5220": "Carers' services",
    "5300": "Grants to voluntary organisations",
    "5400": "Employees",
    "5410": "Premises",
    "5420": "Transport",
    "5430": "Supplies and services",
    "5800": "Depreciation and capital charges",
    "9100": "Client contributions - residential",
    "9110": "Client contributions - non-residential",
    "9200": "NHS income (BCF / s75)",
    "9210": "Joint arrangement income",
    "9300": "Other income",
    "9400": "Income from other local authorities",
    "9500": "Specific government grants",
}


LTS_CENTRES = frozenset({"RES01", "NUR01", "HC01", "DP01", "SL01", "DAY01", "DAY02", "OLT01"})


ST_CENTRES = frozenset({"STM01", "STO01"})


def centre_for(ev: Event) -> tuple[str, str, str]:  # noqa: PLR0911
    """(cost centre, account, transaction type) for a paid service line."""
    st, comp = ev.stype, ev.comp
    if st == "LTS_RES":
        return "RES01", "5101", "provider_payment"
    if st == "LTS_NUR":
        return "NUR01", "5102", "provider_payment"
    if st == "LTS_COM":
        if comp == "DIRECT_PAYMENT":
            return "DP01", "5200", "direct_payment"
        if comp in ("HOME_SUPPORT", "PROF_OTHER"):
            return "HC01", "5110", "provider_payment"
        if comp in ("SUPPORTED_LIVING", "SHARED_LIVES"):
            return "SL01", "5120", "provider_payment"
        if comp in ("DAY_SUPPORT", "EMPLOYMENT"):
            return "DAY01", "5130", "provider_payment"
        if comp == "EQUIPMENT":
            return "EQ01", "5170", "provider_payment"
        return "OLT01", "5140", "provider_payment"
    if st == "ST_MAX":
        return "STM01", "5150", "provider_payment"
    if st == "ST_OTHER":
        return "STO01", "5160", "provider_payment"
    if st == "ST_LOW":
        return "EQ01", "5170", "provider_payment"
    if comp == "DIRECT_PAYMENT":
        return "CAR01", "5210", "direct_payment"
    return "CAR01", "5220", "provider_payment"


def weekly_units(ev: Event) -> Fraction | None:
    freq = ev.freq
    table = {
        "Weekly": Fraction(1),
        "Fortnightly": Fraction(1, 2),
        "4-weekly": Fraction(1, 4),
        "Monthly": Fraction(12, 52),
        "Quarterly": Fraction(4, 52),
        "Annually": Fraction(1, 52),
    }
    if freq in table:
        return table[freq]
    if freq in ("Hourly", "Daily", "Per session"):
        return Fraction(ev.units_h or 0, 100)
    return None


PER_DAY: dict[str, tuple[int, int]] = {
    "Weekly": (1, 7),
    "Fortnightly": (1, 14),
    "4-weekly": (1, 28),
    "Monthly": (12, 364),
    "Quarterly": (4, 364),
    "Annually": (1, 364),
}


def money(pence: int) -> str:
    """Integer pence as text with exactly 2 dp (exact: pence / 100 is within 1e-7 of the decimal)."""
    return f"{pence / 100:.2f}"


@dataclass(slots=True)
class Posting:
    """One ledger row before formatting."""

    posting_date: date
    period: int
    centre: str
    account: str
    ttype: str
    amount_p: int
    description: str = ""
    local_id: str | None = None
    nhs: str | None = None
    service_ref: str | None = None
    sp_start: date | None = None
    sp_end: date | None = None
    provider: tuple[str, str, str | None] | None = None
    underlying: str | None = None
    reverses: str | None = None
    quantity: str | None = None
    unit_type: str | None = None
    unit_rate: str | None = None
    vat_p: int | None = None
    source: str = "ContrOCC"
    txn_id: str | None = None


def period_of(d: date) -> int:
    return (d.month - 4) % 12 + 1


def weekday(d: date) -> date:
    """Move a Saturday/Sunday posting to the next Monday."""
    wd = d.weekday()
    return d + timedelta(days=7 - wd) if wd >= 5 else d


def month_start(fy_start: date, i: int) -> date:
    m = fy_start.month - 1 + i
    return date(fy_start.year + m // 12, m % 12 + 1, 1)


def quote(text: str) -> str:
    """CSV-quote a free-text field when it needs it."""
    return '"' + text.replace('"', '""') + '"' if ("," in text or '"' in text) else text


QUOTED: dict[str, str] = {
    **{k: quote(v) for k, v in COST_CENTRES.items()},
    **{k: quote(v) for k, v in ACCOUNTS.items()},
}
