//! Positions (阵地, C2) as plain rules: opening hours, booking slots and the checks a booking must pass.
//! No I/O: the store and the handlers pass in what they read.
//!
//! Bookings are made of 30-minute slots. Each slot of an active booking is a row with a unique key
//! (room, slot start), so the database itself refuses two bookings that overlap — on SQLite and on
//! PostgreSQL alike, however close together they arrive.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

/// Length of one booking slot.
pub const SLOT_MINUTES: i64 = 30;

/// Room functions named in the article (free text is allowed too).
pub const ROOM_FUNCTIONS: [&str; 6] =
    ["阅读室", "议事厅", "老年健康活动中心", "亲子活动中心", "球类活动场地", "多功能厅"];

/// One weekday's opening hours (1 = Monday … 7 = Sunday), in China time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hours {
    pub weekday: u8,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

impl Hours {
    pub fn new(weekday: u8, opens: NaiveTime, closes: NaiveTime) -> Result<Self, RuleError> {
        if !(1..=7).contains(&weekday) || closes <= opens {
            return Err(RuleError::new("invalid_hours", "开放时间无效：结束须晚于开始"));
        }
        Ok(Self { weekday, opens, closes })
    }
}

pub fn weekday_zh(d: u8) -> &'static str {
    ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"].get(d as usize).copied().unwrap_or("")
}

/// A room's booking rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub min_minutes: i64,
    pub max_minutes: i64,
    /// How long before the start a booking must be made.
    pub notice_minutes: i64,
    /// Active bookings one household may hold in a week (Monday–Sunday, China time); 0 = no limit.
    pub weekly_quota: i64,
    /// How far ahead a booking may start (days): the booking horizon.
    pub horizon_days: i64,
}

impl Default for Rules {
    fn default() -> Self {
        Self { min_minutes: 30, max_minutes: 240, notice_minutes: 60, weekly_quota: 2, horizon_days: 60 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub code: &'static str,
    pub zh: String,
}

impl RuleError {
    fn new(code: &'static str, zh: impl Into<String>) -> Self {
        Self { code, zh: zh.into() }
    }
}

pub use crate::clock::{to_local, to_utc};

/// The Monday and the next Monday around a day (the week a quota counts).
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = day - Duration::days(day.weekday().num_days_from_monday() as i64);
    (monday, monday + Duration::days(7))
}

/// Slot starts covering [start, end).
pub fn slots(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut v = Vec::new();
    let mut t = start;
    while t < end {
        v.push(t);
        t += Duration::minutes(SLOT_MINUTES);
    }
    v
}

/// What is needed to judge a booking request.
pub struct Attempt<'a> {
    /// China time.
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    pub now: NaiveDateTime,
    pub rules: Rules,
    pub hours: &'a [Hours],
    pub closed_dates: &'a [NaiveDate],
    /// The household's active bookings in the start's week (quota); `None` for staff and organisations.
    pub household_week_count: Option<i64>,
}

/// Check a booking against the room's rules and the centre's hours. Overlap with other bookings is not
/// checked here: the slot keys in the database refuse it.
pub fn check(a: &Attempt<'_>) -> Result<(), RuleError> {
    let aligned = |t: NaiveDateTime| t.time().second() == 0 && (t.time().minute() as i64) % SLOT_MINUTES == 0;
    if !aligned(a.start) || !aligned(a.end) {
        return Err(RuleError::new("not_aligned", "预约须按半小时整点开始和结束（如 09:00、09:30）"));
    }
    if a.end <= a.start {
        return Err(RuleError::new("invalid_time", "结束时间须晚于开始时间"));
    }
    if a.start < a.now {
        return Err(RuleError::new("in_past", "不能预约已经过去的时间"));
    }
    // Before any arithmetic on the times: a date years away is refused, not computed with.
    if a.start - a.now > Duration::days(a.rules.horizon_days) {
        return Err(RuleError::new("beyond_horizon", format!("最多只能预约{}天以内的时间", a.rules.horizon_days)));
    }
    let minutes = (a.end - a.start).num_minutes();
    if minutes < a.rules.min_minutes || minutes > a.rules.max_minutes {
        return Err(RuleError::new(
            "bad_length",
            format!("每次预约{}至{}分钟", a.rules.min_minutes, a.rules.max_minutes),
        ));
    }
    if a.start - a.now < Duration::minutes(a.rules.notice_minutes) {
        return Err(RuleError::new("too_late", format!("须至少提前{}分钟预约", a.rules.notice_minutes)));
    }
    let day = a.start.date();
    if a.end.date() != day {
        return Err(RuleError::new("outside_hours", "预约不能跨天"));
    }
    if a.closed_dates.contains(&day) {
        return Err(RuleError::new("closed_date", "该日闭馆，不能预约"));
    }
    let wd = day.weekday().number_from_monday() as u8;
    let open = a.hours.iter().any(|h| h.weekday == wd && a.start.time() >= h.opens && a.end.time() <= h.closes);
    if !open {
        return Err(RuleError::new("outside_hours", "不在开放时间内"));
    }
    if let Some(n) = a.household_week_count
        && a.rules.weekly_quota > 0
        && n >= a.rules.weekly_quota
    {
        return Err(RuleError::new("quota_reached", format!("每户每周最多预约{}次，本周已满", a.rules.weekly_quota)));
    }
    Ok(())
}

/// One 30-minute slot of a room's day, as the free/busy grid shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotState {
    Free,
    /// Held by a pending or approved booking.
    Taken,
    /// Open, but past, too soon (notice) or beyond the booking horizon.
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaySlot {
    pub start: NaiveTime,
    pub state: SlotState,
}

/// A room's slots on one day, inside the centre's opening hours (none on a closed date or day), each
/// free, taken by an active booking (`taken`: China-time intervals) or unavailable by the rules — what
/// [`check`] would refuse for a one-slot booking starting there.
pub fn day_slots(
    day: NaiveDate,
    now: NaiveDateTime,
    rules: Rules,
    hours: &[Hours],
    closed: &[NaiveDate],
    taken: &[(NaiveDateTime, NaiveDateTime)],
) -> Vec<DaySlot> {
    if closed.contains(&day) || (day - now.date()).num_days() > rules.horizon_days + 1 {
        return vec![];
    }
    let wd = day.weekday().number_from_monday() as u8;
    let mut out = Vec::new();
    let mut open: Vec<&Hours> = hours.iter().filter(|h| h.weekday == wd).collect();
    open.sort_by_key(|h| h.opens);
    for h in open {
        let mut t = day.and_time(h.opens);
        while t + Duration::minutes(SLOT_MINUTES) <= day.and_time(h.closes) {
            let end = t + Duration::minutes(SLOT_MINUTES);
            let state = if taken.iter().any(|(a, b)| *a < end && t < *b) {
                SlotState::Taken
            } else if t < now + Duration::minutes(rules.notice_minutes) || t - now > Duration::days(rules.horizon_days)
            {
                SlotState::Unavailable
            } else {
                SlotState::Free
            };
            if !out.iter().any(|s: &DaySlot| s.start == t.time()) {
                out.push(DaySlot { start: t.time(), state });
            }
            t = end;
        }
    }
    out
}

/// The free runs of a day's slots as (start, end) — the week view's 「09:30–12:00」: each run is
/// consecutive free slots, and runs are separated by a slot that is not free (or a gap in the hours).
pub fn free_runs(slots: &[DaySlot]) -> Vec<(NaiveTime, NaiveTime)> {
    let mut runs: Vec<(NaiveTime, NaiveTime)> = Vec::new();
    for s in slots.iter().filter(|s| s.state == SlotState::Free) {
        let end = s.start + Duration::minutes(SLOT_MINUTES);
        match runs.last_mut() {
            Some(last) if last.1 == s.start => last.1 = end,
            _ => runs.push((s.start, end)),
        }
    }
    runs
}

/// The ends a booking starting at `start` may have: through consecutive free slots, between the room's
/// shortest and longest booking. Empty when `start` is not a free slot.
pub fn ends_from(slots: &[DaySlot], start: NaiveTime, rules: Rules) -> Vec<NaiveTime> {
    let Some(i) = slots.iter().position(|s| s.start == start && s.state == SlotState::Free) else { return vec![] };
    let mut ends = Vec::new();
    let mut expected = start;
    for s in &slots[i..] {
        if s.start != expected || s.state != SlotState::Free {
            break;
        }
        let end = s.start + Duration::minutes(SLOT_MINUTES);
        let minutes = (end - start).num_minutes();
        if minutes > rules.max_minutes {
            break;
        }
        if minutes >= rules.min_minutes {
            ends.push(end);
        }
        expected = end;
    }
    ends
}

crate::coded! {
    /// Booking states. `pending` waits for approval (rooms that require it); `pending` and `approved` hold
    /// their slots; the others have released them.
    pub enum BookingState: "booking_state" {
        Pending,
        Approved,
        Rejected,
        Cancelled,
        /// Nobody checked in within the room's no-show window.
        Released,
    }
}

impl BookingState {
    /// The Chinese label (the catalog's `booking_state.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn holds_slots(self) -> bool {
        matches!(self, BookingState::Pending | BookingState::Approved)
    }
}

/// A booking's next state: staff approve or reject a pending one; the booker or staff cancel an active one
/// before it starts; the job releases an approved one nobody checked in to.
pub fn next_booking_state(from: BookingState, action: &str, staff: bool) -> Result<BookingState, RuleError> {
    use BookingState::*;
    match (from, action, staff) {
        (Pending, "approve", true) => Ok(Approved),
        (Pending, "reject", true) => Ok(Rejected),
        (Pending | Approved, "cancel", _) => Ok(Cancelled),
        (Approved, "release", true) => Ok(Released),
        _ => Err(RuleError::new("illegal_transition", format!("「{}」的预约不能执行此操作", from.zh()))),
    }
}

/// An approved booking nobody checked in to within `no_show_minutes` of its start is released.
pub fn is_no_show(
    state: BookingState,
    starts_at: DateTime<Utc>,
    no_show_minutes: i64,
    checked_in: bool,
    now: DateTime<Utc>,
) -> bool {
    state == BookingState::Approved && !checked_in && now >= starts_at + Duration::minutes(no_show_minutes)
}

/// What a centre's month is measured from (五常: 大门常开、服务常抓、场所常用、活动常办、群众常来).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthFacts {
    /// Days the weekly hours and closed days say it should open.
    pub scheduled_days: i64,
    /// Of those, days with at least one recorded visit (the door really was open).
    pub days_with_visits: i64,
    /// Scheduled room-hours (rooms × opening hours) and booked room-hours (approved or attended).
    pub room_minutes_open: i64,
    pub room_minutes_booked: i64,
    pub bookings: i64,
    pub bookings_attended: i64,
    pub visits: i64,
    pub distinct_visitors: i64,
    pub repeat_visitors: i64,
    /// 活动常办: the project's activity occurrences in the month that someone checked in to.
    pub activities_held: i64,
}

/// The 五常 as shown: each an exact per-mille or a count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wuchang {
    /// 大门常开: days open as scheduled, ‰.
    pub open_permille: u32,
    /// 服务常抓: bookings attended, ‰ of bookings.
    pub served_permille: u32,
    /// 场所常用: room-hours booked, ‰ of room-hours open.
    pub used_permille: u32,
    /// 群众常来: distinct visitors and how many came more than once.
    pub distinct_visitors: i64,
    pub repeat_visitors: i64,
}

pub fn wuchang(f: &MonthFacts) -> Wuchang {
    let pm = |n: i64, d: i64| if d <= 0 { 0 } else { ((n.max(0) * 1000 + d / 2) / d).min(1000) as u32 };
    Wuchang {
        open_permille: pm(f.days_with_visits, f.scheduled_days),
        served_permille: pm(f.bookings_attended, f.bookings),
        used_permille: pm(f.room_minutes_booked, f.room_minutes_open),
        distinct_visitors: f.distinct_visitors,
        repeat_visitors: f.repeat_visitors,
    }
}

/// Scheduled opening days and minutes in [first, next) of a month, from the weekly hours and closed days.
pub fn scheduled(first: NaiveDate, next: NaiveDate, hours: &[Hours], closed: &[NaiveDate]) -> (i64, i64) {
    let (mut days, mut minutes) = (0, 0);
    let mut d = first;
    while d < next {
        let wd = d.weekday().number_from_monday() as u8;
        if !closed.contains(&d)
            && let Some(h) = hours.iter().find(|h| h.weekday == wd)
        {
            days += 1;
            minutes += (h.closes - h.opens).num_minutes();
        }
        d += Duration::days(1);
    }
    (days, minutes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn t(d: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap().and_hms_opt(h, m, 0).unwrap()
    }
    fn week() -> Vec<Hours> {
        (1..=7)
            .map(|d| {
                Hours::new(d, NaiveTime::from_hms_opt(9, 0, 0).unwrap(), NaiveTime::from_hms_opt(21, 0, 0).unwrap())
                    .unwrap()
            })
            .collect()
    }
    fn attempt<'a>(
        start: NaiveDateTime,
        end: NaiveDateTime,
        hours: &'a [Hours],
        closed: &'a [NaiveDate],
    ) -> Attempt<'a> {
        Attempt {
            start,
            end,
            now: t(1, 8, 0),
            rules: Rules::default(),
            hours,
            closed_dates: closed,
            household_week_count: Some(0),
        }
    }

    #[test]
    fn a_booking_inside_the_hours_passes_and_every_rule_has_its_code() {
        let h = week();
        assert_eq!(check(&attempt(t(3, 14, 0), t(3, 16, 0), &h, &[])), Ok(()));
        let code = |a: &Attempt| check(a).unwrap_err().code;
        assert_eq!(code(&attempt(t(3, 14, 10), t(3, 16, 0), &h, &[])), "not_aligned");
        assert_eq!(code(&attempt(t(3, 16, 0), t(3, 14, 0), &h, &[])), "invalid_time");
        assert_eq!(code(&attempt(t(3, 8, 0), t(3, 9, 0), &h, &[])), "outside_hours");
        assert_eq!(code(&attempt(t(3, 20, 0), t(3, 21, 30), &h, &[])), "outside_hours");
        assert_eq!(code(&attempt(t(3, 10, 0), t(3, 15, 0), &h, &[])), "bad_length");
        assert_eq!(code(&attempt(t(1, 8, 30), t(1, 9, 30), &h, &[])), "too_late");
        let mut a = attempt(t(1, 7, 0), t(1, 7, 30), &h, &[]);
        a.now = t(1, 7, 10);
        assert_eq!(code(&a), "in_past");
        let closed = [NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()];
        assert_eq!(code(&attempt(t(3, 14, 0), t(3, 16, 0), &h, &closed)), "closed_date");
        let mut a = attempt(t(3, 14, 0), t(3, 16, 0), &h, &[]);
        a.household_week_count = Some(2);
        assert_eq!(code(&a), "quota_reached");
        a.household_week_count = None;
        assert_eq!(check(&a), Ok(()), "staff and organisations have no household quota");
        // A day with no hours is closed.
        let weekdays: Vec<Hours> = week().into_iter().filter(|x| x.weekday <= 5).collect();
        assert_eq!(
            code(&attempt(t(5, 14, 0), t(5, 15, 0), &weekdays, &[])),
            "outside_hours",
            "2026-12-05 is a Saturday"
        );
    }

    #[test]
    fn slots_cover_the_booking_in_half_hours_and_weeks_start_on_monday() {
        let s = to_utc(t(3, 14, 0));
        assert_eq!(slots(s, s + Duration::minutes(90)).len(), 3);
        assert_eq!(to_utc(t(3, 14, 0)).to_rfc3339(), "2026-12-03T06:00:00+00:00");
        let (mon, next) = week_of(NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
        assert_eq!(mon, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(next, NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
    }

    #[test]
    fn booking_states_move_only_as_documented() {
        use BookingState::*;
        assert_eq!(next_booking_state(Pending, "approve", true), Ok(Approved));
        assert!(next_booking_state(Pending, "approve", false).is_err());
        assert_eq!(next_booking_state(Approved, "cancel", false), Ok(Cancelled));
        assert!(next_booking_state(Cancelled, "cancel", true).is_err());
        assert!(next_booking_state(Released, "approve", true).is_err());
        for s in BookingState::ALL {
            assert_eq!(s.holds_slots(), matches!(s, Pending | Approved));
        }
    }

    #[test]
    fn no_shows_are_released_only_after_the_window_and_without_a_check_in() {
        let start = to_utc(t(3, 14, 0));
        assert!(!is_no_show(BookingState::Approved, start, 15, false, start + Duration::minutes(14)));
        assert!(is_no_show(BookingState::Approved, start, 15, false, start + Duration::minutes(15)));
        assert!(!is_no_show(BookingState::Approved, start, 15, true, start + Duration::hours(1)));
        assert!(!is_no_show(BookingState::Pending, start, 15, false, start + Duration::hours(1)));
    }

    #[test]
    fn the_five_constants_come_from_the_months_facts() {
        let h = week();
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let next = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let closed = [NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()];
        assert_eq!(scheduled(first, next, &h, &closed), (30, 30 * 12 * 60));
        let w = wuchang(&MonthFacts {
            scheduled_days: 30,
            days_with_visits: 27,
            room_minutes_open: 1000,
            room_minutes_booked: 250,
            bookings: 8,
            bookings_attended: 6,
            visits: 40,
            distinct_visitors: 25,
            repeat_visitors: 9,
            activities_held: 4,
        });
        assert_eq!((w.open_permille, w.served_permille, w.used_permille), (900, 750, 250));
        assert_eq!(
            wuchang(&MonthFacts::default()),
            Wuchang::default(),
            "an empty month is zeros, not a division by zero"
        );
    }

    proptest! {
        /// Two bookings overlap exactly when they share a slot — the property the unique slot key relies on.
        #[test]
        fn overlap_is_exactly_a_shared_slot(a in 0i64..40, la in 1i64..8, b in 0i64..40, lb in 1i64..8) {
            let base = to_utc(t(3, 0, 0));
            let at = |k: i64| base + Duration::minutes(k * SLOT_MINUTES);
            let (s1, e1, s2, e2) = (at(a), at(a + la), at(b), at(b + lb));
            let overlap = s1 < e2 && s2 < e1;
            let x = slots(s1, e1);
            let shared = slots(s2, e2).iter().any(|s| x.contains(s));
            prop_assert_eq!(overlap, shared);
        }
    }

    #[test]
    fn the_day_grid_shows_open_slots_only_and_ends_follow_free_runs() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(); // a Wednesday
        let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let hours = [Hours::new(3, t(9, 0), t(21, 0)).unwrap()];
        let now = day.and_time(t(8, 0));
        let rules = Rules { min_minutes: 60, max_minutes: 120, notice_minutes: 90, ..Rules::default() };
        let taken = [(day.and_time(t(14, 0)), day.and_time(t(15, 0)))];
        let slots = day_slots(day, now, rules, &hours, &[], &taken);
        assert_eq!(slots.len(), 24, "09:00–21:00 in half hours, nothing at 00:00 or 23:30");
        assert_eq!(slots[0], DaySlot { start: t(9, 0), state: SlotState::Unavailable }, "inside the notice");
        assert_eq!(slots[1].state, SlotState::Free);
        assert_eq!(slots.iter().filter(|s| s.state == SlotState::Taken).count(), 2);
        assert_eq!(ends_from(&slots, t(13, 0), rules), vec![t(14, 0)], "stops at the taken slot");
        assert_eq!(ends_from(&slots, t(15, 0), rules), vec![t(16, 0), t(16, 30), t(17, 0)]);
        assert!(ends_from(&slots, t(14, 0), rules).is_empty());
        assert!(ends_from(&slots, t(20, 30), rules).is_empty(), "too short before closing");
        assert!(day_slots(day, now, rules, &hours, &[day], &[]).is_empty(), "closed date");
        assert!(day_slots(day + Duration::days(1), now, rules, &hours, &[], &[]).is_empty(), "closed weekday");
    }

    #[test]
    fn free_runs_join_consecutive_free_slots_only() {
        let t = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        let slot = |h, m, state| DaySlot { start: t(h, m), state };
        use SlotState::*;
        let slots = [
            slot(9, 0, Unavailable),
            slot(9, 30, Free),
            slot(10, 0, Free),
            slot(10, 30, Taken),
            slot(11, 0, Free),
            // a lunch break in the hours: 11:30–14:00 is not a slot
            slot(14, 0, Free),
        ];
        assert_eq!(free_runs(&slots), vec![(t(9, 30), t(10, 30)), (t(11, 0), t(11, 30)), (t(14, 0), t(14, 30))]);
        assert!(free_runs(&[]).is_empty());
    }

    proptest! {
        /// The runs cover exactly the free slots: every free slot is inside one run, no run holds any
        /// other slot, and runs neither touch nor overlap.
        #[test]
        fn free_runs_cover_exactly_the_free_slots(states in proptest::collection::vec(0u8..3, 0..30)) {
            let slots: Vec<DaySlot> = states.iter().enumerate().map(|(i, s)| DaySlot {
                start: NaiveTime::from_hms_opt(8, 0, 0).unwrap() + Duration::minutes(i as i64 * SLOT_MINUTES),
                state: [SlotState::Free, SlotState::Taken, SlotState::Unavailable][*s as usize],
            }).collect();
            let runs = free_runs(&slots);
            for s in &slots {
                let inside = runs.iter().any(|(a, b)| *a <= s.start && s.start < *b);
                prop_assert_eq!(inside, s.state == SlotState::Free);
            }
            for w in runs.windows(2) {
                prop_assert!(w[0].1 < w[1].0);
            }
        }
    }

    proptest! {
        /// Whatever the grid offers as a start and an end, the booking rules accept (overlap aside).
        #[test]
        fn every_offered_start_and_end_passes_the_rules(
            open_h in 6u32..12, len_h in 2u32..12, now_min in 0i64..(60 * 24), notice in 0i64..240,
            min_slots in 1i64..4, extra in 0i64..6, taken_at in 0u32..24,
        ) {
            let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
            let opens = NaiveTime::from_hms_opt(open_h, 0, 0).unwrap();
            let closes = NaiveTime::from_hms_opt((open_h + len_h).min(23), 0, 0).unwrap();
            let hours = [Hours::new(3, opens, closes).unwrap()];
            let now = day.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(now_min);
            let rules = Rules {
                min_minutes: min_slots * 30,
                max_minutes: (min_slots + extra) * 30,
                notice_minutes: notice,
                weekly_quota: 0,
                horizon_days: 60,
            };
            let ts = day.and_hms_opt(taken_at, 0, 0).unwrap();
            let slots = day_slots(day, now, rules, &hours, &[], &[(ts, ts + Duration::minutes(60))]);
            for s in slots.iter().filter(|s| s.state == SlotState::Free) {
                for end in ends_from(&slots, s.start, rules) {
                    let a = Attempt {
                        start: day.and_time(s.start),
                        end: day.and_time(end),
                        now,
                        rules,
                        hours: &hours,
                        closed_dates: &[],
                        household_week_count: None,
                    };
                    prop_assert!(check(&a).is_ok(), "{:?}–{:?}: {:?}", s.start, end, check(&a));
                    prop_assert!(!(day.and_time(s.start) < ts + Duration::minutes(60) && ts < day.and_time(end)));
                }
            }
        }
    }
}
