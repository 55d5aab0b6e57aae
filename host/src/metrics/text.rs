//! The Prometheus text exposition format (version 0.0.4), written by hand: families with HELP and TYPE, escaped labels.

use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

/// The document being written. Each family is declared once, then its samples follow.
#[derive(Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    /// Declares a family (`# HELP`, `# TYPE`); the samples written next belong to it.
    pub fn family(&mut self, name: &str, kind: Kind, help: &str) -> &mut Self {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        let _ = writeln!(self.out, "# HELP {name} {help}\n# TYPE {name} {}", kind.name());
        self
    }

    /// One sample: `name{labels} value`.
    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) -> &mut Self {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
        self
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// Label values escape backslash, double quote and newline.
fn escape(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

/// Integers without a fraction; non-finite values as Prometheus spells them.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_families_and_escaped_samples() {
        let mut e = Exposition::default();
        e.family("x_total", Kind::Counter, "what x counts").sample("x_total", &[("a", "q\"\\\n")], 3.0);
        e.sample("x_total", &[], 0.25).sample("x_total", &[], f64::INFINITY);
        assert_eq!(e.finish(), "# HELP x_total what x counts\n# TYPE x_total counter\nx_total{a=\"q\\\"\\\\\\n\"} 3\nx_total 0.25\nx_total +Inf\n");
    }
}
