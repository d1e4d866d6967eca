//! The mandatory documented information of ISO 27001:2022 ([`crate::model::isms`]): each item no
//! document meets is an error at `[frameworks.iso27001]`, all of them in one group (CW077).

use crate::diag::{Code, Diagnostic};
use crate::model::Model;

/// Every item of the checklist that nothing meets, when ISO 27001 is in scope.
pub fn check(model: &Model, found: &mut Vec<Diagnostic>) {
    let Some(config) = &model.config else { return };
    let Some(key) = config
        .data
        .frameworks
        .keys()
        .find(|k| k.get_ref() == "iso27001")
    else {
        return;
    };
    for item in model.mandatory_documents().iter().filter(|i| !i.met()) {
        found.push(
            config
                .finding(
                    Code::MandatoryDocumentMissing,
                    key,
                    format!(
                        "ISO 27001 requires documented information for {} ({}), and no document meets it",
                        item.clause, item.what
                    ),
                )
                .with_help(
                    "claim the clause (`6.1.3.d` for 6.1.3 d) in a policy's `[satisfies]`, or keep evidence records of a control that claims it; a risk register with risks meets 8.2 and 8.3, a nonconformity 10.2",
                )
                .in_group(
                    "items of ISO 27001's mandatory documented information are met by no document"
                        .to_string(),
                    format!("{} {}", item.clause, item.what),
                ),
        );
    }
}
