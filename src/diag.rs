//! Findings and the files they point into.
//!
//! Every stage reports problems as [`Diagnostic`] values: a stable [`Code`], a severity, a message, a
//! byte span in a file of the [`Files`] database and an optional help line. The database keeps each
//! file's text and line starts so that the terminal renderer, JSON, GitHub annotations and SARIF all
//! compute the same line and column from one span.

use std::ops::Range;

use serde::Serialize;

/// How serious a finding is. `Hint < Warning < Error`, so `--deny` compares with `>=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A suggestion for the user to confirm; never fails a run.
    Hint,
    /// Worth fixing; fails the run only with `--deny warnings`.
    Warning,
    /// The repository is not in a state an auditor would accept.
    Error,
}

crate::names!(Severity {
    Hint => "hint",
    Warning => "warning",
    Error => "error",
});

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

macro_rules! codes {
    ($($variant:ident = $id:literal, $name:literal, $severity:ident, [$($raised_by:literal),+], $description:literal;)*) => {
        /// A stable diagnostic code. Ids and names never change meaning once released.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $description] $variant,)*
        }

        impl Code {

            /// Every code, in id order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable id, such as `CW012`.
            pub fn id(self) -> &'static str {
                match self { $(Code::$variant => $id,)* }
            }

            /// The stable kebab-case name, such as `unknown-requirement`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity this code is reported with.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// One sentence on what the code means.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $description,)* }
            }

            /// The functions that raise it, as module paths below `src/` (`check::suggestions::hint`):
            /// one rule per code, and the exceptions listed. A test holds this to the source.
            pub fn raised_by(self) -> &'static [&'static str] {
                match self { $(Code::$variant => &[$($raised_by),+],)* }
            }
        }
    };
}

codes! {
    UnreadableFile = "CW001", "unreadable-file", Error, ["load::add_config", "load::load_file", "load::load_documents"],
        "A file or a layout folder could not be read: I/O failure or no permission, not UTF-8 text (binary), or larger than 8 MiB.";
    FrontMatter = "CW002", "front-matter", Error, ["load::load_file"],
        "A Markdown document lacks TOML front matter between two `+++` lines at its top.";
    TomlSyntax = "CW003", "toml-syntax", Error, ["model::parse"],
        "Front matter or a configuration file is not valid TOML.";
    UnknownKey = "CW004", "unknown-key", Error, ["model::schema::diagnose"],
        "A key that the format does not define (typos must not pass silently).";
    InvalidValue = "CW005", "invalid-value", Error, ["model::schema::diagnose", "model::parse", "model::layout", "check::ids::check_hierarchy"],
        "A value of the wrong type, out of range, not one of the allowed values, an invalid layout glob, or a catalog requirement that is its own ancestor.";
    MissingKey = "CW006", "missing-key", Error, ["model::schema::diagnose"],
        "A required key is missing.";
    DuplicateId = "CW010", "duplicate-id", Error, ["check::ids::report_duplicate", "check::ids::check_catalog_ids", "check::ids::check_aliases", "check::crosswalks::check"],
        "Two documents, catalogs or catalog requirements share one id, or a requirement's alias is another requirement's id or alias.";
    UnknownFramework = "CW011", "unknown-framework", Error, ["check::references::framework", "check::crosswalks::catalog"],
        "A framework id that is neither a built-in catalog nor one in `frameworks/` (in a document, `crosswalk.toml` or a crosswalk).";
    UnknownRequirement = "CW012", "unknown-requirement", Error, ["check::references::requirement", "check::ids::check_catalog", "check::ids::check_hierarchy"],
        "A requirement id that the framework's catalog does not contain.";
    SupersededRequirement = "CW013", "superseded-requirement", Error, ["check::references::requirement"],
        "A requirement id in the numbering of an older version of the framework; the help names the id that replaced it.";
    FrameworkNotInScope = "CW014", "framework-not-in-scope", Error, ["check::references::satisfies"],
        "A document refers to a framework that `crosswalk.toml` does not put in scope.";
    UnknownPerson = "CW015", "unknown-person", Error, ["check::references::person"],
        "An owner, approver or collector that is not a key of `[people]`.";
    UnknownPolicy = "CW016", "unknown-policy", Error, ["check::references::policy"],
        "A control names a policy that does not exist.";
    UnknownControl = "CW017", "unknown-control", Error, ["check::references::controls"],
        "An evidence record or risk names a control that does not exist.";
    UnknownCategory = "CW018", "unknown-category", Error, ["check::references::config", "check::ids::check_catalog"],
        "A framework category (requirement group) in `crosswalk.toml` that the catalog does not define.";
    DuplicateEmail = "CW019", "duplicate-email", Error, ["check::references::shared_emails"],
        "Two people of `[people]` share an email address (compared case-insensitively), so git identities cannot tell them apart.";
    RequirementUncovered = "CW020", "requirement-uncovered", Error, ["check::coverage::check_requirements"],
        "An in-scope requirement that no control claims and that is not excluded.";
    ExclusionWithoutJustification = "CW021", "exclusion-without-justification", Error, ["check::coverage::check_exclusions"],
        "An excluded requirement whose justification is empty.";
    ExcludedRequirementClaimed = "CW022", "excluded-requirement-claimed", Error, ["check::coverage::check_exclusions"],
        "A control claims a requirement that `crosswalk.toml` excludes: a contradiction.";
    RequirementNotExcludable = "CW023", "requirement-not-excludable", Error, ["check::coverage::check_exclusions"],
        "An exclusion of a requirement that cannot be excluded, such as an ISO 27001 clause.";
    RequirementPartiallyCovered = "CW024", "requirement-partially-covered", Warning, ["check::coverage::check_requirements"],
        "An in-scope requirement claimed only by controls that are partial or planned, or a parent requirement only some of whose items are covered.";
    ControlPlanned = "CW025", "control-planned", Warning, ["check::coverage::check"],
        "A control that is planned, not implemented: a gap until it operates.";
    CrosswalkSuggestion = "CW026", "crosswalk-suggestion", Hint, ["check::suggestions::hint"],
        "A requirement no control claims that the crosswalk relates to one a control claims: that control may also satisfy it (hints never fail a run).";
    RequirementAlias = "CW027", "requirement-alias", Warning, ["check::references::alias_finding"],
        "A requirement id written as an alias or another spelling of the catalog's id (ISO 27002's `5.15` for `A.5.15`, `6.1.3(c)` for `6.1.3.c`): counted as the catalog's id, and reported so that one spelling is used.";
    AttachmentMissing = "CW030", "attachment-missing", Error, ["check::evidence::check_attachment"],
        "An evidence attachment that does not exist.";
    AttachmentOutsideRepository = "CW031", "attachment-outside-repository", Error, ["check::evidence::check_attachment"],
        "An evidence attachment path or symbolic link that leaves the repository.";
    AttachmentHashMismatch = "CW032", "attachment-hash-mismatch", Error, ["check::evidence::check_attachment"],
        "An evidence attachment whose SHA-256 differs from the recorded one.";
    EvidenceStale = "CW033", "evidence-stale", Error, ["check::evidence::stale"],
        "A control's latest evidence is older than the control's frequency allows.";
    ControlWithoutEvidence = "CW034", "control-without-evidence", Error, ["check::evidence::check_operation"],
        "An implemented or partial control that no evidence record proves: it covers nothing an auditor would accept.";
    EvidenceFromFuture = "CW035", "evidence-from-future", Warning, ["check::evidence::check_future"],
        "An evidence record collected after the date the check judges as of: it proves nothing until then.";
    FrequencyLaxerThanRequired = "CW036", "frequency-laxer-than-required", Warning, ["check::evidence::check_frequencies"],
        "A control's declared frequency is laxer than the cadence a requirement it claims expects; the stricter one applies.";
    OperatingPeriodMissing = "CW037", "operating-period-missing", Error, ["check::evidence::missing_period"],
        "A period of the observation window that has ended with no evidence that the control operated in it.";
    EvidenceGap = "CW038", "evidence-gap", Error, ["check::evidence::uncovered_stretch"],
        "A continuous control whose evidence leaves a stretch of the observation window uncovered for longer than its `max_gap`.";
    InvalidPeriod = "CW039", "invalid-period", Error, ["check::evidence::check_periods"],
        "An evidence record's `period`, or an observation window, that ends before it starts, ends after the record was collected, or is longer than three years; or a `max_gap` on a control that is not continuous.";
    ShallowHistory = "CW040", "shallow-history", Error, ["check::history::check"],
        "The git history is cut short (a shallow clone): evidence of approval is unknown.";
    NoCommits = "CW041", "no-commits", Error, ["check::history::check"],
        "The repository has no commits: nothing is evidenced as approved.";
    UncommittedChange = "CW042", "uncommitted-change", Warning, ["check::history::check"],
        "A compliance file with uncommitted changes: the working tree is not the evidence.";
    ReviewOverdue = "CW043", "review-overdue", Error, ["check::history::check_reviews"],
        "A policy's latest approved change is older than its review cadence allows.";
    ChangeUnapproved = "CW044", "change-unapproved", Error, ["check::history::check_approvals"],
        "A change in the judged window that carries no approval.";
    SelfApproval = "CW045", "self-approval", Error, ["check::history::check_approvals"],
        "A change approved only by its own author (segregation of duties, SOC 2 CC8.1).";
    ApproverNotAuthorised = "CW046", "approver-not-authorised", Error, ["check::history::check_approvals"],
        "A change approved only by people who are neither an approver nor the owner of the file.";
    UnknownApprover = "CW047", "unknown-approver", Warning, ["check::history::check_approvals"],
        "An approval recorded by an identity that matches no person of `[people]`.";
    CodeownersOutOfDate = "CW050", "codeowners-out-of-date", Warning, ["check::codeowners::check"],
        "The generated block of CODEOWNERS no longer matches the documents' owners and approvers.";
    CodeownersUnsafe = "CW051", "codeowners-unsafe", Error, ["check::codeowners::check_entries"],
        "A person's GitHub login or email, or a file name, that CODEOWNERS cannot hold safely (a line break, `#`, a space): it is left out of the generated block.";
    CommitDatedBeforeParent = "CW060", "commit-dated-before-parent", Error, ["check::history::check_dates"],
        "A commit dated before its parent: dates are claims, so the change is judged by its place in history, and the date is reported.";
    UnknownAuthor = "CW061", "unknown-author", Error, ["check::history::check_approvals"],
        "A change whose author matches no person of `[people]`: segregation of duties cannot be judged, so no approval counts.";
    SymlinkInComplianceFolder = "CW062", "symlink-in-compliance-folder", Error, ["load::link_finding"],
        "A symbolic link in a compliance folder, as `crosswalk.toml`, or in `templates/`: links are never followed.";
    ApprovalNotSigned = "CW063", "approval-not-signed", Error, ["check::history::check_approvals"],
        "In signed mode, an approval whose commit (or note commit) is not signed by a key the allowed-signers file lists for the approver.";
    NoIndependentApprover = "CW064", "no-independent-approver", Error, ["check::references::independence"],
        "A document whose only possible approver is its owner: every change its owner makes would be self-approved.";
    RiskResidualAboveInherent = "CW070", "risk-residual-above-inherent", Error, ["check::risks::check_scores"],
        "A risk whose residual score (likelihood × impact after treatment) is above its inherent score.";
    RiskTreatmentWithoutControls = "CW071", "risk-treatment-without-controls", Error, ["check::risks::check_treatment"],
        "A risk treated by mitigation that names no control, or whose controls are all planned.";
    RiskAcceptedAboveThreshold = "CW072", "risk-accepted-above-threshold", Error, ["check::risks::check_acceptance"],
        "A risk accepted at a score above `[risk] accept_max_score`, or accepted when `crosswalk.toml` sets no acceptance criterion.";
    RiskAcceptanceNotApprovedByOwner = "CW073", "risk-acceptance-not-approved-by-owner", Error, ["check::risks::check_owner_acceptance"],
        "An accepted risk whose latest change is not approved by the risk owner (or authored by the owner and approved by another): nobody who owns the risk accepted what is retained.";
    NonconformityOverdue = "CW074", "nonconformity-overdue", Error, ["check::nonconformities::check_due"],
        "An open nonconformity whose corrective action was due before the judging date.";
    NonconformityClosedUnverified = "CW075", "nonconformity-closed-unverified", Error, ["check::nonconformities::check_verification"],
        "A closed nonconformity with no verification of its corrective action's effectiveness (who and when), or dates that contradict it: verified before it was closed or after the judging date, verified but not closed, closed before it was raised.";
    NonconformityVerifiedByOwner = "CW076", "nonconformity-verified-by-owner", Error, ["check::nonconformities::check_verification"],
        "A nonconformity verified by its own owner: the effectiveness of a correction is judged by someone else.";
    MandatoryDocumentMissing = "CW077", "mandatory-document-missing", Error, ["check::isms::check"],
        "An item of ISO 27001:2022's mandatory documented information (4.3, 5.2, 6.1.2, 6.1.3, 6.1.3 d, 6.2, 7.2, 8.1, 8.2, 8.3, 9.1, 9.2, 9.3, 10.2) that no policy or evidence record meets.";
}

impl Code {
    /// Whether the finding keeps a file out of the model (it could not be read, split or typed).
    pub fn is_load_or_typing(self) -> bool {
        matches!(
            self,
            Code::UnreadableFile
                | Code::FrontMatter
                | Code::TomlSyntax
                | Code::UnknownKey
                | Code::InvalidValue
                | Code::MissingKey
        )
    }
}

/// Index of a file in [`Files`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub usize);

/// A place in a file that a finding refers to besides its primary location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// The file.
    pub file: FileId,
    /// Byte range in the file.
    pub span: Range<usize>,
    /// What this place is.
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The file the finding is in.
    pub file: FileId,
    /// Byte range of the offending key or value.
    pub span: Range<usize>,
    /// How to fix it, where that can be said.
    pub help: Option<String>,
    /// Other places that explain the finding (the first definition of a duplicate id, say).
    pub related: Vec<Related>,
    /// When an `[[accepted]]` entry of `crosswalk.toml` signs the finding off: who accepted it and
    /// why. An accepted finding is still reported, and never fails a run.
    pub accepted: Option<String>,
    /// For findings that come many to one place (every uncovered requirement of a framework, at
    /// its `[frameworks.X]`): what the human format prints once for all of them, and this one's
    /// line in the list. JSON and SARIF still list each finding.
    pub group: Option<Group>,
}

/// How a finding reads as one line of a grouped finding.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Group {
    /// What all of them are, after their count: "requirements of SOC 2 are not covered by any
    /// control".
    pub title: String,
    /// This one: "`CC1.1` COSO Principle 1".
    pub item: String,
}

impl Diagnostic {
    /// How serious it is: always its code's severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// A finding with the code's severity and no help.
    pub fn new(code: Code, file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            file,
            span,
            help: None,
            related: Vec::new(),
            accepted: None,
            group: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Makes the finding one line (`item`) of a group the human format prints once (`title`).
    pub fn in_group(mut self, title: impl Into<String>, item: impl Into<String>) -> Self {
        self.group = Some(Group {
            title: title.into(),
            item: item.into(),
        });
        self
    }

    /// Adds a help line if there is one.
    pub fn with_optional_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// Adds a related place.
    pub fn with_related(
        mut self,
        file: FileId,
        span: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        self.related.push(Related {
            file,
            span,
            message: message.into(),
        });
        self
    }
}

/// A 1-based line and column (columns count Unicode scalar values).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1, in characters.
    pub column: usize,
}

/// One source file: its path relative to the repository root and its text.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    /// The text (empty for a file that could not be read).
    pub text: String,
    line_starts: Vec<usize>,
    /// Whether the text is ASCII, so that a column is a byte difference.
    ascii: bool,
    /// For other text, the number of characters before every [`CHECKPOINT`]-th byte (at the next
    /// character boundary), built on first need: a column on a long line is then counted over at
    /// most that many bytes, so 100,000 findings on one line cost no more than one each.
    checkpoints: std::sync::OnceLock<Vec<(usize, usize)>>,
}

/// The spacing of the character-count checkpoints of a non-ASCII file, in bytes.
const CHECKPOINT: usize = 4096;

impl SourceFile {
    fn new(path: String, text: String) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path,
            ascii: text.is_ascii(),
            text,
            line_starts,
            checkpoints: std::sync::OnceLock::new(),
        }
    }

    /// The number of characters before a byte offset on a character boundary.
    fn chars_before(&self, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let checkpoints = self.checkpoints.get_or_init(|| {
            let mut checkpoints = vec![(0, 0)];
            let (mut at, mut chars) = (0, 0);
            while at + CHECKPOINT < self.text.len() {
                let mut next = at + CHECKPOINT;
                while !self.text.is_char_boundary(next) {
                    next += 1;
                }
                chars += self.text[at..next].chars().count();
                at = next;
                checkpoints.push((at, chars));
            }
            checkpoints
        });
        let index = checkpoints.partition_point(|&(at, _)| at <= offset) - 1;
        let (at, chars) = checkpoints[index];
        chars + self.text[at..offset].chars().count()
    }

    /// The length in bytes of the longest line `span` touches, without its line break.
    pub fn longest_line(&self, span: &Range<usize>) -> usize {
        let line_of = |offset: usize| {
            self.line_starts
                .partition_point(|&start| start <= offset.min(self.text.len()))
                - 1
        };
        (line_of(span.start)..=line_of(span.end))
            .map(|line| {
                let end = self
                    .line_starts
                    .get(line + 1)
                    .map_or(self.text.len(), |next| next - 1);
                end.saturating_sub(self.line_starts[line])
            })
            .max()
            .unwrap_or(0)
    }

    /// Line and column of a byte offset (clamped to the text and to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let column = self.chars_before(offset) - self.chars_before(self.line_starts[line]) + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// The database of every file findings may point into.
#[derive(Clone, Debug, Default)]
pub struct Files {
    files: Vec<SourceFile>,
}

impl Files {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(path.into(), text.into()));
        FileId(self.files.len() - 1)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    /// The file with this path, if it is in the database.
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.path == path).map(FileId)
    }

    /// Start and end positions of a span.
    pub fn range(&self, id: FileId, span: &Range<usize>) -> (Position, Position) {
        let file = self.get(id);
        (file.position(span.start), file.position(span.end))
    }
}

impl<'a> codespan_reporting::files::Files<'a> for Files {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.get(id).path)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, codespan_reporting::files::Error> {
        Ok(&self.get(id).text)
    }

    fn line_index(
        &'a self,
        id: FileId,
        byte_index: usize,
    ) -> Result<usize, codespan_reporting::files::Error> {
        Ok(self.get(id).position(byte_index).line - 1)
    }

    fn line_range(
        &'a self,
        id: FileId,
        line_index: usize,
    ) -> Result<Range<usize>, codespan_reporting::files::Error> {
        let file = self.get(id);
        let start = *file.line_starts.get(line_index).ok_or(
            codespan_reporting::files::Error::LineTooLarge {
                given: line_index,
                max: file.line_starts.len() - 1,
            },
        )?;
        let end = file
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

/// The closest candidate to `word` by edit distance (optimal string alignment: insertions,
/// deletions, substitutions and adjacent transpositions), if it is close enough to be a plausible
/// typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Spaces around a word are a slip, not a difference: `A.5.1 ` is `A.5.1`, not `A.5.10`.
    let word = word.trim();
    let length = word.chars().count();
    let limit = (length / 3).max(1);
    let word = word.to_lowercase();
    // Ties go to the candidate of the same length (a transposition beats a dropped character),
    // then to the first in order. The edit distance is at least the difference in length, so a
    // candidate whose length differs by more than the limit is never measured: a list of 100,000
    // unknown ids against a catalog stays fast.
    candidates
        .into_iter()
        .filter_map(|c| {
            let difference = c.chars().count().abs_diff(length);
            if difference > limit {
                return None;
            }
            let distance = strsim::osa_distance(&word, &c.to_lowercase());
            (distance <= limit).then_some((distance, difference, c))
        })
        .min()
        .map(|(_, _, c)| c)
}

/// "did you mean `x`?" for the closest candidate.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(word, candidates).map(|c| {
        let slip = if c == word.trim() {
            " (without the spaces around it)".to_string()
        } else if c.eq_ignore_ascii_case(word.trim()) {
            " (it differs only in upper and lower case)".to_string()
        } else {
            look_alikes(word, c)
        };
        format!("did you mean `{c}`?{slip}")
    })
}

/// "did you mean `x`?" for the closest candidate; failing that, the candidates that share the
/// word's prefix up to its last `-`, `.` or `_` (`AC-9` → the `AC-` ids), at most ten of them.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if let Some(help) = did_you_mean(word, candidates.iter().copied()) {
        return Some(help);
    }
    let prefix = &word.trim()[..word.trim().rfind(['-', '.', '_'])? + 1];
    let mut same: Vec<&str> = candidates
        .into_iter()
        .filter(|c| c.len() > prefix.len() && c[..prefix.len()].eq_ignore_ascii_case(prefix))
        .collect();
    same.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    same.dedup();
    let more = same.len().saturating_sub(10);
    let shown: Vec<String> = same.iter().take(10).map(|c| format!("`{c}`")).collect();
    (!shown.is_empty()).then(|| {
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("the `{prefix}` ids there are: {}{tail}", shown.join(", "))
    })
}

/// The characters of `word` that are not ASCII and not in `meant`, by code point: a Cyrillic `Р`
/// or a zero-width space looks like nothing is wrong, so the help names what differs.
fn look_alikes(word: &str, meant: &str) -> String {
    let mut odd: Vec<String> = word
        .chars()
        .filter(|c| !c.is_ascii() && !meant.contains(*c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    odd.dedup();
    match odd.as_slice() {
        [] => String::new(),
        [one] => format!(
            " (`{}` has {one}, which is not the ASCII character it may look like)",
            word.escape_debug()
        ),
        many => format!(
            " (`{}` has {}, which are not the ASCII characters they may look like)",
            word.escape_debug(),
            many.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_on_long_lines() {
        // Far past a checkpoint, with multi-byte characters before it on the same line.
        let line = format!("{}x{}y", "é".repeat(5_000), "a".repeat(3));
        let text = format!("first\n{line}\n");
        let file = SourceFile::new("f".into(), text.clone());
        let x = text.find('x').unwrap();
        let y = text.find('y').unwrap();
        assert_eq!(
            file.position(x),
            Position {
                line: 2,
                column: 5_001
            }
        );
        assert_eq!(
            file.position(y),
            Position {
                line: 2,
                column: 5_005
            }
        );
        let ascii = SourceFile::new("a".into(), "ab\ncd".into());
        assert_eq!(ascii.position(4), Position { line: 2, column: 2 });
    }

    #[test]
    fn codes_are_unique_and_ordered() {
        let mut ids: Vec<_> = Code::ALL.iter().map(|c| c.id()).collect();
        let mut names: Vec<_> = Code::ALL.iter().map(|c| c.name()).collect();
        let count = ids.len();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids must be listed in order"
        );
        ids.dedup();
        names.sort();
        names.dedup();
        assert_eq!(ids.len(), count);
        assert_eq!(names.len(), count);
    }

    #[test]
    fn positions_count_characters_from_one() {
        let file = SourceFile::new("a".into(), "ab\nçd\r\nx".into());
        assert_eq!(file.position(0), Position { line: 1, column: 1 });
        assert_eq!(file.position(3), Position { line: 2, column: 1 });
        assert_eq!(file.position(5), Position { line: 2, column: 2 });
        assert_eq!(file.position(99), Position { line: 3, column: 2 });
    }

    #[test]
    fn suggestions_only_for_near_misses() {
        let ids = ["A.5.15", "A.5.18", "CC6.1"];
        assert_eq!(closest("A.5.51", ids), Some("A.5.15"));
        assert_eq!(closest("A.5.51", ["A.5.1", "A.5.15"]), Some("A.5.15"));
        assert_eq!(closest("a.5.18", ids), Some("A.5.18"));
        assert_eq!(closest("Z.9.99.9", ids), None);
    }
}
