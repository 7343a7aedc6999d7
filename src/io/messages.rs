//! This capability's words in the message catalog: (key, 中文, English). Merged with the others
//! through `capability().messages`; `web::i18n` checks keys are unique and both languages present.

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("import.row", "行号", "Row"),
    ("import.column", "列", "Column"),
    ("import.reason", "原因", "Reason"),
    ("import.row_prefix", "第", "row "),
    ("import.row_suffix", "行", " "),
    ("import.whole_file", "整个文件", "whole file"),
    ("import.rows", "数据行", "Data rows"),
    ("import.households_created", "新增户", "Households created"),
    ("import.persons_created", "新增人员", "People created"),
    ("import.members_added", "登记住户关系", "Memberships added"),
    ("import.roles_added", "新增角色", "Roles added"),
    ("import.duplicates", "跳过重复行", "Duplicate rows skipped"),
    ("import.blank_rows", "空行", "Blank rows"),
    ("import.rows_unit", "行", "rows"),
    ("import.title", "导入住户与房屋", "Import households and residents"),
    ("import.template", "下载导入模板", "Download the template"),
    ("import.file", "选择文件（.xlsx 或 .csv）", "File (.xlsx or .csv)"),
    ("import.project", "导入到项目", "Into project"),
    ("import.submit", "开始导入", "Import"),
    ("import.errors", "导入未完成：以下行有错误，全部数据均未写入", "Nothing was imported: the rows below have errors"),
    ("import.done", "导入完成", "Import finished"),
    ("import.export_title", "导出台账", "Export the ledger"),
];
