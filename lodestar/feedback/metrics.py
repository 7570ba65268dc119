"""Survey figures as pure functions: plain numbers in, plain numbers out, no database."""

from collections import Counter
from collections.abc import Iterable, Sequence


def average(values: Iterable[float]) -> float | None:
    """The mean, or None when there is nothing to average (an empty survey is not a zero)."""
    values = list(values)
    if not values:
        return None
    return sum(values) / len(values)


def distribution(values: Iterable[object], keys: Sequence[object]) -> list[tuple[object, int]]:
    """How many times each key occurs, in the order of `keys`; unknown values are left out."""
    counts = Counter(values)
    return [(key, counts.get(key, 0)) for key in keys]


def option_counts(values: Iterable[object], options: Sequence[str]) -> list[tuple[str, int]]:
    """Counts per choice. A value may be a list (several choices). Values that are no longer
    among the options (a choice renamed since) are counted after them, not lost."""
    counts: Counter = Counter()
    for value in values:
        for choice in value if isinstance(value, list) else [value]:
            counts[str(choice)] += 1
    known = [(option, counts.pop(option, 0)) for option in options]
    return known + sorted(counts.items())


def nps(values: Iterable[int]) -> float | None:
    """Net Promoter Score: % promoters (9-10) minus % detractors (0-6), from -100 to 100."""
    values = list(values)
    if not values:
        return None
    promoters = sum(1 for v in values if v >= 9)
    detractors = sum(1 for v in values if v <= 6)
    return 100 * (promoters - detractors) / len(values)


def nps_groups(values: Iterable[int]) -> dict[str, int]:
    groups = {"promoters": 0, "passives": 0, "detractors": 0}
    for v in values:
        groups["promoters" if v >= 9 else "passives" if v >= 7 else "detractors"] += 1
    return groups


def rate(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage, or None for an empty whole."""
    if whole <= 0:
        return None
    return 100 * part / whole
