//! One minute of the zone lifecycle: decay, sweep and touch, expire, then new levels.

use crate::math;
use crate::types::{EngineError, PredictedLevel};

use super::engine::ZoneEngine;
use super::input::{MinuteInput, MinuteReport};
use super::zone::{ActiveZone, Zone, ZoneState};

impl ZoneEngine {
    /// Consumes one minute (see the [module docs](super) for the exact order and rules).
    /// A rejected input leaves the engine untouched, except that an out-of-order sequence
    /// number is counted in [`ZoneEngine::progress`].
    pub fn on_minute(&mut self, input: &MinuteInput) -> Result<MinuteReport, EngineError> {
        if !self.progress.is_in_order(input.seq) {
            self.progress.record(input.seq);
            return Err(EngineError::InvalidInput(format!(
                "seq {} is not above the last seq {}",
                input.seq, self.progress.last_seq
            )));
        }
        input.validate()?;
        if let Some(last) = self.last_minute {
            if input.minute <= last {
                return Err(EngineError::InvalidInput(format!(
                    "minute {} is not after the last minute {last}",
                    input.minute
                )));
            }
        }
        self.progress.record(input.seq);

        let mut report = MinuteReport::default();
        let gap = self
            .last_minute
            .map_or(0, |last| input.minute.saturating_sub(last));
        self.decay(gap);
        report.swept = self.sweep_and_touch(input);
        report.expired = self.expire(input);
        for level in &input.levels {
            self.apply_level(level, input.minute, &mut report);
        }
        self.last_minute = Some(input.minute);
        self.last_close = Some(input.close);
        report.active = count(self.zones.len());
        Ok(report)
    }

    /// Step 1: `decay^gap` on every active zone.
    fn decay(&mut self, gap: i64) {
        if gap <= 0 {
            return;
        }
        let factor = math::powf(self.params.zone_decay_per_minute, gap as f64);
        let scale = self.params.weight_to_notional_usd;
        for active in &mut self.zones {
            active.zone.weight *= factor;
            active.zone.notional_usd = active.zone.weight * scale;
        }
    }

    /// Step 2: marks touched zones and removes swept ones. Returns how many were swept.
    fn sweep_and_touch(&mut self, input: &MinuteInput) -> u32 {
        let touch_pct = self.params.touch_distance_pct;
        let mut swept = 0;
        for mut active in std::mem::take(&mut self.zones) {
            let zone = &mut active.zone;
            if zone.is_touched_by(input.high, input.low, touch_pct) {
                zone.touched = true;
            }
            if zone.is_swept_by(input.high, input.low) {
                zone.touched = true;
                zone.state = ZoneState::Swept;
                self.record_end(&active, ZoneState::Swept, input.minute);
                swept += 1;
            } else {
                self.zones.push(active);
            }
        }
        swept
    }

    /// Step 3: removes zones too weak, or too old while price is far. Returns how many.
    fn expire(&mut self, input: &MinuteInput) -> u32 {
        let p = &self.params;
        let (min_weight, max_age, far_pct) = (
            p.min_zone_weight,
            i64::from(p.max_zone_age_minutes),
            p.expiration_price_dist_pct,
        );
        let mut expired = 0;
        for active in std::mem::take(&mut self.zones) {
            let zone = &active.zone;
            let too_weak = zone.weight < min_weight;
            let too_old = input.minute.saturating_sub(zone.last_reinforced_minute) > max_age;
            let far = (input.close - zone.price).abs() / input.close >= far_pct;
            if too_weak || (too_old && far) {
                self.record_end(&active, ZoneState::Expired, input.minute);
                expired += 1;
            } else {
                self.zones.push(active);
            }
        }
        expired
    }

    /// Step 4: one new level reinforces the nearest same-side zone within the cluster
    /// distance, or creates a zone.
    fn apply_level(&mut self, level: &PredictedLevel, minute: i64, report: &mut MinuteReport) {
        if !self.ladder.is_enabled(level.leverage) {
            return;
        }
        let tier_weight = self.params.tier_weight(level.leverage);
        if tier_weight <= 0.0 {
            return;
        }
        let p = &self.params;
        let new_weight =
            (level.notional_usd / p.weight_to_notional_usd * tier_weight).min(p.max_zone_weight);
        if new_weight < p.min_zone_weight {
            return;
        }
        match self.nearest_within_cluster(level) {
            Some(index) => {
                let max = self.params.max_zone_weight;
                let factor = self.params.reinforcement_factor;
                let weight = (self.zones[index].zone.weight + new_weight * factor).min(max);
                let notional = self.notional_of(weight);
                let active = &mut self.zones[index];
                active.zone.weight = weight;
                active.zone.notional_usd = notional;
                active.zone.last_reinforced_minute = minute;
                active.zone.reinforcements = active.zone.reinforcements.saturating_add(1);
                active.zone.state = ZoneState::Reinforced;
                active.peak_weight = active.peak_weight.max(weight);
                report.reinforced += 1;
            }
            None => {
                let zone = Zone {
                    id: self.next_id,
                    side: level.side,
                    price: level.price,
                    leverage: level.leverage,
                    weight: new_weight,
                    notional_usd: self.notional_of(new_weight),
                    state: ZoneState::Created,
                    created_minute: minute,
                    last_reinforced_minute: minute,
                    reinforcements: 0,
                    touched: false,
                };
                self.next_id += 1;
                self.zones.push(ActiveZone {
                    zone,
                    peak_weight: new_weight,
                });
                report.created += 1;
            }
        }
    }

    /// Index of the closest active zone of the level's side within
    /// `cluster_distance_pct * level price`; the oldest wins a tie.
    fn nearest_within_cluster(&self, level: &PredictedLevel) -> Option<usize> {
        let reach = self.params.cluster_distance_pct * level.price;
        let mut best: Option<(usize, f64)> = None;
        for (index, active) in self.zones.iter().enumerate() {
            if active.zone.side != level.side {
                continue;
            }
            let distance = (active.zone.price - level.price).abs();
            if distance <= reach && best.is_none_or(|(_, d)| distance < d) {
                best = Some((index, distance));
            }
        }
        best.map(|(index, _)| index)
    }
}

/// Zone counts fit in u32 (the active set is bounded by decay); saturate rather than wrap.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
