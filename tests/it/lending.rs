//! C10 便民物资共享: staff add an item (bad input refused with the form kept, nothing written); 张三
//! reserves it on the phone, staff hand it over, take it back damaged (the deposit kept only for damage,
//! with a note), it is not lent until repaired; the demo's overdue ladder heads the desk; reminders come
//! once a day from the day before, reservations lapse after two days; and seven people asking for one
//! wheelchair at once — six residents and the desk — get it once, on either database.

use axum::http::StatusCode;

use xinghuo::clock::Clock;

use crate::support::TestApp;

async fn count_open(app: &TestApp, item: i64) -> i64 {
    app.count(&format!("SELECT COUNT(*) AS n FROM lend_loans WHERE item_id = {item} AND open_item_id IS NOT NULL"))
        .await
}

#[tokio::test]
async fn an_item_is_reserved_handed_over_returned_damaged_repaired_and_reminded() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let centre = ids.centre;
    let mut staff = app.login("staff").await;
    // Bad input: the form comes back with what was typed and the message beside the field.
    let before = app.count("SELECT COUNT(*) AS n FROM lend_items").await;
    let c = centre.to_string();
    let bad = [
        ("centre_id", c.as_str()),
        ("kind", "wheelchair"),
        ("name", "电动轮椅"),
        ("code", "轮椅-09"),
        ("deposit", "两百"),
        ("loan_days", "0"),
    ];
    let r = staff.post_form_from("/lending", "/lending/items", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"deposit-error\"") && r.text.contains("id=\"loan_days-error\""), "{}", r.text);
    assert!(r.text.contains("value=\"电动轮椅\""), "the typed name is kept: {}", r.text);
    // Another project's centre is not the caller's to stock.
    let r = app
        .login("staff2")
        .await
        .post_form(
            "/lending/items",
            &[("centre_id", c.as_str()), ("kind", "ladder"), ("name", "梯子"), ("code", "X-1"), ("loan_days", "7")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // A code taken at the centre.
    let dup =
        [("centre_id", c.as_str()), ("kind", "wheelchair"), ("name", "轮椅"), ("code", "轮椅-01"), ("loan_days", "14")];
    let r = staff.post_form("/lending/items", &dup).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("本中心已有这个编号的物品"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM lend_items").await, before, "nothing written");
    let good = [
        ("centre_id", c.as_str()),
        ("kind", "wheelchair"),
        ("name", "电动轮椅"),
        ("code", "轮椅-09"),
        ("deposit", "300"),
        ("loan_days", "１４"),
    ];
    let r = staff.post_form("/lending/items", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let item: i64 = r.location().trim_start_matches("/lending/items/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(app.count(&format!("SELECT deposit_fen AS n FROM lend_items WHERE id = {item}")).await, 30_000);

    // 张三 sees it free and reserves it; the item shows as reserved to everyone.
    let mut zhang = app.login("resident").await;
    let page = zhang.get("/lending").await.text;
    assert!(page.contains("电动轮椅") && page.contains(&format!("/lending/items/{item}/reserve")), "{page}");
    assert!(!page.contains("id=\"overdue\""), "a resident sees no desk: {page}");
    let r = zhang.post_form(&format!("/lending/items/{item}/reserve"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let loan = app.id(&format!("SELECT id FROM lend_loans WHERE item_id = {item} AND state = 'reserved'")).await;
    let mut lisi = app.login("resident2").await;
    let r = lisi.json("POST", &format!("/api/v1/lending/items/{item}/reserve"), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(r.json()["code"], "item_out");
    // Someone else's reservation is not 李四's to cancel.
    assert_eq!(lisi.post_form(&format!("/lending/loans/{loan}/cancel"), &[]).await.status, StatusCode::NOT_FOUND);

    // The desk hands it over: due in 14 days, the deposit taken, 张三 told.
    let r = staff.post_form(&format!("/lending/loans/{loan}/hand-over"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let due = app.all_strings(&format!("SELECT CAST(due_on AS TEXT) AS s FROM lend_loans WHERE id = {loan}")).await;
    assert_eq!(due, vec![(app.state.clock.today() + chrono::Duration::days(14)).to_string()]);
    assert_eq!(app.count(&format!("SELECT deposit_fen AS n FROM lend_loans WHERE id = {loan}")).await, 30_000);
    let notes = zhang.get("/api/v1/notifications").await.text;
    assert!(notes.contains("电动轮椅") && notes.contains("前归还"), "{notes}");
    // It cannot be lent to anyone else now, nor cancelled.
    let r = staff.post_form(&format!("/lending/items/{item}/lend"), &[("room", "1-1-102"), ("name", "李四")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert_eq!(zhang.post_form(&format!("/lending/loans/{loan}/cancel"), &[]).await.status, StatusCode::CONFLICT);

    // Back damaged: a note is needed, the kept deposit is bounded and kept only for damage.
    let url = format!("/lending/loans/{loan}/return");
    for (fields, field) in [
        (vec![("condition", "damaged"), ("kept", "50")], "note"),
        (vec![("condition", "damaged"), ("kept", "301"), ("note", "脚踏断了")], "kept"),
        (vec![("condition", "good"), ("kept", "50")], "kept"),
        (vec![("condition", "broken")], "condition"),
    ] {
        let r = staff.post_form_from(&format!("/lending/items/{item}"), &url, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}: {}", r.text);
        assert!(r.text.contains(&format!("id=\"{field}-error\"")), "{fields:?}: {}", r.text);
    }
    assert_eq!(app.all_strings(&format!("SELECT state AS s FROM lend_loans WHERE id = {loan}")).await, vec!["out"]);
    let r = staff.post_form(&url, &[("condition", "damaged"), ("kept", "50"), ("note", "脚踏断了")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.count(&format!("SELECT deposit_kept_fen AS n FROM lend_loans WHERE id = {loan}")).await, 5_000);
    assert_eq!(staff.post_form(&url, &[("condition", "good")]).await.status, StatusCode::CONFLICT, "returned twice");
    // Damaged: not lent until repaired.
    let r = zhang.json("POST", &format!("/api/v1/lending/items/{item}/reserve"), serde_json::json!({})).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("item_damaged")), "{}", r.text);
    assert_eq!(staff.post_form(&format!("/lending/items/{item}/repair"), &[]).await.status, StatusCode::SEE_OTHER);
    let r = zhang.json("POST", &format!("/api/v1/lending/items/{item}/reserve"), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let again = r.json()["id"].as_i64().unwrap();
    assert_eq!(zhang.post_form(&format!("/lending/loans/{again}/cancel"), &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(count_open(&app, item).await, 0);

    // The demo's ladder is three days overdue: it heads the desk.
    let desk = staff.get("/lending").await.text;
    let overdue = desk.split("id=\"overdue\"").nth(1).unwrap().split("</section>").next().unwrap();
    assert!(overdue.contains("梯子-01") && overdue.contains("3天"), "{overdue}");
    assert!(!overdue.contains("轮椅-02"), "李四's wheelchair is not late: {overdue}");
    // Desk pages of another project show nothing of 叶语's.
    let other = app.login("staff2").await.get("/lending").await.text;
    assert!(!other.contains("梯子-01"), "{other}");
    assert_eq!(app.login("staff2").await.get(&format!("/lending/items/{item}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn borrowers_are_reminded_once_a_day_and_reservations_lapse() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let job = || xinghuo::convenience::lending::actions::remind_and_lapse(&app.state, app.clock.now());
    // Today only the overdue ladder (its borrower has no account: reminded, nobody to tell).
    assert_eq!(job().await.unwrap(), (1, 0));
    assert_eq!(job().await.unwrap(), (0, 0), "once a day");
    // 李四's home shows the wheelchair he has out and its day; 张三, with nothing borrowed, has no such card.
    let home = app.login("resident2").await.get("/").await.text;
    let card = home.split("id=\"card-my-loans\"").nth(1).unwrap_or_else(|| panic!("{home}"));
    assert!(card.contains("折叠轮椅") && card.contains("归还日期"), "{card}");
    let mut zhang = app.login("resident").await;
    assert!(!zhang.get("/").await.text.contains("id=\"card-my-loans\""));
    let r =
        zhang.json("POST", &format!("/api/v1/lending/items/{}/reserve", ids.lend_item), serde_json::json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // 李四's wheelchair is due in nine days: from the eighth day on, once a day.
    app.clock.advance(chrono::Duration::days(8));
    assert_eq!(job().await.unwrap(), (2, 1), "the ladder again, 李四's wheelchair, 张三's reservation lapsed");
    // (Sessions end after days idle: log in again.)
    let (mut lisi, mut zhang) = (app.login("resident2").await, app.login("resident").await);
    let notes = lisi.get("/api/v1/notifications").await.text;
    assert!(notes.contains("折叠轮椅") && notes.contains("到期"), "{notes}");
    let notes = zhang.get("/api/v1/notifications").await.text;
    assert!(notes.contains("家用工具箱") && notes.contains("自动取消"), "{notes}");
    assert_eq!(count_open(&app, ids.lend_item).await, 0);
    assert_eq!(job().await.unwrap(), (0, 0));
    app.clock.advance(chrono::Duration::days(2));
    assert_eq!(job().await.unwrap(), (2, 0));
    let mut lisi = app.login("resident2").await;
    let notes = lisi.get("/api/v1/notifications").await.text;
    assert!(notes.contains("已逾期1天"), "{notes}");
}

/// Seven ask for one wheelchair at once — six residents on their phones, the desk for a seventh: one
/// gets it, six are told it is out, and the database holds one open loan. Without the unique open item
/// (`ux_lend_loans_open_item`) this test goes red on PostgreSQL, where the checks run in parallel.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_item_is_never_lent_twice_at_once() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let item = app.id("SELECT id FROM lend_items WHERE code = '轮椅-01'").await;
    #[derive(sea_orm::FromQueryResult)]
    struct P {
        person_id: i64,
    }
    let rows: Vec<P> = xinghuo::db::all(
        &app.state.db.read,
        &format!(
            "SELECT MIN(m.person_id) AS person_id FROM household_members m JOIN households h ON h.node_id = m.household_id \
             WHERE h.project_id = {} AND m.moved_out IS NULL \
             AND m.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) \
             GROUP BY m.household_id ORDER BY m.household_id LIMIT 6",
            ids.yeyu
        ),
        vec![],
    )
    .await
    .unwrap();
    assert_eq!(rows.len(), 6);
    // Everyone ready first, then all at once.
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(rows.len() + 1));
    let mut set = tokio::task::JoinSet::new();
    for p in &rows {
        let mut c = app.client_for(p.person_id).await;
        let gate = gate.clone();
        set.spawn(async move {
            gate.wait().await;
            c.json("POST", &format!("/api/v1/lending/items/{item}/reserve"), serde_json::json!({})).await
        });
    }
    let mut staff = app.login("staff").await;
    staff.csrf().await;
    set.spawn(async move {
        gate.wait().await;
        staff
            .json(
                "POST",
                &format!("/api/v1/lending/items/{item}/lend"),
                serde_json::json!({"room": "1-1-102", "name": "李四"}),
            )
            .await
    });
    let (mut ok, mut out) = (0, 0);
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                assert_eq!(r.json()["code"], "item_out", "{}", r.text);
                out += 1
            }
            s => panic!("{s}: {}", r.text),
        }
    }
    assert_eq!((ok, out), (1, 6));
    assert_eq!(count_open(&app, item).await, 1);
}
