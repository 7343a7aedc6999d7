//! 微心愿's rules: the states of a wish and the moves between them, who sees what of the resident (their
//! surname only: 「张*」), and when an unclaimed wish is raised.

use chrono::{DateTime, Duration, Utc};

crate::coded! {
    /// Where a wish stands.
    pub enum WishState: "wish_state" {
        /// Posted, waiting for someone to take it.
        Open,
        /// Taken by one Party member or volunteer.
        Claimed,
        /// Done, with a photo; waiting for the resident.
        Fulfilled,
        /// The resident said it was done (points follow).
        Confirmed,
        /// Taken back by the resident before anyone claimed it.
        Withdrawn,
    }
}

/// What someone does to a wish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Claim,
    Fulfil,
    Confirm,
    Withdraw,
}

pub use crate::error::Refused;

/// The state a move leads to from a state, or why not.
pub fn next(state: WishState, m: Move) -> Result<WishState, Refused> {
    use WishState::*;
    match (state, m) {
        (Open, Move::Claim) => Ok(Claimed),
        (Claimed | Fulfilled | Confirmed, Move::Claim) => {
            Err(Refused {
                code: "already_claimed", zh: "这个心愿已经有人认领了", en: "Someone has claimed this wish"
            })
        }
        (Claimed, Move::Fulfil) => Ok(Fulfilled),
        (Fulfilled, Move::Confirm) => Ok(Confirmed),
        (Open, Move::Withdraw) => Ok(Withdrawn),
        (Withdrawn, _) => Err(Refused { code: "withdrawn", zh: "这个心愿已撤回", en: "The wish was withdrawn" }),
        _ => Err(Refused {
            code: "wrong_state",
            zh: "心愿状态已变化，请刷新",
            en: "The wish is not in a state for this",
        }),
    }
}

/// Days a wish may wait unclaimed before it is raised to the branch's secretary.
pub const RAISE_AFTER_DAYS: i64 = 3;

/// Is an open wish due to be raised now?
pub fn raise_due(posted_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - posted_at >= Duration::days(RAISE_AFTER_DAYS)
}

/// The resident as a claimer sees them: the surname and a star (「张*」); a one-character name stays a star.
pub fn masked_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(_)) => format!("{first}*"),
        _ => "*".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_wish_is_claimed_once_fulfilled_by_its_claimer_and_confirmed() {
        assert_eq!(next(WishState::Open, Move::Claim), Ok(WishState::Claimed));
        assert_eq!(next(WishState::Claimed, Move::Claim).unwrap_err().code, "already_claimed");
        assert_eq!(next(WishState::Claimed, Move::Fulfil), Ok(WishState::Fulfilled));
        assert_eq!(next(WishState::Fulfilled, Move::Confirm), Ok(WishState::Confirmed));
        assert_eq!(next(WishState::Open, Move::Confirm).unwrap_err().code, "wrong_state");
        assert_eq!(next(WishState::Claimed, Move::Withdraw).unwrap_err().code, "wrong_state");
        assert_eq!(next(WishState::Withdrawn, Move::Claim).unwrap_err().code, "withdrawn");
    }

    #[test]
    fn names_are_masked_to_the_surname() {
        assert_eq!(masked_name("张三"), "张*");
        assert_eq!(masked_name("欧阳娜娜"), "欧*");
        assert_eq!(masked_name("李"), "*");
        assert_eq!(masked_name(""), "*");
    }

    proptest! {
        #[test]
        fn confirmed_is_reached_only_through_claim_and_fulfil(moves in proptest::collection::vec(0u8..4, 0..8)) {
            let mut s = WishState::Open;
            let mut seen = vec![s];
            for m in moves {
                let m = [Move::Claim, Move::Fulfil, Move::Confirm, Move::Withdraw][m as usize];
                if let Ok(n) = next(s, m) { s = n; seen.push(s); }
            }
            if s == WishState::Confirmed {
                prop_assert!(seen.contains(&WishState::Claimed) && seen.contains(&WishState::Fulfilled));
            }
        }
    }
}
