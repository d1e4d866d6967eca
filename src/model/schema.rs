//! JSON Schemas of every format, derived from the typed structs, and validation against them.
//!
//! Front matter is validated against its kind's schema before it is typed, so every violation in a
//! file (three unknown keys and a wrong type, say) is reported in one run, each at its own span.

use std::ops::Range;

use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::catalog::Catalog;
use super::types::{Config, Control, Evidence, Policy, Risk};
use crate::diag::{Code, Diagnostic, FileId, did_you_mean};
use crate::load::Kind;

/// The JSON Schema of a kind of file.
pub fn schema_for(kind: Kind) -> Value {
    let schema = match kind {
        Kind::Config => schemars::schema_for!(Config),
        Kind::Catalog => schemars::schema_for!(Catalog),
        Kind::Crosswalk => schemars::schema_for!(super::crosswalk::Crosswalk),
        Kind::Policy => schemars::schema_for!(Policy),
        Kind::Control => schemars::schema_for!(Control),
        Kind::Evidence => schemars::schema_for!(Evidence),
        Kind::Risk => schemars::schema_for!(Risk),
    };
    let mut value = schema.to_value();
    value["$id"] = Value::String(format!("urn:crosswalk:schema:{}", kind.name()));
    value
}

/// Every kind that has a schema, in the order `crosswalk schema` lists them.
pub const SCHEMA_KINDS: [Kind; 7] = [
    Kind::Policy,
    Kind::Control,
    Kind::Evidence,
    Kind::Risk,
    Kind::Config,
    Kind::Catalog,
    Kind::Crosswalk,
];

/// Compiled schemas, one per kind.
pub struct Validators {
    compiled: Vec<(Kind, Value, jsonschema::Validator)>,
}

impl Validators {
    /// Compiles every schema. They are generated from our own types, so they always compile.
    pub fn new() -> Self {
        let compiled = SCHEMA_KINDS
            .iter()
            .map(|&kind| {
                let schema = schema_for(kind);
                let validator = jsonschema::validator_for(&schema)
                    .unwrap_or_else(|e| panic!("schema of {} does not compile: {e}", kind.name()));
                (kind, schema, validator)
            })
            .collect();
        Validators { compiled }
    }

    /// Validates a parsed TOML table; one diagnostic per violation.
    pub fn validate(
        &self,
        kind: Kind,
        table: &Spanned<DeTable<'_>>,
        at: &Place,
    ) -> Vec<Diagnostic> {
        let (_, schema, validator) = self
            .compiled
            .iter()
            .find(|(k, _, _)| *k == kind)
            .expect("every kind has a schema");
        let instance = to_json(&DeValue::Table(table.get_ref().clone()));
        validator
            .iter_errors(&instance)
            .flat_map(|error| diagnose(&error, table, schema, kind, at))
            .collect()
    }
}

impl Default for Validators {
    fn default() -> Self {
        Self::new()
    }
}

/// Where a TOML text sits: its file, the offset of the TOML in it, and the span to blame for a
/// missing top-level key (the opening `+++` of a document).
pub struct Place {
    /// The file.
    pub file: FileId,
    /// Offset of the TOML text in the file.
    pub offset: usize,
    /// Span reported for problems of the whole table.
    pub header: Range<usize>,
}

impl Place {
    /// A span within the TOML, shifted to the file.
    pub fn shift(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.offset..span.end + self.offset
    }
}

/// Converts TOML to the JSON the schemas describe (dates become strings).
pub fn to_json(value: &DeValue<'_>) -> Value {
    match value {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .map_or_else(|_| Value::String(i.as_str().to_string()), Value::from),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(f.as_str().to_string()), Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().map(|v| to_json(v.get_ref())).collect()),
        DeValue::Table(table) => Value::Object(
            table
                .iter()
                .map(|(k, v)| (k.get_ref().to_string(), to_json(v.get_ref())))
                .collect(),
        ),
    }
}

fn diagnose(
    error: &jsonschema::ValidationError<'_>,
    table: &Spanned<DeTable<'_>>,
    schema: &Value,
    kind: Kind,
    at: &Place,
) -> Vec<Diagnostic> {
    let path: Vec<Segment> = error
        .instance_path()
        .iter()
        .map(|segment| match segment {
            jsonschema::paths::LocationSegment::Property(name) => Segment::Key(name.to_string()),
            jsonschema::paths::LocationSegment::Index(i) => Segment::Index(i),
        })
        .collect();
    let node = locate(table, &path);
    let where_ = describe(&path, kind);
    match error.kind() {
        jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed = allowed_keys(schema, &path);
            unexpected
                .iter()
                .map(|key| {
                    let span = node
                        .as_ref()
                        .and_then(|n| n.key_span_of(key))
                        .map_or_else(|| at.header.clone(), |s| at.shift(s));
                    Diagnostic::new(
                        Code::UnknownKey,
                        at.file,
                        span,
                        format!("unknown key `{key}` in {where_}"),
                    )
                    .with_optional_help(
                        did_you_mean(key, allowed.iter().map(String::as_str))
                            .or_else(|| known_keys_help(&allowed)),
                    )
                })
                .collect()
        }
        jsonschema::error::ValidationErrorKind::Required { property } => {
            let key = property.as_str().unwrap_or_default();
            let span = match (&node, path.is_empty()) {
                (_, true) | (None, _) => at.header.clone(),
                (Some(n), false) => at.shift(n.key.clone().unwrap_or(n.value.clone())),
            };
            vec![Diagnostic::new(
                Code::MissingKey,
                at.file,
                span,
                format!("missing key `{key}` in {where_}"),
            )]
        }
        _ => {
            let span = node.map_or_else(|| at.header.clone(), |n| at.shift(n.value));
            vec![Diagnostic::new(
                Code::InvalidValue,
                at.file,
                span,
                format!("invalid value for `{}`: {}", dotted(&path), error),
            )]
        }
    }
}

#[derive(Clone, Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

fn dotted(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) if out.is_empty() => out.push_str(key),
            Segment::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn describe(path: &[Segment], kind: Kind) -> String {
    let what = match kind {
        Kind::Config => "crosswalk.toml".to_string(),
        Kind::Catalog => "the framework catalog".to_string(),
        Kind::Crosswalk => "the crosswalk".to_string(),
        other => format!("{} front matter", other.name()),
    };
    if path.is_empty() {
        what
    } else {
        format!("`{}` of {what}", dotted(path))
    }
}

fn known_keys_help(allowed: &[String]) -> Option<String> {
    (!allowed.is_empty()).then(|| {
        let keys: Vec<String> = allowed.iter().map(|k| format!("`{k}`")).collect();
        format!("known keys here: {}", keys.join(", "))
    })
}

/// A node of the TOML tree: the span of its key (if it has one) and of its value.
struct Node<'a, 'i> {
    key: Option<Range<usize>>,
    value: Range<usize>,
    table: Option<&'a DeTable<'i>>,
}

impl Node<'_, '_> {
    fn key_span_of(&self, name: &str) -> Option<Range<usize>> {
        self.table?.get_key_value(name).map(|(k, _)| k.span())
    }
}

fn locate<'a, 'i>(table: &'a Spanned<DeTable<'i>>, path: &[Segment]) -> Option<Node<'a, 'i>> {
    let mut node = Node {
        key: None,
        value: table.span(),
        table: Some(table.get_ref()),
    };
    let mut current: Option<&'a DeValue<'i>> = None;
    for segment in path {
        let (key, value) = match (segment, current) {
            (Segment::Key(name), None) => entry(table.get_ref(), name)?,
            (Segment::Key(name), Some(DeValue::Table(t))) => entry(t, name)?,
            (Segment::Index(i), Some(DeValue::Array(items))) => (None, items.get(*i)?),
            _ => return None,
        };
        current = Some(value.get_ref());
        node = Node {
            key,
            value: value.span(),
            table: value.get_ref().as_table(),
        };
    }
    Some(node)
}

type Entry<'a, 'i> = (Option<Range<usize>>, &'a Spanned<DeValue<'i>>);

fn entry<'a, 'i>(table: &'a DeTable<'i>, name: &str) -> Option<Entry<'a, 'i>> {
    table.get_key_value(name).map(|(k, v)| (Some(k.span()), v))
}

/// The property names the schema allows at a path (for "did you mean").
fn allowed_keys(schema: &Value, path: &[Segment]) -> Vec<String> {
    let mut node = resolve(schema, schema);
    for segment in path {
        let next = match segment {
            Segment::Key(name) => node
                .get("properties")
                .and_then(|p| p.get(name))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
            Segment::Index(_) => node.get("items"),
        };
        match next {
            Some(next) => node = resolve(schema, next),
            None => return Vec::new(),
        }
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Follows a local `$ref`, and the first non-null branch of an `anyOf` (an optional value).
fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let target = reference
            .strip_prefix("#/")
            .map(|pointer| format!("/{pointer}"))
            .and_then(|pointer| root.pointer(&pointer));
        if let Some(target) = target {
            return resolve(root, target);
        }
    }
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        if let Some(branch) = branches
            .iter()
            .find(|b| b.get("type") != Some(&Value::from("null")))
        {
            return resolve(root, branch);
        }
    }
    node
}
