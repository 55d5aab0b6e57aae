"""Saving and restoring a zone engine: state schema 1, byte-compatible with the standard build.

Payload fields, in order: symbol, active zones (each the public zone record then its peak
weight), next id, last minute (option), last close (option), progress (events, last seq,
out of order), ended-zone history (lifespan, swept, strong, touched). The ladder and the
params are not saved: they come from config at restore, so a swap can change them.
"""

import math
from collections import deque

from .engine import MIN_STATE_SCHEMA, STATE_SCHEMA, ZoneEngine
from .errors import bad_state
from .postcard import Reader, Writer, open_envelope, seal
from .zone import CREATED, REINFORCED, Ended, Zone


def save(engine):
    w = Writer()
    w.text(engine.symbol)
    w.uint(len(engine.zones))
    for z in engine.zones:
        w.uint(z.id)
        w.uint(z.side)
        w.f64(z.price)
        w.uint(z.leverage)
        w.f64(z.weight)
        w.f64(z.notional_usd)
        w.uint(z.state)
        w.sint(z.created_minute)
        w.sint(z.last_reinforced_minute)
        w.uint(z.reinforcements)
        w.flag(z.touched)
        w.f64(z.peak_weight)
    w.uint(engine.next_id)
    _option(w, engine.last_minute, w.sint)
    _option(w, engine.last_close, w.f64)
    w.uint(engine.events)
    w.uint(engine.last_seq)
    w.uint(engine.out_of_order)
    w.uint(len(engine.history))
    for e in engine.history:
        w.sint(e.lifespan_minutes)
        w.flag(e.swept)
        w.flag(e.strong)
        w.flag(e.touched)
    return seal(STATE_SCHEMA, w.out)


def restore(symbol, ladder, params, data):
    """A config problem is `invalid-config` (checked first); unreadable bytes are `bad-state`."""
    engine = ZoneEngine(symbol, ladder, params)
    _, payload = open_envelope(data, MIN_STATE_SCHEMA, STATE_SCHEMA)
    r = Reader(payload)
    saved_symbol = r.text()
    zones = [_zone(r) for _ in range(r.length())]
    next_id = r.uint(64)
    last_minute = r.sint() if r.flag() else None
    last_close = r.f64() if r.flag() else None
    events, last_seq, out_of_order = r.uint(64), r.uint(64), r.uint(64)
    history = deque(Ended(r.sint(), r.flag(), r.flag(), r.flag()) for _ in range(r.length()))
    r.end()
    _check_consistent(saved_symbol, symbol, zones, next_id, last_close)
    engine.zones, engine.next_id = zones, next_id
    engine.last_minute, engine.last_close = last_minute, last_close
    engine.events, engine.last_seq, engine.out_of_order = events, last_seq, out_of_order
    engine.history = history
    engine.conform_to_params()
    return engine


def _option(w, value, put):
    w.flag(value is not None)
    if value is not None:
        put(value)


def _zone(r):
    return Zone(
        id=r.uint(64), side=r.enum(2), price=r.f64(), leverage=r.uint(32), weight=r.f64(),
        notional_usd=r.f64(), state=r.enum(4), created_minute=r.sint(),
        last_reinforced_minute=r.sint(), reinforcements=r.uint(32), touched=r.flag(), peak_weight=r.f64(),
    )


def _check_consistent(saved_symbol, symbol, zones, next_id, last_close):
    """Refuses payloads no engine could have produced, so they cannot poison later minutes."""
    if saved_symbol != symbol:
        raise bad_state(f"state belongs to symbol {saved_symbol}, not {symbol}")
    if last_close is not None and not (math.isfinite(last_close) and last_close > 0.0):
        raise bad_state("state last close is not a positive price")
    ids = set()
    for z in zones:
        numbers_ok = (math.isfinite(z.price) and z.price > 0.0 and math.isfinite(z.weight) and z.weight >= 0.0
                      and math.isfinite(z.notional_usd) and math.isfinite(z.peak_weight))
        if not numbers_ok:
            raise bad_state(f"zone {z.id} has a non-finite or negative number")
        if z.state not in (CREATED, REINFORCED):
            raise bad_state(f"zone {z.id} is active but in state {z.state}")
        if z.id >= next_id or z.id in ids:
            raise bad_state(f"zone id {z.id} is duplicated or not below next id {next_id}")
        ids.add(z.id)
