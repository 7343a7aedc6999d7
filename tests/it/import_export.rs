use axum::http::StatusCode;

use crate::support::TestApp;

fn xlsx(rows: &[Vec<&str>], id_as_number: Option<f64>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "保利叶语住户台账（测试）").unwrap();
    let header = [
        "楼栋",
        "单元",
        "房号",
        "专有部分面积(m²)",
        "姓名",
        "身份证号",
        "手机号",
        "与房屋关系",
        "入住日期",
        "角色",
        "微网格",
    ];
    for (i, h) in header.iter().enumerate() {
        ws.write_string(1, i as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string((r + 2) as u32, c as u16, *v).unwrap();
            }
        }
    }
    if let Some(n) = id_as_number {
        ws.write_number((rows.len() + 2) as u32, 5, n).unwrap();
        ws.write_string((rows.len() + 2) as u32, 4, "赵六").unwrap();
        ws.write_string((rows.len() + 2) as u32, 0, "9").unwrap();
        ws.write_string((rows.len() + 2) as u32, 1, "1").unwrap();
        ws.write_string((rows.len() + 2) as u32, 2, "101").unwrap();
        ws.write_string((rows.len() + 2) as u32, 7, "业主").unwrap();
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_with_one_bad_row_imports_nothing_and_reports_the_row() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let before = app.count("SELECT COUNT(*) AS n FROM org_nodes").await;
    let file = xlsx(
        &[
            vec!["5", "1", "101", "89.5", "孙悟空", "", "13900001111", "业主"],
            vec!["5", "1", "102", "", "猪八戒", "", "12345", "业主"],
        ],
        None,
    );
    let r = staff.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("台账.xlsx", &file)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text.contains("第4行") && r.text.contains("手机号"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM org_nodes").await, before, "nothing half-imported");
    // An ID number that Excel stored as a number is reported, not guessed.
    let file = xlsx(&[], Some(110105194912310020.0));
    let r = staff.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("台账.xlsx", &file)).await;
    assert!(r.text.contains("文本"), "{}", r.text);
}

#[tokio::test]
async fn a_good_file_imports_once_and_reimporting_changes_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let rows = vec![
        vec![
            "5",
            "1",
            "101",
            "89.5",
            "孙悟空",
            "11010519491231002X",
            "13900001111",
            "业主",
            "2020-01-02",
            "党员、志愿者",
            "第1微网格",
        ],
        vec![],
        vec!["5", "1", "101", "", "孙小圣", "", "", "家庭成员"],
        vec!["5", "1", "101", "", "孙小圣", "", "", "家庭成员"],
        vec!["5", "2", "201", "100", "唐三藏", "", "", "租户"],
    ];
    let file = xlsx(&rows, None);
    let r = staff.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("台账.xlsx", &file)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(
        r.text.contains("<dt>新增户</dt><dd>2</dd>") && r.text.contains("<dt>新增人员</dt><dd>3</dd>"),
        "{}",
        r.text
    );
    assert!(r.text.contains("<dt>跳过重复行</dt><dd>1</dd>"), "{}", r.text);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM org_nodes WHERE kind = 'building' AND name = '5栋' AND project_id = {}",
            ids.yeyu
        ))
        .await,
        1
    );
    let members = app.count("SELECT COUNT(*) AS n FROM household_members").await;
    let r = staff.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("台账.xlsx", &file)).await;
    assert!(
        r.text.contains("<dt>新增户</dt><dd>0</dd>") && r.text.contains("<dt>新增人员</dt><dd>0</dd>"),
        "{}",
        r.text
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM household_members").await, members);
    // Another project's staff cannot import into 保利叶语.
    let mut staff2 = app.login("staff2").await;
    let r = staff2.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("台账.xlsx", &file)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a project the caller cannot see is not found");
}

#[tokio::test]
async fn csv_with_bom_imports_and_oversized_files_are_refused() {
    let app = TestApp::with(|c| c.max_upload_bytes = 64 * 1024).await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let csv = "\u{FEFF}楼栋,单元,房号,姓名,与房屋关系\n6,1,１０１,白骨精,业主\n";
    let r = staff.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("a.csv", csv.as_bytes())).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM persons WHERE name = '白骨精'").await, 1);
    let big = vec![b'a'; 200 * 1024];
    let r = staff.multipart("/import", &[("project_id", &ids.yeyu.to_string())], ("big.csv", &big)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert!(r.text.contains("过大"));
}

#[tokio::test]
async fn the_ledger_exports_masked_by_default_and_full_only_with_an_audit_entry() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let mut staff = app.login("staff").await;
    let r = staff.get(&format!("/export/ledger.xlsx?project={}", ids.yeyu)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(r.headers["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''"));
    let grid = xinghuo::io::model::read_xlsx(&r.bytes).unwrap();
    let phone_col = 6;
    let phones: Vec<String> = grid
        .iter()
        .skip(1)
        .filter_map(|row| match row.get(phone_col) {
            Some(xinghuo::io::model::Cell::Text(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(!phones.is_empty() && phones.iter().all(|p| p.contains("****")), "{phones:?}");
    // The export reads back through the importer's header detection.
    let parsed = xinghuo::io::model::parse_sheet(&grid, chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(), 1000);
    assert!(
        parsed.errors.iter().all(|e| e.column == "手机号" || e.column == "身份证号"),
        "{:?}",
        parsed.errors.first()
    );
    let r = staff.get(&format!("/export/ledger.xlsx?project={}&full=1", ids.yeyu)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'export_full'").await, 1);
    assert_eq!(staff.get("/import/template.xlsx").await.status, StatusCode::OK);
}
