//! Who is told about a request's step, and in which words: the people who must act now (the new handler,
//! the handler chased, the managers after a bad rating) and the reporter at each step that concerns them,
//! as FixMyStreet's updates do. Written in the step's transaction.

use chrono::{DateTime, Utc};

use super::super::{
    model::{Action, State},
    store::RequestRow,
};
use crate::{error::AppError, ids::PersonId};

/// Who hears about a step: the new handler on dispatch or transfer; the handler when the resident chases
/// or reopens; the resident when it is done and waits for a rating; the project managers after a bad
/// rating (they owe a second return visit).
pub async fn notify_after(
    conn: &impl sea_orm::ConnectionTrait,
    r: &RequestRow,
    action: &Action,
    to: State,
    second_visit: bool,
    assignee: Option<PersonId>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    use crate::notify;
    let about = |key: &str| notify::Msg::new(key).text("id", r.id).text("category", &r.category_name);
    let link = Some(format!("/requests/{}", r.id));
    // Those who must act on it now.
    let work = match action {
        Action::Dispatch | Action::Transfer { .. } => match assignee {
            Some(a) => Some((notify::users_of_person(conn, a).await?, about("note.req.dispatched_to_you"), "dispatch")),
            None => None,
        },
        Action::Chase | Action::Reopen { .. } => {
            let msg = about(if matches!(action, Action::Chase) { "note.req.chased" } else { "note.req.reopened" });
            Some(match r.assignee_person_id {
                Some(a) => (notify::users_of_person(conn, a).await?, msg, "chase"),
                None => {
                    (notify::project_staff_users(conn, r.project_id, None).await?, about("note.req.chased"), "chase")
                }
            })
        }
        Action::Rate(_) if second_visit => Some((
            notify::project_staff_users(conn, r.project_id, Some("项目经理")).await?,
            about("note.req.bad_rating"),
            "bad_rating",
        )),
        _ => None,
    };
    if let Some((users, msg, kind)) = work {
        notify::to_users(conn, &users, &notify::Note { kind, msg, link: link.clone() }, now).await?;
    }
    // The reporter hears of every step that concerns them, as FixMyStreet's updates do.
    if let (Some(p), Some((kind, msg))) = (r.reporter_person_id, reporter_update(about, action, to)) {
        let users = notify::users_of_person(conn, p).await?;
        notify::to_users(conn, &users, &notify::Note { kind, msg, link }, now).await?;
    }
    Ok(())
}

/// What the reporter is told after a step (none for steps inside the property: returns, transfers,
/// or the reporter's own).
pub fn reporter_update(
    about: impl Fn(&str) -> crate::notify::Msg,
    action: &Action,
    to: State,
) -> Option<(&'static str, crate::notify::Msg)> {
    let when = |t: DateTime<Utc>| crate::clock::fmt_datetime(t);
    Some(match action {
        Action::Dispatch => ("progress", about("note.req.dispatched")),
        Action::Accept => ("progress", about("note.req.accepted")),
        Action::Suspend { resume_at, reason } => {
            ("progress", about("note.req.suspended").text("reason", reason).text("at", when(*resume_at)))
        }
        Action::Resume => ("progress", about("note.req.resumed")),
        Action::EscalateOutside { to: o, .. } => ("progress", about("note.req.pushed_up").coded("to", *o)),
        Action::OutsideAnswer { note, resolved: true } => {
            ("completed", about("note.req.answered_solved").text("note", note))
        }
        Action::OutsideAnswer { note, resolved: false } => {
            ("progress", about("note.req.answered_back").text("note", note))
        }
        Action::Complete { .. } if to == State::AwaitingRating => ("completed", about("note.req.done")),
        Action::Void { reason } => ("progress", about("note.req.voided").text("reason", reason)),
        _ => return None,
    })
}
