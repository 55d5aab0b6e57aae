//! A JSON-schema check for the subset utoipa emits (OpenAPI 3.1), strict about undocumented fields.
//!
//! Supported: `$ref` to `#/components/schemas/*`, `oneOf`/`anyOf`/`allOf`, `type` (one or a
//! list), `enum`, `properties`/`required`/`additionalProperties`, `items`, numeric bounds and
//! the integer formats. An object schema with `properties` and no `additionalProperties`
//! refuses fields it does not list: every field a response carries must be documented.

use serde_json::Value;

/// The schema of `path`'s GET answer with `status` as `application/json`.
pub fn response_schema<'a>(doc: &'a Value, path: &str, status: u16) -> &'a Value {
    let op = &doc["paths"][path]["get"];
    assert!(op.is_object(), "{path} is not in the OpenAPI document");
    let schema = &op["responses"][status.to_string()]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "{path}: no application/json schema for {status}");
    schema
}

/// Every violation of `schema` by `value`, as `json-path: problem`.
pub fn validate(doc: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check(doc, schema, value, "$", &mut errors);
    errors
}

fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    let name = reference.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unsupported $ref {reference}"));
    let s = &doc["components"]["schemas"][name];
    assert!(s.is_object(), "dangling $ref {reference}");
    s
}

fn type_ok(t: &str, v: &Value, format: Option<&str>) -> bool {
    match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        "number" => v.is_number(),
        "integer" => {
            let whole = v.is_i64() || v.is_u64();
            whole
                && match format {
                    Some("int32") => v.as_i64().is_some_and(|x| i32::try_from(x).is_ok() || (0..=i64::from(u32::MAX)).contains(&x)),
                    Some("int64") => v.is_i64() || v.is_u64(),
                    _ => true,
                }
        }
        other => panic!("unsupported type {other}"),
    }
}

fn check(doc: &Value, schema: &Value, v: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        check(doc, resolve(doc, r), v, at, errors);
    }
    if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        for s in all {
            check(doc, s, v, at, errors);
        }
    }
    for (key, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array) {
            let matching = branches.iter().filter(|s| validate(doc, s, v).is_empty()).count();
            if (exactly_one && matching != 1) || matching == 0 {
                errors.push(format!("{at}: matches {matching} branches of {key}"));
            }
        }
    }
    let format = schema.get("format").and_then(Value::as_str);
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type {t}"),
        };
        if !types.iter().any(|t| type_ok(t, v, format)) {
            errors.push(format!("{at}: {v} is not {types:?} ({format:?})"));
            return;
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        if !values.contains(v) {
            errors.push(format!("{at}: {v} not in {values:?}"));
        }
    }
    if let Some(x) = v.as_f64() {
        let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
        if bound("minimum").is_some_and(|m| x < m) || bound("maximum").is_some_and(|m| x > m) || bound("exclusiveMinimum").is_some_and(|m| x <= m) || bound("exclusiveMaximum").is_some_and(|m| x >= m) {
            errors.push(format!("{at}: {x} out of bounds"));
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, item) in arr.iter().enumerate() {
            check(doc, items, item, &format!("{at}[{i}]"), errors);
            if errors.len() > 20 {
                return;
            }
        }
    }
    if let Some(obj) = v.as_object() {
        let props = schema.get("properties").and_then(Value::as_object);
        for name in schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
            if !obj.contains_key(name) {
                errors.push(format!("{at}: required field {name} missing"));
            }
        }
        for (k, field) in obj {
            let path = format!("{at}.{k}");
            match (props.and_then(|p| p.get(k)), schema.get("additionalProperties")) {
                (Some(s), _) => check(doc, s, field, &path, errors),
                (None, Some(Value::Bool(false))) => errors.push(format!("{path}: not allowed")),
                (None, Some(extra)) if extra.is_object() => check(doc, extra, field, &path, errors),
                (None, _) if props.is_some() => errors.push(format!("{path}: undocumented field")),
                _ => {}
            }
        }
    }
}

/// Fields of component schemas without a description (documentation is part of the contract).
pub fn undocumented_fields(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().expect("components") {
        for (field, s) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            let described = s.get("description").is_some() || s.get("oneOf").and_then(Value::as_array).is_some_and(|b| b.iter().any(|x| x.get("description").is_some()));
            if !described {
                out.push(format!("{name}.{field}"));
            }
        }
    }
    out
}
