//! Honours' use cases: granting one at a project or community (its writers: the project's staff, the
//! community's cadres), with a certificate photo and evidence checked to lie in the node's scope; the
//! public wall; what a person or organisation received.

use chrono::{Duration, NaiveDate};
use sea_orm::TransactionTrait;

use super::{
    model::{self, AwardError, Level, RecipientKind},
    store::{self, Evidence, Honour, NewHonour},
};
use crate::{
    app::AppState,
    audit::Entry,
    auth::{Ctx, Principal},
    error::{AppError, AppResult, FieldError},
    ids::{PersonId, ProjectId},
    org::{
        model::NodeKind,
        store::{self as org, Node},
    },
    requests::{photos, store::photos as photo_store},
};

/// Roles whose holders may receive an honour at a node (those who serve there).
const SERVING: &[&str] = &["staff", "cadre", "grid_member", "volunteer", "party_member"];

/// A node that has a wall: a project or a community.
async fn wall_node(state: &AppState, id: i64) -> AppResult<Node> {
    let n = org::node(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    if !matches!(n.kind(), NodeKind::Project | NodeKind::Community) {
        return Err(AppError::not_found());
    }
    Ok(n)
}

/// The projects under a wall node (the project itself, or a community's projects).
async fn projects_of(state: &AppState, n: &Node) -> AppResult<Vec<ProjectId>> {
    Ok(match n.kind() {
        NodeKind::Project => vec![ProjectId(n.id)],
        _ => org::projects_of_community(&state.db.read, n.id).await?.into_iter().map(|p| ProjectId(p.id)).collect(),
    })
}

/// The wall of a project or community, for anyone: what was granted there (a community's wall adds its
/// projects'), newest first, the higher level first on one day.
pub async fn wall(state: &AppState, node: i64) -> AppResult<(Node, Vec<Honour>)> {
    let n = wall_node(state, node).await?;
    let mut nodes = vec![n.id];
    if n.kind() == NodeKind::Community {
        nodes.extend(projects_of(state, &n).await?.into_iter().map(|p| p.get()));
    }
    let mut list = store::at(&state.db.read, &nodes).await?;
    list.sort_by(|a, b| model::wall_order((a.awarded_on, a.level), (b.awarded_on, b.level)));
    Ok((n, list))
}

/// One honour with its evidence and certificate photos, for anyone.
pub async fn public(state: &AppState, id: i64) -> AppResult<(Honour, Vec<Evidence>, Vec<i64>)> {
    let h = store::one(&state.db.read, id).await?.ok_or_else(AppError::not_found)?;
    let evidence = store::evidence(&state.db.read, id).await?;
    let photos = photo_store::ids_of(&state.db.read, &store::photos_of(id)).await?;
    Ok((h, evidence, photos))
}

pub async fn photo(state: &AppState, honour: i64, photo: i64) -> AppResult<axum::response::Response> {
    photos::serve_of(state, &store::photos_of(honour), photo).await
}

/// What an organisation received (its node page), and what a person received (their page).
pub async fn of_node(state: &AppState, node: i64) -> AppResult<Vec<Honour>> {
    store::of_node(&state.db.read, node).await
}
pub async fn of_person(state: &AppState, person: PersonId) -> AppResult<Vec<Honour>> {
    store::of_person(&state.db.read, person).await
}

/// May the caller grant honours here: those who may change the node (a project's staff, company admins),
/// and the cadres of a community (or of the street above it) — the 居委会 grants the community's honours.
pub fn may_grant(p: &Principal, n: &Node) -> bool {
    org::node_writable(p, n) || (n.kind() == NodeKind::Community && org::cadre_over(p, n))
}

/// A wall node the caller may grant honours at.
pub async fn open(state: &AppState, p: &Principal, id: i64) -> AppResult<Node> {
    let n = wall_node(state, id).await?;
    if !may_grant(p, &n) {
        let paths = org::readable_project_paths(&state.db.read, p).await?;
        return Err(if org::node_readable(p, &n, &paths) { AppError::forbidden() } else { AppError::not_found() });
    }
    Ok(n)
}

/// What the award form offers: the organisations (the node and its projects), the people serving there,
/// the grantor nodes (the node and those above it), the activities of the past year.
pub struct Choices {
    pub orgs: Vec<(i64, String)>,
    pub people: Vec<(PersonId, String)>,
    pub grantors: Vec<(i64, String)>,
    pub activities: Vec<(i64, String)>,
}

pub async fn choices(state: &AppState, n: &Node) -> AppResult<Choices> {
    let conn = &state.db.read;
    let mut orgs = vec![(n.id, n.name.clone())];
    if n.kind() == NodeKind::Community {
        orgs.extend(org::projects_of_community(conn, n.id).await?.into_iter().map(|p| (p.id, p.name)));
    }
    let mut people = org::people_below(conn, n, SERVING).await?;
    // And the approved volunteers (C4 registrations) of its projects.
    let projects = projects_of(state, n).await?;
    for v in crate::volunteers::store::registrations_in_projects(conn, &projects).await? {
        if v.state == crate::volunteers::model::VolunteerState::Approved && !people.iter().any(|x| x.0 == v.person_id) {
            people.push((v.person_id, v.person_name));
        }
    }
    let mut grantors = vec![(n.id, n.name.clone())];
    grantors.extend(org::ancestors(conn, n).await?.into_iter().rev().map(|a| (a.id, a.name)));
    let now = state.clock.now();
    let mut activities: Vec<(i64, String)> = Vec::new();
    for o in
        crate::activities::store::upcoming(conn, &projects, now - Duration::days(366), now).await?.into_iter().rev()
    {
        if !activities.iter().any(|(id, _)| *id == o.activity_id) && activities.len() < 50 {
            activities.push((o.activity_id, format!("{} 「{}」", crate::clock::fmt_datetime(o.starts_at), o.title)));
        }
    }
    Ok(Choices { orgs, people, grantors, activities })
}

/// An award as typed.
#[derive(Default, Clone, Debug, serde::Deserialize)]
#[serde(default)]
pub struct AwardForm {
    /// `org` or `person`.
    pub recipient_kind: String,
    pub recipient_node_id: String,
    pub recipient_person_id: String,
    pub title: String,
    pub level: String,
    /// A node granting it (optional when `grantor_name` names an outside body).
    pub grantor_node_id: String,
    pub grantor_name: String,
    pub awarded_on: String,
    pub citation: String,
    /// Activity ids (checkboxes) and request numbers (「12, 15」).
    pub activities: Vec<String>,
    pub requests: String,
}

impl AwardForm {
    /// From a form's pairs (the activity checkboxes repeat their name).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut f = AwardForm::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "recipient_kind" => f.recipient_kind = v,
                "recipient_node_id" => f.recipient_node_id = v,
                "recipient_person_id" => f.recipient_person_id = v,
                "title" => f.title = v,
                "level" => f.level = v,
                "grantor_node_id" => f.grantor_node_id = v,
                "grantor_name" => f.grantor_name = v,
                "awarded_on" => f.awarded_on = v,
                "citation" => f.citation = v,
                "activities" => f.activities.push(v),
                "requests" => f.requests = v,
                _ => {}
            }
        }
        f
    }
}

/// Grant an honour at a project or community: the recipient one of its organisations or of the people
/// serving there, the evidence its own activities and requests; a person's volunteer hours at the time
/// are kept as evidence too. One transaction with its certificate photos and the audit line.
pub async fn award(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    node: i64,
    f: &AwardForm,
    uploads: Vec<photos::Upload>,
) -> AppResult<i64> {
    let n = open(state, p, node).await?;
    let c = choices(state, &n).await?;
    let conn = &state.db.read;
    let mut errors = Vec::new();
    let id_of = |s: &str| crate::text::num(s).trim().parse::<i64>().ok();
    let kind = f.recipient_kind.parse::<RecipientKind>().ok();
    let (mut rnode, mut rperson, mut rname) = (None, None, String::new());
    match kind {
        Some(RecipientKind::Org) => {
            match id_of(&f.recipient_node_id).and_then(|id| c.orgs.iter().find(|o| o.0 == id)) {
                Some((id, name)) => (rnode, rname) = (Some(*id), name.clone()),
                None => errors.push(FieldError::new("recipient_node_id", "请选择本项目或本社区的单位")),
            }
        }
        Some(RecipientKind::Person) => {
            match id_of(&f.recipient_person_id).and_then(|id| c.people.iter().find(|x| x.0.get() == id)) {
                Some((id, name)) => (rperson, rname) = (Some(*id), name.clone()),
                None => errors.push(FieldError::new("recipient_person_id", "请选择在本项目或本社区服务的人员")),
            }
        }
        None => errors.push(FieldError::new("recipient_kind", "请选择授予单位还是个人")),
    }
    let level = f.level.parse::<Level>().ok();
    if level.is_none() {
        errors.push(FieldError::new("level", "请选择荣誉级别"));
    }
    let grantor_node = match f.grantor_node_id.trim() {
        "" => None,
        s => match id_of(s).and_then(|id| c.grantors.iter().find(|g| g.0 == id)) {
            Some(g) => Some(g.clone()),
            None => {
                errors.push(FieldError::new("grantor_node_id", "授予单位须是本级或上级组织"));
                None
            }
        },
    };
    let mut grantor = crate::text::normalize(&f.grantor_name);
    if grantor.is_empty() {
        grantor = grantor_node.as_ref().map(|g| g.1.clone()).unwrap_or_default();
    }
    let title = crate::text::normalize(&f.title);
    let citation = f.citation.trim().to_string();
    let today = state.clock.today();
    let awarded_on = crate::text::day(&f.awarded_on);
    for e in model::check(&title, &grantor, awarded_on.unwrap_or(NaiveDate::MIN), &citation, today) {
        errors.push(match e {
            AwardError::Title => FieldError::new("title", "请填写荣誉名称（不超过60字）"),
            AwardError::Grantor => FieldError::new("grantor_name", "请填写授予单位（不超过60字）"),
            AwardError::Date => FieldError::new("awarded_on", "请填写授予日期（不晚于今天）"),
            AwardError::Citation => FieldError::new("citation", "事迹不超过1000字"),
        });
    }
    let mut activities = Vec::new();
    for a in &f.activities {
        match id_of(a).filter(|id| c.activities.iter().any(|x| x.0 == *id)) {
            Some(id) if !activities.contains(&id) => activities.push(id),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("activities", "依据的活动须是本项目或本社区的活动"));
                break;
            }
        }
    }
    let projects = projects_of(state, &n).await?;
    let mut requests = Vec::new();
    for part in crate::text::num(&f.requests).split([',', '，', '、', ' ']).filter(|s| !s.trim().is_empty()) {
        let r = match part.trim().trim_start_matches('#').parse::<i64>() {
            Ok(id) => crate::requests::store::request(conn, id).await?,
            Err(_) => None,
        };
        match r.filter(|r| projects.contains(&r.project_id)) {
            Some(r) if !requests.contains(&r.id) => requests.push(r.id),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("requests", "依据的工单须是本项目或本社区的工单"));
                break;
            }
        }
        if requests.len() > 50 {
            errors.push(FieldError::new("requests", "依据的工单最多50张"));
            break;
        }
    }
    let (Some(kind), Some(level), Some(awarded_on), true) = (kind, level, awarded_on, errors.is_empty()) else {
        return Err(AppError::validation(errors));
    };
    if uploads.len() > 3 {
        return Err(AppError::field("photo", "证书照片最多3张"));
    }
    let minutes = match rperson {
        Some(person) => crate::points::store::statement(conn, person).await?.minutes,
        None => 0,
    };
    let now = state.clock.now();
    let tx = state.db.write.begin().await?;
    let id = store::insert(
        &tx,
        &NewHonour {
            node_id: n.id,
            recipient_kind: kind,
            recipient_node_id: rnode,
            recipient_person_id: rperson,
            recipient_name: &rname,
            title: &title,
            level,
            grantor_node_id: grantor_node.map(|g| g.0),
            grantor_name: &grantor,
            awarded_on,
            citation: (!citation.is_empty()).then_some(citation.as_str()),
            created_by: p.user_id.get(),
        },
        now,
    )
    .await?;
    for a in &activities {
        store::add_evidence(&tx, id, "activity", *a).await?;
    }
    for r in &requests {
        store::add_evidence(&tx, id, "request", *r).await?;
    }
    if minutes > 0 {
        store::add_evidence(&tx, id, "hours", minutes).await?;
    }
    photos::commit_with_photos(
        state,
        tx,
        ctx,
        (store::photos_of(id), uploads),
        p.user_id,
        now,
        Entry {
            action: "create",
            entity: "honour",
            entity_id: Some(id),
            project_id: n.project_id,
            summary: format!("{grantor}授予{rname}「{title}」（{awarded_on}）"),
        },
    )
    .await?;
    Ok(id)
}
