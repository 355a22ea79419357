"""Local wall-clock times in IANA zones: resolving them to instants, and showing them.

A wall-clock time can fail to name exactly one instant: in the spring-forward gap it
names none, in the fall-back hour it names two. We never guess: the first is refused
with a message saying what the clocks do, the second needs an explicit choice (`fold`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from engage.validation import Invalid, normalise_zone, time_zones

FOLDS = {"first": 0, "second": 1}
DEFAULT_VIEW_ZONE = "Europe/London"
ZONE_COOKIE = "engage_tz"  # a zone the reader picked on a page (`?tz=`), until they set one on /account


def _hm(value: datetime) -> str:
    return f"{value:%H:%M}"


def _day(value: datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def _span(delta: timedelta) -> str:
    minutes = abs(int(delta.total_seconds())) // 60
    if minutes == 60:
        return "an hour"
    return f"{minutes} minutes" if minutes < 60 else f"{minutes / 60:g} hours"


def offset_label(value: datetime) -> str:
    """'UTC+05:30' for an aware datetime."""
    offset = value.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the naive wall-clock `local` happens in `zone` (False in a spring-forward gap)."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    """Whether `local` happens twice in `zone` (the hour the clocks go back)."""
    first, second = (local.replace(tzinfo=zone, fold=f) for f in (0, 1))
    return exists(local, zone) and first.utcoffset() != second.utcoffset()


@dataclass
class AmbiguousTime(Invalid):
    """A local time that happens twice; `options` are (fold value, label) for the user to pick."""

    message: str
    options: list[tuple[str, str]]

    def __str__(self) -> str:
        return self.message


def gap_message(local: datetime, zone_name: str) -> str:
    zone = ZoneInfo(zone_name)
    start = local
    while not exists(start - timedelta(minutes=1), zone):
        start -= timedelta(minutes=1)
    start = start.replace(second=0, microsecond=0)
    before = local.replace(tzinfo=zone, fold=0).utcoffset()
    after = local.replace(tzinfo=zone, fold=1).utcoffset()
    jump = abs(before - after) if before and after else timedelta(hours=1)
    end = start + jump
    return (
        f"{_hm(local)} does not exist on {_day(local)} in {zone_name}: clocks go forward "
        f"from {_hm(start)} to {_hm(end)}. Choose a time before {_hm(start)} or from {_hm(end)}."
    )


def resolve(local: datetime, zone_name: str, fold: str | None = None) -> datetime:
    """The UTC instant of the naive wall-clock `local` in `zone_name`.

    Raises Invalid for an unknown zone or a time in a gap, AmbiguousTime when the time
    happens twice and `fold` ('first' or 'second') does not say which.
    """
    zone_name = normalise_zone(zone_name, required=True)
    zone = ZoneInfo(zone_name)
    local = local.replace(tzinfo=None, second=0, microsecond=0)
    if not exists(local, zone):
        raise Invalid(gap_message(local, zone_name))
    if is_ambiguous(local, zone):
        if fold not in FOLDS:
            first, second = (local.replace(tzinfo=zone, fold=f) for f in (0, 1))
            raise AmbiguousTime(
                f"{_hm(local)} on {_day(local)} happens twice in {zone_name}: the clocks go back "
                f"{_span(first.utcoffset() - second.utcoffset())}. Choose the first "
                f"({offset_label(first)}, {first.tzname()}) or the second "
                f"({offset_label(second)}, {second.tzname()}) occurrence.",
                [
                    ("first", f"First occurrence ({offset_label(first)}, {first.tzname()})"),
                    ("second", f"Second occurrence ({offset_label(second)}, {second.tzname()})"),
                ],
            )
        return local.replace(tzinfo=zone, fold=FOLDS[fold]).astimezone(UTC)
    return local.replace(tzinfo=zone).astimezone(UTC)


def fold_of(instant: datetime, zone_name: str) -> str | None:
    """'first'/'second' when `instant` falls on an ambiguous wall-clock time in the zone."""
    local = instant.astimezone(ZoneInfo(zone_name))
    if is_ambiguous(local.replace(tzinfo=None), ZoneInfo(zone_name)):
        return "second" if local.fold else "first"
    return None


def to_local(instant: datetime, zone_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone_name))


def in_zone(instant: datetime | None, zone: str, fmt: str = "%a %-d %b %Y, %H:%M", label: bool = True) -> str:
    """`instant` as wall-clock time in `zone`, with the zone's abbreviation unless `label` is off."""
    if instant is None:
        return "—"
    local = to_local(instant, zone)
    return f"{local.strftime(fmt)} {local.tzname()}" if label else local.strftime(fmt)


def fold_options(local: datetime | None, zone_name: str, fold: str | None) -> list[tuple[str, str]] | None:
    """The (fold, label) choices when `local` happens twice in the zone and `fold` does not say which."""
    if local is None:
        return None
    try:
        resolve(local, zone_name, fold)
    except AmbiguousTime as error:
        return error.options
    except Invalid:
        return None
    return None


def viewer_zone(candidate: str | None) -> str:
    """A valid IANA zone from a query argument or cookie, else the default."""
    try:
        return normalise_zone(candidate) or DEFAULT_VIEW_ZONE
    except Invalid:
        return DEFAULT_VIEW_ZONE


def zone_names() -> list[str]:
    """Every IANA zone a reader may choose, sorted (the account form's list)."""
    return sorted(time_zones())


def reader_zone(user) -> str:
    """The zone a signed-in reader's own times are shown in: their account setting, else the default."""
    return viewer_zone(getattr(user, "time_zone", None))
