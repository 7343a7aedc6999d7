//! Parcel delivery's rules on plain types: the states and their moves, and the staff's queue order.

pub use crate::error::Refused;

crate::coded! {
    /// Where a delivery request stands.
    pub enum ParcelState: "parcel_state" {
        Requested,
        Taken,
        Delivered,
        Cancelled,
    }
}

/// A move on a delivery request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Staff take it on (to fetch from the station).
    Take,
    /// Staff hand it over at the door (with a photo).
    Deliver,
    /// The resident no longer needs it.
    Cancel,
}

/// The state a move leads to, or why not.
pub fn next(s: ParcelState, m: Move) -> Result<ParcelState, Refused> {
    use ParcelState::*;
    match (s, m) {
        (Requested, Move::Take) => Ok(Taken),
        (Requested | Taken, Move::Deliver) => Ok(Delivered),
        (Requested, Move::Cancel) => Ok(Cancelled),
        (Taken, Move::Take) => {
            Err(Refused { code: "parcel_taken", zh: "这单已有人接了", en: "Someone has taken it" })
        }
        (Taken, Move::Cancel) => {
            Err(Refused {
                code: "parcel_on_the_way", zh: "快递已在送来的路上，不能取消", en: "It is on the way"
            })
        }
        (Delivered | Cancelled, _) => {
            Err(Refused { code: "parcel_closed", zh: "这单已经完成或取消", en: "The request is closed" })
        }
    }
}

pub const MAX_PIECES: i64 = 20;

/// The staff's queue: open requests, the elderly and disabled first, then the oldest.
pub fn queue_key(priority: bool, state: ParcelState, created: chrono::DateTime<chrono::Utc>) -> (u8, bool, i64) {
    let open = match state {
        ParcelState::Requested => 0,
        ParcelState::Taken => 1,
        _ => 2,
    };
    (open, !priority, created.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_request_is_taken_then_delivered_and_cancelled_only_before_it_is_taken() {
        use ParcelState::*;
        assert_eq!(next(Requested, Move::Take), Ok(Taken));
        assert_eq!(next(Taken, Move::Deliver), Ok(Delivered));
        assert_eq!(next(Requested, Move::Deliver), Ok(Delivered));
        assert_eq!(next(Requested, Move::Cancel), Ok(Cancelled));
        assert_eq!(next(Taken, Move::Take).unwrap_err().code, "parcel_taken");
        assert_eq!(next(Taken, Move::Cancel).unwrap_err().code, "parcel_on_the_way");
        assert_eq!(next(Delivered, Move::Deliver).unwrap_err().code, "parcel_closed");
    }

    #[test]
    fn the_elderly_and_disabled_come_first_among_open_requests() {
        let t = |h: i64| chrono::DateTime::from_timestamp(1_800_000_000 + h * 3600, 0).unwrap();
        let mut q = [
            ("old", false, ParcelState::Requested, t(0)),
            ("done", true, ParcelState::Delivered, t(-5)),
            ("elder", true, ParcelState::Requested, t(3)),
            ("taken", true, ParcelState::Taken, t(-9)),
        ];
        q.sort_by_key(|x| queue_key(x.1, x.2, x.3));
        assert_eq!(q.map(|x| x.0), ["elder", "old", "taken", "done"]);
    }

    proptest! {
        #[test]
        fn closed_requests_never_move(i in 0usize..3) {
            let m = [Move::Take, Move::Deliver, Move::Cancel][i];
            prop_assert!(next(ParcelState::Delivered, m).is_err());
            prop_assert!(next(ParcelState::Cancelled, m).is_err());
        }
    }
}
