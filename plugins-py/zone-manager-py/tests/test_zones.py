"""Unit tests of the `zones` package under a plain CPython (no WIT, no wasm)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

from zones import LONG, REINFORCED, SHORT, Ladder, Params, Query, Refusal, ZoneEngine, query, state  # noqa: E402
from zones.postcard import Reader, Writer, fnv1a32, open_envelope, seal  # noqa: E402

LADDER = Ladder([10, 20, 50, 100], [1.0, 1.0, 1.0, 1.0], [10], 0.004)


def engine(**params):
    return ZoneEngine("BTC", LADDER, Params.from_config([(k, ("number", v)) for k, v in params.items()]))


def refusal_kind(run):
    try:
        run()
    except Refusal as r:
        return r.kind
    return None


class Lifecycle(unittest.TestCase):
    def test_creates_reinforces_and_sweeps_as_the_rules_say(self):
        e = engine()
        levels = [(LONG, 20, 95.0, 100_000.0), (SHORT, 50, 102.0, 50_000.0), (LONG, 10, 90.0, 900_000.0)]
        self.assertEqual(e.on_minute(1, 100, 101.0, 99.0, 100.0, levels), (2, 0, 0, 0, 2))
        self.assertEqual(e.on_minute(2, 101, 101.5, 99.5, 101.0, [(LONG, 100, 95.03, 20_000.0)]), (0, 1, 0, 0, 2))
        z = e.zones[0]
        self.assertEqual((z.state, z.reinforcements), (REINFORCED, 1))
        self.assertAlmostEqual(z.weight, 0.4 * 0.995 + 0.2 * 0.3, places=12)
        self.assertEqual(e.on_minute(3, 102, 102.2, 100.5, 101.8, []), (0, 0, 1, 0, 1))
        self.assertEqual(query.quality(e), (1, 2.0, 1.0, 0, 0.0))

    def test_a_refused_minute_changes_nothing_but_the_out_of_order_count(self):
        e = engine()
        e.on_minute(5, 100, 101.0, 99.0, 100.0, [(LONG, 20, 95.0, 100_000.0)])
        before = state.save(e)
        self.assertEqual(refusal_kind(lambda: e.on_minute(6, 101, 0.0, 0.0, 0.0, [])), "invalid-input")
        self.assertEqual(refusal_kind(lambda: e.on_minute(7, 100, 101.0, 99.0, 100.0, [])), "invalid-input")
        self.assertEqual(state.save(e), before)
        self.assertEqual(refusal_kind(lambda: e.on_minute(5, 101, 101.0, 99.0, 100.0, [])), "invalid-input")
        self.assertEqual(e.progress(), (1, 5, 1))

    def test_expires_weak_zones_and_stale_far_ones(self):
        e = engine(max_zone_age_minutes=10)
        e.on_minute(1, 0, 101.0, 99.0, 100.0, [(LONG, 20, 90.0, 100_000.0), (LONG, 100, 80.0, 5_010.0)])
        self.assertEqual(e.on_minute(2, 1, 101.0, 99.0, 100.0, []), (0, 0, 0, 1, 1))  # 0.0501 decays under 0.05
        self.assertEqual(e.on_minute(3, 10, 101.0, 99.0, 100.0, []), (0, 0, 0, 0, 1))  # 10 minutes: not yet
        self.assertEqual(e.on_minute(4, 11, 101.0, 99.0, 100.0, []), (0, 0, 0, 1, 0))  # stale and 10 % away

    def test_configure_caps_weights_and_a_bad_config_changes_nothing(self):
        e = engine()
        e.on_minute(1, 0, 101.0, 99.0, 100.0, [(LONG, 100, 90.0, 300_000.0)])
        e.configure(LADDER, Params.from_config([("max_zone_weight", ("number", 0.5))]))
        self.assertEqual((e.zones[0].weight, e.zones[0].notional_usd), (0.5, 50_000.0))
        for bad in ([("nope", ("integer", 1))], [("min_zone_weight", ("flag", True))],
                    [("lifespan_history", ("number", 1.5))], [("tier_weights", ("table", [("x", 1.0)]))],
                    [("zone_decay_per_minute", ("number", 1.0))],
                    [("min_zone_weight", ("number", 0.1)), ("min_zone_weight", ("number", 0.1))]):
            self.assertEqual(refusal_kind(lambda: Params.from_config(bad)), "invalid-config", bad)
        p = Params.from_config([("tier_weights", ("table", [(" 20", 2.0)])), ("max_zone_age_minutes", ("number", 60.0))])
        self.assertEqual((p.tier_weight(20), p.tier_weight(100), p.max_zone_age_minutes), (2.0, 0.5, 60))


class Queries(unittest.TestCase):
    def test_filters_sorts_and_buckets_zones(self):
        e = engine()
        e.on_minute(1, 0, 101.0, 99.0, 100.0, [(SHORT, 50, 105.5, 100_000.0), (LONG, 20, 95.0, 100_000.0)])
        self.assertEqual([z.price for z in query.zones(e, Query())], [95.0, 105.5])
        self.assertEqual([z.price for z in query.zones(e, Query(side=SHORT))], [105.5])
        self.assertEqual(query.zones(e, Query(min_leverage=60)), [])
        long, short = query.heatmap(e, 90.0, 1.0, 20, Query(), 0.0)
        self.assertEqual((long[5], short[16]), (40_000.0, 80_000.0))  # 15.5 rounds away from zero
        self.assertEqual(query.heatmap(e, 90.0, 1.0, 20, Query(), 50_000.0)[0][5], 0.0)
        self.assertEqual(query.heatmap(e, 90.0, 0.0, 20, Query(), 0.0), ([], []))
        minute, price, long_side, _ = query.summary(e)
        self.assertEqual((minute, price, long_side[0], long_side[3].price), (0, 100.0, 1, 95.0))


class State(unittest.TestCase):
    def test_round_trips_exactly(self):
        e = engine()
        for seq in range(1, 60):
            p = 100.0 + (seq % 7) * 0.3
            e.on_minute(seq, seq, p * 1.001, p * 0.999, p, [(LONG, 100, p * 0.99, 90_000.0), (SHORT, 50, p * 1.02, 70_000.0)])
        saved = state.save(e)
        back = state.restore("BTC", LADDER, Params(), saved)
        self.assertEqual(state.save(back), saved)
        self.assertEqual(back.on_minute(60, 60, 101.0, 99.0, 100.0, []), e.on_minute(60, 60, 101.0, 99.0, 100.0, []))

    def test_refuses_damaged_foreign_and_other_symbol_states(self):
        saved = state.save(engine())
        flipped = bytearray(saved)
        flipped[13] ^= 1
        for bad in (b"", saved[:-1], bytes(flipped), b"XQST" + saved[4:], seal(2, b"")):
            self.assertEqual(refusal_kind(lambda: state.restore("BTC", LADDER, Params(), bad)), "bad-state")
        self.assertEqual(refusal_kind(lambda: state.restore("ETH", LADDER, Params(), saved)), "bad-state")
        self.assertEqual(refusal_kind(lambda: state.restore("BTC", Ladder([], [], [], 0.0), Params(), saved)), "invalid-config")

    def test_writes_the_envelope_and_varints_the_standard_build_writes(self):
        self.assertEqual((fnv1a32(b""), fnv1a32(b"a"), fnv1a32(b"foobar")), (0x811C9DC5, 0xE40C292C, 0xBF9CF968))
        w = Writer()
        for n in (2, 1, 2):
            w.uint(n)
        sealed = seal(3, w.out)
        self.assertEqual(sealed[:15], b"LQST\x03\x00\x00\x00\x03\x00\x00\x00\x02\x01\x02")
        self.assertEqual(open_envelope(sealed, 1, 3), (3, b"\x02\x01\x02"))
        w = Writer()
        for n in (0, -1, 1, -(2**63), 2**63 - 1):
            w.sint(n)
        w.uint(2**64 - 1)
        r = Reader(bytes(w.out))
        self.assertEqual([r.sint() for _ in range(5)] + [r.uint(64)], [0, -1, 1, -(2**63), 2**63 - 1, 2**64 - 1])
        self.assertEqual(refusal_kind(lambda: Reader(b"\xff\xff\xff\xff\x7f").uint(32)), "bad-state")


if __name__ == "__main__":
    unittest.main()
