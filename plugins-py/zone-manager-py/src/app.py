"""Entry module of the Python zone manager: the world's `info`; the engine is in `zone_manager`."""

from wit_world import exports
from wit_world.imports import types

import zone_manager  # noqa: F401  (imported at build time: componentize-py finds `Engine` there)
import zones

NAME = "zone-manager-py"
VERSION = "0.1.0"


class ZoneManager(exports.ZoneManager):
    def info(self):
        return types.EngineInfo(NAME, VERSION, "zone-manager", zones.STATE_SCHEMA, zones.MIN_STATE_SCHEMA)

