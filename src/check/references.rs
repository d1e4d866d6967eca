//! Every name a document or `crosswalk.toml` uses must exist: people, policies, controls,
//! frameworks (in scope), requirement groups and requirement ids (in the current numbering).

use std::collections::BTreeSet;
use std::ops::Range;

use crate::diag::{Code, Diagnostic, FileId, did_you_mean, suggest};
use crate::load::Kind;
use crate::model::{
    Config, Doc, Framework, Lookup, Model, PersonList, References, Satisfies, Text,
};

/// Runs the reference rules. Without a configuration that types, people and scope are unknown:
/// those checks wait (the summary says so), and every other name is still checked.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    let config = model.config.as_ref();
    let people = config.map(|c| c.data.people.keys().map(|k| k.get_ref().as_str()).collect());
    let scope = config.map(|c| {
        c.data
            .frameworks
            .keys()
            .map(|k| k.get_ref().as_str())
            .collect()
    });
    let checker = Checker {
        model,
        people,
        scope,
    };
    if let Some(config) = config {
        checker.config(found);
        for entry in &config.data.accepted {
            checker.person(config, &entry.accepted_by, found);
        }
        shared_emails(config, found);
        if !model.incomplete {
            // Documents left out of the model would make others look approvable by their owner alone.
            independence(model, found);
        }
    }
    aliases(model, found);
    for doc in &model.policies {
        checker.person(doc, &doc.data.owner, found);
        checker.people(doc, doc.data.approvers.get_ref(), found);
        checker.satisfies(doc, &doc.data.satisfies, found);
    }
    for doc in &model.controls {
        checker.person(doc, &doc.data.owner, found);
        checker.people(doc, doc.data.approvers.get_ref(), found);
        checker.policy(doc, &doc.data.policy, found);
        checker.satisfies(doc, &doc.data.satisfies, found);
    }
    for doc in &model.evidence {
        checker.person(doc, &doc.data.collector, found);
        checker.controls(doc, &doc.data.controls, "evidence record", found);
    }
    for doc in &model.risks {
        checker.person(doc, &doc.data.owner, found);
        checker.people(doc, doc.data.approvers.get_ref(), found);
        checker.controls(doc, &doc.data.controls, "risk", found);
    }
    for doc in &model.nonconformities {
        checker.person(doc, &doc.data.owner, found);
        checker.people(doc, doc.data.approvers.get_ref(), found);
        if let Some(verifier) = &doc.data.verified_by {
            checker.person(doc, verifier, found);
        }
        checker.controls(doc, &doc.data.controls, "nonconformity", found);
        checker.satisfies(doc, &doc.data.requirements, found);
    }
    for (kind, doc) in &model.partial {
        checker.partial(*kind, doc, found);
    }
}

struct Checker<'a> {
    model: &'a Model,
    /// The people of `crosswalk.toml`; `None` when it did not type (person checks wait).
    people: Option<BTreeSet<&'a str>>,
    /// The frameworks in scope; `None` when `crosswalk.toml` did not type.
    scope: Option<BTreeSet<&'a str>>,
}

impl Checker<'_> {
    /// The references of a document that did not type, as far as they could be read: its other
    /// errors are found in the same run, not the next.
    fn partial(&self, kind: Kind, doc: &Doc<References>, found: &mut Vec<Diagnostic>) {
        let refs = &doc.data;
        for person in refs
            .owner
            .iter()
            .chain(&refs.collector)
            .chain(&refs.approvers)
        {
            self.person(doc, person, found);
        }
        if let Some(policy) = &refs.policy {
            self.policy(doc, policy, found);
        }
        self.controls(doc, &refs.controls, kind.name(), found);
        if matches!(kind, Kind::Policy | Kind::Control) {
            self.satisfies(doc, &refs.satisfies, found);
        }
    }

    fn person<T>(&self, doc: &Doc<T>, key: &Text, found: &mut Vec<Diagnostic>) {
        let name = key.get_ref();
        let Some(people) = &self.people else { return };
        if people.contains(name.as_str()) {
            return;
        }
        let help = did_you_mean(name, people.iter().copied()).unwrap_or_else(|| {
            format!("add `[people.{name}]` with a name and emails to crosswalk.toml")
        });
        found.push(
            doc.finding(
                Code::UnknownPerson,
                key,
                format!("`{name}` is not a person of `[people]` in crosswalk.toml"),
            )
            .with_help(help),
        );
    }

    fn people<T>(&self, doc: &Doc<T>, keys: &[Text], found: &mut Vec<Diagnostic>) {
        for key in keys {
            self.person(doc, key, found);
        }
    }

    fn policy<T>(&self, doc: &Doc<T>, id: &Text, found: &mut Vec<Diagnostic>) {
        if self.model.exists(Kind::Policy, id.get_ref()) {
            return;
        }
        let ids = self
            .model
            .policies
            .iter()
            .map(|p| p.data.id.get_ref().as_str());
        found.push(
            doc.finding(
                Code::UnknownPolicy,
                id,
                format!("policy `{}` does not exist", id.get_ref()),
            )
            .with_optional_help(suggest(id.get_ref(), ids)),
        );
    }

    fn controls<T>(&self, doc: &Doc<T>, ids: &[Text], what: &str, found: &mut Vec<Diagnostic>) {
        for id in ids {
            if self.model.exists(Kind::Control, id.get_ref()) {
                continue;
            }
            let known = self
                .model
                .controls
                .iter()
                .map(|c| c.data.id.get_ref().as_str());
            found.push(
                doc.finding(
                    Code::UnknownControl,
                    id,
                    format!(
                        "{what} names control `{}`, which does not exist",
                        id.get_ref()
                    ),
                )
                .with_optional_help(suggest(id.get_ref(), known)),
            );
        }
    }

    fn satisfies<T>(&self, doc: &Doc<T>, satisfies: &Satisfies, found: &mut Vec<Diagnostic>) {
        let mut suggestions = Suggestions::per_file();
        for (framework_id, requirement_ids) in satisfies {
            let Some(framework) =
                self.framework(doc.file, doc.span(framework_id), framework_id, found)
            else {
                continue;
            };
            if self
                .scope
                .as_ref()
                .is_some_and(|scope| !scope.contains(framework_id.get_ref().as_str()))
            {
                found.push(
                    doc.finding(
                        Code::FrameworkNotInScope,
                        framework_id,
                        format!("framework `{}` is not in scope", framework_id.get_ref()),
                    )
                    .with_help(format!(
                        "add `[frameworks.{}]` to crosswalk.toml, or remove these references",
                        framework_id.get_ref()
                    )),
                );
            }
            for id in requirement_ids {
                requirement_in(doc, framework, id, &mut suggestions, found);
            }
        }
    }

    /// The framework a reference names, or a diagnostic.
    fn framework(
        &self,
        file: FileId,
        span: Range<usize>,
        id: &Text,
        found: &mut Vec<Diagnostic>,
    ) -> Option<&Framework> {
        let framework = self.model.framework(id.get_ref());
        if framework.is_none() {
            let ids: Vec<&str> = self.model.frameworks.iter().map(Framework::id).collect();
            let help = did_you_mean(id.get_ref(), ids.iter().copied()).unwrap_or_else(|| {
                format!(
                    "known frameworks: {}; add your own catalog as frameworks/{}.toml",
                    ids.join(", "),
                    id.get_ref()
                )
            });
            found.push(
                Diagnostic::new(
                    Code::UnknownFramework,
                    file,
                    span,
                    format!("unknown framework `{}`", id.get_ref()),
                )
                .with_help(help),
            );
        }
        framework
    }

    fn config(&self, found: &mut Vec<Diagnostic>) {
        let Some(config) = &self.model.config else {
            return;
        };
        let mut suggestions = Suggestions::per_file();
        for (id, scope) in &config.data.frameworks {
            let Some(framework) = self.framework(config.file, config.span(id), id, found) else {
                continue;
            };
            for category in scope.categories.iter().flatten() {
                if framework.group(category.get_ref()).is_none() {
                    let groups = framework
                        .catalog
                        .groups
                        .iter()
                        .map(|g| g.id.get_ref().as_str());
                    let known: Vec<&str> = groups.clone().collect();
                    found.push(
                        config
                            .finding(
                                Code::UnknownCategory,
                                category,
                                format!(
                                    "`{}` is not a category of {}",
                                    category.get_ref(),
                                    framework.title()
                                ),
                            )
                            .with_help(
                                did_you_mean(category.get_ref(), groups)
                                    .unwrap_or_else(|| format!("categories: {}", known.join(", "))),
                            ),
                    );
                }
            }
            for requirement_id in scope.excluded.keys().chain(scope.reasons.keys()) {
                requirement_in(config, framework, requirement_id, &mut suggestions, found);
            }
        }
    }
}

/// How many "did you mean" suggestions for unknown requirement ids are still worked out in one
/// file. Each costs a comparison with every id of the catalog; a file listing 100,000 unknown ids
/// gets the first [`Suggestions::PER_FILE`] and the rest are reported without one, so the check
/// stays about as fast as a clean check of the same bytes.
pub struct Suggestions(usize);

impl Suggestions {
    /// The suggestions worked out per file.
    pub const PER_FILE: usize = 100;

    /// A file's budget.
    pub fn per_file() -> Self {
        Suggestions(Self::PER_FILE)
    }

    fn take(&mut self) -> bool {
        let left = self.0 > 0;
        self.0 = self.0.saturating_sub(1);
        left
    }
}

/// Checks a requirement id written in `doc` against its framework's catalog.
pub fn requirement_in<T>(
    doc: &Doc<T>,
    framework: &Framework,
    id: &Text,
    suggestions: &mut Suggestions,
    found: &mut Vec<Diagnostic>,
) {
    let span = doc.span(id);
    requirement(framework, doc.file, span, id.get_ref(), suggestions, found);
}

/// The requirement ids the model read as aliases: each counts as the catalog's id, and is reported
/// so that every document spells it one way.
fn aliases(model: &Model, found: &mut Vec<Diagnostic>) {
    for alias in &model.aliases {
        let Some(framework) = model.framework(&alias.framework) else {
            continue;
        };
        found.push(alias_finding(
            framework,
            alias.file,
            alias.span.clone(),
            &alias.written,
            &alias.canonical,
        ));
    }
}

/// CW027 for `written`, read as `canonical`.
fn alias_finding(
    framework: &Framework,
    file: FileId,
    span: Range<usize>,
    written: &str,
    canonical: &str,
) -> Diagnostic {
    let title = framework
        .requirement(canonical)
        .map_or("", |r| r.title.as_str());
    Diagnostic::new(
        Code::RequirementAlias,
        file,
        span,
        format!(
            "`{written}` is written for `{canonical}` ({title}) of {}",
            framework.title()
        ),
    )
    .with_help(format!(
        "it counts as `{canonical}`; write `{canonical}`, the catalog's id, so that every document spells it one way"
    ))
}

/// Checks one requirement id against its framework's catalog.
fn requirement(
    framework: &Framework,
    file: FileId,
    span: Range<usize>,
    id: &str,
    suggestions: &mut Suggestions,
    found: &mut Vec<Diagnostic>,
) {
    let old = match framework.lookup(id) {
        Lookup::Exact(_) => return,
        Lookup::Alias(requirement) => {
            // Typed documents are read as the catalog's ids when the model is built (and warned
            // about in `aliases`); this is a document that did not type.
            found.push(alias_finding(
                framework,
                file,
                span,
                id,
                requirement.id.get_ref(),
            ));
            return;
        }
        Lookup::Superseded(old) => Some(old),
        Lookup::Unknown => None,
    };
    if let Some(old) = old {
        let replacements: Vec<String> = old
            .replaced_by
            .iter()
            .map(|new| {
                let title = framework
                    .requirement(new.get_ref())
                    .map_or("", |r| r.title.as_str());
                format!("`{}` ({title})", new.get_ref())
            })
            .collect();
        found.push(
            Diagnostic::new(
                Code::SupersededRequirement,
                file,
                span,
                format!(
                    "`{id}` ({}) is numbered as in version {}, not {}",
                    old.title,
                    old.version,
                    framework.title()
                ),
            )
            .with_help(format!(
                "{} replaced it with {}",
                framework.title(),
                replacements.join(" and ")
            )),
        );
        return;
    }
    found.push(
        Diagnostic::new(
            Code::UnknownRequirement,
            file,
            span,
            format!("`{id}` is not a requirement of {}", framework.title()),
        )
        .with_optional_help(
            suggestions
                .take()
                .then(|| did_you_mean(id, framework.requirement_ids()))
                .flatten(),
        ),
    );
}

/// Two people sharing an email address (case-insensitively): git identities could not tell them
/// apart, so one could approve as the other.
fn shared_emails(config: &Doc<Config>, found: &mut Vec<Diagnostic>) {
    let mut seen: std::collections::HashMap<String, &Text> = std::collections::HashMap::new();
    for (key, person) in &config.data.people {
        for email in &person.emails {
            match seen.get(&email.to_lowercase()) {
                Some(first) if first.get_ref() != key.get_ref() => found.push(
                    config
                        .finding(
                            Code::DuplicateEmail,
                            key,
                            format!(
                                "`{}` and `{}` both have the email `{email}`",
                                first.get_ref(),
                                key.get_ref()
                            ),
                        )
                        .with_related(config.file, config.span(first), "first listed here")
                        .with_help("each address must name one person: remove it from one of them"),
                ),
                Some(_) => {}
                None => {
                    seen.insert(email.to_lowercase(), key);
                }
            }
        }
    }
}

/// Where a document lists its owner and approvers: file, front matter offset, path, owner, list.
type Listed<'m> = (FileId, usize, &'m String, &'m Text, &'m PersonList);

/// A document whose only possible approver is its owner: nobody independent can approve the
/// owner's changes (segregation of duties). Who may approve is the rule of
/// [`crate::model::approvers`]; it is worked out here from the documents' own lists, with the
/// policy of a control looked up by id, so that the check stays linear.
fn independence(model: &Model, found: &mut Vec<Diagnostic>) {
    let keys = |owner: &Text, approvers: &[Text]| -> BTreeSet<String> {
        std::iter::once(owner)
            .chain(approvers)
            .map(|k| k.get_ref().clone())
            .collect()
    };
    let mut documents: Vec<(Listed, BTreeSet<String>)> = Vec::new();
    for d in &model.policies {
        let data = &d.data;
        let allowed = keys(&data.owner, data.approvers.get_ref());
        documents.push((
            (d.file, d.offset, &d.path, &data.owner, &data.approvers),
            allowed,
        ));
    }
    for d in &model.controls {
        let data = &d.data;
        // A control naming no existing policy is reported as such (CW016) already.
        let Some(policy) = model.policy(data.policy.get_ref()) else {
            continue;
        };
        let mut allowed = keys(&data.owner, data.approvers.get_ref());
        allowed.extend(keys(&policy.data.owner, policy.data.approvers.get_ref()));
        documents.push((
            (d.file, d.offset, &d.path, &data.owner, &data.approvers),
            allowed,
        ));
    }
    for d in &model.risks {
        let data = &d.data;
        let allowed = keys(&data.owner, data.approvers.get_ref());
        documents.push((
            (d.file, d.offset, &d.path, &data.owner, &data.approvers),
            allowed,
        ));
    }
    for d in &model.nonconformities {
        let data = &d.data;
        let allowed = keys(&data.owner, data.approvers.get_ref());
        documents.push((
            (d.file, d.offset, &d.path, &data.owner, &data.approvers),
            allowed,
        ));
    }
    for ((file, offset, path, owner, listed), allowed) in documents {
        if allowed.len() != 1 {
            continue;
        }
        let at = match listed.span() {
            span if span.is_empty() => owner.span(),
            span => span,
        };
        found.push(
            Diagnostic::new(
                Code::NoIndependentApprover,
                file,
                at.start + offset..at.end + offset,
                format!(
                    "`{path}` can be approved only by its owner `{}`: every change the owner makes would be self-approved",
                    owner.get_ref()
                ),
            )
            .with_help("name at least one approver besides the owner in `approvers`"),
        );
    }
}
