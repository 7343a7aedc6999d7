//! 党建联建 (issue 13, C6): agreements between a project's Party organisation and a 社区党委 (optionally
//! the 街道党工委 too) with the four roles' commitments and 一书三单 — 资源清单, 需求清单, 项目清单 (each
//! project with an owner, a due date, a status and outcomes) —; the joint activities linked to an
//! agreement (and one of its projects); each side's written assessment per year.

use sea_orm_migration::prelude::*;

use super::{a, check, col, fk, id, index, ts};

pub struct M0026JointBuilding;

impl MigrationName for M0026JointBuilding {
    fn name(&self) -> &str {
        "m0026_joint_building"
    }
}

#[sea_orm_migration::async_trait::async_trait]
impl MigrationTrait for M0026JointBuilding {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use ForeignKeyAction::{Cascade, SetNull};
        m.create_table(
            Table::create()
                .table(a("joint_agreements"))
                .col(id("id"))
                .col(col("project_org_id").big_integer().not_null())
                .col(col("community_org_id").big_integer().not_null())
                .col(col("street_org_id").big_integer().null())
                .col(col("title").string_len(100).not_null())
                .col(col("signed_on").date().not_null())
                .col(col("starts_on").date().not_null())
                .col(col("ends_on").date().not_null())
                // The four roles' commitments: 社区党建引领 · 物业企业服务 · 业主自治监督 · 党员志愿服务.
                .col(col("by_community").text().null())
                .col(col("by_company").text().null())
                .col(col("by_owners").text().null())
                .col(col("by_members").text().null())
                .col(col("created_by").big_integer().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("joint_agreements", "project_org_id", "party_orgs", "id", Cascade))
                .foreign_key(&mut fk("joint_agreements", "community_org_id", "party_orgs", "id", Cascade))
                .foreign_key(&mut fk("joint_agreements", "street_org_id", "party_orgs", "id", SetNull))
                .to_owned(),
        )
        .await?;
        check(m, "joint_agreements", "ck_joint_agreements_term", "{c}ends_on > {c}starts_on").await?;
        m.create_index(index("joint_agreements", "ix_joint_agreements_project", &["project_org_id"], false)).await?;
        m.create_index(index("joint_agreements", "ix_joint_agreements_community", &["community_org_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table(a("joint_items"))
                .col(id("id"))
                .col(col("agreement_id").big_integer().not_null())
                .col(col("list").string_len(12).not_null())
                .col(col("side").string_len(12).null())
                .col(col("title").string_len(100).not_null())
                .col(col("owner").string_len(60).null())
                .col(col("due_on").date().null())
                .col(col("status").string_len(12).not_null())
                .col(col("outcome").text().null())
                .col(col("done_on").date().null())
                .col(ts("created_at"))
                .foreign_key(&mut fk("joint_items", "agreement_id", "joint_agreements", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("joint_items", "ix_joint_items_agreement", &["agreement_id", "list"], false)).await?;
        check(m, "joint_items", "ck_joint_items_list", "{c}list IN ('resource','need','project')").await?;
        check(m, "joint_items", "ck_joint_items_status", "{c}status IN ('planned','doing','done')").await?;
        m.create_table(
            Table::create()
                .table(a("joint_activities"))
                .col(id("id"))
                .col(col("agreement_id").big_integer().not_null())
                .col(col("activity_id").big_integer().not_null())
                .col(col("item_id").big_integer().null())
                .foreign_key(&mut fk("joint_activities", "agreement_id", "joint_agreements", "id", Cascade))
                .foreign_key(&mut fk("joint_activities", "activity_id", "activities", "id", Cascade))
                .foreign_key(&mut fk("joint_activities", "item_id", "joint_items", "id", SetNull))
                .to_owned(),
        )
        .await?;
        m.create_index(index("joint_activities", "ux_joint_activities", &["agreement_id", "activity_id"], true))
            .await?;
        m.create_table(
            Table::create()
                .table(a("joint_reviews"))
                .col(id("id"))
                .col(col("agreement_id").big_integer().not_null())
                .col(col("year").integer().not_null())
                .col(col("side").string_len(12).not_null())
                .col(col("assessment").text().not_null())
                .col(col("written_by").big_integer().null())
                .col(ts("written_at"))
                .foreign_key(&mut fk("joint_reviews", "agreement_id", "joint_agreements", "id", Cascade))
                .to_owned(),
        )
        .await?;
        m.create_index(index("joint_reviews", "ux_joint_reviews", &["agreement_id", "year", "side"], true)).await?;
        check(m, "joint_reviews", "ck_joint_reviews_side", "{c}side IN ('community','company')").await?;
        Ok(())
    }
}
