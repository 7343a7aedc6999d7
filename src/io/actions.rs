//! The ledger's use cases: import a sheet into a project (all or nothing, the audit line in the same
//! transaction) and export the household ledger (台账), masked unless asked and audited either way.

use crate::{
    app::AppState,
    audit::{self, Entry},
    auth::{Ctx, Principal},
    error::{AppError, AppResult},
    ids::*,
    org::store as org,
};

use super::{Outcome, Summary, apply, ledger_rows, ledger_xlsx, model, role_names, sheet, unseal_ledger};

/// What became of an uploaded sheet.
pub enum Imported {
    /// Not a readable sheet (format, size, dimensions): nothing was parsed.
    Unreadable(sheet::SheetError),
    /// Rows with errors: nothing was written.
    Rejected(Vec<model::RowError>),
    Done(Summary),
}

/// Read the sheet off the async workers (bounded before it is expanded), check every row, then write all
/// of it with its audit line in one transaction — or nothing. The caller has checked the project.
pub async fn import_checked(
    state: &AppState,
    ctx: &Ctx,
    project: ProjectId,
    name: String,
    bytes: Vec<u8>,
) -> AppResult<Imported> {
    let (today, max_rows) = (state.clock.today(), state.config.max_import_rows);
    let read = state
        .heavy
        .run(move || {
            sheet::read_any(&name, &bytes, &sheet::Limits::for_rows(max_rows))
                .map(|grid| (name, model::parse_sheet(&grid, today, max_rows)))
        })
        .await?;
    let (name, parsed) = match read {
        Ok(r) => r,
        Err(e) => return Ok(Imported::Unreadable(e)),
    };
    let now = state.clock.now();
    Ok(match apply(&state.db.write, &state.vault, project, &parsed, now, Some((ctx, &name)), |_| {}).await? {
        Outcome::Rejected(errors) => Imported::Rejected(errors),
        Outcome::Done(s) => Imported::Done(s),
    })
}

/// The household ledger of a project the caller may change, as `.xlsx` bytes and a file name; the full
/// numbers only when asked (`full`), and the export audited either way.
pub async fn export_checked(
    state: &AppState,
    p: &Principal,
    ctx: &Ctx,
    project_id: ProjectId,
    full: bool,
) -> AppResult<(Vec<u8>, String)> {
    p.scope.require_write(project_id)?;
    let project = org::node(&state.db.read, project_id.get()).await?.ok_or_else(AppError::not_found)?;
    let mut rows = ledger_rows(&state.db.read, project_id).await?;
    if full {
        unseal_ledger(&mut rows, &state.vault)?;
    }
    let roles = role_names(&state.db.read, project_id).await?;
    let now = state.clock.now();
    let stamp = now.with_timezone(&chrono_tz::Asia::Shanghai);
    let generated = format!(
        "导出时间：{}；导出人：{}；{}",
        stamp.format("%Y-%m-%d %H:%M"),
        ctx.actor(),
        if full { "含完整证件信息" } else { "证件信息已脱敏" }
    );
    let bytes = ledger_xlsx(&rows, &roles, full, &generated)?;
    audit::record(
        &state.db.write,
        ctx,
        now,
        Entry {
            action: if full { "export_full" } else { "export" },
            entity: "project",
            entity_id: Some(project_id.get()),
            project_id: Some(project_id),
            summary: format!(
                "导出「{}」住户台账 {} 行{}",
                project.name,
                rows.len(),
                if full { "（含完整手机号和身份证号）" } else { "" }
            ),
        },
    )
    .await?;
    Ok((bytes, format!("{}住户台账_{}.xlsx", project.name, stamp.format("%Y%m%d%H%M"))))
}
