"""Canonical column names and their units, defined once (the mappings are read-only).

Every table the library produces or consumes uses these names. Raw SSDA903
column names (``CHILD``, ``DECOM``, ...) are mapped onto them by
:mod:`sufficiency.ingest`.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "AGE",
    "AGED_IN",
    "AGED_OUT",
    "AGE_BAND",
    "ANNUAL_RATE",
    "CATEGORY_OF_NEED",
    "CHILDREN",
    "CHILD_DAYS",
    "CHILD_ID",
    "COUNT",
    "DATE",
    "DATE_OF_BIRTH",
    "ENTRIES",
    "EPISODE_COLUMNS",
    "EPISODE_END",
    "EPISODE_START",
    "ETHNICITY",
    "EXITS",
    "EXIT_REASON",
    "EXPOSURE_DAYS",
    "FINANCIAL_YEAR",
    "IS_ENTRY",
    "IS_EXIT",
    "LEAVING_AGE",
    "LEGAL_STATUS",
    "MOVES_IN",
    "MOVES_OUT",
    "PERIOD_END",
    "PERIOD_OF_CARE",
    "PERIOD_START",
    "PLACEMENT",
    "PLACEMENT_ALIASES",
    "PLACEMENT_COARSE",
    "PLACEMENT_CODE",
    "PLACES",
    "PRICE_YEAR",
    "PROVIDER_CODE",
    "QUALITY_COLUMNS",
    "RAW_TO_CANONICAL",
    "REASON_CEASED",
    "REASON_NEW",
    "REASON_PLACE_CHANGE",
    "REQUIRED_RAW",
    "RETURN_YEAR",
    "ROUTE",
    "SEX",
    "SHARE",
    "SOURCE",
    "SOURCE_FILE",
    "SOURCE_ROW",
    "SPEND",
    "STOCK_END",
    "STOCK_START",
    "TIME_IN_CARE",
    "UASC",
    "UASC_CEASED",
    "URN",
    "WEEKLY_COST",
    "WEEKLY_PRICE",
]

# --- child-level attributes -------------------------------------------------
CHILD_ID = "child_id"  #: LA-assigned child identifier (string, never cast to int)
DATE_OF_BIRTH = "date_of_birth"  #: [date]
SEX = "sex"  #: "M", "F" or "U"
ETHNICITY = "ethnicity"  #: SSDA903 ETHNIC code
UASC = "uasc"  #: unaccompanied asylum-seeking child [bool]
UASC_CEASED = "uasc_ceased"  #: date UASC status ceased (DUC) [date]

# --- episode-level fields ----------------------------------------------------
EPISODE_START = "episode_start"  #: DECOM [date]
EPISODE_END = "episode_end"  #: DEC [date]; NaT while the episode is open
REASON_NEW = "reason_new_episode"  #: RNE code
LEGAL_STATUS = "legal_status"  #: LS code
CATEGORY_OF_NEED = "category_of_need"  #: CIN code
PLACEMENT_CODE = "placement_code"  #: PLACE code
PROVIDER_CODE = "provider_code"  #: PLACE_PROVIDER code ("" when not recorded)
REASON_CEASED = "reason_ceased"  #: REC code; "" while open
REASON_PLACE_CHANGE = "reason_place_change"  #: REASON_PLACE_CHANGE code
URN = "urn"  #: Ofsted unique reference number of the provider
RETURN_YEAR = "return_year"  #: collection year the record came from (year ending 31 March)
SOURCE_FILE = "source_file"  #: file the record was read from
SOURCE_ROW = "source_row"  #: 1-based line in that file (header line = 1)

# --- derived episode fields --------------------------------------------------
PLACEMENT = "placement"  #: analytical placement category (see taxonomy)
PLACEMENT_COARSE = "placement_coarse"  #: fostering / residential / supported / other
PERIOD_OF_CARE = "period_of_care"  #: 1, 2, ... per child
IS_ENTRY = "is_entry"  #: the episode starts a period of care [bool]
IS_EXIT = "is_exit"  #: the episode ends a period of care [bool]
EXIT_REASON = "exit_reason"  #: exit-route group of REC when ``is_exit``

# --- dimensions of result tables ---------------------------------------------
DATE = "date"  #: count date; a child counts if in care at the end of that day
AGE = "age"  #: completed years at the date [years]
AGE_BAND = "age_band"  #: DfE age band label
TIME_IN_CARE = "time_in_care"  #: band of time since the period of care began
PERIOD_START = "period_start"  #: first day of a period [date]
PERIOD_END = "period_end"  #: last day of a period (inclusive) [date]

# --- measures -----------------------------------------------------------------
CHILDREN = "children"  #: [children]
STOCK_START = "stock_start"  #: in care at the end of the day before the period [children]
STOCK_END = "stock_end"  #: in care at the end of the period's last day [children]
ENTRIES = "entries"  #: periods of care starting in the period [children]
EXITS = "exits"  #: periods of care ending in the period [children]
MOVES_IN = "moves_in"  #: changes of category into the state [children]
MOVES_OUT = "moves_out"  #: changes of category out of the state [children]
AGED_IN = "aged_in"  #: birthdays (or time-in-care anniversaries) bringing children into the state [children]
AGED_OUT = "aged_out"  #: birthdays (or time-in-care anniversaries) taking children out of the state [children]
EXPOSURE_DAYS = "exposure_days"  #: days in care in the state [child-days]
COUNT = "count"  #: number of events [children]

# --- prices, costs and places ------------------------------------------------
# Tables of prices, shares, fees and places name the placement category
# ``placement`` (:data:`PLACEMENT`); their readers also accept ``category``.
ROUTE = "route"  #: purchasing route: in_house, framework, spot, block, partner, ...
FINANCIAL_YEAR = "financial_year"  #: April to March, labelled "2025-26"
WEEKLY_COST = "weekly_cost"  #: [£/week]
WEEKLY_PRICE = "weekly_price"  #: price paid [£/week]
PRICE_YEAR = "price_year"  #: financial year a price is at, "2024-25"
ANNUAL_RATE = "annual_rate"  #: price inflation [1/year]
SHARE = "share"  #: share of a category's placements by route [fraction]
SOURCE = "source"  #: where a figure comes from
CHILD_DAYS = "child_days"  #: [child-days]
SPEND = "spend"  #: [£]
PLACES = "places"  #: [places]
#: Other spellings of the placement column that input tables may use.
PLACEMENT_ALIASES = ("category",)

# --- data-quality report -----------------------------------------------------
QUALITY_COLUMNS = (
    "file",  #: file the problem was found in ("" for problems across files)
    "row",  #: 1-based line in that file, <NA> for file-level entries
    CHILD_ID,
    "column",  #: raw column name the rule concerns
    "rule",  #: short rule identifier
    "value",  #: offending value as text
    "action",  #: what the loader did
    "severity",  #: "info", "warning" or "error"
    "n_rows",  #: rows the entry stands for [rows]
    "removed",  #: the rows were removed from the episodes [bool]
)

#: Required raw columns per SSDA903 table.
REQUIRED_RAW = MappingProxyType(
    {
        "episodes": ("CHILD", "DECOM", "RNE", "LS", "PLACE", "PLACE_PROVIDER", "DEC", "REC"),
        "header": ("CHILD", "SEX", "DOB"),
        "uasc": ("CHILD", "DOB"),
    }
)

#: Raw SSDA903 column -> canonical column.
RAW_TO_CANONICAL = MappingProxyType(
    {
        "CHILD": CHILD_ID,
        "DOB": DATE_OF_BIRTH,
        "SEX": SEX,
        "ETHNIC": ETHNICITY,
        "DECOM": EPISODE_START,
        "DEC": EPISODE_END,
        "RNE": REASON_NEW,
        "LS": LEGAL_STATUS,
        "CIN": CATEGORY_OF_NEED,
        "PLACE": PLACEMENT_CODE,
        "PLACE_PROVIDER": PROVIDER_CODE,
        "REC": REASON_CEASED,
        "REASON_PLACE_CHANGE": REASON_PLACE_CHANGE,
        "URN": URN,
        "DUC": UASC_CEASED,
        "UASC": UASC,
    }
)

#: Column order of the canonical episodes table.
EPISODE_COLUMNS = (
    CHILD_ID,
    DATE_OF_BIRTH,
    SEX,
    UASC,
    UASC_CEASED,
    EPISODE_START,
    EPISODE_END,
    REASON_NEW,
    LEGAL_STATUS,
    CATEGORY_OF_NEED,
    PLACEMENT_CODE,
    PROVIDER_CODE,
    REASON_CEASED,
    REASON_PLACE_CHANGE,
    URN,
    PLACEMENT,
    PLACEMENT_COARSE,
    PERIOD_OF_CARE,
    IS_ENTRY,
    IS_EXIT,
    EXIT_REASON,
    RETURN_YEAR,
    SOURCE_FILE,
    SOURCE_ROW,
)

#: Age at which a young person ceases to be looked after [years].
LEAVING_AGE = 18
