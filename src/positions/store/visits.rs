//! The visit log (五常: 群众常来), the no-show release and the month's counts for 五常 figures.

use crate::ids::*;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::{db, error::AppError, params};

/// Record a visit; when the visitor holds an approved booking at this centre that is on now (from 30
/// minutes before its start to its end), it is checked in too. Returns the booking checked in, if any.
#[derive(Clone, Copy)]
pub struct Visit<'a> {
    pub centre_id: i64,
    pub person_id: Option<PersonId>,
    /// A walk-in without a person record.
    pub visitor_name: Option<&'a str>,
    /// `qr` or `staff`.
    pub via: &'a str,
    pub recorded_by: i64,
    /// The visitor's user account, to find their booking.
    pub booker_user: Option<i64>,
}

pub async fn record_visit(
    conn: &impl ConnectionTrait,
    v: &Visit<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, AppError> {
    let Visit { centre_id, person_id, visitor_name, via, recorded_by, booker_user } = *v;
    let booking = match booker_user {
        Some(u) => db::one::<db::IdRow>(
            conn,
            "SELECT b.id FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE r.centre_id = $1 AND b.booked_by = $2 \
             AND b.state = 'approved' AND b.checked_in_at IS NULL AND b.starts_at <= $3 AND b.ends_at > $4 ORDER BY b.starts_at LIMIT 1",
            params![centre_id, u, now + Duration::minutes(30), now],
        )
        .await?
        .map(|r| r.id),
        None => None,
    };
    if let Some(b) = booking {
        db::exec(conn, "UPDATE bookings SET checked_in_at = $1, updated_at = $1 WHERE id = $2", params![now, b])
            .await?;
    }
    db::exec(
        conn,
        "INSERT INTO centre_visits (centre_id, person_id, visitor_name, via, booking_id, recorded_by, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        params![centre_id, person_id, visitor_name, via, booking, recorded_by, now],
    )
    .await?;
    Ok(booking)
}

#[derive(FromQueryResult)]
pub struct Due {
    pub id: i64,
    pub starts_at: DateTime<Utc>,
    pub no_show_minutes: i32,
}

/// Approved bookings under way (or begun within the day) that nobody checked in to, not an activity's.
pub async fn unattended_bookings(conn: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Vec<Due>, AppError> {
    Ok(db::all(
        conn,
        "SELECT b.id, b.starts_at, r.no_show_minutes FROM bookings b JOIN rooms r ON r.id = b.room_id \
         WHERE b.state = 'approved' AND b.checked_in_at IS NULL AND b.starts_at <= $1 AND b.ends_at > $2 \
         AND NOT EXISTS (SELECT 1 FROM activity_occurrences o WHERE o.booking_id = b.id) ORDER BY b.id LIMIT 500",
        params![now, now - Duration::days(1)],
    )
    .await?)
}

/// Release a booking nobody came to and free its slots; `false` if it changed meanwhile (compare-and-set).
pub async fn release_booking(conn: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<bool, AppError> {
    let n = db::exec(
        conn,
        "UPDATE bookings SET state = 'released', updated_at = $1 WHERE id = $2 AND state = 'approved' AND checked_in_at IS NULL",
        params![now, id],
    )
    .await?
    .rows_affected();
    if n == 1 {
        db::exec(conn, "DELETE FROM booking_slots WHERE booking_id = $1", params![id]).await?;
    }
    Ok(n == 1)
}

/// A centre's month in numbers (bookings, attendance, booked slots, visits, visitors, activities held).
pub struct MonthCounts {
    pub bookings: i64,
    pub attended: i64,
    pub booked_slots: i64,
    pub visits: i64,
    pub distinct: i64,
    pub repeat: i64,
    pub activities_held: i64,
}

#[derive(FromQueryResult)]
struct N {
    n: i64,
}

pub async fn month_counts(
    conn: &impl ConnectionTrait,
    centre_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<MonthCounts, AppError> {
    let one = |sql: &'static str| async move {
        Ok::<i64, AppError>(db::one::<N>(conn, sql, params![centre_id, start, end]).await?.map(|r| r.n).unwrap_or(0))
    };
    Ok(MonthCounts {
        bookings: one("SELECT COUNT(*) AS n FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE r.centre_id = $1 \
             AND b.starts_at >= $2 AND b.starts_at < $3 AND b.state IN ('approved','released')")
        .await?,
        attended: one("SELECT COUNT(*) AS n FROM bookings b JOIN rooms r ON r.id = b.room_id WHERE r.centre_id = $1 \
             AND b.starts_at >= $2 AND b.starts_at < $3 AND b.checked_in_at IS NOT NULL")
        .await?,
        booked_slots: one(
            "SELECT COUNT(*) AS n FROM booking_slots s JOIN rooms r ON r.id = s.room_id JOIN bookings b ON b.id = s.booking_id \
             WHERE r.centre_id = $1 AND s.slot_start >= $2 AND s.slot_start < $3 AND b.state = 'approved'",
        )
        .await?,
        visits: one("SELECT COUNT(*) AS n FROM centre_visits WHERE centre_id = $1 AND at >= $2 AND at < $3").await?,
        distinct: one(
            "SELECT COUNT(DISTINCT person_id) AS n FROM centre_visits WHERE centre_id = $1 AND at >= $2 AND at < $3 AND person_id IS NOT NULL",
        )
        .await?,
        repeat: one(
            "SELECT COUNT(*) AS n FROM (SELECT person_id FROM centre_visits WHERE centre_id = $1 AND at >= $2 AND at < $3 \
             AND person_id IS NOT NULL GROUP BY person_id HAVING COUNT(*) > 1) x",
        )
        .await?,
        activities_held: one(
            "SELECT COUNT(DISTINCT o.id) AS n FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
             JOIN centres c ON c.project_id = a.project_id JOIN signups s ON s.occurrence_id = o.id \
             WHERE c.id = $1 AND o.starts_at >= $2 AND o.starts_at < $3 AND s.checked_in_at IS NOT NULL",
        )
        .await?,
    })
}

/// When each visit of the month happened.
pub async fn visit_times(
    conn: &impl ConnectionTrait,
    centre_id: i64,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<DateTime<Utc>>, AppError> {
    #[derive(FromQueryResult)]
    struct At {
        at: DateTime<Utc>,
    }
    Ok(db::all::<At>(
        conn,
        "SELECT at FROM centre_visits WHERE centre_id = $1 AND at >= $2 AND at < $3",
        params![centre_id, start, end],
    )
    .await?
    .into_iter()
    .map(|a| a.at)
    .collect())
}
