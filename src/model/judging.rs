//! The judging date: the day evidence freshness, review cadences and operating periods are judged
//! as of. The one place the rule lives; commands resolve it through [`crate::plan::judging_date`].
//!
//! - `check` and `trace` judge as of today ([`Basis::Today`]): a scheduled run catches evidence that
//!   went stale with no commit.
//! - `build`, `soa`, `matrix` and `gaps` judge reproducibly ([`Basis::Reproducible`]): the same
//!   commit renders the same files, so `SOURCE_DATE_EPOCH` and then the HEAD commit's date come
//!   before today.
//! - `diff` judges both versions as of the head commit of the range ([`Basis::Commit`]).
//!
//! An explicit `--as-of` always wins.

use jiff::civil::Date;
use serde::Serialize;

/// How a command judges when `--as-of` is not given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// As of today.
    Today,
    /// As of `SOURCE_DATE_EPOCH`, else the HEAD commit's date, else today.
    Reproducible,
    /// As of this commit's date.
    Commit(Date),
}

/// Where a judging date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateSource {
    /// `--as-of`.
    Flag,
    /// The `SOURCE_DATE_EPOCH` environment variable.
    SourceDateEpoch,
    /// The date of the HEAD commit, or of the commit the command judges.
    Commit,
    /// The wall clock.
    Today,
}

/// A resolved judging date, with its provenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct JudgingDate {
    /// The date.
    pub date: Date,
    /// Where it came from.
    pub source: DateSource,
}

/// What the rule reads, gathered by the caller.
#[derive(Clone, Copy, Debug)]
pub struct DateInputs<'a> {
    /// `--as-of`, if given.
    pub flag: Option<Date>,
    /// The value of `SOURCE_DATE_EPOCH`, if set.
    pub source_date_epoch: Option<&'a str>,
    /// The HEAD commit's date, if the repository has one.
    pub head: Option<Date>,
    /// Today's date.
    pub today: Date,
}

/// Resolves the judging date; an error names what is wrong with `SOURCE_DATE_EPOCH`.
pub fn resolve(basis: Basis, inputs: DateInputs) -> Result<JudgingDate, String> {
    let found = |date, source| Ok(JudgingDate { date, source });
    if let Some(date) = inputs.flag {
        return found(date, DateSource::Flag);
    }
    match basis {
        Basis::Today => found(inputs.today, DateSource::Today),
        Basis::Commit(date) => found(date, DateSource::Commit),
        Basis::Reproducible => {
            if let Some(value) = inputs.source_date_epoch {
                return found(source_date(value)?, DateSource::SourceDateEpoch);
            }
            match inputs.head {
                Some(date) => found(date, DateSource::Commit),
                None => found(inputs.today, DateSource::Today),
            }
        }
    }
}

/// `SOURCE_DATE_EPOCH` (seconds since 1970, UTC) as a date.
fn source_date(value: &str) -> Result<Date, String> {
    let seconds: i64 = value
        .trim()
        .parse()
        .map_err(|_| format!("SOURCE_DATE_EPOCH is not a number of seconds: `{value}`"))?;
    let timestamp = jiff::Timestamp::from_second(seconds)
        .map_err(|_| format!("SOURCE_DATE_EPOCH is out of range: `{value}`"))?;
    Ok(jiff::tz::Offset::UTC.to_datetime(timestamp).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(
        flag: Option<&str>,
        epoch: Option<&'static str>,
        head: Option<&str>,
    ) -> DateInputs<'static> {
        DateInputs {
            flag: flag.map(|d| d.parse().unwrap()),
            source_date_epoch: epoch,
            head: head.map(|d| d.parse().unwrap()),
            today: "2026-12-01".parse().unwrap(),
        }
    }

    fn date(basis: Basis, inputs: DateInputs) -> (String, DateSource) {
        let judged = resolve(basis, inputs).unwrap();
        (judged.date.to_string(), judged.source)
    }

    #[test]
    fn the_flag_always_wins() {
        let all = inputs(Some("2026-01-02"), Some("0"), Some("2026-05-05"));
        for basis in [
            Basis::Today,
            Basis::Reproducible,
            Basis::Commit("2026-03-03".parse().unwrap()),
        ] {
            assert_eq!(date(basis, all), ("2026-01-02".into(), DateSource::Flag));
        }
    }

    #[test]
    fn reproducible_prefers_the_epoch_then_head_then_today() {
        let basis = Basis::Reproducible;
        let epoch = inputs(None, Some("1767225600"), Some("2026-05-05"));
        assert_eq!(
            date(basis, epoch),
            ("2026-01-01".into(), DateSource::SourceDateEpoch)
        );
        let head = inputs(None, None, Some("2026-05-05"));
        assert_eq!(date(basis, head), ("2026-05-05".into(), DateSource::Commit));
        assert_eq!(
            date(basis, inputs(None, None, None)),
            ("2026-12-01".into(), DateSource::Today)
        );
        assert!(
            resolve(basis, inputs(None, Some("soon"), None))
                .unwrap_err()
                .contains("`soon`")
        );
    }

    #[test]
    fn today_ignores_the_epoch_and_head() {
        let all = inputs(None, Some("0"), Some("2026-05-05"));
        assert_eq!(
            date(Basis::Today, all),
            ("2026-12-01".into(), DateSource::Today)
        );
        let commit = Basis::Commit("2026-03-03".parse().unwrap());
        assert_eq!(date(commit, all), ("2026-03-03".into(), DateSource::Commit));
    }
}
