"""Reading the active zones: filtered lists, per-side summary, the V3 heatmap, the quality gate."""

import math

from .zone import LONG, SHORT

# Two f64 lists of this many buckets are 1.6 MB: the most one request may make us allocate.
MAX_GRID_BUCKETS = 100_000


class Query:
    """Filters of `zones` and `heatmap`; None means no filter, bounds are inclusive."""

    __slots__ = ("side", "min_leverage", "max_leverage", "min_weight")

    def __init__(self, side=None, min_leverage=None, max_leverage=None, min_weight=None):
        self.side, self.min_leverage, self.max_leverage, self.min_weight = side, min_leverage, max_leverage, min_weight

    def matches(self, z):
        return ((self.side is None or z.side == self.side)
                and (self.min_leverage is None or z.leverage >= self.min_leverage)
                and (self.max_leverage is None or z.leverage <= self.max_leverage)
                and (self.min_weight is None or z.weight >= self.min_weight))


def zones(engine, query):
    """Active zones passing `query`, by price then id."""
    return sorted((z for z in engine.zones if query.matches(z)), key=lambda z: (z.price, z.id))


def summary(engine):
    """(minute, last close, long side, short side); before any minute both are 0."""
    price = engine.last_close if engine.last_close is not None else 0.0
    minute = engine.last_minute if engine.last_minute is not None else 0
    return minute, price, _side(engine, LONG, price), _side(engine, SHORT, price)


def _side(engine, side, price):
    """(count, total weight, total notional, strongest, nearest); the oldest wins ties."""
    count, weight, notional, strongest, nearest = 0, 0.0, 0.0, None, None
    for z in engine.zones:
        if z.side != side:
            continue
        count += 1
        weight += z.weight
        notional += z.notional_usd
        if strongest is None or z.weight > strongest.weight:
            strongest = z
        if nearest is None or abs(z.price - price) < abs(nearest.price - price):
            nearest = z
    return count, weight, notional, strongest, nearest


def heatmap(engine, price_min, step, buckets, query, min_notional_usd):
    """(long, short) notional per bucket; buckets under the floor read 0; a bad grid gives empty lists."""
    if not (math.isfinite(price_min) and math.isfinite(step) and step > 0.0 and 1 <= buckets <= MAX_GRID_BUCKETS):
        return [], []
    long_usd, short_usd = [0.0] * buckets, [0.0] * buckets
    for z in engine.zones:
        if not query.matches(z):
            continue
        at = (z.price - price_min) / step
        if not math.isfinite(at):
            continue
        index = _round_half_away(at)
        if 0 <= index < buckets:
            (long_usd if z.side == LONG else short_usd)[index] += z.notional_usd
    floor = min_notional_usd if min_notional_usd > 0.0 else 0.0  # NaN: no floor
    return [v if v >= floor else 0.0 for v in long_usd], [v if v >= floor else 0.0 for v in short_usd]


def _round_half_away(x):
    """The nearest bucket, halves away from zero (Python's round() goes to even)."""
    return int(math.floor(x + 0.5)) if x >= 0.0 else -int(math.floor(-x + 0.5))


def quality(engine):
    """(ended, median lifespan, swept rate, strong ended, strong vanished before touch); zeros when none ended."""
    ended = list(engine.history)
    if not ended:
        return 0, 0.0, 0.0, 0, 0.0
    spans = sorted(e.lifespan_minutes for e in ended)
    mid = len(spans) // 2
    median = float(spans[mid]) if len(spans) % 2 else (float(spans[mid - 1]) + float(spans[mid])) / 2.0
    swept = sum(1 for e in ended if e.swept)
    strong = sum(1 for e in ended if e.strong)
    vanished = sum(1 for e in ended if e.strong and not e.touched)
    return len(ended), median, swept / len(ended), strong, (vanished / strong if strong else 0.0)
