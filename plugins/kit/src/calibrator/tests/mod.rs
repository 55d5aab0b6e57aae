//! Engine-level tests of the calibrator, and its convergence on a simulated market.

mod convergence;
mod engine;
mod sim;
