//! The typed front matter of each document kind and of `crosswalk.toml`.
//!
//! These structs are the formats: serde reads them (unknown keys rejected) and schemars derives the
//! published JSON Schemas from them. Values that diagnostics point at are kept as [`Spanned`], whose
//! spans are byte offsets within the TOML text.

use std::collections::BTreeMap;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};
use toml::Spanned;

/// A spanned string: an id, a person key, a requirement reference.
pub type Text = Spanned<String>;

/// A list of person keys, with the span of the whole list (an empty list still has a place).
pub type PersonList = Spanned<Vec<Text>>;

/// No one: the default of an absent list.
fn no_one() -> PersonList {
    Spanned::new(0..0, Vec::new())
}

/// Requirements a document satisfies: framework id → requirement ids.
pub type Satisfies = BTreeMap<Text, Vec<Text>>;

fn id_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]*$",
        "description": "A unique id: letters, digits, `.`, `_` and `-`, e.g. `POL-ACCESS` or `AC-03`."
    })
}

fn person_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "string",
        "minLength": 1,
        "description": "A key of `[people]` in crosswalk.toml."
    })
}

fn people_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "array",
        "items": { "type": "string", "minLength": 1 },
        "description": "Keys of `[people]` in crosswalk.toml."
    })
}

fn refs_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "array", "items": { "type": "string", "minLength": 1 } })
}

fn satisfies_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "type": "object",
        "description": "Framework id → the ids of the requirements this document satisfies.",
        "additionalProperties": { "type": "array", "items": { "type": "string", "minLength": 1 } }
    })
}

fn text_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "string" })
}

/// A calendar date (a TOML local date such as `2026-10-02`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Date(pub jiff::civil::Date);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom("expected a TOML date such as 2026-10-02 (without quotes)")
        })?;
        match (value.date, value.time) {
            (Some(date), None) => {
                jiff::civil::Date::new(date.year as i16, date.month as i8, date.day as i8)
                    .map(Date)
                    .map_err(serde::de::Error::custom)
            }
            _ => Err(serde::de::Error::custom(format!(
                "expected a date such as 2026-10-02, found `{value}`"
            ))),
        }
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "format": "date",
            "description": "A TOML local date, e.g. 2026-10-02 (in TOML, without quotes)."
        })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How often something recurs: a review cadence or a control's operating frequency.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Cadence {
    label: String,
    months: i32,
    days: i32,
}

impl Cadence {
    /// Parses `daily`, `weekly`, `monthly`, `quarterly`, `semiannual`, `annual` or an ISO 8601
    /// period of whole days, weeks, months or years (`P90D`, `P2W`, `P6M`, `P1Y`).
    pub fn parse(text: &str) -> Option<Cadence> {
        let (months, days) = match text {
            "daily" => (0, 1),
            "weekly" => (0, 7),
            "monthly" => (1, 0),
            "quarterly" => (3, 0),
            "semiannual" => (6, 0),
            "annual" => (12, 0),
            _ => parse_period(text)?,
        };
        Some(Cadence {
            label: text.to_string(),
            months,
            days,
        })
    }

    /// Whether this cadence recurs more often than `other` (months counted as 30.44 days).
    pub fn is_stricter_than(&self, other: &Cadence) -> bool {
        self.length_in_millidays() < other.length_in_millidays()
    }

    fn length_in_millidays(&self) -> i64 {
        i64::from(self.months) * 30_437 + i64::from(self.days) * 1_000
    }

    /// The earliest date that is still within one period before `as_of`.
    pub fn window_start(&self, as_of: jiff::civil::Date) -> jiff::civil::Date {
        as_of
            .checked_sub(self.times(1))
            .unwrap_or(jiff::civil::Date::MIN)
    }

    /// `n` periods, as a span to add to a date.
    pub fn times(&self, n: i32) -> jiff::Span {
        jiff::Span::new()
            .months(i64::from(self.months) * i64::from(n))
            .days(i64::from(self.days) * i64::from(n))
    }

    /// Whether a period starting on `start` is a calendar month, quarter, half-year or year, as
    /// `(months, start)` allow: the period then has a short name (`2026-07`, `2026-Q3`).
    pub fn calendar_months(&self) -> Option<i32> {
        (self.days == 0 && matches!(self.months, 1 | 3 | 6 | 12)).then_some(self.months)
    }

    /// Whether the cadence is one day.
    pub fn is_daily(&self) -> bool {
        self.months == 0 && self.days == 1
    }
}

/// How often a control operates: on a cadence, or continuously (automated, with evidence that
/// covers the time with no gap longer than the control's `max_gap`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub enum Frequency {
    /// Once per period of a cadence.
    Every(Cadence),
    /// All the time.
    Continuous,
}

impl Frequency {
    /// Parses `continuous` or a cadence (see [`Cadence::parse`]).
    pub fn parse(text: &str) -> Option<Frequency> {
        match text {
            "continuous" => Some(Frequency::Continuous),
            _ => Cadence::parse(text).map(Frequency::Every),
        }
    }

    /// Whether this frequency operates more often than `other`; continuous is stricter than
    /// every cadence.
    pub fn is_stricter_than(&self, other: &Frequency) -> bool {
        match (self, other) {
            (Frequency::Every(a), Frequency::Every(b)) => a.is_stricter_than(b),
            (Frequency::Continuous, Frequency::Every(_)) => true,
            (_, Frequency::Continuous) => false,
        }
    }
}

impl From<Frequency> for String {
    fn from(frequency: Frequency) -> String {
        frequency.to_string()
    }
}

impl fmt::Display for Frequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Frequency::Every(cadence) => cadence.fmt(f),
            Frequency::Continuous => f.write_str("continuous"),
        }
    }
}

impl<'de> Deserialize<'de> for Frequency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Frequency::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a frequency: use continuous, daily, weekly, monthly, quarterly, semiannual, annual or an ISO 8601 period such as P90D"
            ))
        })
    }
}

impl JsonSchema for Frequency {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Frequency".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(continuous|daily|weekly|monthly|quarterly|semiannual|annual|P[1-9][0-9]*[DWMY])$",
            "description": "continuous, daily, weekly, monthly, quarterly, semiannual, annual, or an ISO 8601 period such as P90D."
        })
    }
}

fn parse_period(text: &str) -> Option<(i32, i32)> {
    let rest = text.strip_prefix('P')?;
    let (number, unit) = rest.split_at(rest.len().checked_sub(1)?);
    let n: i32 = number.parse().ok().filter(|n| *n > 0 && *n <= 36_600)?;
    match unit {
        "D" => Some((0, n)),
        "W" => Some((0, n * 7)),
        "M" => Some((n, 0)),
        "Y" => Some((n * 12, 0)),
        _ => None,
    }
}

impl From<Cadence> for String {
    fn from(cadence: Cadence) -> String {
        cadence.label
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl<'de> Deserialize<'de> for Cadence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Cadence::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a cadence: use daily, weekly, monthly, quarterly, semiannual, annual or an ISO 8601 period such as P90D"
            ))
        })
    }
}

impl JsonSchema for Cadence {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Cadence".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(daily|weekly|monthly|quarterly|semiannual|annual|P[1-9][0-9]*[DWMY])$",
            "description": "daily, weekly, monthly, quarterly, semiannual, annual, or an ISO 8601 period such as P90D."
        })
    }
}

/// How widely a document may be shared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    /// May be published.
    Public,
    /// Staff and contractors under NDA.
    Internal,
    /// Named groups only.
    Confidential,
    /// Named people only.
    Restricted,
}

/// Whether a control operates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Designed and operating.
    Implemented,
    /// Operating for part of its scope.
    Partial,
    /// Not yet operating: a gap.
    Planned,
}

crate::names!(Status {
    Implemented => "implemented",
    Partial => "partial",
    Planned => "planned",
});

/// A policy document.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk policy front matter")]
pub struct Policy {
    /// Unique id, e.g. `POL-ACCESS`.
    #[schemars(schema_with = "id_schema")]
    pub id: Text,
    /// Title, e.g. "Access Control Policy".
    pub title: String,
    /// The person accountable for the policy.
    #[schemars(schema_with = "person_schema")]
    pub owner: Text,
    /// Who may approve a change or a review.
    #[serde(default = "no_one")]
    #[schemars(schema_with = "people_schema")]
    pub approvers: PersonList,
    /// How often the policy must be reviewed.
    #[schemars(with = "Cadence")]
    pub review: Spanned<Cadence>,
    /// Who may read it.
    pub classification: Classification,
    /// The framework requirements the policy addresses.
    #[serde(default)]
    #[schemars(schema_with = "satisfies_schema")]
    pub satisfies: Satisfies,
}

/// A control of the master control library.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk control front matter")]
pub struct Control {
    /// Unique id, e.g. `AC-03`.
    #[schemars(schema_with = "id_schema")]
    pub id: Text,
    /// Title, e.g. "Quarterly user access review".
    pub title: String,
    /// The policy that mandates the control.
    #[schemars(schema_with = "text_schema")]
    pub policy: Text,
    /// The person who operates the control.
    #[schemars(schema_with = "person_schema")]
    pub owner: Text,
    /// Who besides the owner and the policy's approvers may approve a change.
    #[serde(default = "no_one")]
    #[schemars(schema_with = "people_schema")]
    pub approvers: PersonList,
    /// How often the control operates; evidence older than this is stale, and inside an
    /// observation window every period of it needs evidence.
    #[schemars(with = "Frequency")]
    pub frequency: Spanned<Frequency>,
    /// For a continuous control: the longest stretch its evidence may leave uncovered (default
    /// `P7D`).
    #[serde(default)]
    #[schemars(with = "Option<Cadence>")]
    pub max_gap: Option<Spanned<Cadence>>,
    /// Whether the control operates.
    #[schemars(with = "Status")]
    pub status: Spanned<Status>,
    /// The framework requirements the control satisfies: this is what decides coverage.
    #[serde(default)]
    #[schemars(schema_with = "satisfies_schema")]
    pub satisfies: Satisfies,
}

/// A file attached to an evidence record.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Path relative to the record's folder; must stay inside the repository.
    #[schemars(schema_with = "text_schema")]
    pub path: Text,
    /// Lower-case hex SHA-256 of the file's bytes.
    #[schemars(regex(pattern = "^[0-9a-f]{64}$"))]
    #[schemars(with = "String")]
    pub sha256: Text,
}

/// An evidence record: proof that controls operated.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk evidence record front matter")]
pub struct Evidence {
    /// Unique id, e.g. `EV-2026Q3-ACCESS-REVIEW`.
    #[schemars(schema_with = "id_schema")]
    pub id: Text,
    /// Title.
    pub title: String,
    /// The controls this record proves (frameworks follow from them).
    #[schemars(schema_with = "refs_schema")]
    pub controls: Vec<Text>,
    /// When it was collected.
    #[schemars(with = "Date")]
    pub collected: Spanned<Date>,
    /// The time it shows the controls operating in, when that is more than its collection day
    /// (a log export, a report covering a quarter); ends on or before `collected`.
    #[serde(default)]
    #[schemars(with = "Option<Window>")]
    pub period: Option<Spanned<Window>>,
    /// Who collected it.
    #[schemars(schema_with = "person_schema")]
    pub collector: Text,
    /// Files beside the record, with their hashes.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Where a nonconformity was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// An internal audit (ISO 27001 9.2).
    InternalAudit,
    /// A certification body's or a service auditor's audit.
    ExternalAudit,
    /// A security incident.
    Incident,
    /// A management review or another review.
    Review,
}

crate::names!(Origin {
    InternalAudit => "internal audit",
    ExternalAudit => "external audit",
    Incident => "incident",
    Review => "review",
});

/// How grave a nonconformity is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    /// A requirement not met at all, or a breakdown of the system.
    Major,
    /// A single lapse.
    Minor,
    /// Not a nonconformity yet: an opportunity for improvement.
    Observation,
}

crate::names!(Grade {
    Major => "major",
    Minor => "minor",
    Observation => "observation",
});

/// A nonconformity (ISO 27001 10.2): what was found, why, what corrects it, and its closing and
/// verification by someone other than its owner.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk nonconformity front matter")]
pub struct Nonconformity {
    /// Unique id, e.g. `NC-2026-01`.
    #[schemars(schema_with = "id_schema")]
    pub id: Text,
    /// What was found, in a line.
    pub title: String,
    /// When it was raised.
    #[schemars(with = "Date")]
    pub raised: Spanned<Date>,
    /// Where it was found.
    #[schemars(with = "Origin")]
    pub source: Spanned<Origin>,
    /// How grave it is.
    #[schemars(with = "Grade")]
    pub severity: Spanned<Grade>,
    /// Who owns its correction.
    #[schemars(schema_with = "person_schema")]
    pub owner: Text,
    /// Who besides the owner may approve a change.
    #[serde(default = "no_one")]
    #[schemars(schema_with = "people_schema")]
    pub approvers: PersonList,
    /// The requirements breached, by framework, like `satisfies`.
    #[serde(default)]
    #[schemars(schema_with = "satisfies_schema")]
    pub requirements: Satisfies,
    /// The controls concerned.
    #[serde(default)]
    #[schemars(schema_with = "refs_schema")]
    pub controls: Vec<Text>,
    /// Why it happened.
    #[serde(default)]
    pub root_cause: Option<String>,
    /// What corrects it (and keeps it from recurring).
    #[serde(default)]
    pub corrective_action: Option<String>,
    /// When the corrective action is due.
    #[schemars(with = "Date")]
    pub due: Spanned<Date>,
    /// When it was closed (the corrective action taken).
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub closed: Option<Spanned<Date>>,
    /// Who verified the corrective action was effective: someone other than the owner.
    #[serde(default)]
    #[schemars(schema_with = "person_schema")]
    pub verified_by: Option<Text>,
    /// When the effectiveness was verified.
    #[serde(default)]
    #[schemars(with = "Option<Date>")]
    pub verified: Option<Spanned<Date>>,
}

/// How a risk is treated (ISO 27001 6.1.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Treatment {
    /// Reduce with controls.
    Mitigate,
    /// Retain, with management sign-off.
    Accept,
    /// Share with a third party (insurance, a supplier).
    Transfer,
    /// Stop the activity.
    Avoid,
}

/// Likelihood and impact, each 1–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    /// 1 (rare) to 5 (almost certain).
    #[schemars(range(min = 1, max = 5))]
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe).
    #[schemars(range(min = 1, max = 5))]
    pub impact: u8,
}

/// A risk of the risk register.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk risk front matter")]
pub struct Risk {
    /// Unique id, e.g. `R-07`.
    #[schemars(schema_with = "id_schema")]
    pub id: Text,
    /// Title.
    pub title: String,
    /// The risk owner.
    #[schemars(schema_with = "person_schema")]
    pub owner: Text,
    /// Who besides the owner may approve a change.
    #[serde(default = "no_one")]
    #[schemars(schema_with = "people_schema")]
    pub approvers: PersonList,
    /// 1 (rare) to 5 (almost certain), before treatment.
    #[schemars(range(min = 1, max = 5))]
    pub likelihood: u8,
    /// 1 (negligible) to 5 (severe), before treatment.
    #[schemars(range(min = 1, max = 5))]
    pub impact: u8,
    /// How the risk is treated.
    #[schemars(with = "Treatment")]
    pub treatment: Spanned<Treatment>,
    /// The controls that treat it.
    #[serde(default)]
    #[schemars(schema_with = "refs_schema")]
    pub controls: Vec<Text>,
    /// Likelihood and impact after treatment.
    #[serde(default)]
    #[schemars(with = "Option<Rating>")]
    pub residual: Option<Spanned<Rating>>,
}

impl Risk {
    /// The inherent score: likelihood × impact, 1–25.
    pub fn inherent_score(&self) -> u8 {
        self.likelihood * self.impact
    }

    /// The residual score, when one is given.
    pub fn residual_score(&self) -> Option<u8> {
        self.residual
            .as_ref()
            .map(|r| r.get_ref().likelihood * r.get_ref().impact)
    }
}

/// `[organization]`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Legal or trading name.
    pub name: String,
    /// The ISMS scope statement (ISO 27001 clause 4.3).
    #[serde(default)]
    pub scope: Option<String>,
}

/// Why an Annex A control is included in the SoA besides the risk register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Required by law or regulation.
    Legal,
    /// Required by a contract.
    Contractual,
    /// Required by the business.
    Business,
    /// Adopted as good practice.
    BestPractice,
}

/// A date range, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First day.
    pub start: Date,
    /// Last day.
    pub end: Date,
}

/// `[frameworks.ID]`: a framework in scope and how.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkScope {
    /// Requirements excluded (ISO 27001 SoA exclusions), each with its justification.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, String>")]
    pub excluded: BTreeMap<Text, Text>,
    /// Inclusion reasons besides the risk register.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Vec<Reason>>")]
    pub reasons: BTreeMap<Text, Vec<Reason>>,
    /// Requirement groups in scope (SOC 2 categories); groups the catalog requires are always in.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub categories: Option<Vec<Text>>,
    /// The SOC 2 Type II observation window: every period of each control's frequency in it needs
    /// evidence.
    #[serde(default)]
    #[schemars(with = "Option<Window>")]
    pub observation: Option<Spanned<Window>>,
}

/// `[people.KEY]`.
#[derive(Clone, Debug, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Job title.
    #[serde(default)]
    pub role: Option<String>,
    /// Email addresses by which git identities are recognised.
    #[serde(default)]
    pub emails: Vec<String>,
    /// GitHub handle, for CODEOWNERS and forge reviews.
    #[serde(default)]
    pub github: Option<String>,
}

/// `[layout]`: where each kind of file lives, as globs relative to the repository root.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LayoutConfig {
    /// Default `["policies/**/*.md"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub policies: Option<Vec<Text>>,
    /// Default `["controls/**/*.md"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub controls: Option<Vec<Text>>,
    /// Default `["evidence/**/*.md"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub evidence: Option<Vec<Text>>,
    /// Default `["risks/**/*.md"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub risks: Option<Vec<Text>>,
    /// Default `["nonconformities/**/*.md"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub nonconformities: Option<Vec<Text>>,
    /// Default `["frameworks/*.toml"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub frameworks: Option<Vec<Text>>,
    /// Default `["frameworks/*.crosswalk.toml"]`.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub crosswalks: Option<Vec<Text>>,
}

impl LayoutConfig {
    /// Each kind with its declared globs (`None` where the default applies).
    pub fn kinds(&self) -> [(crate::load::Kind, Option<&Vec<Text>>); 7] {
        use crate::load::Kind;
        [
            (Kind::Policy, self.policies.as_ref()),
            (Kind::Control, self.controls.as_ref()),
            (Kind::Evidence, self.evidence.as_ref()),
            (Kind::Risk, self.risks.as_ref()),
            (Kind::Nonconformity, self.nonconformities.as_ref()),
            (Kind::Catalog, self.frameworks.as_ref()),
            (Kind::Crosswalk, self.crosswalks.as_ref()),
        ]
    }
}

/// Whether a merged pull request is evidence of approval.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MergedPullRequests {
    /// Only named approvals count (the default).
    #[default]
    Unapproved,
    /// A change that reached the default branch through a merged pull request counts as approved by
    /// an unnamed reviewer: for a branch protected by required reviews. Weaker evidence.
    Approved,
}

/// `[history]`: how git history is judged.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryConfig {
    /// Whether merged pull requests count as approvals.
    #[serde(default)]
    pub merged_pull_requests: MergedPullRequests,
    /// Changes before this date are not judged; by default the start of the earliest observation
    /// window in `[frameworks]`, or the whole history when there is none.
    #[serde(default)]
    pub since: Option<Date>,
    /// Signed mode: an approval counts only when the commit (or notes commit) carrying it is
    /// SSH-signed by a key `allowed_signers` lists for the approver.
    #[serde(default)]
    pub require_signed: bool,
    /// The allowed-signers file (git's `gpg.ssh.allowedSignersFile` format), relative to the
    /// repository root; itself a judged compliance file.
    #[serde(default)]
    pub allowed_signers: Option<String>,
    /// Committer emails of the forge, whose merge and squash commits count as merged pull requests
    /// (with `merged_pull_requests = "approved"`); by default GitHub's `noreply@github.com`.
    #[serde(default)]
    pub forge_committers: Option<Vec<String>>,
}

impl HistoryConfig {
    /// The forge's committer emails, lower-case.
    pub fn forge_emails(&self) -> Vec<String> {
        self.forge_committers.as_ref().map_or_else(
            || vec!["noreply@github.com".to_string()],
            |emails| emails.iter().map(|e| e.to_lowercase()).collect(),
        )
    }
}

/// `crosswalk.toml`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "crosswalk.toml")]
pub struct Config {
    /// The organisation.
    pub organization: Organization,
    /// Frameworks in scope, by catalog id.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, FrameworkScope>")]
    pub frameworks: BTreeMap<Text, FrameworkScope>,
    /// People, by the key documents use.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Person>")]
    pub people: BTreeMap<Text, Person>,
    /// Where documents live.
    #[serde(default)]
    pub layout: LayoutConfig,
    /// How git history is judged.
    #[serde(default)]
    pub history: HistoryConfig,
    /// What `crosswalk check` reports.
    #[serde(default)]
    pub check: CheckConfig,
    /// The risk acceptance criteria.
    #[serde(default)]
    pub risk: RiskConfig,
    /// Findings about past changes that cannot be undone, signed off by management.
    #[serde(default)]
    pub accepted: Vec<Accepted>,
}

/// `[risk]`: the risk acceptance criteria (ISO 27001 6.1.2 a) 1)).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskConfig {
    /// The highest score (likelihood × impact, 1–25) at which a risk may be retained with
    /// `treatment = "accept"`: above it a risk must be treated. Without it no risk may be accepted,
    /// since there are no acceptance criteria to accept it by.
    #[serde(default)]
    #[schemars(range(min = 1, max = 25))]
    pub accept_max_score: Option<u8>,
}

/// `[check]`: what `crosswalk check` reports.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckConfig {
    /// Whether to report crosswalk suggestions (CW026 hints); `--no-hints` also turns them off.
    #[serde(default = "yes")]
    pub hints: bool,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig { hints: true }
    }
}

fn yes() -> bool {
    true
}

/// `[[accepted]]`: a finding about a past change that history cannot undo (a commit approved by the
/// wrong person, say), signed off with a reason. It is shown as accepted, never silenced, and the
/// change that records it is itself judged like any change to `crosswalk.toml`.
#[derive(Clone, Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// The code of the finding, e.g. `CW046`.
    #[schemars(with = "String")]
    pub code: Text,
    /// The commit the finding is about: its full id or a prefix of at least 7 characters.
    #[schemars(with = "String")]
    pub commit: Text,
    /// The files it concerns (relative to the root); every file of the commit when absent.
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub paths: Option<Vec<Text>>,
    /// Why it is accepted: what was checked instead, and where that is recorded.
    pub reason: String,
    /// Who accepted it: a person of `[people]` who owns or approves a policy (management).
    #[schemars(schema_with = "person_schema")]
    pub accepted_by: Text,
}

impl Accepted {
    /// Whether this entry accepts a finding with `code` about `commit` (full id) and `path`. An
    /// entry whose reason is blank (white space or invisible characters) accepts nothing.
    pub fn covers(&self, code: &str, commit: &str, path: &str) -> bool {
        let prefix = self.commit.get_ref().to_lowercase();
        !super::is_blank(&self.reason)
            && self.code.get_ref() == code
            && prefix.len() >= 7
            && commit.starts_with(&prefix)
            && self
                .paths
                .as_ref()
                .is_none_or(|paths| paths.iter().any(|p| p.get_ref() == path))
    }
}

impl Config {
    /// The first day whose changes are judged for approval.
    pub fn judged_since(&self) -> Option<jiff::civil::Date> {
        self.history.since.map(|d| d.0).or_else(|| {
            self.frameworks
                .values()
                .filter_map(|scope| scope.observation.as_ref().map(|w| w.get_ref().start.0))
                .min()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadences() {
        let as_of = jiff::civil::date(2026, 11, 24);
        let start = |c: &str| Cadence::parse(c).unwrap().window_start(as_of);
        assert_eq!(start("quarterly"), jiff::civil::date(2026, 8, 24));
        assert_eq!(start("annual"), jiff::civil::date(2025, 11, 24));
        assert_eq!(start("P90D"), jiff::civil::date(2026, 8, 26));
        assert_eq!(start("P2W"), jiff::civil::date(2026, 11, 10));
        assert_eq!(start("weekly"), jiff::civil::date(2026, 11, 17));
        assert_eq!(start("daily"), jiff::civil::date(2026, 11, 23));
        assert!(
            Cadence::parse("continuous").is_none(),
            "a cadence has periods"
        );
        assert_eq!(Frequency::parse("continuous"), Some(Frequency::Continuous));
        assert!(Frequency::Continuous.is_stricter_than(&Frequency::parse("daily").unwrap()));
        assert!(
            !Frequency::parse("daily")
                .unwrap()
                .is_stricter_than(&Frequency::Continuous)
        );
        for bad in ["hourly", "P0D", "P", "PXD", "P3H", "90D"] {
            assert!(Cadence::parse(bad).is_none(), "{bad}");
        }
    }
}
