//! JSON Schemas of every format, derived from the typed structs, and validation against them.
//!
//! Front matter is validated against its kind's schema before it is typed, so every violation in a
//! file (three unknown keys and a wrong type, say) is reported in one run, each at its own span.

use std::ops::Range;

use serde_json::Value;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::catalog::Catalog;
use super::types::{Config, Control, Evidence, Nonconformity, Policy, Risk};
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
        Kind::Nonconformity => schemars::schema_for!(Nonconformity),
    };
    let mut value = schema.to_value();
    value["$id"] = Value::String(format!("urn:crosswalk:schema:{}", kind.name()));
    value
}

/// Every kind that has a schema, in the order `crosswalk schema` lists them.
pub const SCHEMA_KINDS: [Kind; 8] = [
    Kind::Policy,
    Kind::Control,
    Kind::Evidence,
    Kind::Risk,
    Kind::Nonconformity,
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
            vec![
                Diagnostic::new(
                    Code::MissingKey,
                    at.file,
                    span,
                    format!("missing key `{key}` in {where_}"),
                )
                .with_help(missing_key_help(schema, &path, key)),
            ]
        }
        _ => {
            let span = node.map_or_else(|| at.header.clone(), |n| at.shift(n.value));
            let (message, help) = match value_problem(schema, &path, error.instance().as_ref()) {
                Some((message, help)) => (message, Some(help)),
                None => (
                    format!("invalid value for `{}`: {}", dotted(&path), error),
                    None,
                ),
            };
            vec![
                Diagnostic::new(Code::InvalidValue, at.file, span, message)
                    .with_optional_help(help),
            ]
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
    node_at(schema, path)
        .and_then(|node| node.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The schema of the value at `path`, references followed.
fn node_at<'a>(schema: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    let mut node = resolve(schema, schema);
    for segment in path {
        let next = match segment {
            Segment::Key(name) => node
                .get("properties")
                .and_then(|p| p.get(name))
                .or_else(|| node.get("additionalProperties").filter(|a| a.is_object())),
            Segment::Index(_) => node.get("items"),
        };
        node = resolve(schema, next?);
    }
    Some(node)
}

/// What to write for a missing key: its description in the schema, and the values it allows.
fn missing_key_help(schema: &Value, path: &[Segment], key: &str) -> String {
    let property = node_at(schema, path)
        .and_then(|node| node.get("properties"))
        .and_then(|p| p.get(key));
    let description = property
        .and_then(|p| {
            p.get("description")
                .or_else(|| resolve(schema, p).get("description"))
        })
        .and_then(Value::as_str)
        .map(|d| {
            format!(
                ": {}",
                sentence_case(d.replace('\n', " ").trim_end_matches('.'))
            )
        })
        .unwrap_or_default();
    let allowed = property.map_or_else(Vec::new, |p| allowed_values(schema, resolve(schema, p)));
    let values = match allowed.as_slice() {
        [] => String::new(),
        values => {
            let listed: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
            format!(" (one of {})", listed.join(", "))
        }
    };
    format!("add `{key} = …`{description}{values}")
}

/// The values a schema node allows when it lists them (`enum`, or `const` branches of a `oneOf`).
fn allowed_values(schema: &Value, node: &Value) -> Vec<String> {
    let listed = node
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    let branches = node
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    listed
        .chain(branches.filter_map(|b| resolve(schema, b).get("const")))
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// A value the schema refuses, said in the schema's words: the values it allows (and the nearest
/// one), or what the pattern means; the help names a case or whitespace slip on its own.
fn value_problem(schema: &Value, path: &[Segment], instance: &Value) -> Option<(String, String)> {
    let node = node_at(schema, path)?;
    let text = instance.as_str()?;
    let key = dotted(path);
    let allowed = allowed_values(schema, node);
    let fixed = text.trim().to_lowercase();
    let accepts = |candidate: &str| match allowed.is_empty() {
        true => jsonschema::validator_for(node).is_ok_and(|v| v.is_valid(&Value::from(candidate))),
        false => allowed.iter().any(|a| a == candidate),
    };
    let slip = (fixed != text && accepts(&fixed)).then(|| {
        let how = match (
            text.trim() != text,
            text.trim().to_lowercase() != text.trim(),
        ) {
            (true, true) => "in lower case, without the spaces around it",
            (true, false) => "without the spaces around it",
            _ => "in lower case",
        };
        format!("write it {how}: `{fixed}`")
    });
    if !allowed.is_empty() {
        let listed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
        let message = format!(
            "`{}` is not a valid `{key}`: expected one of {}",
            text.escape_debug(),
            listed.join(", ")
        );
        let help = slip
            .or_else(|| did_you_mean(text, allowed.iter().map(String::as_str)))
            .unwrap_or_else(|| format!("use one of {}", listed.join(", ")));
        return Some((message, help));
    }
    let meaning = node.get("description").and_then(Value::as_str)?;
    let pattern = node.get("pattern").and_then(Value::as_str)?;
    let message = format!(
        "`{}` is not a valid `{key}`: expected {}",
        text.escape_debug(),
        sentence_case(meaning.trim_end_matches('.'))
    );
    let words = pattern_words(pattern);
    let help = slip
        .or_else(|| did_you_mean(text, words.iter().copied()))
        .unwrap_or_else(|| format!("`crosswalk schema` describes `{key}` and every other key"));
    Some((message, help))
}

/// The literal words of a pattern's alternation, `^(daily|weekly|P[1-9]…)$` → daily, weekly.
fn pattern_words(pattern: &str) -> Vec<&str> {
    let inner = pattern.trim_start_matches("^(").trim_end_matches(")$");
    inner
        .split('|')
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .collect()
}

/// A description as it reads inside a sentence: its first letter in lower case, unless the first
/// word is an acronym (`ISO`, `SHA`).
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_string(),
    }
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
