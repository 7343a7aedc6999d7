use sea_orm_migration::prelude::*;

use super::{a, col, fk, id, index, ts, ts_null};

/// C2 positions: Party-mass service centres, their hours, closed dates and versions, rooms with booking
/// rules, bookings, and one row per held 30-minute slot — unique per room, so overlapping bookings are
/// refused by the database itself on both backends.
pub struct M0005Positions;

impl MigrationName for M0005Positions {
    fn name(&self) -> &str {
        "m0005_positions"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0005Positions {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("centres"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("name").string_len(100).not_null())
                .col(col("address").string_len(200).null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("centres", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centres", "ux_centres_project_name", &["project_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("centre_hours"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("weekday").integer().not_null())
                .col(col("opens").string_len(5).not_null())
                .col(col("closes").string_len(5).not_null())
                .foreign_key(&mut fk("centre_hours", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_hours", "ux_centre_hours_day", &["centre_id", "weekday"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("centre_closed_days"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("day").date().not_null())
                .col(col("reason").string_len(100).null())
                .foreign_key(&mut fk("centre_closed_days", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_closed_days", "ux_centre_closed_day", &["centre_id", "day"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("centre_versions"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("version").string_len(40).not_null())
                .col(col("effective_on").date().not_null())
                .col(col("summary").string_len(1000).not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("centre_versions", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_versions", "ix_centre_versions_centre", &["centre_id", "effective_on"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("rooms"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("name").string_len(60).not_null())
                .col(col("function").string_len(40).not_null())
                .col(col("capacity").integer().not_null())
                .col(col("needs_approval").boolean().not_null())
                .col(col("min_minutes").integer().not_null())
                .col(col("max_minutes").integer().not_null())
                .col(col("notice_minutes").integer().not_null())
                .col(col("weekly_quota").integer().not_null())
                .col(col("no_show_minutes").integer().not_null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("rooms", "centre_id", "centres", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("rooms", "ux_rooms_centre_name", &["centre_id", "name"], true)).await?;
        m.create_table(
            Table::create()
                .table(a("bookings"))
                .col(id("id"))
                .col(col("room_id").big_integer().not_null())
                .col(ts("starts_at"))
                .col(ts("ends_at"))
                .col(col("state").string_len(16).not_null())
                .col(col("purpose").string_len(200).not_null())
                .col(col("household_id").big_integer().null())
                .col(col("person_id").big_integer().null())
                .col(col("org_name").string_len(100).null())
                .col(col("booked_by").big_integer().null())
                .col(ts_null("checked_in_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("bookings", "room_id", "rooms", "id", Cascade))
                .foreign_key(&mut fk("bookings", "household_id", "households", "node_id", SetNull))
                .foreign_key(&mut fk("bookings", "person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("bookings", "booked_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("bookings", "ix_bookings_room_start", &["room_id", "starts_at"], false)).await?;
        m.create_index(index("bookings", "ix_bookings_household_start", &["household_id", "starts_at"], false)).await?;
        m.create_index(index("bookings", "ix_bookings_booked_by", &["booked_by", "id"], false)).await?;
        m.create_table(
            Table::create()
                .table(a("booking_slots"))
                .col(id("id"))
                .col(col("booking_id").big_integer().not_null())
                .col(col("room_id").big_integer().not_null())
                .col(ts("slot_start"))
                .foreign_key(&mut fk("booking_slots", "booking_id", "bookings", "id", Cascade))
                .foreign_key(&mut fk("booking_slots", "room_id", "rooms", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("booking_slots", "ux_booking_slots_room_slot", &["room_id", "slot_start"], true)).await?;
        m.create_index(index("booking_slots", "ix_booking_slots_booking", &["booking_id"], false)).await?;
        // The visit log (五常: 群众常来): a person, or a walk-in by name, checked in at a centre.
        m.create_table(
            Table::create()
                .table(a("centre_visits"))
                .col(id("id"))
                .col(col("centre_id").big_integer().not_null())
                .col(col("person_id").big_integer().null())
                .col(col("visitor_name").string_len(60).null())
                .col(col("via").string_len(16).not_null())
                .col(col("booking_id").big_integer().null())
                .col(col("recorded_by").big_integer().null())
                .col(ts("at"))
                .foreign_key(&mut fk("centre_visits", "centre_id", "centres", "id", Cascade))
                .foreign_key(&mut fk("centre_visits", "person_id", "persons", "id", SetNull))
                .foreign_key(&mut fk("centre_visits", "booking_id", "bookings", "id", SetNull))
                .foreign_key(&mut fk("centre_visits", "recorded_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("centre_visits", "ix_centre_visits_centre_at", &["centre_id", "at"], false)).await?;
        m.create_index(index("centre_visits", "ix_centre_visits_person", &["person_id", "at"], false)).await?;
        // The no-show job looks for approved bookings that started without a check-in.
        m.create_index(index("bookings", "ix_bookings_state_start", &["state", "starts_at"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "centre_visits",
            "booking_slots",
            "bookings",
            "rooms",
            "centre_versions",
            "centre_closed_days",
            "centre_hours",
            "centres",
        ] {
            m.drop_table(Table::drop().table(a(t)).to_owned()).await?;
        }
        Ok(())
    }
}
