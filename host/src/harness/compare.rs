//! Structural JSON comparison with a float tolerance, reported as one line per difference.

use serde_json::Value;

/// Differences between `expected` and `actual`, as `path: expected X, got Y` lines.
/// An expected error without a `message` matches any message of the same kind.
pub fn diff(expected: &Value, actual: &Value, tolerance: f64) -> Vec<String> {
    let mut out = Vec::new();
    walk("$", expected, actual, tolerance, &mut out);
    out
}

fn walk(path: &str, e: &Value, a: &Value, tol: f64, out: &mut Vec<String>) {
    match (e, a) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap_or(f64::NAN), y.as_f64().unwrap_or(f64::NAN));
            if (x - y).abs() > tol * (1.0 + x.abs().max(y.abs())) {
                out.push(format!("{path}: expected {x}, got {y}"));
            }
        }
        (Value::Array(xs), Value::Array(ys)) => {
            if xs.len() != ys.len() {
                out.push(format!("{path}: expected {} items, got {}", xs.len(), ys.len()));
            }
            for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
                walk(&format!("{path}[{i}]"), x, y, tol, out);
            }
        }
        (Value::Object(xs), Value::Object(ys)) => {
            let error_without_message = path.ends_with(".error") && !xs.contains_key("message");
            for (k, x) in xs {
                match ys.get(k) {
                    Some(y) => walk(&format!("{path}.{k}"), x, y, tol, out),
                    None => out.push(format!("{path}.{k}: expected {x}, missing")),
                }
            }
            for (k, y) in ys {
                if !xs.contains_key(k) && !(error_without_message && k == "message") {
                    out.push(format!("{path}.{k}: not expected, got {y}"));
                }
            }
        }
        _ if e == a => {}
        _ => out.push(format!("{path}: expected {e}, got {a}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_within_tolerance_match() {
        assert!(diff(&json!({"a": 1.0}), &json!({"a": 1.0 + 1e-12}), 1e-9).is_empty());
        assert_eq!(diff(&json!({"a": 1.0}), &json!({"a": 1.1}), 1e-9), vec!["$.a: expected 1, got 1.1"]);
    }

    #[test]
    fn reports_missing_extra_and_length_differences() {
        let d = diff(&json!({"a": [1, 2], "b": 1}), &json!({"a": [1], "c": 2}), 0.0);
        assert_eq!(d, vec!["$.a: expected 2 items, got 1", "$.b: expected 1, missing", "$.c: not expected, got 2"]);
    }

    #[test]
    fn error_message_is_optional_in_expected() {
        let actual = json!({"error": {"kind": "invalid-input", "message": "price 0"}});
        assert!(diff(&json!({"error": {"kind": "invalid-input"}}), &actual, 0.0).is_empty());
        assert_eq!(diff(&json!({"error": {"kind": "bad-state"}}), &actual, 0.0).len(), 1);
    }
}
