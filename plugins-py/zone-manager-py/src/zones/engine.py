"""One symbol's zone manager: construction, live reconfiguration and the minute lifecycle.

One minute, after its checks: decay every active zone (`decay ** minutes elapsed`), sweep
and touch them with the bar's high and low, expire the weak and the stale-and-far, then
apply the new levels (reinforce the nearest same-side zone within the cluster distance,
or create a zone). Swept and expired zones go to a bounded history for the quality gate.
A refused minute changes nothing, except that a sequence number not above the last one
is counted as out of order.
"""

import math
from collections import deque

from .errors import invalid_config, invalid_input
from .zone import CREATED, EXPIRED, REINFORCED, SWEPT, Ended, Zone

STATE_SCHEMA = 1
MIN_STATE_SCHEMA = 1
# Bounds what one call can make the engine allocate; a ladder gives a few dozen a minute.
MAX_LEVELS_PER_MINUTE = 100_000
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
U32_MAX = 2**32 - 1


class ZoneEngine:
    def __init__(self, symbol, ladder, params):
        if not symbol.strip():
            raise invalid_config("symbol is empty")
        ladder.validate()
        params.validate()
        self.symbol = symbol
        self.ladder = ladder
        self.params = params
        self.zones = []  # active zones in id order: deterministic tie-breaks
        self.next_id = 1
        self.last_minute = None
        self.last_close = None
        self.events = 0
        self.last_seq = 0
        self.out_of_order = 0
        self.history = deque()

    def configure(self, ladder, params):
        """Validated first, so a refused config leaves the engine exactly as it was."""
        ladder.validate()
        params.validate()
        self.ladder, self.params = ladder, params
        self.conform_to_params()

    def conform_to_params(self):
        """Weight cap, notional scale, history bound; a no-op for unchanged params."""
        cap, scale = self.params.max_zone_weight, self.params.weight_to_notional_usd
        for z in self.zones:
            if z.weight > cap:
                z.weight = cap
            z.peak_weight = max(z.peak_weight, z.weight)
            z.notional_usd = z.weight * scale
        while len(self.history) > self.params.lifespan_history:
            self.history.popleft()

    def progress(self):
        return self.events, self.last_seq, self.out_of_order

    def on_minute(self, seq, minute, high, low, close, levels):
        """`levels` are (side, leverage, price, notional_usd); returns the report's five counts."""
        if self.events > 0 and seq <= self.last_seq:
            self.out_of_order += 1
            raise invalid_input(f"seq {seq} is not above the last seq {self.last_seq}")
        _check_bar(high, low, close, levels)
        if self.last_minute is not None and minute <= self.last_minute:
            raise invalid_input(f"minute {minute} is not after the last minute {self.last_minute}")
        self.events += 1
        self.last_seq = seq

        gap = 0 if self.last_minute is None else minute - self.last_minute
        self._decay(gap)
        swept = self._sweep_and_touch(minute, high, low)
        expired = self._expire(minute, close)
        created = reinforced = 0
        for level in levels:
            outcome = self._apply_level(level, minute)
            created += outcome == CREATED
            reinforced += outcome == REINFORCED
        self.last_minute = minute
        self.last_close = close
        return created, reinforced, swept, expired, min(len(self.zones), U32_MAX)

    def _decay(self, gap):
        if gap <= 0:
            return
        factor = self.params.zone_decay_per_minute ** float(gap)
        scale = self.params.weight_to_notional_usd
        for z in self.zones:
            z.weight *= factor
            z.notional_usd = z.weight * scale

    def _sweep_and_touch(self, minute, high, low):
        pct = self.params.touch_distance_pct
        kept, swept = [], 0
        for z in self.zones:
            if z.touched_by(high, low, pct):
                z.touched = True
            if z.swept_by(high, low):
                z.touched = True
                z.state = SWEPT
                self._record_end(z, minute)
                swept += 1
            else:
                kept.append(z)
        self.zones = kept
        return swept

    def _expire(self, minute, close):
        p = self.params
        kept, expired = [], 0
        for z in self.zones:
            too_weak = z.weight < p.min_zone_weight
            too_old = minute - z.last_reinforced_minute > p.max_zone_age_minutes
            far = abs(close - z.price) / close >= p.expiration_price_dist_pct
            if too_weak or (too_old and far):
                z.state = EXPIRED
                self._record_end(z, minute)
                expired += 1
            else:
                kept.append(z)
        self.zones = kept
        return expired

    def _apply_level(self, level, minute):
        """CREATED or REINFORCED for what the level did, None when it was ignored."""
        side, leverage, price, notional = level
        if not self.ladder.is_enabled(leverage):
            return None
        tier_weight = self.params.tier_weight(leverage)
        if tier_weight <= 0.0:
            return None
        p = self.params
        new_weight = min(notional / p.weight_to_notional_usd * tier_weight, p.max_zone_weight)
        if new_weight < p.min_zone_weight:
            return None
        target = self._nearest_within_cluster(side, price)
        if target is not None:
            target.weight = min(target.weight + new_weight * p.reinforcement_factor, p.max_zone_weight)
            target.notional_usd = target.weight * p.weight_to_notional_usd
            target.last_reinforced_minute = minute
            target.reinforcements = min(target.reinforcements + 1, U32_MAX)
            target.state = REINFORCED
            target.peak_weight = max(target.peak_weight, target.weight)
            return REINFORCED
        self.zones.append(Zone(
            self.next_id, side, price, leverage, new_weight, new_weight * p.weight_to_notional_usd,
            CREATED, minute, minute, 0, False, new_weight,
        ))
        self.next_id += 1
        return CREATED

    def _nearest_within_cluster(self, side, price):
        """The closest same-side zone within reach; the oldest wins a tie (zones are sticky)."""
        reach = self.params.cluster_distance_pct * price
        best, best_distance = None, math.inf
        for z in self.zones:
            if z.side != side:
                continue
            distance = abs(z.price - price)
            if distance <= reach and distance < best_distance:
                best, best_distance = z, distance
        return best

    def _record_end(self, z, minute):
        strong = z.peak_weight * self.params.weight_to_notional_usd >= self.params.strong_zone_notional_usd
        lifespan = max(I64_MIN, min(I64_MAX, minute - z.created_minute))
        self.history.append(Ended(lifespan, z.state == SWEPT, strong, z.touched))
        while len(self.history) > self.params.lifespan_history:
            self.history.popleft()


def _check_bar(high, low, close, levels):
    for name, value in (("high", high), ("low", low), ("close", close)):
        if not (math.isfinite(value) and value > 0.0):
            raise invalid_input(f"bar {name} must be finite and > 0, got {value}")
    if low > high:
        raise invalid_input(f"bar low {low} is above high {high}")
    if len(levels) > MAX_LEVELS_PER_MINUTE:
        raise invalid_input(f"{len(levels)} levels in one minute, more than {MAX_LEVELS_PER_MINUTE}")
    for i, (_, _, price, notional) in enumerate(levels):
        if not (math.isfinite(price) and price > 0.0):
            raise invalid_input(f"level {i} price must be finite and > 0, got {price}")
        if not (math.isfinite(notional) and notional >= 0.0):
            raise invalid_input(f"level {i} notional_usd must be finite and >= 0, got {notional}")
