//! Whether each control operated: the one place the operating rules live (`check` reports them; the
//! coverage states, `gaps`, the site, the SoA, the matrix and `trace` show them).
//!
//! A control is judged as of a date. Its evidence records are those that list it and were collected
//! on or before that date. Its latest record must be fresh (see [`super::freshness`]). When the
//! control serves a framework with an observation window (the SOC 2 Type II period), the window is
//! cut into the periods of the control's effective frequency (quarterly: `2026-Q1` … `2026-Q4`), and
//! every period that has ended by the judging date needs a record: one collected in it, or one whose
//! `period = { start, end }` overlaps it. A record collected after the window's last day proves
//! nothing for the window. A continuous control has no periods: its records' periods (a record
//! without one covers its collection day) must leave no stretch of the window longer than its
//! `max_gap` uncovered, up to the judging date; its timeline is cut into `max_gap`-long cells for
//! display. Outside any window, the timeline is the one period before the judging date.
//!
//! A control *operated* when it is implemented or partial, its latest evidence is fresh, no period is
//! missing and no stretch is uncovered. A requirement is evidenced only by a control that operated.

use std::collections::HashMap;
use std::sync::LazyLock;

use jiff::civil::Date as Day;

use super::{
    Cadence, Control, Coverage, Doc, EffectiveFrequency, Evidence, Freshness, Model, Pace, Status,
    Window,
};

/// The `max_gap` of a continuous control that does not set one.
pub static DEFAULT_MAX_GAP: LazyLock<Cadence> =
    LazyLock::new(|| Cadence::parse("P7D").expect("a valid period"));

/// The longest observation window judged. A longer one, or one that ends before it starts, is
/// reported (`check::evidence::check_periods`, an error) and not used: its controls are judged by
/// freshness alone, so a hostile window cannot make millions of periods, and the run still fails.
pub const LONGEST_WINDOW_DAYS: i32 = 3 * 366;

/// Whether an observation window can be judged: it starts on or before its end, and lasts at most
/// [`LONGEST_WINDOW_DAYS`].
pub fn is_judgeable(window: Window) -> bool {
    let limit = window
        .start
        .0
        .checked_add(jiff::Span::new().days(LONGEST_WINDOW_DAYS));
    window.start <= window.end && limit.is_ok_and(|limit| window.end.0 < limit)
}

/// The state of one period of a control's timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CellState {
    /// Evidence shows the control operating in it.
    Evidenced,
    /// It has ended and no evidence shows the control operating in it.
    Missing,
    /// It has not ended yet and has no evidence so far.
    NotYetDue,
}

crate::names!(serialize CellState {
    Evidenced => "evidenced",
    Missing => "missing",
    NotYetDue => "not yet due",
});

/// One period of a control's operating timeline.
#[derive(Clone, Debug)]
pub struct Cell<'m> {
    /// First day.
    pub start: Day,
    /// Last day.
    pub end: Day,
    /// A short name: `2026-Q3`, `2026-07`, `2026-H1`, `2026`, a day, or the range.
    pub label: String,
    /// Whether evidence covers it.
    pub state: CellState,
    /// The records that count for it, by collection date.
    pub records: Vec<&'m Doc<Evidence>>,
}

impl Cell<'_> {
    /// The period as `2026-07-01 to 2026-09-30`.
    pub fn range(&self) -> String {
        range(self.start, self.end)
    }
}

/// A stretch of a continuous control's window that its evidence leaves uncovered for longer than
/// its `max_gap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hole {
    /// First uncovered day.
    pub start: Day,
    /// Last uncovered day (the day before the judging date when the stretch is still open).
    pub end: Day,
    /// Whether the stretch runs up to the judging date: no evidence since it started.
    pub open: bool,
}

impl Hole {
    /// How many days it lasts.
    pub fn days(&self) -> i64 {
        days_between(self.start, self.end) + 1
    }

    /// The stretch as `2026-03-10 to 2026-03-19`.
    pub fn range(&self) -> String {
        range(self.start, self.end)
    }
}

/// How one control operated, as of a date.
#[derive(Clone, Debug)]
pub struct Operation<'m> {
    /// The control.
    pub control: &'m Doc<Control>,
    /// Its effective frequency.
    pub effective: EffectiveFrequency<'m>,
    /// Its latest evidence and whether that is fresh.
    pub freshness: Freshness<'m>,
    /// The observation window it is judged over, if it serves a framework that has one.
    pub window: Option<Window>,
    /// Its periods, in order: the window's, or the one period before the judging date.
    pub timeline: Vec<Cell<'m>>,
    /// For a continuous control, the stretches left uncovered for longer than its `max_gap`.
    pub holes: Vec<Hole>,
    /// Its evidence records collected on or before the judging date, by collection date.
    pub records: Vec<&'m Doc<Evidence>>,
}

impl<'m> Operation<'m> {
    /// Its most recent record collected on or before the judging date.
    pub fn latest(&self) -> Option<&'m Doc<Evidence>> {
        latest(&self.records)
    }

    /// Whether it operates at all (implemented or partial).
    pub fn operates(&self) -> bool {
        *self.control.data.status.get_ref() != Status::Planned
    }

    /// Whether it operated: operating, fresh, every period so far evidenced, no uncovered stretch.
    pub fn operated(&self) -> bool {
        self.operates()
            && matches!(self.freshness, Freshness::Fresh(_))
            && self.missing().next().is_none()
            && self.holes.is_empty()
    }

    /// The periods of its observation window that ended with no evidence, in order (none outside
    /// a window, where freshness says it, and none for a continuous control, whose uncovered
    /// stretches are its [`Operation::holes`]).
    pub fn missing(&self) -> impl Iterator<Item = &Cell<'_>> {
        let periodic = self.window.is_some() && matches!(self.effective.pace, Pace::Every(_));
        self.timeline
            .iter()
            .filter(move |cell| periodic && cell.state == CellState::Missing)
    }

    /// How many of its periods so far are evidenced, and how many have ended or are evidenced.
    pub fn periods_so_far(&self) -> (usize, usize) {
        let due = self
            .timeline
            .iter()
            .filter(|c| c.state != CellState::NotYetDue)
            .count();
        let evidenced = self
            .timeline
            .iter()
            .filter(|c| c.state == CellState::Evidenced)
            .count();
        (evidenced, due)
    }

    /// What keeps it from having operated, in a few words; `None` when it operated.
    pub fn shortfall(&self) -> Option<String> {
        let missing = self.missing().count();
        let shortfall = match (&self.freshness, missing, self.holes.len()) {
            (Freshness::Planned, _, _) => "planned: not operating".to_string(),
            (Freshness::NoEvidence, _, _) => "no evidence".to_string(),
            (_, 0, 0) => match self.freshness {
                Freshness::Stale(record) => format!(
                    "evidence stale: last collected {}",
                    record.data.collected.get_ref()
                ),
                _ => return None,
            },
            (_, missing, 0) => format!("no evidence for {}", plural(missing, "period", "periods")),
            (_, 0, holes) => format!(
                "evidence leaves {} uncovered",
                plural(holes, "stretch", "stretches")
            ),
            (_, missing, holes) => format!(
                "no evidence for {}; {} uncovered",
                plural(missing, "period", "periods"),
                plural(holes, "stretch", "stretches")
            ),
        };
        Some(shortfall)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How every control operated as of one date: built once, asked by every rule and view.
#[derive(Clone, Debug)]
pub struct Operations<'m> {
    model: &'m Model,
    /// The judging date.
    pub as_of: Day,
    by_control: Vec<Operation<'m>>,
    index: HashMap<&'m str, usize>,
    /// Each catalog's coverage table, built on first need.
    tables: Tables,
}

/// Coverage tables by catalog id: a cache, which a clone starts afresh.
#[derive(Debug, Default)]
struct Tables(std::sync::Mutex<HashMap<String, std::sync::Arc<HashMap<String, Coverage>>>>);

impl Clone for Tables {
    fn clone(&self) -> Self {
        Tables::default()
    }
}

impl<'m> Operations<'m> {
    /// Every control's operation, in control order.
    pub fn iter(&self) -> impl Iterator<Item = &Operation<'m>> {
        self.by_control.iter()
    }

    /// The operation of the control with this id (the first, if the id is duplicated).
    pub fn of(&self, control_id: &str) -> Option<&Operation<'m>> {
        self.index.get(control_id).map(|&i| &self.by_control[i])
    }

    /// A requirement's coverage state, with its hierarchy: the best of its own claims, the claims
    /// of the requirements it is an item of (claiming a parent covers its items), and what its
    /// in-scope items add up to (all evidenced: evidenced; some covered: at best partial). Items
    /// out of scope or excluded add nothing. Computed once per catalog, each requirement once.
    pub fn coverage(&self, framework_id: &str, requirement_id: &str) -> Coverage {
        let Some(framework) = self.model.framework(framework_id) else {
            return self.direct_coverage(framework_id, requirement_id);
        };
        let mut tables = self.tables.0.lock().unwrap_or_else(|e| e.into_inner());
        let table = tables
            .entry(framework_id.to_string())
            .or_insert_with(|| std::sync::Arc::new(self.table(framework)))
            .clone();
        drop(tables);
        table
            .get(requirement_id)
            .copied()
            .unwrap_or_else(|| self.direct_coverage(framework_id, requirement_id))
    }

    /// Every requirement's state in one catalog.
    fn table(&self, framework: &super::Framework) -> HashMap<String, Coverage> {
        let mut subtree = HashMap::new();
        for requirement in &framework.catalog.requirements {
            self.subtree_coverage(framework, requirement.id.get_ref(), &mut subtree, 0);
        }
        let mut out = HashMap::new();
        for requirement in &framework.catalog.requirements {
            let id = requirement.id.get_ref();
            let own = subtree[id.as_str()];
            let state = if own.is_gap() {
                framework
                    .ancestors(id)
                    .into_iter()
                    .map(|a| self.direct_coverage(framework.id(), a.id.get_ref()))
                    .filter(|c| {
                        matches!(
                            c,
                            Coverage::Evidenced | Coverage::Claimed | Coverage::Partial
                        )
                    })
                    .fold(own, better)
            } else {
                own
            };
            out.entry(id.clone()).or_insert(state);
        }
        out
    }

    /// A requirement's state from its own claims and those of its in-scope items, not its
    /// parents', memoised in `memo` (a loop or a duplicate id cannot make it explode).
    fn subtree_coverage(
        &self,
        framework: &super::Framework,
        requirement_id: &str,
        memo: &mut HashMap<String, Coverage>,
        depth: usize,
    ) -> Coverage {
        if let Some(known) = memo.get(requirement_id) {
            return *known;
        }
        let own = self.direct_coverage(framework.id(), requirement_id);
        // A parent chain that loops is reported by `check`; here it only stops the descent.
        if matches!(
            own,
            Coverage::Evidenced | Coverage::Excluded | Coverage::OutOfScope
        ) || depth > 32
        {
            memo.insert(requirement_id.to_string(), own);
            return own;
        }
        // Provisional, so that a loop back to this requirement reads its own state.
        memo.insert(requirement_id.to_string(), own);
        let model = self.model;
        let items: Vec<Coverage> = framework
            .children(requirement_id)
            .filter(|item| model.requirement_in_scope(framework.id(), item.id.get_ref()))
            .map(|item| self.subtree_coverage(framework, item.id.get_ref(), memo, depth + 1))
            .collect();
        let state = match items.iter().copied().reduce(weaker) {
            None => own,
            Some(weakest) => {
                let rolled =
                    if weakest == Coverage::Uncovered && items.iter().any(|c| *c != weakest) {
                        Coverage::Partial
                    } else {
                        weakest
                    };
                better(own, rolled)
            }
        };
        memo.insert(requirement_id.to_string(), state);
        state
    }

    /// A requirement's state from the controls that claim it, alone.
    fn direct_coverage(&self, framework_id: &str, requirement_id: &str) -> Coverage {
        let claims = self
            .model
            .claiming(framework_id, requirement_id)
            .into_iter()
            .map(|control| {
                let operated = self
                    .of(control.data.id.get_ref())
                    .is_some_and(Operation::operated);
                (*control.data.status.get_ref(), operated)
            });
        Coverage::of(
            self.model.exclusion(framework_id, requirement_id).is_some(),
            claims,
            self.model.in_scope_group(framework_id, requirement_id),
        )
    }

    /// The model judged.
    pub fn model(&self) -> &'m Model {
        self.model
    }
}

impl Model {
    /// How every control operated as of `as_of`.
    pub fn operations(&self, as_of: Day) -> Operations<'_> {
        let mut records: HashMap<&str, Vec<&Doc<Evidence>>> = HashMap::new();
        for record in &self.evidence {
            if record.data.collected.get_ref().0 > as_of {
                continue;
            }
            for control in &record.data.controls {
                let list = records.entry(control.get_ref().as_str()).or_default();
                if !list.last().is_some_and(|last| std::ptr::eq(*last, record)) {
                    list.push(record);
                }
            }
        }
        let mut index = HashMap::new();
        let by_control = self
            .controls
            .iter()
            .enumerate()
            .map(|(i, control)| {
                index.entry(control.data.id.get_ref().as_str()).or_insert(i);
                let mut own = records
                    .get(control.data.id.get_ref().as_str())
                    .cloned()
                    .unwrap_or_default();
                own.sort_by_key(|r| r.data.collected.get_ref().0);
                self.operation(control, own, as_of)
            })
            .collect();
        Operations {
            model: self,
            as_of,
            by_control,
            index,
            tables: Tables::default(),
        }
    }

    fn operation<'m>(
        &'m self,
        control: &'m Doc<Control>,
        records: Vec<&'m Doc<Evidence>>,
        as_of: Day,
    ) -> Operation<'m> {
        let effective = self.effective_frequency(&control.data);
        let latest = latest(&records);
        let status = *control.data.status.get_ref();
        let freshness = Freshness::of(status, effective.pace.cadence(), latest, as_of);
        let window = self.observation_window(&control.data);
        let (timeline, holes) = match (window, effective.pace) {
            (None, pace) => (
                vec![last_period(pace.cadence(), &freshness, as_of)],
                Vec::new(),
            ),
            (Some(window), Pace::Every(cadence)) => {
                (periodic(window, cadence, &records, as_of), Vec::new())
            }
            (Some(window), Pace::Continuous { max_gap }) => {
                continuous(window, max_gap, &records, as_of)
            }
        };
        Operation {
            control,
            effective,
            freshness,
            window,
            timeline,
            holes,
            records,
        }
    }

    /// The observation window a control is judged over: the span of the (judgeable) windows of the
    /// frameworks in whose scope it claims an applicable requirement.
    pub fn observation_window(&self, control: &Control) -> Option<Window> {
        let mut hull: Option<Window> = None;
        for (framework, ids) in &control.satisfies {
            let Some(window) = self
                .scope(framework.get_ref())
                .and_then(|s| s.observation.as_ref().map(|w| *w.get_ref()))
                .filter(|w| is_judgeable(*w))
            else {
                continue;
            };
            if !ids
                .iter()
                .any(|id| self.requirement_in_scope(framework.get_ref(), id.get_ref()))
            {
                continue;
            }
            hull = Some(match hull {
                None => window,
                Some(h) => Window {
                    start: h.start.min(window.start),
                    end: h.end.max(window.end),
                },
            });
        }
        hull
    }
}

/// The most recent of a control's records (the first listed, on a tie).
fn latest<'m>(records: &[&'m Doc<Evidence>]) -> Option<&'m Doc<Evidence>> {
    records
        .iter()
        .rev()
        .max_by_key(|r| r.data.collected.get_ref().0)
        .copied()
}

/// The days a record shows its controls operating in: its `period` when that is valid (starts on or
/// before its end, which is on or before the collection day), else its collection day alone.
pub fn proves(record: &Evidence) -> (Day, Day) {
    let collected = record.collected.get_ref().0;
    match record.period.as_ref().map(|p| *p.get_ref()) {
        Some(Window { start, end }) if start <= end && end.0 <= collected => (start.0, end.0),
        _ => (collected, collected),
    }
}

/// Whether a record counts for a window: collected inside it or before it (a record collected
/// after the window's last day proves nothing for it).
fn counts_for(record: &Evidence, window: Window) -> bool {
    record.collected.get_ref().0 <= window.end.0
}

/// The single period before the judging date, judged by freshness.
fn last_period<'m>(cadence: &Cadence, freshness: &Freshness<'m>, as_of: Day) -> Cell<'m> {
    let start = cadence.window_start(as_of);
    let (state, records) = match freshness {
        Freshness::Fresh(record) => (CellState::Evidenced, vec![*record]),
        _ => (CellState::Missing, Vec::new()),
    };
    Cell {
        start,
        end: as_of,
        label: format!("the {cadence} period before {as_of}"),
        state,
        records,
    }
}

/// The periods a cadence cuts a window into, in order; the last may be cut short by the window.
pub fn periods(window: Window, cadence: &Cadence) -> Vec<(Day, Day)> {
    let mut periods = Vec::new();
    let (first, last) = (window.start.0, window.end.0);
    for i in 0.. {
        let Ok(start) = first.checked_add(cadence.times(i)) else {
            break;
        };
        if start > last {
            break;
        }
        let end = first
            .checked_add(cadence.times(i + 1))
            .ok()
            .and_then(|next| next.yesterday().ok())
            .map_or(last, |end| end.min(last));
        periods.push((start, end));
    }
    periods
}

fn periodic<'m>(
    window: Window,
    cadence: &Cadence,
    records: &[&'m Doc<Evidence>],
    as_of: Day,
) -> Vec<Cell<'m>> {
    let mut cells: Vec<Cell<'m>> = periods(window, cadence)
        .into_iter()
        .map(|(start, end)| Cell {
            start,
            end,
            label: label(start, end, cadence),
            state: CellState::NotYetDue,
            records: Vec::new(),
        })
        .collect();
    for record in records.iter().filter(|r| counts_for(&r.data, window)) {
        let (from, to) = proves(&record.data);
        // The first cell ending on or after `from`; cells are in order and do not overlap.
        let first = cells.partition_point(|c| c.end < from);
        for cell in cells[first..].iter_mut().take_while(|c| c.start <= to) {
            cell.records.push(record);
        }
    }
    for cell in &mut cells {
        cell.state = match (cell.records.is_empty(), cell.end < as_of) {
            (false, _) => CellState::Evidenced,
            (true, true) => CellState::Missing,
            (true, false) => CellState::NotYetDue,
        };
    }
    cells
}

fn continuous<'m>(
    window: Window,
    max_gap: &Cadence,
    records: &[&'m Doc<Evidence>],
    as_of: Day,
) -> (Vec<Cell<'m>>, Vec<Hole>) {
    let counted: Vec<&'m Doc<Evidence>> = records
        .iter()
        .copied()
        .filter(|r| counts_for(&r.data, window))
        .collect();
    let holes = holes(window, max_gap, &counted, as_of);
    let mut cells = periodic(window, max_gap, &counted, as_of);
    for cell in &mut cells {
        let in_hole = holes
            .iter()
            .any(|h| h.start <= cell.end && h.end >= cell.start);
        cell.state = if in_hole {
            CellState::Missing
        } else if cell.start >= as_of || (cell.end >= as_of && cell.records.is_empty()) {
            // Not begun, or under way with no evidence so far.
            CellState::NotYetDue
        } else {
            CellState::Evidenced
        };
    }
    (cells, holes)
}

/// The stretches of `window`, up to the day before `as_of`, that no record covers, longer than
/// `max_gap`.
fn holes(window: Window, max_gap: &Cadence, records: &[&Doc<Evidence>], as_of: Day) -> Vec<Hole> {
    let (first, mut last) = (window.start.0, window.end.0);
    match as_of.yesterday() {
        Ok(yesterday) => last = last.min(yesterday),
        Err(_) => return Vec::new(),
    }
    let mut covered: Vec<(Day, Day)> = records.iter().map(|r| proves(&r.data)).collect();
    covered.sort();
    let mut holes = Vec::new();
    let mut next_uncovered = first;
    let open_until = as_of.yesterday().ok();
    let mut push = |start: Day, end: Day| {
        let too_long = start
            .checked_add(max_gap.times(1))
            .is_ok_and(|allowed_until| end >= allowed_until);
        if start <= end && too_long {
            let open = Some(end) == open_until;
            holes.push(Hole { start, end, open });
        }
    };
    for (from, to) in covered {
        if next_uncovered > last {
            break;
        }
        if from > next_uncovered {
            push(next_uncovered, from.yesterday().unwrap_or(from).min(last));
        }
        if let Ok(after) = to.tomorrow() {
            next_uncovered = next_uncovered.max(after);
        }
    }
    if next_uncovered <= last {
        push(next_uncovered, last);
    }
    holes
}

/// A period's short name when it is a calendar year, half, quarter, month or day; else its range.
fn label(start: Day, end: Day, cadence: &Cadence) -> String {
    let (year, month) = (start.year(), start.month());
    let first_of_month = start.day() == 1;
    match cadence.calendar_months() {
        Some(12) if first_of_month && month == 1 => year.to_string(),
        Some(6) if first_of_month && (month == 1 || month == 7) => {
            format!("{year}-H{}", if month == 1 { 1 } else { 2 })
        }
        Some(3) if first_of_month && (month - 1) % 3 == 0 => {
            format!("{year}-Q{}", (month - 1) / 3 + 1)
        }
        Some(1) if first_of_month => format!("{year}-{month:02}"),
        _ if cadence.is_daily() || start == end => start.to_string(),
        _ => range(start, end),
    }
}

fn range(start: Day, end: Day) -> String {
    if start == end {
        start.to_string()
    } else {
        format!("{start} to {end}")
    }
}

fn days_between(start: Day, end: Day) -> i64 {
    start
        .until((jiff::Unit::Day, end))
        .map_or(0, |span| i64::from(span.get_days()))
}

/// How far a state is from a gap: evidenced, claimed, partial, uncovered.
fn rank(coverage: Coverage) -> u8 {
    match coverage {
        Coverage::Evidenced | Coverage::Excluded | Coverage::OutOfScope => 3,
        Coverage::Claimed => 2,
        Coverage::Partial => 1,
        Coverage::Uncovered => 0,
    }
}

/// The better of two states.
fn better(a: Coverage, b: Coverage) -> Coverage {
    if rank(b) > rank(a) { b } else { a }
}

/// The weaker of two states.
fn weaker(a: Coverage, b: Coverage) -> Coverage {
    if rank(b) < rank(a) { b } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        text.parse().unwrap()
    }

    fn window(start: &str, end: &str) -> Window {
        Window {
            start: super::super::Date(day(start)),
            end: super::super::Date(day(end)),
        }
    }

    #[test]
    fn quarters_of_a_year() {
        let quarterly = Cadence::parse("quarterly").unwrap();
        let periods = periods(window("2026-01-01", "2026-12-31"), &quarterly);
        assert_eq!(periods.len(), 4);
        assert_eq!(periods[2], (day("2026-07-01"), day("2026-09-30")));
        assert_eq!(
            label(periods[2].0, periods[2].1, &quarterly),
            "2026-Q3".to_string()
        );
    }

    #[test]
    fn months_from_the_thirty_first_do_not_drift() {
        let monthly = Cadence::parse("monthly").unwrap();
        let periods = periods(window("2026-01-31", "2026-05-30"), &monthly);
        assert_eq!(periods[0], (day("2026-01-31"), day("2026-02-27")));
        assert_eq!(periods[1], (day("2026-02-28"), day("2026-03-30")));
        assert_eq!(periods[2].0, day("2026-03-31"));
        assert_eq!(periods.last().unwrap().1, day("2026-05-30"));
    }

    #[test]
    fn weeks_cut_short_at_the_window_end() {
        let weekly = Cadence::parse("weekly").unwrap();
        let periods = periods(window("2026-01-01", "2026-01-20"), &weekly);
        assert_eq!(
            periods,
            vec![
                (day("2026-01-01"), day("2026-01-07")),
                (day("2026-01-08"), day("2026-01-14")),
                (day("2026-01-15"), day("2026-01-20")),
            ]
        );
        assert_eq!(
            label(periods[0].0, periods[0].1, &weekly),
            "2026-01-01 to 2026-01-07"
        );
    }

    #[test]
    fn a_window_that_ends_before_it_starts_has_no_periods() {
        let quarterly = Cadence::parse("quarterly").unwrap();
        assert!(periods(window("2026-12-31", "2026-01-01"), &quarterly).is_empty());
    }

    #[test]
    fn a_window_of_more_than_three_years_is_not_judged() {
        assert!(is_judgeable(window("2026-01-01", "2026-12-31")));
        // 1,098 days (2020 is a leap year) is the longest.
        assert!(is_judgeable(window("2020-01-01", "2023-01-02")));
        assert!(!is_judgeable(window("2020-01-01", "2023-01-03")));
        assert!(!is_judgeable(window("0001-01-01", "9999-12-31")));
        assert!(!is_judgeable(window("2026-12-31", "2026-01-01")));
    }
}
