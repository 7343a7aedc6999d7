//! 党员积分's SQL: the rules rows (defaults and a branch's own) and, for a set of members and a year, the
//! units each source gives — four grouped queries whatever the number of members.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::model::{Rule, Source};
use crate::{db, error::AppError, params};

#[derive(FromQueryResult)]
struct RuleRow {
    org_id: Option<i64>,
    source: String,
    points: i32,
    yearly_cap: Option<i32>,
}

/// The default rules and the branch's own.
pub async fn rules(conn: &impl ConnectionTrait, org: i64) -> Result<(Vec<Rule>, Vec<Rule>), AppError> {
    let rows: Vec<RuleRow> = db::all(
        conn,
        "SELECT org_id, source, points, yearly_cap FROM party_score_rules WHERE org_id IS NULL OR org_id = $1 ORDER BY id",
        params![org],
    )
    .await?;
    let (mut defaults, mut own) = (Vec::new(), Vec::new());
    for r in rows {
        let Ok(source) = r.source.parse::<Source>() else { continue };
        let rule = Rule {
            source,
            points: r.points.max(0) as u32,
            yearly_cap: r.yearly_cap.map(|c| c.max(0) as u32),
            own: r.org_id.is_some(),
        };
        if rule.own { own.push(rule) } else { defaults.push(rule) }
    }
    Ok((defaults, own))
}

/// Set the branch's own rule for a source (replacing any it had).
pub async fn set_rule(conn: &impl ConnectionTrait, org: i64, r: &Rule, now: DateTime<Utc>) -> Result<(), AppError> {
    db::exec(conn, "DELETE FROM party_score_rules WHERE org_id = $1 AND source = $2", params![org, r.source.as_str()])
        .await?;
    db::exec(
        conn,
        "INSERT INTO party_score_rules (org_id, source, points, yearly_cap, created_at) VALUES ($1, $2, $3, $4, $5)",
        params![org, r.source.as_str(), r.points as i32, r.yearly_cap.map(|c| c as i32), now],
    )
    .await?;
    Ok(())
}

/// Go back to the default for a source.
pub async fn clear_rule(conn: &impl ConnectionTrait, org: i64, source: Source) -> Result<(), AppError> {
    db::exec(conn, "DELETE FROM party_score_rules WHERE org_id = $1 AND source = $2", params![org, source.as_str()])
        .await?;
    Ok(())
}

/// (person, source, units) for these people between two days (`from` inclusive, `to` exclusive):
/// meetings attended (held in the period), wishes they fulfilled and the resident confirmed, 联系户
/// visits logged, whole hours of volunteer service checked out.
pub async fn units(
    conn: &impl ConnectionTrait,
    people: &[i64],
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(i64, Source, u32)>, AppError> {
    #[derive(FromQueryResult)]
    struct U {
        person_id: i64,
        n: i64,
    }
    if people.is_empty() {
        return Ok(vec![]);
    }
    let list = db::placeholders(3, people.len());
    let (t0, t1) = (day_start(from), day_start(to));
    let queries: [(Source, String, Vec<sea_orm::Value>); 4] = [
        (
            Source::Meeting,
            format!(
                "SELECT a.person_id, CAST(COUNT(*) AS BIGINT) AS n FROM party_attendance a JOIN party_meetings m ON m.id = a.meeting_id \
                 WHERE a.presence = 'present' AND a.person_id IN ({list}) AND m.held_on >= $1 AND m.held_on < $2 GROUP BY a.person_id"
            ),
            params![from, to],
        ),
        (
            Source::Wish,
            format!(
                "SELECT claimed_by AS person_id, CAST(COUNT(*) AS BIGINT) AS n FROM wishes \
                 WHERE state = 'confirmed' AND claimed_by IN ({list}) AND confirmed_at >= $1 AND confirmed_at < $2 GROUP BY claimed_by"
            ),
            params![t0, t1],
        ),
        (
            Source::ContactVisit,
            format!(
                "SELECT c.person_id, CAST(COUNT(*) AS BIGINT) AS n FROM party_contact_visits v JOIN party_contacts c ON c.id = v.contact_id \
                 WHERE c.person_id IN ({list}) AND v.visited_on >= $1 AND v.visited_on < $2 GROUP BY c.person_id"
            ),
            params![from, to],
        ),
        (
            Source::ServiceHour,
            format!(
                "SELECT person_id, CAST(SUM(service_minutes) / 60 AS BIGINT) AS n FROM signups \
                 WHERE person_id IN ({list}) AND service_minutes IS NOT NULL AND checked_out_at >= $1 AND checked_out_at < $2 \
                 GROUP BY person_id"
            ),
            params![t0, t1],
        ),
    ];
    let mut out = Vec::new();
    for (source, sql, mut values) in queries {
        values.extend(people.iter().map(|p| sea_orm::Value::from(*p)));
        let rows: Vec<U> = db::all(conn, &sql, values).await?;
        out.extend(rows.into_iter().map(|r| (r.person_id, source, r.n.clamp(0, u32::MAX as i64) as u32)));
    }
    Ok(out)
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    crate::clock::to_utc(d.and_hms_opt(0, 0, 0).unwrap_or_default())
}
