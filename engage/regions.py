"""World regions of country codes (UN M49), for coverage by region: one small committed table.

`regions.json` maps each ISO 3166-1 alpha-2 code to its UN M49 region, with the Americas split at
M49's intermediate level (Latin America and the Caribbean, Northern America), as the UN's own
statistics do. Antarctica has no M49 region, so it has none here either.
"""

import json
from functools import cache
from pathlib import Path

REGIONS = ("Africa", "Asia", "Europe", "Latin America and the Caribbean", "Northern America", "Oceania")


@cache
def _table() -> dict[str, str]:
    return json.loads((Path(__file__).with_name("regions.json")).read_text(encoding="utf-8"))["regions"]


def region_of(country: str | None) -> str | None:
    """The M49 region of an alpha-2 country code, or None (no code, or one without a region)."""
    return _table().get((country or "").upper()) if country else None


def countries_in(region: str) -> list[str]:
    """The alpha-2 codes of `region`, sorted."""
    return sorted(code for code, name in _table().items() if name == region)
