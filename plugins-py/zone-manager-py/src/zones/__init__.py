"""A zone manager in plain Python: persistent liquidation zones from predicted levels (V3).

No WIT types here: `zone_manager.py` adapts this package to the `zone-manager` interface,
and the unit tests run it under an ordinary CPython.
"""

from . import query, state
from .engine import MIN_STATE_SCHEMA, STATE_SCHEMA, ZoneEngine
from .errors import Refusal
from .params import Ladder, Params
from .query import Query
from .zone import CREATED, EXPIRED, LONG, REINFORCED, SHORT, SWEPT, Zone

__all__ = [
    "query", "state", "ZoneEngine", "STATE_SCHEMA", "MIN_STATE_SCHEMA", "Refusal", "Ladder", "Params",
    "Query", "Zone", "LONG", "SHORT", "CREATED", "REINFORCED", "SWEPT", "EXPIRED",
]
