"""Zone-manager parameters and the ladder: the standard build's keys, defaults and checks.

The keys are the ones `[symbols.X.params.zone-manager]` may set for any zone-manager
build, so one config serves the Rust and the Python build and a hot swap between them
needs no config change. A missing key keeps its default; an unknown key, a repeated key
or a value of the wrong type is `invalid-config`.
"""

import math
import re

from .errors import invalid_config

# Intensity weight of a leverage missing from `tier_weights`: new tiers still make zones.
UNLISTED_TIER_WEIGHT = 0.5
# A config typo must not let the ended-zone history grow a state to many megabytes.
MAX_LIFESPAN_HISTORY = 100_000
U32_MAX = 2**32 - 1

DEFAULT_TIER_WEIGHTS = (
    (5, 0.2), (10, 0.0), (20, 0.4), (25, 0.5), (50, 0.8), (75, 0.9),
    (100, 1.0), (125, 1.0), (150, 0.9), (200, 0.8), (250, 0.7),
)

# key -> (type, default). Types: "f64" number, "u32" whole number, "tiers" table.
SPEC = {
    "max_zone_age_minutes": ("u32", 240),
    "zone_decay_per_minute": ("f64", 0.995),
    "min_zone_weight": ("f64", 0.05),
    "max_zone_weight": ("f64", 5.0),
    "reinforcement_factor": ("f64", 0.3),
    "cluster_distance_pct": ("f64", 0.0005),
    "expiration_price_dist_pct": ("f64", 0.02),
    "weight_to_notional_usd": ("f64", 100_000.0),
    "touch_distance_pct": ("f64", 0.001),
    "strong_zone_notional_usd": ("f64", 50_000.0),
    "tier_weights": ("tiers", DEFAULT_TIER_WEIGHTS),
    "lifespan_history": ("u32", 1000),
}

_TIER_KEY = re.compile(r"^\+?[0-9]+$")


class Params:
    """Every knob of the zone lifecycle, as attributes named like the config keys."""

    __slots__ = tuple(SPEC)

    def __init__(self):
        for key, (_, default) in SPEC.items():
            setattr(self, key, default)

    @classmethod
    def from_config(cls, pairs):
        """Defaults overlaid with `pairs` [(key, (tag, value))], then validated."""
        params = cls()
        seen = set()
        for key, value in pairs:
            if key in seen:
                raise invalid_config(f"parameter `{key}` given twice")
            seen.add(key)
            if key not in SPEC:
                raise invalid_config(f"unknown parameter `{key}` (known: {', '.join(SPEC)})")
            setattr(params, key, _convert(key, SPEC[key][0], value))
        params.validate()
        return params

    def tier_weight(self, leverage):
        for tier, weight in self.tier_weights:
            if tier == leverage:
                return weight
        return UNLISTED_TIER_WEIGHT

    def validate(self):
        """Every parameter usable; decay below 1 is what bounds the active zone set."""
        d = self.zone_decay_per_minute
        if not (d > 0.0 and d < 1.0):
            raise invalid_config(f"zone_decay_per_minute must be in (0, 1), got {d}")
        _fraction("min_zone_weight", self.min_zone_weight, math.inf)
        mx = self.max_zone_weight
        if not (math.isfinite(mx) and mx > self.min_zone_weight):
            raise invalid_config(
                f"max_zone_weight must be finite and above min_zone_weight ({self.min_zone_weight}), got {mx}"
            )
        _fraction("reinforcement_factor", self.reinforcement_factor, math.inf)
        _fraction("cluster_distance_pct", self.cluster_distance_pct, 1.0)
        _fraction("expiration_price_dist_pct", self.expiration_price_dist_pct, math.inf)
        _fraction("touch_distance_pct", self.touch_distance_pct, 1.0)
        _fraction("strong_zone_notional_usd", self.strong_zone_notional_usd, math.inf)
        scale = self.weight_to_notional_usd
        if not (math.isfinite(scale) and scale > 0.0):
            raise invalid_config(f"weight_to_notional_usd must be finite and > 0, got {scale}")
        tiers = set()
        for tier, weight in self.tier_weights:
            _fraction(f"tier_weights weight of tier {tier}", weight, math.inf)
            if tier in tiers:
                raise invalid_config(f"tier_weights lists tier {tier} twice")
            tiers.add(tier)
        if not 1 <= self.lifespan_history <= MAX_LIFESPAN_HISTORY:
            raise invalid_config(
                f"lifespan_history must be in 1..={MAX_LIFESPAN_HISTORY}, got {self.lifespan_history}"
            )


class Ladder:
    """A symbol's leverage ladder; the zone manager only asks which tiers are enabled."""

    __slots__ = ("tiers", "weights", "disabled", "mmr")

    def __init__(self, tiers, weights, disabled, mmr):
        self.tiers, self.weights, self.disabled, self.mmr = list(tiers), list(weights), list(disabled), mmr

    def validate(self):
        if not self.tiers:
            raise invalid_config("ladder has no tiers")
        if len(self.tiers) != len(self.weights):
            raise invalid_config(f"ladder has {len(self.tiers)} tiers but {len(self.weights)} weights")
        if 0 in self.tiers:
            raise invalid_config("ladder tier 0 is not a leverage")
        for a, b in zip(self.tiers, self.tiers[1:]):
            if a >= b:
                raise invalid_config(f"ladder tiers must be strictly ascending ({a} then {b})")
        for tier, weight in zip(self.tiers, self.weights):
            if not (math.isfinite(weight) and weight >= 0.0):
                raise invalid_config(f"weight of tier {tier} must be finite and >= 0, got {weight}")
        if not (self.mmr >= 0.0 and self.mmr < 0.5):
            raise invalid_config(f"ladder mmr must be in [0, 0.5), got {self.mmr}")

    def is_enabled(self, tier):
        """Listed and not disabled: levels of an unlisted tier are ignored, not trusted."""
        return tier in self.tiers and tier not in self.disabled


def _fraction(name, value, upper):
    if not (math.isfinite(value) and 0.0 <= value < upper):
        raise invalid_config(f"{name} must be in [0, {upper}), got {value}")


def _convert(key, kind, value):
    tag, raw = value
    if kind == "f64":
        if tag == "number":
            return float(raw)
        if tag == "integer":
            return float(raw)
        raise invalid_config(f"parameter `{key}` must be a number, got {tag} {raw!r}")
    if kind == "u32":
        whole = _whole(tag, raw)
        if whole is None or not 0 <= whole <= U32_MAX:
            raise invalid_config(f"parameter `{key}` must be a whole number in range, got {tag} {raw!r}")
        return whole
    if tag == "table":
        pairs = []
        for name, weight in raw:
            name = name.strip()
            if not _TIER_KEY.match(name) or int(name) > U32_MAX:
                break
            pairs.append((int(name), float(weight)))
        else:
            return tuple(pairs)
    raise invalid_config(
        f"parameter `{key}` must be a table of whole-number keys to numbers, e.g. {{ 5 = 0.2 }}, got {tag} {raw!r}"
    )


def _whole(tag, raw):
    """An integer, or a float with no fraction (1.0); None otherwise."""
    if tag == "integer":
        return raw
    if tag == "number" and math.isfinite(raw) and raw == math.floor(raw) and abs(raw) < 9.0e15:
        return int(raw)
    return None
