"""How KPI numbers are rounded and written (SPEC §4).

Money is summed as integer cents (the ledger's amounts have two decimals), so totals are exact
whatever the row count; a float sum of a million amounts can be off by a cent. Quotients are
computed as Decimal and rounded half up, as a person checking by hand would round. The results
are plain floats and ints so a KPI dict is JSON as it stands: a float holding a two-decimal
value prints as exactly that value (`json.dumps(1234.5)` is `1234.5`), since every amount up to
about 10¹³ survives the round trip. A rate whose denominator is 0 is None (JSON null).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(cents: int) -> float:
    """An exact amount of cents as a two-decimal number."""
    return float(Decimal(int(cents)).scaleb(-2))


def money_per(cents: int, count: int) -> float | None:
    """`cents` shared over `count` (an average), rounded to the cent; None when count is 0."""
    if not count:
        return None
    return float((Decimal(int(cents)) / 100 / int(count)).quantize(CENT, ROUND_HALF_UP))


def percent(part: int, whole: int) -> float | None:
    """part / whole × 100 rounded to 2 decimals; None when whole is 0."""
    if not whole:
        return None
    return float((Decimal(int(part)) * 100 / int(whole)).quantize(CENT, ROUND_HALF_UP))


def decimal_money(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2).quantize(CENT)
