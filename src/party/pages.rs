//! C5 desk pages: the Party organisations the caller may see (a tree), and one organisation — its
//! committee with the 条例's warnings, its members (党员 badge, 预备/正式, dates), the history of each
//! transfer — with forms to set up a lower organisation, register a member, transfer one, and hold posts.
//! A refused form comes back on the page with what was typed (`web::refill`).

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Form,
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect},
};

use super::{
    actions::{self, ChildForm, MemberForm, PostForm, TransferForm},
    model::{self, MemberStatus, Post},
    store::{self, Membership, PartyOrg, PostRow},
};
use crate::{
    app::AppState,
    auth::Auth,
    error::AppResult,
    org::model::PartyOrgKind,
    web::{
        Chrome, MsgQuery,
        forms::{Choice, choices},
    },
};

pub struct TreeLine {
    pub org: PartyOrg,
    pub depth: usize,
    pub kind: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/list.html")]
struct ListPage {
    c: Chrome,
    lines: Vec<TreeLine>,
}

/// Put organisations in tree order (each under its parent), with their depth.
fn tree(orgs: Vec<PartyOrg>, lang: crate::web::i18n::Lang) -> Vec<TreeLine> {
    let ids: Vec<i64> = orgs.iter().map(|o| o.id).collect();
    let mut out = Vec::new();
    fn walk(
        all: &[PartyOrg],
        parent: Option<i64>,
        depth: usize,
        ids: &[i64],
        lang: crate::web::i18n::Lang,
        out: &mut Vec<TreeLine>,
    ) {
        for o in all.iter().filter(|o| match parent {
            None => o.parent_id.is_none_or(|p| !ids.contains(&p)),
            Some(p) => o.parent_id == Some(p),
        }) {
            out.push(TreeLine { org: o.clone(), depth, kind: o.kind().label(lang) });
            if depth < 6 {
                walk(all, Some(o.id), depth + 1, ids, lang, out);
            }
        }
    }
    walk(&orgs, None, 0, &ids, lang, &mut out);
    out
}

pub async fn list(State(state): State<AppState>, Auth(p, ctx): Auth) -> AppResult<impl IntoResponse> {
    let orgs = actions::visible(&state, &p).await?;
    Ok(ListPage { c: Chrome::titled(&ctx, "party.title"), lines: tree(orgs, ctx.lang) })
}

pub struct MemberLine {
    pub m: Membership,
    pub status: &'static str,
    pub full: bool,
    /// Posts held on the committee.
    pub posts: String,
}

pub struct ChildLine {
    pub org: PartyOrg,
    pub overdue: usize,
}

pub struct PostLine {
    pub p: PostRow,
    pub label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "party/org.html")]
struct OrgPage {
    c: Chrome,
    org: PartyOrg,
    kind: &'static str,
    parent: Option<PartyOrg>,
    /// The organisations below, each branch with its overdue meetings (the superior sees them).
    children: Vec<ChildLine>,
    members: Vec<MemberLine>,
    full: usize,
    probationary: usize,
    posts: Vec<PostLine>,
    warnings: Vec<&'static str>,
    write: bool,
    /// The caller is its 组织委员 (sees the dues ledger).
    officer: bool,
    holds_members: bool,
    child_kinds: Vec<Choice>,
    candidates: Vec<Choice>,
    statuses: Vec<Choice>,
    post_kinds: Vec<Choice>,
    member_choices: Vec<Choice>,
    branches: Vec<Choice>,
    /// This year's brand (一支部一品牌), and whether the caller may keep it.
    brand: Option<super::brands::store::Brand>,
    may_brand: bool,
    photo_max_mb: usize,
}

pub async fn org_page(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Query(m): Query<MsgQuery>,
) -> AppResult<impl IntoResponse> {
    let a = actions::open(&state, &p, id).await?;
    let conn = &state.db.read;
    let today = state.clock.today();
    let members = store::members(conn, a.org.id).await?;
    actions::audit_read(&state, &ctx, &a, members.len()).await?;
    let posts = store::posts(conn, a.org.id, today).await?;
    let full = members.iter().filter(|m| m.status == MemberStatus::Full).count();
    let post_kinds: Vec<Post> = posts.iter().map(|p| p.post).collect();
    let warnings = if a.org.kind().holds_members() { model::committee_warnings(full, &post_kinds) } else { vec![] };
    let lines = members
        .iter()
        .map(|m| MemberLine {
            status: m.status.label(ctx.lang),
            full: m.status == MemberStatus::Full,
            posts: posts
                .iter()
                .filter(|x| x.person_id == m.person_id)
                .map(|x| x.post.label(ctx.lang))
                .collect::<Vec<_>>()
                .join("、"),
            m: m.clone(),
        })
        .collect();
    let parent = match a.org.parent_id {
        Some(pid) => actions::open(&state, &p, pid).await.ok().map(|x| x.org),
        None => None,
    };
    let below = store::children(conn, a.org.id).await?;
    let branches: Vec<i64> = below.iter().filter(|c| c.kind().holds_members()).map(|c| c.id).collect();
    let boards = super::meetings::actions::boards(&state, &branches).await?;
    let children = below
        .into_iter()
        .map(|ch| {
            let overdue = boards
                .iter()
                .find(|(o, _)| *o == ch.id)
                .map(|(_, cells)| {
                    cells.iter().filter(|c| c.standing == super::meetings::model::Standing::Overdue).count()
                })
                .unwrap_or(0);
            ChildLine { org: ch, overdue }
        })
        .collect();
    let kind = a.org.kind();
    let child_kinds =
        PartyOrgKind::ALL.iter().filter(|k| k.may_be_under(kind)).map(|k| (k.as_str(), k.label(ctx.lang)));
    let candidates = if a.write { store::candidates(conn, a.node.id).await? } else { vec![] };
    let branches = if a.write {
        actions::visible(&state, &p)
            .await?
            .into_iter()
            .filter(|o| o.id != a.org.id && o.kind().holds_members())
            .map(|o| (o.id, format!("{} · {}", o.node_name, o.name)))
            .collect()
    } else {
        vec![]
    };
    Ok(OrgPage {
        c: Chrome::new(&ctx, a.org.name.clone()).with_msg(m.msg.as_deref()),
        kind: kind.label(ctx.lang),
        parent,
        children,
        full,
        probationary: members.len() - full,
        member_choices: choices(members.iter().map(|m| (m.person_id.get(), m.person_name.clone()))),
        members: lines,
        posts: posts.into_iter().map(|p| PostLine { label: p.post.label(ctx.lang), p }).collect(),
        warnings,
        write: a.write,
        officer: super::dues::actions::is_officer(&state, &p, &a).await?,
        holds_members: kind.holds_members(),
        child_kinds: choices(child_kinds),
        candidates: choices(candidates),
        statuses: choices(MemberStatus::ALL.iter().map(|s| (s.as_str(), s.label(ctx.lang)))),
        post_kinds: choices(Post::ALL.iter().map(|s| (s.as_str(), s.label(ctx.lang)))),
        branches: choices(branches),
        brand: if kind.holds_members() { super::brands::actions::current(&state, a.org.id).await? } else { None },
        may_brand: kind.holds_members() && super::meetings::actions::may_record(&state, &p, &a).await?,
        photo_max_mb: state.config.max_photo_bytes / (1024 * 1024),
        org: a.org,
    })
}

pub async fn create_child(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<ChildForm>,
) -> AppResult<Redirect> {
    let child = actions::create_child(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{child}?msg=created")))
}

pub async fn add_member(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<MemberForm>,
) -> AppResult<Redirect> {
    actions::add_member(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}?msg=created")))
}

pub async fn transfer(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<TransferForm>,
) -> AppResult<Redirect> {
    let from = store::membership(&state.db.read, id).await?.map(|m| m.org_id);
    actions::transfer(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{}?msg=saved", from.unwrap_or_default())))
}

pub async fn add_post(
    State(state): State<AppState>,
    Auth(p, ctx): Auth,
    Path(id): Path<i64>,
    Form(f): Form<PostForm>,
) -> AppResult<Redirect> {
    actions::add_post(&state, &p, &ctx, id, &f).await?;
    Ok(Redirect::to(&format!("/party/orgs/{id}?msg=saved")))
}

pub async fn end_post(State(state): State<AppState>, Auth(p, ctx): Auth, Path(id): Path<i64>) -> AppResult<Redirect> {
    let org = actions::end_post(&state, &p, &ctx, id).await?;
    Ok(Redirect::to(&format!("/party/orgs/{org}?msg=saved")))
}
