//! The form of a step on a request (page and API) and its reading into the state machine's `Action`:
//! what the person typed is checked here (lengths, times, scores), the rules in `model::transition`.

use chrono::{NaiveDateTime, Utc};
use chrono_tz::Asia::Shanghai;
use serde::Deserialize;

use crate::error::AppError;
use crate::requests::model::{Action, Outside, Rating};

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ActionForm {
    pub action: String,
    pub reason: String,
    /// Dispatch / transfer: the person to hand it to…
    pub assignee_person_id: String,
    /// …or a post (岗位) of the project, whose members may take it.
    pub handler_post: String,
    /// Suspend: `YYYY-MM-DDTHH:MM` in China time.
    pub resume_at: String,
    /// Escalate outside: `community`, `street`, `12345`.
    pub outside: String,
    /// Escalate to the hotline: its ticket number (工单号), when known.
    pub outside_ref: String,
    /// Outside answer: `1` resolved, otherwise back to handling.
    pub resolved: String,
    pub speed: String,
    pub quality: String,
    pub attitude: String,
}

pub fn parse_action(f: &ActionForm) -> Result<Action, AppError> {
    let reason = crate::text::normalize(&f.reason);
    if reason.chars().count() > 500 {
        return Err(AppError::field("reason", "说明不能超过500字"));
    }
    let score = |s: &str, field: &str| {
        crate::text::num(s).parse::<u8>().map_err(|_| AppError::field(field, "请为每一项打1至5分"))
    };
    Ok(match f.action.as_str() {
        "dispatch" => Action::Dispatch,
        "accept" => Action::Accept,
        "return" => Action::Return { reason },
        "transfer" => Action::Transfer { reason },
        "suspend" => {
            let t = NaiveDateTime::parse_from_str(f.resume_at.trim(), "%Y-%m-%dT%H:%M")
                .ok()
                .and_then(|t| t.and_local_timezone(Shanghai).single())
                .ok_or_else(|| AppError::field("resume_at", "请填写恢复时间"))?;
            Action::Suspend { reason, resume_at: t.with_timezone(&Utc) }
        }
        "resume" => Action::Resume,
        "escalate_outside" => {
            let to = Outside::parse(&f.outside)
                .ok_or_else(|| AppError::field("outside", "请选择上报对象：社区、街道或12345"))?;
            if f.outside_ref.trim().chars().count() > 64 {
                return Err(AppError::field("outside_ref", "工单号不能超过64个字符"));
            }
            Action::EscalateOutside { to, reason }
        }
        "outside_answer" => Action::OutsideAnswer { note: reason, resolved: f.resolved == "1" },
        "complete" => Action::Complete { note: reason },
        "chase" => Action::Chase,
        "reopen" => Action::Reopen { reason },
        "rate" => {
            let r =
                Rating::new(score(&f.speed, "speed")?, score(&f.quality, "quality")?, score(&f.attitude, "attitude")?)
                    .map_err(|e| AppError::field("speed", e.zh))?;
            Action::Rate(r)
        }
        "return_visit" => Action::ReturnVisit { note: reason },
        "void" => Action::Void { reason },
        "manager_visit" => Action::ManagerVisit { note: reason },
        _ => return Err(AppError::bad_request("unknown_action", "未知操作", "Unknown action")),
    })
}
