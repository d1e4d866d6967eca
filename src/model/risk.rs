//! Where a risk stands: its score band, whether it is within the acceptance criterion, and the 5×5
//! heat map of the register. The one place these are decided; the checks, the register and the
//! treatment plan ask here.
//!
//! A score is likelihood × impact (1–25). A risk without a residual rating is untreated so far: its
//! residual position is its inherent one, never an empty cell.

use serde::Serialize;

use super::{Doc, Risk, Treatment};

/// The band of a score on the 5×5 matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Band {
    /// 1–4.
    Low,
    /// 5–9.
    Medium,
    /// 10–16.
    High,
    /// 17–25 (20 and 25 on the matrix).
    Critical,
}

crate::names!(serialize Band {
    Low => "low",
    Medium => "medium",
    High => "high",
    Critical => "critical",
});

impl Band {
    /// The band of a score.
    pub fn of(score: u8) -> Band {
        match score {
            0..=4 => Band::Low,
            5..=9 => Band::Medium,
            10..=16 => Band::High,
            _ => Band::Critical,
        }
    }
}

impl Treatment {
    /// The lower-case name, as written in front matter.
    pub fn name(self) -> &'static str {
        match self {
            Treatment::Mitigate => "mitigate",
            Treatment::Accept => "accept",
            Treatment::Transfer => "transfer",
            Treatment::Avoid => "avoid",
        }
    }
}

/// Which of a risk's two positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// Before treatment.
    Inherent,
    /// After treatment (the inherent one while no residual rating is given).
    Residual,
}

impl Risk {
    /// Likelihood and impact at a position.
    pub fn at(&self, position: Position) -> (u8, u8) {
        match (position, &self.residual) {
            (Position::Residual, Some(rating)) => {
                (rating.get_ref().likelihood, rating.get_ref().impact)
            }
            _ => (self.likelihood, self.impact),
        }
    }

    /// The score at a position.
    pub fn score_at(&self, position: Position) -> u8 {
        let (likelihood, impact) = self.at(position);
        likelihood * impact
    }

    /// The score that is retained: the residual one, else the inherent one.
    pub fn retained_score(&self) -> u8 {
        self.score_at(Position::Residual)
    }

    /// Whether what is retained is within the acceptance criterion (`None` without one).
    pub fn within_criterion(&self, accept_max_score: Option<u8>) -> Option<bool> {
        accept_max_score.map(|max| self.retained_score() <= max)
    }
}

/// The 5×5 heat map: how many risks sit at each likelihood (row) and impact (column).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct HeatMap {
    /// `counts[likelihood - 1][impact - 1]`.
    pub counts: [[usize; 5]; 5],
    /// The risk ids in each cell, in register order.
    pub ids: Vec<Vec<Vec<String>>>,
}

impl HeatMap {
    /// Places every risk at `position`. Out-of-range ratings (which the schema refuses) are left
    /// out rather than misplaced.
    pub fn of(risks: &[Doc<Risk>], position: Position) -> HeatMap {
        let mut counts = [[0; 5]; 5];
        let mut ids = vec![vec![Vec::new(); 5]; 5];
        for risk in risks {
            let (likelihood, impact) = risk.data.at(position);
            let (Some(row), Some(column)) = (
                usize::from(likelihood).checked_sub(1).filter(|r| *r < 5),
                usize::from(impact).checked_sub(1).filter(|c| *c < 5),
            ) else {
                continue;
            };
            counts[row][column] += 1;
            ids[row][column].push(risk.data.id.get_ref().clone());
        }
        HeatMap { counts, ids }
    }

    /// The number of risks at a likelihood and impact (each 1–5).
    pub fn count(&self, likelihood: u8, impact: u8) -> usize {
        self.counts[usize::from(likelihood) - 1][usize::from(impact) - 1]
    }

    /// Every risk placed.
    pub fn total(&self) -> usize {
        self.counts.iter().flatten().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_split_the_matrix() {
        assert_eq!(Band::of(4), Band::Low);
        assert_eq!(Band::of(5), Band::Medium);
        assert_eq!(Band::of(9), Band::Medium);
        assert_eq!(Band::of(10), Band::High);
        assert_eq!(Band::of(16), Band::High);
        assert_eq!(Band::of(20), Band::Critical);
    }
}
