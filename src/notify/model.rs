//! Which notices a person may turn off. Kinds are grouped the way a resident thinks of them; a kind in
//! no group asks something of the person (a request sent to them, an escalation, a decision on their
//! booking) and is always sent.

/// (group, the kinds in it)
pub const GROUPS: &[(&str, &[&str])] = &[
    ("request_progress", &["progress"]),
    ("request_done", &["completed"]),
    ("activities", &["activity_changed", "activity_cancelled", "waitlist_promoted"]),
    ("points", &["points_awarded"]),
];

/// The group a kind belongs to, if it may be turned off.
pub fn group_of(kind: &str) -> Option<&'static str> {
    GROUPS.iter().find(|(_, kinds)| kinds.contains(&kind)).map(|(g, _)| *g)
}

/// A group name from a form, if it is one.
pub fn group(name: &str) -> Option<&'static str> {
    GROUPS.iter().map(|(g, _)| *g).find(|g| *g == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_in_at_most_one_group_and_duties_are_never_muted() {
        let mut all: Vec<&str> = GROUPS.iter().flat_map(|(_, k)| k.iter().copied()).collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
        for duty in ["dispatch", "chase", "bad_rating", "escalation", "referral", "booking_cancelled", "data_request"] {
            assert_eq!(group_of(duty), None, "{duty} must always be sent");
        }
        assert_eq!(group_of("progress"), Some("request_progress"));
        assert_eq!(group("request_done"), Some("request_done"));
        assert_eq!(group("dispatch"), None);
    }
}
