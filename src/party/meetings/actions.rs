//! 组织生活's use cases: recording a meeting with who attended (only the organisation's members), the
//! electorate snapshot the quorum is computed from, a resolution only when quorate, and the compliance
//! board of a branch.

use chrono::{Datelike, NaiveDate};
use sea_orm::TransactionTrait;

use super::{
    model::{self, Cell, MeetingKind, Presence},
    store::{self, NewMeeting},
};
use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::PersonId,
    party::{
        actions::{Access, open},
        model::{MemberStatus, Post},
        store as party,
    },
};

/// May the caller record this organisation's meetings: those who may change it, or its secretary, deputy
/// or organisation member.
pub async fn may_record(state: &AppState, p: &Principal, a: &Access) -> AppResult<bool> {
    if a.write {
        return Ok(true);
    }
    let Some(me) = p.person_id else { return Ok(false) };
    let posts = party::posts(&state.db.read, a.org.id, state.clock.today()).await?;
    Ok(posts
        .iter()
        .any(|x| x.person_id == me && matches!(x.post, Post::Secretary | Post::DeputySecretary | Post::Organisation)))
}

/// A branch the caller may record meetings of (403 for a reader who may not; 409 for an organisation that
/// is no branch).
pub async fn open_to_record(state: &AppState, p: &Principal, org_id: i64) -> AppResult<Access> {
    let a = open(state, p, org_id).await?;
    if !may_record(state, p, &a).await? {
        return Err(AppError::forbidden());
    }
    if !a.org.kind().holds_members() {
        return Err(AppError::conflict("not_a_branch", "组织生活在党支部记录", "Meetings are recorded by a branch"));
    }
    Ok(a)
}

/// A meeting as typed; `present` and `excused` are person ids (checkboxes).
#[derive(Default, Clone, Debug)]
pub struct MeetingForm {
    pub kind: String,
    pub title: String,
    pub held_on: String,
    pub place: String,
    pub minutes: String,
    pub resolution: String,
    /// The resolution's vote: 赞成, 反对, 弃权 (required with a resolution).
    pub votes_for: String,
    pub votes_against: String,
    pub votes_abstain: String,
    pub present: Vec<String>,
    pub excused: Vec<String>,
}

impl MeetingForm {
    /// From a form's pairs (checkbox lists repeat their name).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = MeetingForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "kind" => f.kind = v.clone(),
                "title" => f.title = v.clone(),
                "held_on" => f.held_on = v.clone(),
                "place" => f.place = v.clone(),
                "minutes" => f.minutes = v.clone(),
                "resolution" => f.resolution = v.clone(),
                "votes_for" => f.votes_for = v.clone(),
                "votes_against" => f.votes_against = v.clone(),
                "votes_abstain" => f.votes_abstain = v.clone(),
                "present" => f.present.push(v.clone()),
                "excused" => f.excused.push(v.clone()),
                _ => {}
            }
        }
        f
    }
}

/// Record a held meeting: every member of the organisation is marked present, excused or absent; an
/// attendee from outside it is refused; the quorum comes from those with a vote then.
pub async fn record(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &MeetingForm) -> AppResult<i64> {
    let a = open_to_record(state, p, org_id).await?;
    let today = state.clock.today();
    let mut errors = Vec::new();
    let kind = f.kind.parse::<MeetingKind>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择会议类型"));
    }
    let title = crate::text::normalize(&f.title);
    if title.is_empty() || title.chars().count() > 100 {
        errors.push(FieldError::new("title", "请填写会议名称（不超过100字）"));
    }
    let held_on = crate::text::day(&f.held_on).filter(|d| *d <= today && d.year() >= 2000);
    if held_on.is_none() {
        errors.push(FieldError::new("held_on", "请填写召开日期（不晚于今天）"));
    }
    let place = crate::text::normalize(&f.place);
    if place.chars().count() > 100 {
        errors.push(FieldError::new("place", "地点不超过100字"));
    }
    for (field, text) in [("minutes", &f.minutes), ("resolution", &f.resolution)] {
        if text.chars().count() > 5000 {
            errors.push(FieldError::new(field, "不超过5000字"));
        }
    }
    let members = party::members(&state.db.read, a.org.id).await?;
    let ids = |v: &[String]| -> Result<Vec<PersonId>, String> {
        let mut out = Vec::new();
        for s in v {
            match s.trim().parse::<i64>().ok().and_then(|id| members.iter().find(|m| m.person_id.get() == id)) {
                Some(m) if !out.contains(&m.person_id) => out.push(m.person_id),
                Some(_) => {}
                None => return Err(s.clone()),
            }
        }
        Ok(out)
    };
    let present = ids(&f.present).map_err(|_| errors.push(FieldError::new("present", "出席人员须是本支部的党员"))).ok();
    let excused = ids(&f.excused).map_err(|_| errors.push(FieldError::new("excused", "请假人员须是本支部的党员"))).ok();
    let (Some(kind), Some(held_on), Some(present), Some(excused), true) =
        (kind, held_on, present, excused, errors.is_empty())
    else {
        return Err(AppError::validation(errors));
    };
    let voters = voters(state, a.org.id, kind, held_on, &members).await?;
    let present_voters = present.iter().filter(|x| voters.contains(x)).count();
    let quorate = model::quorate(kind, voters.len(), present_voters);
    let resolution = crate::text::normalize(&f.resolution);
    if !resolution.is_empty() && !matches!(kind, MeetingKind::Assembly | MeetingKind::Committee) {
        return Err(AppError::field("resolution", "决议由党员大会或支委会作出"));
    }
    if !resolution.is_empty() && !quorate {
        return Err(AppError::conflict(
            "no_quorum",
            format!("应到{}人，实到{}人，未超过半数：不能作出决议", voters.len(), present_voters),
            "No quorum: a resolution needs more than half of those with a vote",
        ));
    }
    let votes = if resolution.is_empty() { None } else { Some(vote_count(f, voters.len(), present_voters)?) };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert(
        &tx,
        &NewMeeting {
            org_id: a.org.id,
            kind,
            title: &title,
            held_on,
            place: (!place.is_empty()).then_some(place.as_str()),
            minutes: (!f.minutes.trim().is_empty()).then_some(f.minutes.trim()),
            resolution: (!resolution.is_empty()).then_some(resolution.as_str()),
            voters: voters.len() as i32,
            present_voters: present_voters as i32,
            created_by: Some(p.user_id.get()),
            occurrence_id: None,
            votes,
        },
        now,
    )
    .await?;
    for m in &members {
        let presence = if present.contains(&m.person_id) {
            Presence::Present
        } else if excused.contains(&m.person_id) {
            Presence::Excused
        } else {
            Presence::Absent
        };
        store::mark(&tx, id, m.person_id, presence, voters.contains(&m.person_id)).await?;
    }
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_meeting",
            entity_id: Some(id),
            project_id: a.node.project_id,
            summary: format!(
                "「{}」{}「{title}」（{held_on}，到会{}人）",
                a.org.name,
                kind.label(crate::web::i18n::Lang::Zh),
                present.len()
            ),
        },
    )
    .await?;
    Ok(id)
}

/// Who has a vote at a meeting of this kind: 正式党员 for a 党员大会, the committee for a 支委会, every
/// member for the rest.
async fn voters(
    state: &AppState,
    org: i64,
    kind: MeetingKind,
    day: NaiveDate,
    members: &[party::Membership],
) -> AppResult<Vec<PersonId>> {
    Ok(match kind {
        MeetingKind::Assembly => {
            members.iter().filter(|m| m.status == MemberStatus::Full).map(|m| m.person_id).collect()
        }
        MeetingKind::Committee => {
            let mut v: Vec<PersonId> =
                party::posts(&state.db.read, org, day).await?.iter().map(|x| x.person_id).collect();
            v.sort_unstable();
            v.dedup();
            v
        }
        _ => members.iter().map(|m| m.person_id).collect(),
    })
}

/// A resolution's vote count as typed: each a whole number, together no more than the voters present.
fn vote_count(f: &MeetingForm, voters: usize, present_voters: usize) -> AppResult<model::Votes> {
    let n = |field: &'static str, s: &str, required: bool| -> AppResult<u32> {
        let s = crate::text::num(s);
        match s.trim() {
            "" if !required => Ok(0),
            t => t
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 10_000)
                .ok_or_else(|| AppError::field(field, "请填写票数（整数）")),
        }
    };
    let v = model::Votes {
        yes: n("votes_for", &f.votes_for, true)?,
        no: n("votes_against", &f.votes_against, false)?,
        abstain: n("votes_abstain", &f.votes_abstain, false)?,
    };
    model::passes(voters, present_voters, v).map_err(|_| {
        AppError::field("votes_for", format!("赞成、反对、弃权合计不能超过到会有表决权的{present_voters}人"))
    })?;
    Ok(v)
}

/// A meeting planned with an activity date, as typed.
#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub occurrence_id: String,
    pub kind: String,
    pub title: String,
}

/// Plan a meeting held with an activity date of the branch's project (a 主题党日 that is also a volunteer
/// activity): its roster is every member, marked absent, with whether they vote; each member is told
/// (notification); a member's check-in to the activity — by the QR code on the spot or by staff — marks
/// them present, so the same scan counts for the board and for their volunteer hours.
pub async fn plan(state: &AppState, p: &Principal, ctx: &Ctx, org_id: i64, f: &PlanForm) -> AppResult<i64> {
    let a = open_to_record(state, p, org_id).await?;
    let now = state.clock.now();
    let mut errors = Vec::new();
    let kind = f.kind.parse::<MeetingKind>().ok();
    if kind.is_none() {
        errors.push(FieldError::new("kind", "请选择会议类型"));
    }
    let occurrence = match f.occurrence_id.trim().parse::<i64>() {
        Ok(id) => crate::activities::store::occurrence(&state.db.read, id).await?,
        Err(_) => None,
    };
    // Only a date of an activity of the branch's own project, still to come or under way.
    let occurrence = occurrence.filter(|o| {
        Some(o.project_id) == a.node.project_id
            && o.state == crate::activities::model::OccurrenceState::Scheduled
            && o.ends_at > now
    });
    if occurrence.is_none() {
        errors.push(FieldError::new("occurrence_id", "请选择本项目尚未结束的活动"));
    }
    let (Some(kind), Some(o), true) = (kind, occurrence, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    let title = match crate::text::normalize(&f.title) {
        t if t.is_empty() => o.title.clone(),
        t if t.chars().count() > 100 => return Err(AppError::field("title", "会议名称不超过100字")),
        t => t,
    };
    if store::of_occurrence(&state.db.read, o.id).await?.iter().any(|m| m.org_id == a.org.id) {
        return Err(AppError::conflict(
            "already_planned",
            "本支部已随这次活动安排了组织生活",
            "This branch already holds a meeting with this activity date",
        ));
    }
    let held_on = crate::clock::to_local(o.starts_at).date();
    let members = party::members(&state.db.read, a.org.id).await?;
    let voters = voters(state, a.org.id, kind, held_on, &members).await?;
    // Members already checked in (the meeting planned once the activity began) count at once.
    let came: Vec<PersonId> =
        crate::activities::attendance::store::attendees(&state.db.read, crate::ids::OccurrenceId(o.id))
            .await?
            .into_iter()
            .filter(|x| x.checked_in_at.is_some())
            .map(|x| x.person_id)
            .collect();
    let present_voters = voters.iter().filter(|v| came.contains(v)).count();
    let tx = state.db.write.begin().await?;
    let id = store::insert(
        &tx,
        &NewMeeting {
            org_id: a.org.id,
            kind,
            title: &title,
            held_on,
            place: o.place.as_deref(),
            minutes: None,
            resolution: None,
            voters: voters.len() as i32,
            present_voters: present_voters as i32,
            created_by: Some(p.user_id.get()),
            occurrence_id: Some(o.id),
            votes: None,
        },
        now,
    )
    .await?;
    let mut users = Vec::new();
    for m in &members {
        let presence = if came.contains(&m.person_id) { Presence::Present } else { Presence::Absent };
        store::mark(&tx, id, m.person_id, presence, voters.contains(&m.person_id)).await?;
        users.extend(crate::notify::users_of_person(&tx, m.person_id).await?);
    }
    let msg = crate::notify::Msg::new("note.party.meeting")
        .text("org", &a.org.name)
        .coded("kind", kind)
        .text("title", &title)
        .text("when", crate::clock::fmt_datetime(o.starts_at))
        .text("place", o.place.as_deref().unwrap_or("-"));
    let note = crate::notify::Note { kind: "party_meeting", msg, link: Some(format!("/party/meetings/{id}")) };
    crate::notify::to_users(&tx, &users, &note, now).await?;
    audit::commit(
        tx,
        ctx,
        now,
        Entry {
            action: "create",
            entity: "party_meeting",
            entity_id: Some(id),
            project_id: a.node.project_id,
            summary: format!(
                "「{}」随活动「{}」安排{}「{title}」（{held_on}，应到{}人）",
                a.org.name,
                o.title,
                kind.label(crate::web::i18n::Lang::Zh),
                members.len()
            ),
        },
    )
    .await?;
    Ok(id)
}

/// The activity dates of the branch's project in the next 60 days a meeting may be held with.
pub async fn occasions(state: &AppState, a: &Access) -> AppResult<Vec<crate::activities::store::Occurrence>> {
    let Some(project) = a.node.project_id else { return Ok(vec![]) };
    let now = state.clock.now();
    crate::activities::store::upcoming(
        &state.db.read,
        &[project],
        now - chrono::Duration::hours(12),
        now + chrono::Duration::days(60),
    )
    .await
    .map(|v| v.into_iter().filter(|o| o.ends_at > now).collect())
}

/// The activity date a meeting is held with, if any.
pub async fn held_with(
    state: &AppState,
    m: &store::Meeting,
) -> AppResult<Option<crate::activities::store::Occurrence>> {
    match m.occurrence_id {
        Some(o) => crate::activities::store::occurrence(&state.db.read, o).await,
        None => Ok(None),
    }
}

/// Is this person expected at a meeting held with this activity date (they may then check in by the
/// activity's code without having signed up)?
pub async fn expected(conn: &impl sea_orm::ConnectionTrait, occurrence: i64, person: PersonId) -> AppResult<bool> {
    store::on_roster(conn, occurrence, person).await
}

/// A check-in to an activity date, or its undoing, as seen by the meetings held with it (called in the
/// check-in's transaction).
pub async fn checked_in(
    conn: &impl sea_orm::ConnectionTrait,
    occurrence: i64,
    person: PersonId,
    present: bool,
) -> AppResult<u64> {
    store::credit(conn, occurrence, person, present).await
}

/// The branch's compliance board for the year so far: each rule that applies, each period begun.
pub async fn board(state: &AppState, a: &Access) -> AppResult<Vec<Cell>> {
    Ok(boards(state, &[a.org.id]).await?.into_iter().next().map(|(_, c)| c).unwrap_or_default())
}

/// The boards of several branches at once (a committee's page lists its branches with their overdue
/// counts): four queries whatever their number, then each board in memory. Returns (org, cells) in the
/// order given.
pub async fn boards(state: &AppState, orgs: &[i64]) -> AppResult<Vec<(i64, Vec<Cell>)>> {
    let today = state.clock.today();
    let from = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let d = store::board_data(&state.db.read, orgs, from).await?;
    // Each organisation's meetings, grouped once (a company's board reads hundreds of branches).
    let mut by_org: std::collections::HashMap<i64, Vec<&store::HeldRow>> = std::collections::HashMap::new();
    for m in &d.meetings {
        by_org.entry(m.0).or_default().push(m);
    }
    Ok(orgs
        .iter()
        .map(|org| {
            let count = |v: &[(i64, i64)]| v.iter().find(|(o, _)| o == org).map(|(_, n)| *n as usize).unwrap_or(0);
            let (full, groups) = (count(&d.full), count(&d.groups));
            // The organisation's own rule for a kind replaces the default one.
            let own: Vec<MeetingKind> = d.rules.iter().filter(|(o, _)| *o == Some(*org)).map(|(_, r)| r.kind).collect();
            let rules: Vec<model::Rule> = d
                .rules
                .iter()
                .filter(|(o, r)| *o == Some(*org) || (o.is_none() && !own.contains(&r.kind)))
                .map(|(_, r)| *r)
                .filter(|r| model::applies(r.kind, full, groups))
                .collect();
            let held: Vec<_> = by_org
                .get(org)
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .map(|m| (m.1, m.2, model::counts(m.1, m.3.max(0) as usize, m.4.max(0) as usize, m.2, today)))
                .collect();
            (*org, model::board(&rules, &held, from, today))
        })
        .collect())
}
