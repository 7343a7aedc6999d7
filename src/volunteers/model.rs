//! Volunteers and points (C4) as plain rules: registration states, team kinds and roles, hour
//! corrections, the organiser bonus, and 爱心超市 redemptions with their pickup codes. No I/O.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

pub use crate::activities::model::RuleError;

crate::coded! {
    /// The teams the article names.
    pub enum TeamKind: "team_kind" { Commando, Service, Quality }
}

crate::coded! {
    /// A volunteer registration: pending → approved or rejected.
    pub enum VolunteerState: "volunteer_state" { Pending, Approved, Rejected }
}

crate::coded! {
    /// A request to correct an attendance's minutes: pending → approved or rejected.
    pub enum CorrectionState: "correction_state" { Pending, Approved, Rejected }
}

crate::coded! {
    /// A 爱心超市 redemption: reserved → collected or cancelled.
    pub enum RedemptionState: "redemption_state" { Reserved, Collected, Cancelled }
}

/// A registration is decided once: pending → approved or rejected. A rejected volunteer may apply again
/// (back to pending); an approved one may not apply twice.
pub fn decide_volunteer(from: VolunteerState, approve: bool) -> Result<VolunteerState, RuleError> {
    match from {
        VolunteerState::Pending => Ok(if approve { VolunteerState::Approved } else { VolunteerState::Rejected }),
        _ => Err(RuleError::new("already_decided", "这份申请已经审核过了")),
    }
}

/// Who may be in a team of a project: its approved volunteers (residents who registered), and — without
/// registering — the project's own staff and its Party members (the article's 党团突击队 are property
/// staff and Party and Youth League members).
pub fn may_join_team(approved_volunteer: bool, staff_here: bool, party_member_here: bool) -> bool {
    approved_volunteer || staff_here || party_member_here
}

pub fn may_apply(existing: Option<VolunteerState>) -> Result<(), RuleError> {
    match existing {
        None | Some(VolunteerState::Rejected) => Ok(()),
        Some(VolunteerState::Pending) => Err(RuleError::new("already_applied", "已经提交过申请，请等待审核")),
        Some(VolunteerState::Approved) => Err(RuleError::new("already_volunteer", "您已经是本项目的志愿者")),
    }
}

/// A correction is decided once, like a registration.
pub fn decide_correction(from: CorrectionState, approve: bool) -> Result<CorrectionState, RuleError> {
    match from {
        CorrectionState::Pending => Ok(if approve { CorrectionState::Approved } else { CorrectionState::Rejected }),
        _ => Err(RuleError::new("already_decided", "这份申请已经审批过了")),
    }
}

/// When a volunteer may ask to correct the minutes of an attendance: after check-out, or once the
/// check-out window (2 hours after the end) has closed — so no later check-out can credit the same time
/// again. The minutes asked for stay within the activity's own time.
pub fn check_correction(
    requested: i64,
    current: i64,
    duration: i64,
    checked_out: bool,
    ends: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), RuleError> {
    if !checked_out && now <= ends + Duration::hours(2) {
        return Err(RuleError::new("too_early", "活动签退结束后才能申请更正时长"));
    }
    if requested < 0 || requested > duration {
        return Err(RuleError::new("bad_minutes", format!("更正后的时长应在0至{duration}分钟之间（活动时长）")));
    }
    if requested == current {
        return Err(RuleError::new("no_change", "更正后的时长与现在相同"));
    }
    Ok(())
}

/// The ledger entry for an approved correction: the change in minutes, and the points that bring the
/// attendance's credited points to what the new minutes earn.
pub fn correction_entry(current_minutes: i64, credited_points: i64, new_minutes: i64, per_hour: i64) -> (i64, i64) {
    (new_minutes - current_minutes, crate::activities::model::points(new_minutes, per_hour) - credited_points)
}

pub use crate::points::model::DEFAULT_ORGANISER_BONUS;

/// At most this many of one item in one redemption.
pub const MAX_QUANTITY: i64 = 10;

/// Can this redemption go ahead? Checked in the redemption's transaction after the person's account row
/// is locked; the stock is taken by a conditional update that can never go below zero.
pub fn check_redemption(balance: i64, cost_each: i64, quantity: i64, active: bool) -> Result<i64, RuleError> {
    if !(1..=MAX_QUANTITY).contains(&quantity) {
        return Err(RuleError::new("bad_quantity", format!("数量应为1至{MAX_QUANTITY}")));
    }
    if !active {
        return Err(RuleError::new("item_unavailable", "这件物品已下架"));
    }
    let total = cost_each.max(0) * quantity;
    if total > balance {
        return Err(RuleError::new("insufficient_points", format!("积分不足：需要{total}分，您现有{balance}分")));
    }
    Ok(total)
}

/// reserved → collected (staff, at the counter) or cancelled (the resident or staff; points and stock
/// come back). Nothing leaves collected or cancelled.
pub fn next_redemption_state(from: RedemptionState, action: &str) -> Result<RedemptionState, RuleError> {
    use RedemptionState::*;
    match (from, action) {
        (Reserved, "collect") => Ok(Collected),
        (Reserved, "cancel") => Ok(Cancelled),
        (Collected, _) => Err(RuleError::new("already_collected", "已经领取过了")),
        (Cancelled, _) => Err(RuleError::new("already_cancelled", "这笔兑换已经取消")),
        _ => Err(RuleError::new("unknown_action", "未知操作")),
    }
}

/// Pickup codes avoid letters and digits that read alike (0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 8;

pub fn pickup_code(rng: &mut impl Rng) -> String {
    (0..CODE_LEN).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect()
}

/// What a person typed or a scanner read, as a code: full-width folded, spaces and dashes dropped,
/// upper case. `None` when it cannot be a code.
pub fn normalize_code(input: &str) -> Option<String> {
    // Only the letters and digits count: a pasted 「领取码：K7QD 2934」, dots, dashes, full-width or
    // lower-case letters all read as the code.
    let s: String = crate::text::normalize(input)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == CODE_LEN && s.bytes().all(|b| CODE_ALPHABET.contains(&b))).then_some(s)
}

/// Display a code in two groups of four, e.g. 「K7QD 2931」.
pub fn code_display(code: &str) -> String {
    if code.len() == CODE_LEN { format!("{} {}", &code[..4], &code[4..]) } else { code.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, h, 0, 0).unwrap()
    }

    #[test]
    fn registrations_are_decided_once_and_may_be_made_again_after_a_rejection() {
        assert_eq!(decide_volunteer(VolunteerState::Pending, true), Ok(VolunteerState::Approved));
        assert_eq!(decide_volunteer(VolunteerState::Pending, false), Ok(VolunteerState::Rejected));
        assert_eq!(decide_volunteer(VolunteerState::Approved, false).unwrap_err().code, "already_decided");
        assert!(may_apply(None).is_ok());
        assert!(may_apply(Some(VolunteerState::Rejected)).is_ok());
        assert_eq!(may_apply(Some(VolunteerState::Pending)).unwrap_err().code, "already_applied");
        assert_eq!(may_apply(Some(VolunteerState::Approved)).unwrap_err().code, "already_volunteer");
        assert_eq!(decide_correction(CorrectionState::Pending, true), Ok(CorrectionState::Approved));
        assert_eq!(decide_correction(CorrectionState::Pending, false), Ok(CorrectionState::Rejected));
        assert_eq!(decide_correction(CorrectionState::Rejected, true).unwrap_err().code, "already_decided");
    }

    #[test]
    fn corrections_wait_for_the_check_out_window_and_stay_inside_the_activity() {
        let ends = t(3);
        assert_eq!(check_correction(60, 30, 120, false, ends, t(4)).unwrap_err().code, "too_early");
        assert!(check_correction(60, 30, 120, true, ends, t(4)).is_ok());
        assert!(check_correction(60, 0, 120, false, ends, t(6)).is_ok());
        assert_eq!(check_correction(121, 30, 120, true, ends, t(6)).unwrap_err().code, "bad_minutes");
        assert_eq!(check_correction(-1, 30, 120, true, ends, t(6)).unwrap_err().code, "bad_minutes");
        assert_eq!(check_correction(30, 30, 120, true, ends, t(6)).unwrap_err().code, "no_change");
    }

    #[test]
    fn a_correction_brings_points_to_what_the_new_minutes_earn() {
        // 45 minutes at 10/h credited 7 points; corrected to 120 minutes → 20 points: +75 min, +13.
        assert_eq!(correction_entry(45, 7, 120, 10), (75, 13));
        // Corrected down.
        assert_eq!(correction_entry(120, 20, 60, 10), (-60, -10));
    }

    #[test]
    fn redemptions_need_the_points_and_a_sane_quantity() {
        assert_eq!(check_redemption(100, 30, 3, true), Ok(90));
        assert_eq!(check_redemption(100, 30, 4, true).unwrap_err().code, "insufficient_points");
        assert_eq!(check_redemption(100, 30, 0, true).unwrap_err().code, "bad_quantity");
        assert_eq!(check_redemption(100, 30, 11, true).unwrap_err().code, "bad_quantity");
        assert_eq!(check_redemption(100, 30, 1, false).unwrap_err().code, "item_unavailable");
    }

    #[test]
    fn a_redemption_is_collected_or_cancelled_once() {
        assert_eq!(next_redemption_state(RedemptionState::Reserved, "collect"), Ok(RedemptionState::Collected));
        assert_eq!(next_redemption_state(RedemptionState::Reserved, "cancel"), Ok(RedemptionState::Cancelled));
        assert_eq!(next_redemption_state(RedemptionState::Collected, "cancel").unwrap_err().code, "already_collected");
        assert_eq!(next_redemption_state(RedemptionState::Cancelled, "collect").unwrap_err().code, "already_cancelled");
    }

    #[test]
    fn typed_codes_are_folded_and_checked() {
        assert_eq!(normalize_code("k7qd-2934").as_deref(), Some("K7QD2934"));
        assert_eq!(normalize_code("ｋ７ｑｄ　２９３４").as_deref(), Some("K7QD2934"));
        assert_eq!(normalize_code("领取码：「K7QD 2934」。").as_deref(), Some("K7QD2934"));
        assert_eq!(normalize_code("K7QD.2934").as_deref(), Some("K7QD2934"));
        assert_eq!(normalize_code("K7QD293"), None);
        assert_eq!(normalize_code("K7QD2930"), None, "0 is not in the alphabet");
        assert_eq!(code_display("K7QD2934"), "K7QD 2934");
    }

    proptest! {
        #[test]
        fn generated_codes_always_read_back(seed in any::<u64>()) {
            use rand::SeedableRng;
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let c = pickup_code(&mut rng);
            prop_assert_eq!(normalize_code(&c.to_lowercase()), Some(c.clone()));
            prop_assert_eq!(normalize_code(&code_display(&c)), Some(c));
        }

        #[test]
        fn a_redemption_never_spends_more_than_the_balance(balance in 0i64..10_000, cost in 0i64..1000, q in 1i64..=10) {
            if let Ok(total) = check_redemption(balance, cost, q, true) {
                prop_assert!(total <= balance);
                prop_assert_eq!(total, cost * q);
            }
        }

        #[test]
        fn a_correction_then_its_entry_sum_to_the_new_credit(cur in 0i64..600, new in 0i64..600, rate in 0i64..100) {
            let credited = crate::activities::model::points(cur, rate);
            let (dm, dp) = correction_entry(cur, credited, new, rate);
            prop_assert_eq!(cur + dm, new);
            prop_assert_eq!(credited + dp, crate::activities::model::points(new, rate));
        }
    }
}
