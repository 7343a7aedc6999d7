//! Labels of stored codes (states, kinds, roles…) in both languages, so an English page shows
//! "In progress" where a Chinese one shows 处理中. A model's enum implements [`Labelled`] (its catalog
//! prefix, its code and every value); its `zh()` reads the same entry, so the words live in one place,
//! and a test checks every value of every labelled enum has both.

use super::i18n::{Lang, t};

/// A stored code whose label is the catalog entry `<PREFIX>.<code>`.
pub trait Labelled: Copy + 'static {
    const PREFIX: &'static str;
    /// Every value (for the completeness test and for choice lists).
    const VALUES: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self, lang: Lang) -> &'static str {
        label(lang, Self::PREFIX, self.code())
    }
}

/// A stored code as an enum, said once: the variants' codes (snake_case, by `strum`; a variant may say
/// `#[strum(serialize = "…")]`), `ALL` in declaration order, `as_str`, `label(lang)` and [`Labelled`]
/// with the catalog prefix — and, all from the same code, JSON, a text column (sea-orm
/// `DeriveValueType`, read through `FromStr`) and an OpenAPI string enum. A code the database holds that
/// no variant names is a read error, not a silent default.
///
/// ```
/// xinghuo::coded! {
///     /// A door's state.
///     pub enum DoorState: "door_state" { Open, Shut }
/// }
/// assert_eq!(DoorState::Shut.as_str(), "shut");
/// assert_eq!("open".parse::<DoorState>().unwrap(), DoorState::Open);
/// assert_eq!(DoorState::ALL, [DoorState::Open, DoorState::Shut]);
/// assert_eq!(serde_json::to_string(&DoorState::Shut).unwrap(), "\"shut\"");
/// ```
#[macro_export]
macro_rules! coded {
    ($(#[$m:meta])* $vis:vis enum $name:ident : $prefix:literal { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            strum::IntoStaticStr, strum::EnumString, strum::Display, sea_orm::DeriveValueType,
        )]
        #[strum(serialize_all = "snake_case")]
        #[sea_orm(value_type = "String")]
        $vis enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            pub const ALL: [$name; [$(stringify!($v)),+].len()] = [$($name::$v),+];
            pub fn as_str(self) -> &'static str {
                self.into()
            }
            /// The label in this language (the catalog's `<prefix>.<code>`); takes `Lang` or `&Lang`
            /// (templates pass references).
            pub fn label(self, lang: impl std::borrow::Borrow<$crate::web::i18n::Lang>) -> &'static str {
                $crate::web::labels::label(*lang.borrow(), $prefix, self.as_str())
            }
        }

        impl $crate::web::labels::Labelled for $name {
            const PREFIX: &'static str = $prefix;
            const VALUES: &'static [Self] = &$name::ALL;
            fn code(self) -> &'static str {
                self.as_str()
            }
        }

        // JSON carries the stored code itself (not serde's own spelling of the variant).
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
                code.parse().map_err(|_| serde::de::Error::custom(format!("unknown {}: {code}", $prefix)))
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some($name::ALL.iter().map(|v| v.as_str())))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// The label of `<prefix>.<code>`, or the code itself when the catalog has none.
pub fn label(lang: Lang, prefix: &str, code: &'static str) -> &'static str {
    match label_of(lang, prefix, code) {
        "" => code,
        s => s,
    }
}

/// The label of a code read from a row (`signup_state`, `confirmed`), or "" when the catalog has none.
pub fn label_of(lang: Lang, prefix: &str, code: &str) -> &'static str {
    t(lang, &format!("{prefix}.{code}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activities::model::{ActivityKind, OccurrenceState, SignupState};
    use crate::party::{
        meetings::model::{MeetingKind, Period, Presence},
        model::{MemberStatus, Post},
    };
    use crate::{
        auth::model::Role,
        org::model::{NodeKind, PartyOrgKind, ProjectKind},
        people::model::Relation,
        positions::model::BookingState,
        requests::model::{Channel, Kind, Level, Outside, PushState, ReferralState, State},
        volunteers::model::{CorrectionState, RedemptionState, TeamKind, VolunteerState},
    };

    fn complete<T: Labelled>() -> Vec<String> {
        let mut missing = Vec::new();
        for v in T::VALUES {
            let key = format!("{}.{}", T::PREFIX, v.code());
            for lang in [Lang::Zh, Lang::En] {
                if t(lang, &key).is_empty() {
                    missing.push(format!("{key} ({lang:?})"));
                }
            }
        }
        missing
    }

    #[test]
    fn every_value_of_every_labelled_enum_has_both_labels() {
        let mut missing = Vec::new();
        missing.extend(complete::<Kind>());
        missing.extend(complete::<Channel>());
        missing.extend(complete::<State>());
        missing.extend(complete::<Level>());
        missing.extend(complete::<BookingState>());
        missing.extend(complete::<NodeKind>());
        missing.extend(complete::<ProjectKind>());
        missing.extend(complete::<PartyOrgKind>());
        missing.extend(complete::<Role>());
        missing.extend(complete::<Relation>());
        missing.extend(complete::<ActivityKind>());
        missing.extend(complete::<SignupState>());
        missing.extend(complete::<OccurrenceState>());
        missing.extend(complete::<TeamKind>());
        missing.extend(complete::<VolunteerState>());
        missing.extend(complete::<CorrectionState>());
        missing.extend(complete::<RedemptionState>());
        missing.extend(complete::<Outside>());
        missing.extend(complete::<ReferralState>());
        missing.extend(complete::<PushState>());
        missing.extend(complete::<MemberStatus>());
        missing.extend(complete::<Post>());
        missing.extend(complete::<MeetingKind>());
        missing.extend(complete::<Period>());
        missing.extend(complete::<Presence>());
        missing.extend(complete::<crate::honours::model::Level>());
        missing.extend(complete::<crate::honours::model::RecipientKind>());
        missing.extend(complete::<crate::joint::model::List>());
        missing.extend(complete::<crate::joint::model::Status>());
        missing.extend(complete::<crate::joint::model::Side>());
        missing.extend(complete::<crate::wishes::model::WishState>());
        missing.extend(complete::<crate::convenience::lending::model::ItemKind>());
        missing.extend(complete::<crate::grid::campaigns::model::Topic>());
        missing.extend(complete::<crate::supervision::model::Area>());
        missing.extend(complete::<crate::care::model::Tag>());
        missing.extend(complete::<crate::care::model::How>());
        missing.extend(complete::<crate::care::model::Wellbeing>());
        missing.extend(complete::<crate::convenience::custody::model::Item>());
        missing.extend(complete::<crate::convenience::custody::model::KeyEvent>());
        missing.extend(complete::<crate::convenience::parcels::model::ParcelState>());
        missing.extend(complete::<crate::supervision::model::Scoring>());
        missing.extend(complete::<crate::supervision::model::FindingState>());
        missing.extend(complete::<crate::grid::campaigns::model::How>());
        missing.extend(complete::<crate::convenience::lending::model::LoanState>());
        missing.extend(complete::<crate::convenience::lending::model::Condition>());
        missing.extend(complete::<crate::party::contacts::model::VisitHow>());
        missing.extend(complete::<crate::party::contacts::model::StationKind>());
        missing.extend(complete::<crate::party::score::model::Source>());
        missing.extend(complete::<crate::joint::pairs::model::RotationState>());
        missing.extend(complete::<crate::bodies::model::BodyKind>());
        assert!(missing.is_empty(), "labels missing: {missing:?}");
        assert_eq!(SignupState::Waitlisted.label(Lang::Zh), "候补中");
        assert_eq!(SignupState::Waitlisted.label(Lang::En), "On the waiting list");
        assert_eq!(State::InProgress.label(Lang::En), "In progress");
        assert_eq!(State::InProgress.label(Lang::Zh), "处理中");
        assert_eq!(State::InProgress.zh(), "处理中");
    }

    /// The codes are what the database holds: deriving them (strum) must not change one.
    #[test]
    fn stored_codes_do_not_change() {
        fn codes<T: Labelled>() -> String {
            T::VALUES.iter().map(|v| v.code()).collect::<Vec<_>>().join(",")
        }
        assert_eq!(codes::<Kind>(), "repair,complaint,suggestion,inquiry,praise");
        assert_eq!(codes::<Channel>(), "resident_page,staff_phone,staff_walk_in,supervisor,grid_member,open311");
        assert_eq!(
            codes::<State>(),
            "pending,dispatched,in_progress,suspended,escalated,awaiting_rating,closed,voided"
        );
        assert_eq!(codes::<Level>(), "handler,manager,branch");
        assert_eq!(codes::<BookingState>(), "pending,approved,rejected,cancelled,released");
        assert_eq!(codes::<ActivityKind>(), "party_day,three_one,volunteer,festival,sports,publicity,care_visit");
        assert_eq!(codes::<SignupState>(), "confirmed,waitlisted,cancelled");
        assert_eq!(codes::<OccurrenceState>(), "scheduled,skipped");
        assert_eq!(codes::<TeamKind>(), "commando,service,quality");
        assert_eq!(codes::<VolunteerState>(), "pending,approved,rejected");
        assert_eq!(codes::<CorrectionState>(), "pending,approved,rejected");
        assert_eq!(codes::<RedemptionState>(), "reserved,collected,cancelled");
        assert_eq!(
            codes::<NodeKind>(),
            "company,branch,project,building,unit,household,district,street,community,grid,microgrid"
        );
        assert_eq!(codes::<ProjectKind>(), "residential,office,resettlement");
        assert_eq!(
            codes::<PartyOrgKind>(),
            "company_committee,project_branch,community_committee,street_work_committee,general_branch,branch,group"
        );
        assert_eq!(codes::<MemberStatus>(), "probationary,full");
        assert_eq!(codes::<Post>(), "secretary,deputy_secretary,organisation,publicity,discipline,member");
        assert_eq!(codes::<MeetingKind>(), "assembly,committee,group,lecture,theme_day,life_meeting,appraisal");
        assert_eq!(codes::<Period>(), "month,quarter,year");
        assert_eq!(codes::<Presence>(), "present,excused,absent");
        assert_eq!(codes::<crate::party::contacts::model::VisitHow>(), "door,phone,wechat");
        assert_eq!(codes::<crate::party::contacts::model::StationKind>(), "pioneer,model");
        assert_eq!(codes::<crate::party::score::model::Source>(), "meeting,wish,contact_visit,service_hour");
        assert_eq!(
            codes::<crate::honours::model::Level>(),
            "national,provincial,city,district,street,community,company"
        );
        assert_eq!(codes::<crate::honours::model::RecipientKind>(), "org,person");
        assert_eq!(codes::<crate::joint::model::List>(), "resource,need,project");
        assert_eq!(codes::<crate::joint::model::Status>(), "planned,doing,done");
        assert_eq!(codes::<crate::joint::model::Side>(), "community,company,owners,members");
        assert_eq!(codes::<crate::wishes::model::WishState>(), "open,claimed,fulfilled,confirmed,withdrawn");
        assert_eq!(
            codes::<crate::convenience::lending::model::ItemKind>(),
            "ladder,wheelchair,toolkit,umbrella,stroller,other"
        );
        assert_eq!(codes::<crate::convenience::lending::model::LoanState>(), "reserved,out,returned,cancelled");
        assert_eq!(codes::<crate::convenience::lending::model::Condition>(), "good,worn,damaged");
        assert_eq!(codes::<crate::convenience::custody::model::Item>(), "water,gas,windows,plants,power,mail");
        assert_eq!(codes::<crate::convenience::custody::model::KeyEvent>(), "received,returned");
        assert_eq!(codes::<crate::convenience::parcels::model::ParcelState>(), "requested,taken,delivered,cancelled");
        assert_eq!(
            codes::<Role>(),
            "company_admin,staff,cadre,grid_member,party_member,volunteer,supervisor,committee_member"
        );
        assert_eq!(codes::<Relation>(), "owner,occupant,tenant,family");
        assert_eq!(codes::<Outside>(), "community,street,hotline");
        assert_eq!(codes::<ReferralState>(), "sent,accepted,asked_back,answered,closed");
        assert_eq!(codes::<PushState>(), "queued,sending,sent,unknown");
        // And each code reads back as its value.
        assert_eq!("in_progress".parse::<State>().ok(), Some(State::InProgress));
        assert_eq!("manager".parse::<Level>().ok(), Some(Level::ProjectManager));
        assert!("nonsense".parse::<State>().is_err());
    }
}
