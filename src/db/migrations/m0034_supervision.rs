//! Service-quality supervisors (issue 14, C7): owners appointed for a term by the project with the 业委会
//! or the community (the appointment keeps the `supervisor` role's dates and a letter number); a
//! checklist per project (环境卫生, 秩序维护, 设施设备, 绿化养护, 客户服务 — items scored 1–5 or
//! pass/fail; every project starts with the default list); inspections with their findings and photos,
//! each failed finding linked to the rectification request it became; and `requests.confirm_via`,
//! naming the flow that confirms a request instead of its reporter's rating.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts, ts_null};

pub struct M0034Supervision;

impl MigrationName for M0034Supervision {
    fn name(&self) -> &str {
        "m0034_supervision"
    }
}

/// (area, item, scoring) — also `supervision::model::DEFAULT_ITEMS`.
pub const DEFAULT_ITEMS: &[(&str, &str, &str)] = &[
    ("sanitation", "楼道、电梯轿厢清洁无杂物", "score"),
    ("sanitation", "垃圾分类投放点整洁、按时清运", "score"),
    ("order", "门岗人员在岗、外来人员车辆登记", "pass"),
    ("order", "消防通道畅通无占用", "pass"),
    ("facilities", "公共照明完好", "pass"),
    ("facilities", "电梯运行正常、年检标志在有效期内", "pass"),
    ("greening", "绿地修剪整齐、无枯死补种不及时", "score"),
    ("service", "客服前台有人接待、报修响应及时", "score"),
    ("service", "公告栏信息及时更新", "pass"),
];

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0034Supervision {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.alter_table(
            Table::alter().table(a("requests")).add_column(col("confirm_via").string_len(20).null()).to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(a("sv_appointments"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("body_name").string_len(60).not_null())
                .col(col("term_start").date().not_null())
                .col(col("term_end").date().not_null())
                .col(col("letter_no").string_len(40).not_null())
                .col(col("role_id").big_integer().null())
                .col(col("ended_on").date().null())
                // The person while the appointment is in force: once per project at a time.
                .col(col("current_person_id").big_integer().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("sv_appointments", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("sv_appointments", "person_id", "persons", "id", Cascade))
                .foreign_key(&mut fk("sv_appointments", "created_by", "users", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "sv_appointments",
            "ux_sv_appointments_current",
            &["project_id", "current_person_id"],
            true,
        ))
        .await?;
        check(m, "sv_appointments", "ck_sv_appointments_term", "{c}term_end > {c}term_start").await?;
        m.create_table(
            Table::create()
                .table(a("sv_items"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("area").string_len(16).not_null())
                .col(col("text").string_len(60).not_null())
                .col(col("scoring").string_len(8).not_null())
                .col(col("position").integer().not_null())
                .col(ts_null("retired_at"))
                .foreign_key(&mut fk("sv_items", "project_id", "org_nodes", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sv_items", "ix_sv_items_project", &["project_id"], false)).await?;
        check(m, "sv_items", "ck_sv_items_area", "{c}area IN ('sanitation','order','facilities','greening','service')")
            .await?;
        check(m, "sv_items", "ck_sv_items_scoring", "{c}scoring IN ('score','pass')").await?;
        m.create_table(
            Table::create()
                .table(a("sv_inspections"))
                .col(id("id"))
                .col(col("project_id").big_integer().not_null())
                .col(col("person_id").big_integer().not_null())
                .col(col("inspected_on").date().not_null())
                .col(col("note").string_len(500).null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("sv_inspections", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("sv_inspections", "person_id", "persons", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sv_inspections", "ix_sv_inspections_project", &["project_id", "inspected_on"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("sv_findings"))
                .col(id("id"))
                .col(col("inspection_id").big_integer().not_null())
                .col(col("project_id").big_integer().not_null())
                .col(col("item_id").big_integer().null())
                .col(col("area").string_len(16).not_null())
                .col(col("item_text").string_len(60).not_null())
                .col(col("score").small_integer().null())
                .col(col("passed").boolean().null())
                .col(col("note").string_len(200).null())
                .col(col("request_id").big_integer().null())
                .col(col("state").string_len(8).not_null())
                .col(col("reworks").integer().not_null().default(0))
                .col(ts_null("closed_at"))
                .col(col("closed_by").big_integer().null())
                .foreign_key(&mut fk("sv_findings", "inspection_id", "sv_inspections", "id", Cascade))
                .foreign_key(&mut fk("sv_findings", "project_id", "org_nodes", "id", Cascade))
                .foreign_key(&mut fk("sv_findings", "item_id", "sv_items", "id", SetNull))
                .foreign_key(&mut fk("sv_findings", "request_id", "requests", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sv_findings", "ix_sv_findings_inspection", &["inspection_id"], false)).await?;
        m.create_index(index("sv_findings", "ix_sv_findings_request", &["request_id"], false)).await?;
        check(m, "sv_findings", "ck_sv_findings_state", "{c}state IN ('ok','open','closed')").await?;
        check(m, "sv_findings", "ck_sv_findings_score", "{c}score IS NULL OR {c}score BETWEEN 1 AND 5").await?;
        m.create_table(
            Table::create()
                .table(a("sv_inspection_photos"))
                .col(id("id"))
                .col(col("inspection_id").big_integer().not_null())
                .col(col("object_key").string_len(100).not_null())
                .col(col("content_type").string_len(40).not_null())
                .col(col("size_bytes").integer().not_null())
                .col(col("uploaded_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("sv_inspection_photos", "inspection_id", "sv_inspections", "id", Cascade))
                .to_owned(),
        )
        .await?;
        // Every project starts with the default checklist.
        let db = m.get_connection();
        for (n, (area, text, scoring)) in DEFAULT_ITEMS.iter().enumerate() {
            db.execute_unprepared(&format!(
                "INSERT INTO sv_items (project_id, area, text, scoring, position) \
                 SELECT id, '{area}', '{text}', '{scoring}', {n} FROM org_nodes WHERE kind = 'project'"
            ))
            .await?;
        }
        Ok(())
    }
}
