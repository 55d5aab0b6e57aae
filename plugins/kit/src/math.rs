//! Exponentials, logarithms and powers from one pure-Rust implementation on every target.
//!
//! std's `f64::exp`, `ln`, `powf` and `log10` call the platform's C library: glibc natively
//! (which picks FMA variants at run time) and wasi-libc inside a component. The two differ in
//! the last bit on rare inputs, and a last bit is enough for a native and a wasm engine fed
//! the same events to drift apart (A/B comparisons, state saved by one backend and restored
//! by the other). The `libm` crate computes the same bits everywhere.

/// e^x.
#[inline]
pub fn exp(x: f64) -> f64 {
    libm::exp(x)
}

/// The natural logarithm.
#[inline]
pub fn ln(x: f64) -> f64 {
    libm::log(x)
}

/// The base-10 logarithm.
#[inline]
pub fn log10(x: f64) -> f64 {
    libm::log10(x)
}

/// x^y.
#[inline]
pub fn powf(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Within an ulp or two of std's on ordinary inputs (the point is identical bits across
    /// targets, not different values).
    #[test]
    fn agrees_with_std_to_the_last_bits() {
        let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * a.abs().max(b.abs());
        for i in 1..2000 {
            let x = i as f64 * 0.0137 - 10.0;
            assert!(close(exp(x), x.exp()), "exp {x}");
            let y = i as f64 * 0.731;
            assert!(close(ln(y), y.ln()), "ln {y}");
            assert!(close(log10(y), y.log10()), "log10 {y}");
            assert!(close(powf(y, 0.1), y.powf(0.1)), "pow {y}");
            assert!(close(powf(0.97, i as f64), 0.97f64.powf(i as f64)), "pow 0.97^{i}");
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(0.0), 1.0);
        assert!(ln(0.0) == f64::NEG_INFINITY && ln(-1.0).is_nan());
    }
}
