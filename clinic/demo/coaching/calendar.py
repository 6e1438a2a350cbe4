"""The days the coaching demo uses: cuti bersama, a holiday's eve, a weekly series."""
from datetime import timedelta

from clinic.workdays import is_working_day, national_holiday


def cuti_bersama(today):
    """Closed days to add: the next Christmas Eve, and a bridge day after the next Thursday
    holiday (or before the next Tuesday one); never a national holiday or a weekend."""
    christmas_eve = today.replace(month=12, day=24)
    if christmas_eve <= today:
        christmas_eve = christmas_eve.replace(year=christmas_eve.year + 1)
    days = {christmas_eve: "Cuti Bersama Hari Raya Natal"}
    for offset in range(1, 366):
        day = today + timedelta(days=offset)
        name = national_holiday(day)
        bridge = {1: -1, 3: 1}.get(day.weekday())
        if name and bridge:
            days.setdefault(day + timedelta(days=bridge), f"Cuti Bersama {name}")
            break
    return {day: name for day, name in days.items()
            if day.weekday() < 5 and not national_holiday(day)}


def holiday_eve(today):
    """The last working day before the next national holiday, if that day is still ahead."""
    for offset in range(2, 400):
        holiday = today + timedelta(days=offset)
        if not national_holiday(holiday):
            continue
        eve = holiday - timedelta(days=1)
        while not is_working_day(eve):
            eve -= timedelta(days=1)
        if eve > today:
            return eve
    return None


def weekly_days(today, taken=()):
    """Four working days a week apart, on the same weekday, starting within the next weeks and
    avoiding the ``taken`` days."""
    for weekday in (1, 3, 2, 0, 4):
        first = today + timedelta(days=2)
        first += timedelta(days=(weekday - first.weekday()) % 7)
        for week in range(4):
            days = [first + timedelta(weeks=week + n) for n in range(4)]
            if all(is_working_day(d) and d not in taken for d in days):
                return days
    return []
