"""The exported `engine` resource: WIT records in, the `zones` package, WIT records out.

componentize-py looks the resource class up by the interface's name, so this module is
called `zone_manager` and the class `Engine`. Every refusal leaves as a WIT `engine-error`
value; anything else raised is a bug and traps, which the host treats as a broken engine.
"""

import functools
import traceback

from componentize_py_types import Err
from wit_world.exports import zone_manager as wit
from wit_world.imports import host, types

import zones
from zones import Ladder, Params, Query, Refusal, ZoneEngine


# The host keeps the first 1024 bytes of a log line; a traceback's end says the most.
_MAX_LOG_CHARS = 1000


def _bugs_logged(method):
    """A bug still traps, but its traceback reaches the host's log first: the host gives
    plugins no stderr, where CPython would print it."""

    @functools.wraps(method)
    def logged(*args):
        try:
            return method(*args)
        except Err:
            raise
        except BaseException:
            host.log(host.LogLevel.ERROR, traceback.format_exc()[-_MAX_LOG_CHARS:])
            raise

    return logged


class Engine(wit.Engine):
    def __init__(self, core):
        self.core = core

    @classmethod
    @_bugs_logged
    def create(cls, symbol, config):
        core = _answer(lambda: ZoneEngine(symbol, *_config(config)))
        host.log(host.LogLevel.DEBUG, f"python zone manager created for {symbol}")
        return cls(core)

    @classmethod
    @_bugs_logged
    def restore(cls, symbol, config, state):
        return cls(_answer(lambda: zones.state.restore(symbol, *_config(config), state)))

    @_bugs_logged
    def configure(self, config):
        _answer(lambda: self.core.configure(*_config(config)))

    @_bugs_logged
    def save_state(self):
        return zones.state.save(self.core)

    @_bugs_logged
    def progress(self):
        return types.Progress(*self.core.progress())

    @_bugs_logged
    def on_minute(self, input):
        levels = [(lv.side.value, lv.leverage, lv.price, lv.notional_usd) for lv in input.levels]
        counts = _answer(lambda: self.core.on_minute(input.seq, input.minute, input.high, input.low, input.close, levels))
        return wit.MinuteReport(*counts)

    @_bugs_logged
    def zones(self, query):
        return [_zone(z) for z in zones.query.zones(self.core, _query(query))]

    @_bugs_logged
    def summary(self):
        minute, price, long, short = zones.query.summary(self.core)
        return wit.Summary(minute, price, _side(long), _side(short))

    @_bugs_logged
    def heatmap(self, grid, query, min_notional_usd):
        long, short = zones.query.heatmap(self.core, grid.price_min, grid.step, grid.buckets, _query(query), min_notional_usd)
        return wit.ZoneHeatmap(grid, long, short)

    @_bugs_logged
    def quality(self):
        return wit.Quality(*zones.query.quality(self.core))


_ERRORS = {
    zones.errors.INVALID_CONFIG: types.EngineError_InvalidConfig,
    zones.errors.INVALID_INPUT: types.EngineError_InvalidInput,
    zones.errors.BAD_STATE: types.EngineError_BadState,
}

_PARAM_TAGS = {
    types.ParamValue_Number: "number",
    types.ParamValue_Integer: "integer",
    types.ParamValue_Flag: "flag",
    types.ParamValue_Text: "text",
    types.ParamValue_Numbers: "numbers",
    types.ParamValue_Table: "table",
}


def _answer(run):
    """Runs `run`, turning a refusal into the WIT error the call returns."""
    try:
        return run()
    except Refusal as refusal:
        raise Err(_ERRORS[refusal.kind](refusal.message)) from None


def _config(config):
    wl = config.ladder
    ladder = Ladder(wl.tiers, wl.weights, wl.disabled, wl.mmr)
    params = Params.from_config([(p.key, (_PARAM_TAGS[type(p.value)], p.value.value)) for p in config.params])
    return ladder, params


def _query(q):
    return Query(None if q.side is None else q.side.value, q.min_leverage, q.max_leverage, q.min_weight)


def _zone(z):
    return types.Zone(
        z.id, types.Side(z.side), z.price, z.leverage, z.weight, z.notional_usd, types.ZoneState(z.state),
        z.created_minute, z.last_reinforced_minute, z.reinforcements, z.touched,
    )


def _side(s):
    count, weight, notional, strongest, nearest = s
    return wit.SideSummary(
        count, weight, notional, None if strongest is None else _zone(strongest), None if nearest is None else _zone(nearest)
    )
