//! Principals kept in process between requests (issue 15). A request's one query validates its
//! credential and reads, beside it, the user's `auth_version` and the org tree's `auth_epoch`, both
//! bumped by database triggers on every change a principal is made of (`m0041_auth_versions`). A
//! principal is reused only while both numbers and the day it was resolved for are the ones just
//! read, so every instance behind the load balancer sees a role change, a move-out or a disabled
//! account on its next request: the cache saves the grants-and-scope query, never the check.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::NaiveDate;

use super::Principal;

/// What a cached principal was resolved under; it stands only while all three are unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub user_version: i64,
    pub epoch: i64,
    pub day: NaiveDate,
}

/// Past this many users the map is emptied and refilled from the database (a bound, not an LRU:
/// one instance serving more distinct users than this between two clears is not this product).
const MAX_ENTRIES: usize = 50_000;

#[derive(Default)]
pub struct Principals {
    map: RwLock<HashMap<i64, (Stamp, Arc<Principal>)>>,
}

impl Principals {
    /// The user's principal if it was resolved under exactly this stamp.
    pub fn get(&self, user_id: i64, stamp: Stamp) -> Option<Arc<Principal>> {
        let map = self.map.read().unwrap_or_else(|e| e.into_inner());
        map.get(&user_id).filter(|(s, _)| *s == stamp).map(|(_, p)| p.clone())
    }

    pub fn put(&self, user_id: i64, stamp: Stamp, principal: Arc<Principal>) {
        let mut map = self.map.write().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_ENTRIES && !map.contains_key(&user_id) {
            map.clear();
        }
        map.insert(user_id, (stamp, principal));
    }

    pub fn len(&self) -> usize {
        self.map.read().unwrap_or_else(|e| e.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::model::Scope;
    use crate::ids::UserId;

    fn principal(id: i64) -> Arc<Principal> {
        Arc::new(Principal {
            user_id: UserId(id),
            username: format!("u{id}"),
            display_name: "张三".into(),
            person_id: None,
            large_type: false,
            lang: "zh-CN".into(),
            grants: Vec::new(),
            scope: Scope::default(),
        })
    }

    fn stamp(v: i64, e: i64, d: u32) -> Stamp {
        Stamp { user_version: v, epoch: e, day: NaiveDate::from_ymd_opt(2026, 12, d).unwrap() }
    }

    #[test]
    fn a_principal_stands_only_under_the_stamp_it_was_resolved_under() {
        let c = Principals::default();
        c.put(1, stamp(3, 7, 1), principal(1));
        assert!(c.get(1, stamp(3, 7, 1)).is_some());
        assert!(c.get(1, stamp(4, 7, 1)).is_none(), "the user's own version moved");
        assert!(c.get(1, stamp(3, 8, 1)).is_none(), "the org tree moved");
        assert!(c.get(1, stamp(3, 7, 2)).is_none(), "a new day: roles and homes may have ended");
        assert!(c.get(2, stamp(3, 7, 1)).is_none(), "another user");
        c.put(1, stamp(4, 7, 1), principal(1));
        assert!(c.get(1, stamp(3, 7, 1)).is_none(), "replaced, not added");
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn the_map_is_bounded() {
        let c = Principals::default();
        for id in 0..(MAX_ENTRIES as i64 + 10) {
            c.put(id, stamp(0, 0, 1), principal(id));
        }
        assert!(c.len() <= MAX_ENTRIES, "{}", c.len());
        assert!(c.get(MAX_ENTRIES as i64 + 9, stamp(0, 0, 1)).is_some(), "the newest is kept");
    }
}
