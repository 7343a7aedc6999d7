//! Which notices a person may turn off, and a notice's words. Kinds are grouped the way a resident
//! thinks of them; a kind in no group asks something of the person (a request sent to them, an
//! escalation, a decision on their booking) and is always sent. A notice is stored as a catalog key and
//! its arguments ([`Msg`]), so each reader sees it in their own language.

use serde::{Deserialize, Serialize};

use crate::web::{
    i18n::{Lang, t},
    labels::Labelled,
};

/// An argument of a notice: words from the data (a name, a reason — shown as written) or a catalog key
/// (a state, a level — shown in the reader's language).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Text(String),
    Label { t: String },
}

/// A notice's words: the catalog key (`note.*`) and its `{name}` arguments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Msg {
    pub k: String,
    #[serde(default)]
    pub a: Vec<(String, Arg)>,
}

impl Msg {
    pub fn new(key: &str) -> Self {
        Msg { k: key.into(), a: vec![] }
    }
    /// `{name}` is this text from the data.
    pub fn text(mut self, name: &str, v: impl std::fmt::Display) -> Self {
        self.a.push((name.into(), Arg::Text(v.to_string())));
        self
    }
    /// `{name}` is this catalog entry, in the reader's language.
    pub fn label(mut self, name: &str, key: impl Into<String>) -> Self {
        self.a.push((name.into(), Arg::Label { t: key.into() }));
        self
    }
    /// `{name}` is this stored code's label.
    pub fn coded<L: Labelled>(self, name: &str, v: L) -> Self {
        let key = format!("{}.{}", L::PREFIX, v.code());
        self.label(name, key)
    }
    /// The words in this language; an argument the text does not use is ignored, and a key the catalog
    /// lacks shows the key (a test keeps that from happening).
    pub fn render(&self, lang: Lang) -> String {
        let mut s = match t(lang, &self.k) {
            "" => self.k.clone(),
            s => s.to_string(),
        };
        for (name, v) in &self.a {
            let v = match v {
                Arg::Text(x) => x.as_str(),
                Arg::Label { t: key } => match t(lang, key) {
                    "" => key.as_str(),
                    s => s,
                },
            };
            s = s.replace(&format!("{{{name}}}"), v);
        }
        s
    }
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
    pub fn from_json(s: &str) -> Option<Self> {
        serde_json::from_str(s).ok()
    }
}

/// (group, the kinds in it)
pub const GROUPS: &[(&str, &[&str])] = &[
    ("request_progress", &["progress"]),
    ("request_done", &["completed"]),
    ("activities", &["activity_changed", "activity_cancelled", "waitlist_promoted"]),
    ("wishes", &["wish"]),
    ("points", &["points_awarded"]),
    ("party", &["party_birthday", "party_meeting"]),
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

    #[test]
    fn a_notice_reads_in_each_language_and_survives_storage() {
        use crate::requests::model::Level;
        let m = Msg::new("note.req.escalated")
            .text("id", 12)
            .text("category", "电梯")
            .coded("level", Level::ProjectManager);
        let back = Msg::from_json(&m.to_json()).unwrap();
        assert_eq!(back, m);
        let zh = back.render(Lang::Zh);
        let en = back.render(Lang::En);
        assert!(
            zh.contains("#12") && zh.contains("电梯") && zh.contains(Level::ProjectManager.label(Lang::Zh)),
            "{zh}"
        );
        assert!(en.contains("#12") && en.contains(Level::ProjectManager.label(Lang::En)), "{en}");
        assert!(!zh.contains('{') && !en.contains('{'));
        assert_ne!(zh, en);
    }

    /// Every `note.*` entry uses the same `{names}` in both languages, so no argument is lost in one.
    #[test]
    fn every_notice_has_the_same_arguments_in_both_languages() {
        fn names(s: &str) -> Vec<String> {
            let mut v: Vec<String> =
                s.split('{').skip(1).filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string())).collect();
            v.sort();
            v
        }
        let entries: Vec<_> =
            crate::web::i18n::all_entries().into_iter().filter(|(k, _, _)| k.starts_with("note.")).collect();
        assert!(entries.len() > 20, "{}", entries.len());
        for (k, zh, en) in entries {
            assert_eq!(names(zh), names(en), "{k}");
        }
    }
}
