"""The UN regional groups of the 193 Member States, by ISO 3166-1 alpha-2 code.

Kiribati, long outside every group, is listed with Asia-Pacific, where it now takes part; the
United States, an observer of the Western European and others Group, is counted there, as the
UN does for elections.
"""

from .choices import Region

_GROUPS: dict[str, str] = {
    Region.AFRICAN: (
        "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG "
        "MW ML MR MU MA MZ NA NE NG RW ST SN SC SL SO ZA SS SD TG TN UG TZ ZM ZW"
    ),
    Region.ASIA_PACIFIC: (
        "AF BH BD BT BN KH CN CY KP FJ IN ID IR IQ JP JO KZ KI KW KG LA LB MY MV MH FM MN MM NR NP "
        "OM PK PW PG PH QA KR WS SA SG SB LK SY TJ TH TL TO TM TV AE UZ VU VN YE"
    ),
    Region.EASTERN_EUROPEAN: "AL AM AZ BY BA BG HR CZ EE GE HU LV LT ME MK MD PL RO RU RS SK SI UA",
    Region.LATIN_AMERICAN_CARIBBEAN: (
        "AG AR BS BB BZ BO BR CL CO CR CU DM DO EC SV GD GT GY HT HN JM MX NI PA PY PE KN LC VC SR "
        "TT UY VE"
    ),
    Region.WESTERN_EUROPEAN_OTHERS: (
        "AD AT AU BE CA DK FI FR DE GR IS IE IL IT LI LU MT MC NL NZ NO PT SM ES SE CH TR GB US"
    ),
}

REGION_OF: dict[str, str] = {
    code: str(region) for region, codes in _GROUPS.items() for code in codes.split()
}


def region_of(country_code: str) -> str:
    """The UN regional group of a country, or '' for a place that is not a Member State."""
    return REGION_OF.get((country_code or "").upper(), "")
