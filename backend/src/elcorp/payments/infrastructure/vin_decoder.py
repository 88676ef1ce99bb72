"""What a VIN tells about its vehicle, from the maintained `vininfo` tables: manufacturer,
country of manufacture, model year. Reported, never used to refuse a VIN (its checksum
and its tables do not cover every maker; the rules are payments.domain.vehicles)."""

from __future__ import annotations

from dataclasses import dataclass

from vininfo import Vin
from vininfo.exceptions import VininfoException

UNKNOWN = "UnsupportedBrand"
NORTH_AMERICA = frozenset("12345")


@dataclass(frozen=True, slots=True)
class VinDecoding:
    manufacturer: str | None
    country: str | None
    model_year: int | None


def decode_vin(vin: str, *, this_year: int) -> VinDecoding:
    """The decoded fields of a checked VIN. Position 10 repeats every 30 years: in North
    America position 7 tells the cycle (a letter from 2010 on, a digit before: 49 CFR
    565.15); otherwise the model year is the latest candidate not after next year's."""
    try:
        decoded = Vin(vin)
        manufacturer = decoded.manufacturer
        country = decoded.country
        years = [year for year in decoded.years if year <= this_year + 1]
        if vin[0] in NORTH_AMERICA and len(years) > 1:
            years = [year for year in years if (year >= 2010) == vin[6].isalpha()] or years
    except (VininfoException, KeyError, ValueError):
        return VinDecoding(None, None, None)
    return VinDecoding(
        None if not manufacturer or manufacturer == UNKNOWN else str(manufacturer),
        str(country) if country else None,
        max(years) if years else None,
    )
