//! 我的信息's queries: one per section (title, typed columns, one query by person), so the page, the
//! spreadsheet and the JSON say the same thing.

use crate::ids::*;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, QueryResult, Statement};

use crate::{clock::fmt_datetime, error::AppError};

#[derive(Clone, Copy)]
pub enum Ty {
    Text,
    Int,
    Time,
    Date,
    /// A stored code shown by its Chinese label: the catalog entry `<prefix>.<code>` (`web::labels`).
    Code(&'static str),
}

use crate::web::labels::Labelled;
const RELATION: &str = <crate::people::model::Relation as Labelled>::PREFIX;
const ROLE: &str = <crate::auth::model::Role as Labelled>::PREFIX;
const REQUEST_STATE: &str = <crate::requests::model::State as Labelled>::PREFIX;
const BOOKING_STATE: &str = <crate::positions::model::BookingState as Labelled>::PREFIX;
const SIGNUP_STATE: &str = <crate::activities::model::SignupState as Labelled>::PREFIX;
const VOLUNTEER_STATE: &str = <crate::volunteers::model::VolunteerState as Labelled>::PREFIX;
const REDEMPTION_STATE: &str = <crate::volunteers::model::RedemptionState as Labelled>::PREFIX;
/// How a visit was recorded (`qr`, `staff`).
const VISIT_VIA: &str = "visit_via";

pub struct Spec {
    pub key: &'static str,
    pub title: &'static str,
    pub columns: &'static [(&'static str, Ty)],
    /// `$1` is the person's id.
    pub sql: &'static str,
}

use Ty::{Code, Date, Int, Text, Time};

pub const SECTIONS: &[Spec] = &[
    Spec {
        key: "homes",
        title: "我的房屋",
        columns: &[("项目", Text), ("房屋", Text), ("关系", Code(RELATION)), ("入住日期", Date), ("迁出日期", Date)],
        sql: "SELECT pr.name, b.name || u.name || h.room || '室', m.relation, m.moved_in, m.moved_out \
              FROM household_members m JOIN households h ON h.node_id = m.household_id \
              JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id \
              JOIN org_nodes b ON b.id = u.parent_id JOIN org_nodes pr ON pr.id = h.project_id \
              WHERE m.person_id = $1 ORDER BY m.id",
    },
    Spec {
        key: "roles",
        title: "我的角色",
        columns: &[("角色", Code(ROLE)), ("所在组织", Text), ("岗位", Text), ("起始日期", Date), ("结束日期", Date)],
        sql: "SELECT r.role, n.name, r.post, r.since, r.until FROM role_assignments r \
              JOIN org_nodes n ON n.id = r.node_id WHERE r.person_id = $1 ORDER BY r.id",
    },
    Spec {
        key: "requests",
        title: "我的报事报修",
        columns: &[("编号", Int), ("提交时间", Time), ("类别", Text), ("状态", Code(REQUEST_STATE)), ("内容", Text)],
        sql: "SELECT r.id, r.created_at, c.name, r.state, r.description FROM requests r \
              JOIN request_categories c ON c.id = r.category_id WHERE r.reporter_person_id = $1 ORDER BY r.id",
    },
    Spec {
        key: "bookings",
        title: "我的场地预约",
        columns: &[("功能室", Text), ("开始", Time), ("结束", Time), ("状态", Code(BOOKING_STATE)), ("用途", Text)],
        sql: "SELECT rm.name, b.starts_at, b.ends_at, b.state, b.purpose FROM bookings b \
              JOIN rooms rm ON rm.id = b.room_id WHERE b.person_id = $1 ORDER BY b.id",
    },
    Spec {
        key: "signups",
        title: "我的活动",
        columns: &[
            ("活动", Text),
            ("开始", Time),
            ("报名状态", Code(SIGNUP_STATE)),
            ("签到", Time),
            ("签退", Time),
            ("服务分钟", Int),
        ],
        sql: "SELECT a.title, o.starts_at, s.state, s.checked_in_at, s.checked_out_at, s.service_minutes \
              FROM signups s JOIN activity_occurrences o ON o.id = s.occurrence_id \
              JOIN activities a ON a.id = o.activity_id WHERE s.person_id = $1 ORDER BY s.id",
    },
    Spec {
        key: "points",
        title: "我的积分",
        columns: &[("时间", Time), ("积分", Int), ("服务分钟", Int), ("事由", Text)],
        sql: "SELECT created_at, delta, minutes, reason FROM points_ledger WHERE person_id = $1 ORDER BY id",
    },
    Spec {
        key: "volunteers",
        title: "我的志愿者登记",
        columns: &[("项目", Text), ("状态", Code(VOLUNTEER_STATE)), ("特长", Text), ("登记时间", Time)],
        sql: "SELECT n.name, v.state, v.skills, v.created_at FROM volunteers v JOIN org_nodes n ON n.id = v.project_id \
              WHERE v.person_id = $1 ORDER BY v.id",
    },
    Spec {
        key: "redemptions",
        title: "我的爱心超市兑换",
        columns: &[("物品", Text), ("数量", Int), ("积分", Int), ("状态", Code(REDEMPTION_STATE)), ("时间", Time)],
        sql: "SELECT i.name, r.quantity, r.points, r.state, r.created_at FROM redemptions r \
              JOIN reward_items i ON i.id = r.item_id WHERE r.person_id = $1 ORDER BY r.id",
    },
    Spec {
        key: "visits",
        title: "我的到访记录",
        columns: &[("服务中心", Text), ("时间", Time), ("方式", Code(VISIT_VIA))],
        sql: "SELECT c.name, v.at, v.via FROM centre_visits v JOIN centres c ON c.id = v.centre_id \
              WHERE v.person_id = $1 ORDER BY v.id",
    },
    Spec {
        key: "sessions",
        title: "我的登录会话",
        columns: &[("登录时间", Time), ("最近使用", Time), ("网络地址", Text), ("浏览器", Text)],
        sql: "SELECT s.created_at, s.last_seen_at, s.ip, s.user_agent FROM sessions s JOIN users u ON u.id = s.user_id \
              WHERE u.person_id = $1 ORDER BY s.created_at",
    },
];

fn cell(r: &QueryResult, i: usize, ty: Ty) -> String {
    match ty {
        Text => r.try_get_by_index::<Option<String>>(i).ok().flatten().unwrap_or_default(),
        Int => r.try_get_by_index::<Option<i64>>(i).ok().flatten().map(|v| v.to_string()).unwrap_or_default(),
        Time => r.try_get_by_index::<Option<DateTime<Utc>>>(i).ok().flatten().map(fmt_datetime).unwrap_or_default(),
        Date => r.try_get_by_index::<Option<NaiveDate>>(i).ok().flatten().map(|d| d.to_string()).unwrap_or_default(),
        Code(prefix) => {
            let code = r.try_get_by_index::<Option<String>>(i).ok().flatten().unwrap_or_default();
            match crate::web::labels::label_of(crate::web::i18n::Lang::Zh, prefix, &code) {
                "" => code,
                label => label.to_string(),
            }
        }
    }
}

/// One section's rows for a person, each cell as shown.
pub async fn section_rows(
    conn: &impl ConnectionTrait,
    s: &Spec,
    person_id: PersonId,
) -> Result<Vec<Vec<String>>, AppError> {
    let rows =
        conn.query_all(Statement::from_sql_and_values(conn.get_database_backend(), s.sql, [person_id.into()])).await?;
    Ok(rows.iter().map(|r| s.columns.iter().enumerate().map(|(i, (_, ty))| cell(r, i, *ty)).collect()).collect())
}
