//! Correction and deletion requests (PIPL arts. 46–47): a person asks, from 我的信息, for something held
//! about them to be corrected or their phone and ID number to be deleted; staff of one of their
//! projects answer through an audited step (done, or refused with a reason), once; the person is told.
//! A deletion that is carried out clears the phone, the ID number and the note — the name stays, as the
//! household ledger and the request history need it.

use crate::ids::*;
use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::TransactionTrait;
use serde::Deserialize;

use super::store::datarequests as store;
pub use super::store::datarequests::{DataRequest, in_projects, of_person, one};
use crate::{
    app::AppState,
    auth::{Auth, Ctx, Principal, StaffUser},
    error::{AppError, AppResult, FieldError},
    notify,
    web::Chrome,
};

// ---- rules ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Correct,
    Delete,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "correct" => Some(Kind::Correct),
            "delete" => Some(Kind::Delete),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Correct => "correct",
            Kind::Delete => "delete",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Kind::Correct => "更正信息",
            Kind::Delete => "删除手机号和身份证号",
        }
    }
}

pub fn state_zh(s: &str) -> &'static str {
    match s {
        "open" => "待处理",
        "done" => "已办理",
        "refused" => "未予办理",
        _ => "",
    }
}

/// Check what a person asked: a correction says what to correct; every text at most 500 characters.
pub fn check_request(kind: &str, details: &str) -> Result<(Kind, String), Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = Kind::parse(kind);
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择要更正还是删除"));
    }
    let details = crate::text::normalize(details);
    if kind == Some(Kind::Correct) && details.is_empty() {
        errors.push(FieldError::new("details", "请写明哪项信息有误、应改为什么"));
    }
    if details.chars().count() > 500 {
        errors.push(FieldError::new("details", "说明不能超过500字"));
    }
    match (kind, errors.is_empty()) {
        (Some(k), true) => Ok((k, details)),
        _ => Err(errors),
    }
}

/// Check a decision: done or refused; a refusal gives the reason.
pub fn check_decision(outcome: &str, answer: &str) -> Result<(&'static str, String), Vec<FieldError>> {
    let answer = crate::text::normalize(answer);
    let outcome = match outcome {
        "done" => "done",
        "refused" => "refused",
        _ => return Err(vec![FieldError::new("outcome", "请选择办理结果")]),
    };
    if outcome == "refused" && answer.is_empty() {
        return Err(vec![FieldError::new("answer", "不予办理时须说明理由")]);
    }
    if answer.chars().count() > 500 {
        return Err(vec![FieldError::new("answer", "答复不能超过500字")]);
    }
    Ok((outcome, answer))
}

// ---- store ------------------------------------------------------------------------------------------

// ---- actions ----------------------------------------------------------------------------------------

/// A person asks; the staff of their projects are told.
pub async fn ask(state: &AppState, ctx: &Ctx, person_id: PersonId, kind: Kind, details: &str) -> AppResult<i64> {
    let now = state.clock.now();
    let projects = super::store::projects_of_person(&state.db.read, person_id).await?;
    let tx = state.db.write.begin().await?;
    let id = store::insert(&tx, person_id, kind.as_str(), details, now).await?;
    let summary = format!("本人申请{}", kind.zh());
    super::store::audit_person(&tx, ctx, &[person_id.into()], "data_request", &summary, now).await?;
    for p in &projects {
        let staff = notify::project_staff_users(&tx, *p, None).await?;
        let note = notify::Note {
            kind: "data_request",
            msg: notify::Msg::new("note.data.asked").label("kind", format!("datareq.kind.{}", kind.as_str())),
            link: Some("/people/data-requests".into()),
        };
        notify::to_users(&tx, &staff, &note, now).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Staff answer a request once (a compare-and-set on the open state); a deletion that is done clears
/// the phone, the ID number and the note in the same transaction.
pub async fn decide(state: &AppState, p: &Principal, ctx: &Ctx, id: i64, outcome: &str, answer: &str) -> AppResult<()> {
    let r = one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let (_, write) = super::store::person_access(&state.db.read, p, r.person_id).await?;
    if !write {
        return Err(AppError::not_found());
    }
    let (outcome, answer) = check_decision(outcome, answer).map_err(AppError::validation)?;
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    if !store::decide(&tx, id, outcome, (!answer.is_empty()).then_some(answer.as_str()), p.user_id, now).await? {
        return Err(AppError::conflict("already_decided", "该申请已经办理过了", "This request was already answered"));
    }
    if outcome == "done" && r.kind == "delete" {
        store::erase_contact(&tx, r.person_id, now).await?;
    }
    let summary = format!(
        "{}「{}」的{}申请{}",
        if outcome == "done" { "办理" } else { "不予办理" },
        r.person_name,
        Kind::parse(&r.kind).map(|k| k.zh()).unwrap_or(""),
        if answer.is_empty() { String::new() } else { format!("：{answer}") }
    );
    super::store::audit_person(&tx, ctx, &[r.person_id.into()], "data_request_decided", &summary, now).await?;
    let users = notify::users_of_person(&tx, r.person_id).await?;
    let note = notify::Note {
        kind: "data_request",
        msg: notify::Msg::new("note.data.answered")
            .label("kind", format!("datareq.kind.{}", r.kind))
            .label("state", format!("datareq.state.{outcome}")),
        link: Some("/account/data".into()),
    };
    notify::to_users(&tx, &users, &note, now).await?;
    tx.commit().await?;
    Ok(())
}

// ---- pages ------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AskForm {
    pub kind: String,
    pub details: String,
}

/// From 我的信息. A refused form comes back on the same page with what was typed.
pub async fn ask_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Form(f): Form<AskForm>,
) -> AppResult<Response> {
    let person = p.person_id.ok_or_else(AppError::not_found)?;
    match check_request(&f.kind, &f.details) {
        Ok((kind, details)) => {
            ask(&state, &ctx, person, kind, &details).await?;
            Ok(Redirect::to("/account/data?msg=data_request_sent").into_response())
        }
        Err(errors) => {
            let page = super::mydata::render(&state, &ctx, person, Some((f.kind, f.details, errors))).await?;
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "people/data_requests.html")]
pub struct QueuePage {
    c: Chrome,
    items: Vec<DataRequest>,
}

pub async fn queue(State(state): State<AppState>, StaffUser(p, ctx): StaffUser) -> AppResult<impl IntoResponse> {
    let projects: Vec<ProjectId> = p.scope.write_projects.iter().copied().collect();
    let items = in_projects(&state.db.read, &projects).await?;
    Ok(QueuePage { c: Chrome::titled(&ctx, "datareq.title"), items })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DecideForm {
    pub outcome: String,
    pub answer: String,
}

pub async fn decide_page(
    State(state): State<AppState>,
    StaffUser(p, ctx): StaffUser,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> AppResult<Redirect> {
    decide(&state, &p, &ctx, id, &f.outcome, &f.answer).await?;
    Ok(Redirect::to("/people/data-requests?msg=data_request_decided"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_decisions_say_what_they_need() {
        assert!(check_request("correct", "").is_err(), "a correction says what is wrong");
        assert_eq!(check_request("delete", "").unwrap().0, Kind::Delete);
        assert!(check_request("erase-all", "x").is_err());
        assert!(check_request("correct", &"长".repeat(501)).is_err());
        assert_eq!(check_request("correct", " 手机号应为１３９… ").unwrap().1, "手机号应为139…");
        assert!(check_decision("refused", "").is_err(), "a refusal gives its reason");
        assert_eq!(check_decision("done", "").unwrap().0, "done");
        assert!(check_decision("maybe", "x").is_err());
    }
}
