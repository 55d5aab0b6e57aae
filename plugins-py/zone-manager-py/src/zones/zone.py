"""A persistent zone, with the peak weight that decides whether it counts as strong when it ends."""

LONG, SHORT = 0, 1
CREATED, REINFORCED, SWEPT, EXPIRED = 0, 1, 2, 3


class Zone:
    """Sides and states are small ints: the WIT enum order, and the state bytes' discriminants."""

    __slots__ = (
        "id", "side", "price", "leverage", "weight", "notional_usd", "state",
        "created_minute", "last_reinforced_minute", "reinforcements", "touched", "peak_weight",
    )

    def __init__(self, id, side, price, leverage, weight, notional_usd, state,
                 created_minute, last_reinforced_minute, reinforcements, touched, peak_weight):
        self.id = id
        self.side = side
        self.price = price
        self.leverage = leverage
        self.weight = weight
        self.notional_usd = notional_usd
        self.state = state
        self.created_minute = created_minute
        self.last_reinforced_minute = last_reinforced_minute
        self.reinforcements = reinforcements
        self.touched = touched
        self.peak_weight = peak_weight

    def swept_by(self, high, low):
        """Longs liquidate when the low reaches them, shorts when the high does."""
        return low <= self.price if self.side == LONG else high >= self.price

    def touched_by(self, high, low, pct):
        """The bar came within `pct` of the price, on the zone's side."""
        if self.side == LONG:
            return low <= self.price * (1.0 + pct)
        return high >= self.price * (1.0 - pct)


class Ended:
    """What the bounded history remembers of an ended zone (the quality gate reads it)."""

    __slots__ = ("lifespan_minutes", "swept", "strong", "touched")

    def __init__(self, lifespan_minutes, swept, strong, touched):
        self.lifespan_minutes = lifespan_minutes
        self.swept = swept
        self.strong = strong
        self.touched = touched
