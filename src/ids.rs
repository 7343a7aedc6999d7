//! Typed ids: one transparent newtype per kind of record, so a function that takes a team and a person
//! cannot be called with the two swapped — it does not compile.
//!
//! Each id is an `i64` underneath and stays one on every boundary: it binds and reads as an integer in
//! SQL (sea-orm's `DeriveValueType`), parses from a path segment or a form field and serialises to JSON as
//! a bare number (`serde(transparent)`), prints as the number, and appears in the OpenAPI document as an
//! integer. `.get()` gives the number where one is really wanted (a URL, a log field, arithmetic on
//! the database's sequence order).
//!
//! Ids given in the right order compile:
//!
//! ```
//! use xinghuo::ids::{PersonId, TeamId};
//! fn join(_team: TeamId, _person: PersonId) {}
//! join(TeamId(2), PersonId(1));
//! ```
//!
//! and swapped they do not (`cargo test --doc`, run by `scripts/test.sh`, fails if this ever compiles):
//!
//! ```compile_fail
//! use xinghuo::ids::{PersonId, TeamId};
//! fn join(_team: TeamId, _person: PersonId) {}
//! join(PersonId(1), TeamId(2));
//! ```

use std::{fmt, str::FromStr};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sea_orm::DeriveValueType,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <i64 as utoipa::PartialSchema>::schema()
            }
        }

        impl utoipa::ToSchema for $name {}
    )*};
}

ids! {
    /// A node of the organisation tree (company, project, community, street, building, unit…).
    NodeId,
    /// A project (an estate): an org node of kind project.
    ProjectId,
    /// A household (a home: a room in a building).
    HouseholdId,
    /// A person (resident, staff member, cadre, volunteer).
    PersonId,
    /// A log-in account.
    UserId,
    /// A volunteer team.
    TeamId,
    /// One date of an activity.
    OccurrenceId,
    /// A person's sign-up for one date of an activity.
    SignupId,
}

impl From<ProjectId> for NodeId {
    /// Every project is an org node; the reverse is not true, so there is no `From<NodeId>`.
    fn from(p: ProjectId) -> NodeId {
        NodeId(p.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_a_bare_integer_in_json_forms_and_text() {
        assert_eq!(serde_json::to_string(&PersonId(42)).unwrap(), "42");
        assert_eq!(serde_json::from_str::<PersonId>("42").unwrap(), PersonId(42));
        #[derive(serde::Deserialize)]
        struct Form {
            team_id: TeamId,
        }
        let f: Form = serde_urlencoded::from_str("team_id=7").unwrap();
        assert_eq!(f.team_id, TeamId(7));
        assert!(serde_urlencoded::from_str::<Form>("team_id=x").is_err());
        assert_eq!("15".parse::<HouseholdId>().unwrap(), HouseholdId(15));
        assert_eq!(PersonId(3).to_string(), "3");
        assert_eq!(sea_orm::Value::from(PersonId(9)), sea_orm::Value::BigInt(Some(9)));
    }
}
