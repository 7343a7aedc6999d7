//! The month's 三率: responded in time, closed, satisfied — from rows or from counts, the same way.

use super::Rating;

/// One request's facts for the monthly figures.
#[derive(Debug, Clone, Copy)]
pub struct MonthFacts {
    pub responded_in_time: bool,
    pub closed: bool,
    pub rating: Option<Rating>,
}

/// 三率 in per-mille (‰), so they are exact integers: 响应率, 办结率, 满意率.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThreeRates {
    pub total: usize,
    pub response_permille: u32,
    pub closure_permille: u32,
    pub satisfaction_permille: u32,
    pub rated: usize,
}

/// What the 三率 are computed from: counts, so the database can produce them with one aggregate query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MonthCounts {
    pub total: usize,
    pub responded_in_time: usize,
    pub closed: usize,
    pub rated: usize,
    pub satisfied: usize,
}

impl MonthCounts {
    pub fn of(facts: &[MonthFacts]) -> Self {
        let rated: Vec<Rating> = facts.iter().filter_map(|f| f.rating).collect();
        Self {
            total: facts.len(),
            responded_in_time: facts.iter().filter(|f| f.responded_in_time).count(),
            closed: facts.iter().filter(|f| f.closed).count(),
            rated: rated.len(),
            satisfied: rated.iter().filter(|r| r.is_satisfied()).count(),
        }
    }
}

/// The whole project's counts are the sum of its categories'.
impl std::iter::Sum for MonthCounts {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), |a, c| Self {
            total: a.total + c.total,
            responded_in_time: a.responded_in_time + c.responded_in_time,
            closed: a.closed + c.closed,
            rated: a.rated + c.rated,
            satisfied: a.satisfied + c.satisfied,
        })
    }
}

/// The sum of the three parts at or above which a rating counts as satisfied (`overall() >= 4`): the
/// rounded mean reaches 4 exactly when the sum reaches 11. SQL uses it; a test checks it against
/// `Rating::is_satisfied` for every rating.
pub const SATISFIED_SUM: u8 = 11;

pub fn three_rates_from(c: MonthCounts) -> ThreeRates {
    let permille = |n: usize, d: usize| (n * 1000 + d / 2).checked_div(d).unwrap_or(0) as u32;
    ThreeRates {
        total: c.total,
        response_permille: permille(c.responded_in_time, c.total),
        closure_permille: permille(c.closed, c.total),
        satisfaction_permille: permille(c.satisfied, c.rated),
        rated: c.rated,
    }
}

pub fn three_rates(facts: &[MonthFacts]) -> ThreeRates {
    three_rates_from(MonthCounts::of(facts))
}
