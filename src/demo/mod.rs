//! C0.7 Demo data modelled on the seed article: 保利物业 › 四川公司 and its projects, the districts,
//! streets and communities the article names, Party organisations, synthetic buildings and households,
//! fictitious residents (names and numbers that pass validation but belong to no one), and one log-in
//! per persona. Loading twice changes nothing (the whole load is one transaction, skipped if present).

use crate::ids::*;
mod bodies;
mod care;
mod grid;
pub mod history;
mod honours;
mod joint;
mod lending;
mod life;
mod pairing;
mod party;
mod party_work;
mod referrals;
mod services;
mod supervision;
mod wishes;

use chrono::{DateTime, NaiveDate, Utc};
use life::{demo_activities, demo_centres, demo_volunteers};
use sea_orm::{ConnectionTrait, TransactionTrait};

use crate::{
    auth::password,
    db,
    error::AppError,
    org::{
        model::{NodeKind, PartyOrgKind, uscc_check_char},
        store::{self as org, NewNode},
    },
    params,
    people::{model::id_check_char, store as people},
};

pub const DEMO_PASSWORD: &str = "Xinghuo@2026";

/// (username, who, what they can do) — printed by `serve --demo`.
pub const DEMO_LOGINS: &[(&str, &str, &str)] = &[
    ("admin", "李管理（四川公司管理员）", "全公司数据、用户管理"),
    ("staff", "王经理（保利叶语 项目经理）", "保利叶语的房屋、住户、导入导出"),
    ("staff2", "赵经理（保利天玺 项目经理）", "保利天玺"),
    ("cadre", "陈书记（友联社区干部）", "只读：友联社区内的项目（保利天玺）"),
    ("grid", "何小网（牧马山社区网格员）", "只读：所在网格的住户"),
    ("hejing", "何静（保利荔园天府和悦 客服管家、牧马山社区微网格员）", "和悦的诉求；向社区上报"),
    ("mumashan", "刘书记（牧马山社区干部）", "上报办理：受理、答复和悦上报的路灯、公园"),
    ("supervisor", "和悦的业主监督员（保利荔园天府和悦 1栋1单元101 业主）", "巡查评分、确认或退回整改"),
    ("resident", "张三（保利叶语 1栋1单元101 业主）", "自己的房屋"),
    ("resident2", "李四（保利叶语 1栋1单元102 业主）", "自己的房屋"),
];

struct ProjectSpec {
    name: &'static str,
    code: &'static str,
    kind: &'static str,
    community: usize,
    status: Option<(&'static str, i32)>,
}

/// (district, street, community, demo-only?)
const COMMUNITIES: &[(&str, &str, &str)] = &[
    ("金牛区", "沙河源街道", "友联社区"),
    ("新津区", "花源街道", "牧马山社区"),
    ("天府新区", "华阳街道", "伏龙社区"),
    ("龙泉驿区", "大面街道", "龙华社区"),
    ("青羊区", "苏坡街道", "清江社区"),
    ("成华区", "演示街道", "叶语社区（演示）"),
    ("高新区", "演示街道", "湖心岛社区（演示）"),
    ("锦江区", "演示街道", "中心社区（演示）"),
    ("双流区", "演示街道", "龙祥社区（演示）"),
];

const PROJECTS: &[ProjectSpec] = &[
    ProjectSpec {
        name: "保利叶语", code: "YEYU", kind: "residential", community: 5, status: Some(("built", 2022))
    },
    ProjectSpec {
        name: "保利天玺", code: "TIANXI", kind: "residential", community: 0, status: Some(("built", 2022))
    },
    ProjectSpec {
        name: "保利荔园天府和悦",
        code: "LIYUAN",
        kind: "residential",
        community: 1,
        status: Some(("built", 2022)),
    },
    ProjectSpec {
        name: "保利创智锦城",
        code: "CHUANGZHI",
        kind: "residential",
        community: 2,
        status: Some(("planned", 2023)),
    },
    ProjectSpec {
        name: "保利紫薇花语",
        code: "ZIWEI",
        kind: "residential",
        community: 3,
        status: Some(("planned", 2023)),
    },
    ProjectSpec {
        name: "保利金香槟",
        code: "JINXIANGBIN",
        kind: "residential",
        community: 4,
        status: Some(("planned", 2023)),
    },
    ProjectSpec {
        name: "保利湖心岛",
        code: "HUXINDAO",
        kind: "residential",
        community: 6,
        status: Some(("built", 2022)),
    },
    ProjectSpec {
        name: "保利中心写字楼",
        code: "ZHONGXIN",
        kind: "office",
        community: 7,
        status: Some(("built", 2022)),
    },
    ProjectSpec {
        name: "蜀天君临",
        code: "JUNLIN",
        kind: "residential",
        community: 7,
        status: Some(("planned", 2023)),
    },
    ProjectSpec {
        name: "保利翡翠和悦",
        code: "FEICUI",
        kind: "residential",
        community: 8,
        status: Some(("planned", 2023)),
    },
    ProjectSpec { name: "龙祥家园", code: "LONGXIANG", kind: "resettlement", community: 8, status: None },
];

const SURNAMES: &[&str] = &[
    "张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "曾",
];
const GIVEN: &[&str] = &[
    "三", "四", "五", "六", "七", "小明", "小红", "小芳", "建国", "秀英", "桂兰", "志强", "晓燕", "子涵", "一鸣",
    "雨萱",
];

/// A valid, fictitious ID number (region 510104 成都市锦江区; the sequence makes it unique).
fn demo_id(n: usize) -> String {
    let birth = NaiveDate::from_ymd_opt(1940, 1, 1).expect("static") + chrono::Duration::days((n as i64 * 997) % 24000);
    let body = format!("510104{}{:03}", birth.format("%Y%m%d"), n % 1000);
    let check = id_check_char(&body).expect("17 digits");
    format!("{body}{check}")
}

/// `139 0000 nnnn` — an obviously fictitious number that still passes validation.
fn demo_phone(n: usize) -> String {
    format!("13900{:06}", n)
}

fn demo_uscc(seed: &str) -> String {
    let body = format!("91510100MA{seed:0>7}");
    let body: String = body.chars().take(17).collect();
    format!("{body}{}", uscc_check_char(&body).expect("valid charset"))
}

/// Load the demo data unless it is already there. Returns `true` if it was loaded now.
pub async fn load<C: TransactionTrait + ConnectionTrait>(
    conn: &C,
    vault: &crate::vault::Vault,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    if db::count(conn, "SELECT COUNT(*) AS n FROM org_nodes WHERE code = 'POLY'", vec![]).await? > 0 {
        return Ok(false);
    }
    let pw = password::hash(DEMO_PASSWORD.to_string()).await?;
    let tx = conn.begin().await?;
    let t = &tx;
    let mut company = NewNode::named(NodeKind::Company, "保利物业服务股份有限公司");
    company.code = Some("POLY".into());
    company.uscc = Some(demo_uscc("0000001"));
    let company_id = org::create_node(t, None, company, now).await?;
    let company = org::node(t, company_id).await?.ok_or_else(|| AppError::internal("demo"))?;
    let mut branch = NewNode::named(NodeKind::Branch, "四川公司");
    branch.code = Some("POLY-SC".into());
    branch.uscc = Some(demo_uscc("0000002"));
    let branch_id = org::create_node(t, Some(&company), branch, now).await?;
    let branch = org::node(t, branch_id).await?.ok_or_else(|| AppError::internal("demo"))?;
    party(t, branch_id, PartyOrgKind::CompanyCommittee, "保利物业四川公司党委", now).await?;

    // Government side.
    let mut communities = Vec::new();
    let mut microgrids: Vec<Vec<i64>> = Vec::new();
    for (d, s, c) in COMMUNITIES {
        let district = org::find_or_create_child(t, None, NodeKind::District, d, now).await?.0;
        let street = org::find_or_create_child(t, Some(&district), NodeKind::Street, s, now).await?.0;
        if !s.contains("演示") {
            party(t, street.id, PartyOrgKind::StreetWorkCommittee, &format!("{s}党工委"), now).await?;
        }
        let community = org::find_or_create_child(t, Some(&street), NodeKind::Community, c, now).await?.0;
        party(
            t,
            community.id,
            PartyOrgKind::CommunityCommittee,
            &format!("{}党委", c.trim_end_matches("（演示）")),
            now,
        )
        .await?;
        let grid = org::find_or_create_child(t, Some(&community), NodeKind::Grid, "第一网格", now).await?.0;
        let n_micro = if *c == "牧马山社区" { 4 } else { 2 };
        let mut mgs = Vec::new();
        for i in 1..=n_micro {
            mgs.push(
                org::find_or_create_child(t, Some(&grid), NodeKind::Microgrid, &format!("第{i}微网格"), now)
                    .await?
                    .0
                    .id,
            );
        }
        communities.push(community);
        microgrids.push(mgs);
    }

    // Projects, buildings, units, households, residents.
    let mut person_n = 0usize;
    let mut project_ids = Vec::new();
    let mut first_households = Vec::new();
    for spec in PROJECTS {
        let mut n = NewNode::named(NodeKind::Project, spec.name);
        n.code = Some(spec.code.into());
        n.project_kind = Some(spec.kind.into());
        n.community_id = Some(communities[spec.community].id);
        if let Some((s, y)) = spec.status {
            n.xinghuo_status = Some(s.into());
            n.xinghuo_year = Some(y);
        }
        let pid = org::create_node(t, Some(&branch), n, now).await?;
        let project = org::node(t, pid).await?.ok_or_else(|| AppError::internal("demo"))?;
        project_ids.push(pid);
        party(t, pid, PartyOrgKind::ProjectBranch, &format!("{}项目党支部", spec.name), now).await?;
        crate::capability::project_created(t, ProjectId(pid), now).await?;
        let (buildings, units, floors): (&[&str], &[&str], i32) = if spec.kind == "office" {
            (&["A座"], &["1单元"], 3)
        } else {
            (&["1栋", "2栋"], &["1单元", "2单元"], 3)
        };
        let mut hh_index = 0usize;
        for b in buildings {
            let bn = org::create_node(t, Some(&project), NewNode::named(NodeKind::Building, *b), now).await?;
            let bnode = org::node(t, bn).await?.ok_or_else(|| AppError::internal("demo"))?;
            for u in units {
                let un = org::create_node(t, Some(&bnode), NewNode::named(NodeKind::Unit, *u), now).await?;
                let unode = org::node(t, un).await?.ok_or_else(|| AppError::internal("demo"))?;
                for f in 1..=floors {
                    for r in 1..=2 {
                        let room = format!("{f}0{r}");
                        let hid =
                            org::create_node(t, Some(&unode), NewNode::named(NodeKind::Household, room.clone()), now)
                                .await?;
                        let mgs = &microgrids[spec.community];
                        let area = 7_850 + ((hh_index * 1_337) % 6_000) as i64;
                        org::create_household(
                            t,
                            hid,
                            ProjectId(pid),
                            &room,
                            Some(area),
                            Some(mgs[hh_index % mgs.len()]),
                            now,
                        )
                        .await?;
                        if hh_index < 2 {
                            first_households.push(hid);
                        }
                        // An owner in every home; a family member in every other one.
                        let members = if hh_index.is_multiple_of(2) { 2 } else { 1 };
                        for k in 0..members {
                            let name = if spec.code == "YEYU" && hh_index == 0 && k == 0 {
                                "张三".to_string()
                            } else if spec.code == "YEYU" && hh_index == 1 && k == 0 {
                                "李四".to_string()
                            } else {
                                format!(
                                    "{}{}",
                                    SURNAMES[(person_n * 7) % SURNAMES.len()],
                                    GIVEN[(person_n * 3 + k) % GIVEN.len()]
                                )
                            };
                            person_n += 1;
                            let np = people::NewPerson {
                                name,
                                gender: None,
                                phone: Some(demo_phone(person_n)),
                                id_number: Some(demo_id(person_n)),
                            };
                            let (person_id, _) =
                                people::upsert_person(t, vault, &np, &people::Within::Project(ProjectId(pid)), now)
                                    .await?;
                            let rel = if k == 0 { "owner" } else { "family" };
                            let moved =
                                NaiveDate::from_ymd_opt(2018 + (person_n % 5) as i32, 1 + (person_n % 12) as u32, 1);
                            people::add_member(t, HouseholdId(hid), person_id, rel, moved, now).await?;
                            if person_n.is_multiple_of(5) {
                                people::add_role(t, person_id, "party_member", pid, None, moved, now).await?;
                            }
                            // 保利叶语's volunteers are its C4 registrations, set up with its teams
                            // (demo_volunteers), so that 李四 is free to apply.
                            if person_n.is_multiple_of(3) && spec.code != "YEYU" {
                                people::add_role(t, person_id, "volunteer", pid, None, moved, now).await?;
                            }
                            if spec.code == "LIYUAN" && person_n.is_multiple_of(11) {
                                people::add_role(
                                    t,
                                    person_id,
                                    "supervisor",
                                    pid,
                                    None,
                                    NaiveDate::from_ymd_opt(2023, 6, 1),
                                    now,
                                )
                                .await?;
                            }
                        }
                        hh_index += 1;
                    }
                }
            }
        }
    }

    // Staff, cadres and log-ins.
    let yeyu = project_ids[0];
    let tianxi = project_ids[1];
    demo_centres(t, &[(yeyu, "保利叶语党群服务中心"), (project_ids[6], "保利湖心岛党群服务中心")], now).await?;
    demo_activities(t, &[(project_ids[6], "保利湖心岛"), (yeyu, "保利叶语")], now).await?;
    // The public spots residents name when reporting outside their home.
    for pid in [yeyu, tianxi, project_ids[2]] {
        for (name, at) in [
            ("东门", Some((30.5702, 104.0651))),
            ("西门", None),
            ("地下车库", None),
            ("中心花园", Some((30.5708, 104.0660))),
            ("儿童游乐区", None),
            ("垃圾分类投放点", None),
            ("健身步道", None),
        ] {
            let s =
                crate::org::spots::model::SpotInput { name: name.into(), lat: at.map(|a| a.0), lng: at.map(|a| a.1) };
            crate::org::spots::store::insert(t, ProjectId(pid), &s, now).await?;
        }
    }
    let youlian = communities[0].id;
    let mumashan_grid = db::one::<db::IdRow>(
        t,
        "SELECT id FROM org_nodes WHERE kind = 'grid' AND parent_id = $1",
        params![communities[1].id],
    )
    .await?
    .ok_or_else(|| AppError::internal("demo grid"))?
    .id;
    let staff: &[(&str, &str, &str, i64, Option<&str>)] = &[
        ("admin", "李管理", "company_admin", branch_id, None),
        ("staff", "王经理", "staff", yeyu, Some("项目经理")),
        ("staff2", "赵经理", "staff", tianxi, Some("项目经理")),
        ("cadre", "陈书记", "cadre", youlian, None),
        ("grid", "何小网", "grid_member", mumashan_grid, None),
        ("hejing", "何静", "staff", project_ids[2], Some("客服管家")),
        ("mumashan", "刘书记", "cadre", communities[1].id, None),
    ];
    let mut hejing = None;
    for (username, name, role, node, post) in staff {
        person_n += 1;
        let np = people::NewPerson {
            name: name.to_string(),
            gender: None,
            phone: Some(demo_phone(person_n)),
            id_number: Some(demo_id(person_n)),
        };
        let within = match org::node(t, *node).await? {
            Some(n) => people::Within::of_node(&n),
            None => return Err(AppError::internal("demo node")),
        };
        let (person_id, _) = people::upsert_person(t, vault, &np, &within, now).await?;
        people::add_role(t, person_id, role, *node, post.map(str::to_string), NaiveDate::from_ymd_opt(2022, 1, 1), now)
            .await?;
        if *username == "admin" {
            people::add_role(
                t,
                person_id,
                "staff",
                branch_id,
                Some("分公司管理".into()),
                NaiveDate::from_ymd_opt(2022, 1, 1),
                now,
            )
            .await?;
        }
        if *username == "grid" {
            people::add_role(t, person_id, "party_member", project_ids[2], None, None, now).await?;
        }
        let uid = create_user(t, username, name, Some(person_id), &pw, now).await?;
        if *username == "hejing" {
            // The article's 何静: a 客服管家 of 保利荔园天府和悦 serving as one of 牧马山社区's micro-grid
            // members, and a Party member.
            people::add_role(
                t,
                person_id,
                "grid_member",
                microgrids[1][0],
                None,
                NaiveDate::from_ymd_opt(2023, 3, 1),
                now,
            )
            .await?;
            people::add_role(t, person_id, "party_member", project_ids[2], None, None, now).await?;
            hejing = Some((person_id, uid));
        }
    }
    // Residents: the owners of the first two homes of 保利叶语.
    for (username, hh) in [("resident", first_households[0]), ("resident2", first_households[1])] {
        let owner = db::one::<db::IdRow>(
            t,
            "SELECT person_id AS id FROM household_members WHERE household_id = $1 AND relation = 'owner'",
            params![hh],
        )
        .await?
        .ok_or_else(|| AppError::internal("demo owner"))?
        .id;
        let name = people::person(t, owner).await?.map(|p| p.name).unwrap_or_default();
        let uid = create_user(t, username, &name, Some(PersonId(owner)), &pw, now).await?;
        if username == "resident2" {
            wishes::demo_wishes(t, ProjectId(yeyu), (PersonId(owner), uid.get()), now).await?;
        }
    }
    lending::demo_lending(t, ProjectId(yeyu), now).await?;
    // 「member」: a Party member living in 保利叶语 (the member's phone path: my branch, the meeting
    // notice, signing in to the 主题党日).
    let member = db::one::<db::IdRow>(
        t,
        "SELECT r.person_id AS id FROM role_assignments r WHERE r.node_id = $1 AND r.role = 'party_member' \
         ORDER BY r.person_id DESC LIMIT 1",
        params![yeyu],
    )
    .await?
    .ok_or_else(|| AppError::internal("demo: a Party member of 保利叶语"))?
    .id;
    let name = people::person(t, member).await?.map(|p| p.name).unwrap_or_default();
    create_user(t, "member", &name, Some(PersonId(member)), &pw, now).await?;
    demo_volunteers(t, &[(yeyu, "保利叶语"), (project_ids[6], "保利湖心岛")], now).await?;
    // The 党团突击队 of 保利叶语: its project manager as leader, two more staff and a Party member resident.
    let mut commando = Vec::new();
    for (name, post) in [("陈师傅", "工程维修"), ("周敏", "客服管家")] {
        person_n += 1;
        let np = people::NewPerson {
            name: name.to_string(),
            gender: None,
            phone: Some(demo_phone(person_n)),
            id_number: Some(demo_id(person_n)),
        };
        let (person_id, _) =
            people::upsert_person(t, vault, &np, &people::Within::Project(ProjectId(yeyu)), now).await?;
        people::add_role(t, person_id, "staff", yeyu, Some(post.into()), NaiveDate::from_ymd_opt(2022, 1, 1), now)
            .await?;
        commando.push(person_id);
    }
    life::demo_commando(t, yeyu, &commando, now).await?;
    let hejing = hejing.ok_or_else(|| AppError::internal("demo: 何静"))?;
    referrals::demo_referrals(t, ProjectId(project_ids[2]), NodeId(communities[1].id), hejing, now).await?;
    // 和悦's supervisors: the owners of its first two homes; the first signs in as 「supervisor」.
    let liyuan_owners: Vec<i64> = db::all::<db::IdRow>(
        t,
        "SELECT m.person_id AS id FROM household_members m JOIN households h ON h.node_id = m.household_id \
         WHERE h.project_id = $1 AND m.relation = 'owner' ORDER BY h.node_id LIMIT 2",
        params![project_ids[2]],
    )
    .await?
    .into_iter()
    .map(|r| r.id)
    .collect();
    if let [first, second] = liyuan_owners.as_slice() {
        let name = people::person(t, *first).await?.map(|p| p.name).unwrap_or_default();
        let uid = create_user(t, "supervisor", &name, Some(PersonId(*first)), &pw, now).await?;
        supervision::demo_supervision(
            t,
            ProjectId(project_ids[2]),
            (PersonId(*first), uid),
            PersonId(*second),
            hejing,
            now,
        )
        .await?;
    }
    care::demo_care(t, ProjectId(project_ids[2]), hejing, now).await?;
    services::demo_services(t, ProjectId(project_ids[2]), now).await?;
    honours::demo_honours(t, ProjectId(project_ids[2]), NodeId(communities[1].id), hejing, now).await?;
    party::demo_party(t, now).await?;
    joint::demo_joint(t, hejing.1, now).await?;
    pairing::demo_pairing(t, vault, project_ids[9], project_ids[10], &mut person_n, now).await?;
    bodies::demo_bodies(t, vault, &mut person_n, now).await?;
    grid::demo_grid(t, now).await?;
    tx.commit().await?;
    Ok(true)
}

async fn party(
    t: &impl ConnectionTrait,
    node: i64,
    kind: PartyOrgKind,
    name: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    db::exec(
        t,
        "INSERT INTO party_orgs (node_id, kind, name, created_at) VALUES ($1, $2, $3, $4)",
        params![node, kind.as_str(), name, now],
    )
    .await?;
    Ok(())
}

async fn create_user(
    t: &impl ConnectionTrait,
    username: &str,
    name: &str,
    person: Option<PersonId>,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<UserId, AppError> {
    let id = db::insert_id(
        t,
        "INSERT INTO users (username, person_id, display_name, password_hash, is_active, failed_logins, large_type, lang, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, TRUE, 0, FALSE, 'zh', $5, $5) RETURNING id",
        params![username, person, name, hash, now],
    )
    .await?;
    Ok(UserId(id))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_numbers_pass_validation() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        for n in 0..2000 {
            crate::people::model::IdNumber::parse(&super::demo_id(n), today).unwrap();
            crate::people::model::Phone::parse(&super::demo_phone(n)).unwrap();
        }
        crate::org::model::parse_uscc(&super::demo_uscc("0000001")).unwrap();
    }
}
