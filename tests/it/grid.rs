//! C8 grid work: 牧马山's cadre puts on a campaign (bad periods refused with the form kept; another
//! community's cadre cannot); 何静 records visits at the doors of her micro-grid — a replayed key is
//! taken once, a second record of the day is merged, a door outside her micro-grid or a campaign that
//! has ended is refused with nothing written — and coverage moves; 216 sends of 72 visits at once (each
//! three times, as phones coming back online retry) leave exactly 72 records, on either database.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

async fn visits(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) AS n FROM grid_visits").await
}

/// A household of 牧马山 not visited in the campaign, inside (or outside) the given member's grids.
async fn door(app: &TestApp, campaign: i64, member: &str, inside: bool) -> i64 {
    app.id(&format!(
        "SELECT MIN(h.node_id) AS id FROM households h JOIN org_nodes mg ON mg.id = h.microgrid_id \
         JOIN org_nodes c ON c.kind = 'community' AND c.name = '牧马山社区' AND mg.path LIKE c.path || '%' \
         WHERE h.node_id NOT IN (SELECT household_id FROM grid_visits WHERE campaign_id = {campaign}) \
         AND {} EXISTS (SELECT 1 FROM users u JOIN role_assignments r ON r.person_id = u.person_id AND r.role = 'grid_member' \
           JOIN org_nodes g ON g.id = r.node_id WHERE u.username = '{member}' AND mg.path LIKE g.path || '%')",
        if inside { "" } else { "NOT" }
    ))
    .await
}

#[tokio::test]
async fn a_cadre_puts_on_a_campaign_and_a_member_records_visits_once_each() {
    let app = TestApp::new().await;
    let community = app.id("SELECT id FROM org_nodes WHERE kind = 'community' AND name = '牧马山社区'").await;
    let c = community.to_string();
    let mut cadre = app.login("mumashan").await;
    let form = |end: &'static str| {
        vec![
            ("node_id", c.clone()),
            ("topic", "gas_safety".into()),
            ("title", "楼道消防通道排查".into()),
            ("starts_on", "2026-11-28".into()),
            ("ends_on", end.into()),
        ]
    };
    let before = app.count("SELECT COUNT(*) AS n FROM grid_campaigns").await;
    let bad = form("2026-11-01");
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = cadre.post_form_from("/grid", "/grid/campaigns", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"ends_on-error\"") && r.text.contains("value=\"楼道消防通道排查\""), "{}", r.text);
    // 友联's cadre does not run 牧马山.
    let r = app
        .login("cadre")
        .await
        .post_form(
            "/grid/campaigns",
            &bad.iter().map(|(k, v)| if *k == "ends_on" { (*k, "2026-12-31") } else { (*k, *v) }).collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("node_id"), "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM grid_campaigns").await, before, "nothing written");
    let good = form("2026-12-31");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = cadre.post_form("/grid/campaigns", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let campaign: i64 = r.location().trim_start_matches("/grid/campaigns/").split('?').next().unwrap().parse().unwrap();
    let cover = cadre.get(&format!("/api/v1/grid/campaigns/{campaign}")).await.json();
    assert_eq!((cover["visited"].as_i64(), cover["target"].as_i64().unwrap() > 0), (Some(0), true), "{cover}");
    let target = cover["target"].as_i64().unwrap();

    // 何静 at a door of her micro-grid: once, whatever the replays. Her home leads to the doors.
    let mut hejing = app.login("hejing").await;
    let home = hejing.get("/").await.text;
    assert!(home.contains(&format!("/grid/campaigns/{campaign}/visit")), "{home}");
    let mine = door(&app, campaign, "hejing", true).await;
    let send = |key: &str, household: i64, found: &str| json!({"campaign_id": campaign.to_string(), "household_id": household.to_string(), "how": "door", "reached": "业主本人", "found": found, "key": key});
    let n0 = visits(&app).await;
    let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0001-first", mine, "燃气软管老化")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!((r.json()["merged"].as_bool(), r.json()["replayed"].as_bool()), (Some(false), Some(false)));
    let id = r.json()["id"].as_i64().unwrap();
    for _ in 0..2 {
        let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0001-first", mine, "燃气软管老化")).await;
        assert_eq!(
            (r.status, r.json()["replayed"].as_bool(), r.json()["id"].as_i64()),
            (StatusCode::OK, Some(true), Some(id))
        );
    }
    // A second record of the day: merged into the first, its words added, its key kept for its replay.
    let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0002-again", mine, "已提醒更换")).await;
    assert_eq!(
        (r.status, r.json()["merged"].as_bool(), r.json()["id"].as_i64()),
        (StatusCode::OK, Some(true), Some(id)),
        "{}",
        r.text
    );
    let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0002-again", mine, "已提醒更换")).await;
    assert_eq!(r.json()["replayed"].as_bool(), Some(true), "{}", r.text);
    assert_eq!(visits(&app).await, n0 + 1, "one record");
    assert_eq!(
        app.all_strings(&format!("SELECT found AS s FROM grid_visits WHERE id = {id}")).await,
        vec!["燃气软管老化；已提醒更换"]
    );
    let cover = cadre.get(&format!("/api/v1/grid/campaigns/{campaign}")).await.json();
    assert_eq!(
        (cover["visited"].as_i64(), cover["target"].as_i64()),
        (Some(1), Some(target)),
        "coverage moves: {cover}"
    );
    let members = cover["by_member"].as_array().unwrap();
    assert!(members.iter().any(|m| m["name"] == "何静" && m["visited"] == 1 && m["target"] == 1), "{cover}");

    // Refused, nothing written: a door outside her micro-grid, another's key, a bad key, no way chosen.
    let other = door(&app, campaign, "hejing", false).await;
    let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0003-outside", other, "")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let mut grid = app.login("grid").await;
    let r = grid.json("POST", "/api/v1/grid/visits", send("k-0001-first", other, "")).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("key_reused")), "{}", r.text);
    let r = hejing.json("POST", "/api/v1/grid/visits", send("短", mine, "")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let mut no_how = send("k-0004-nohow", mine, "");
    no_how["how"] = json!("fly");
    assert_eq!(hejing.json("POST", "/api/v1/grid/visits", no_how).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A form without scripts: the same key posted twice is one record too.
    let page = hejing.get(&format!("/grid/campaigns/{campaign}/visit")).await.text;
    assert!(page.contains("data-offline=\"visit\"") && page.contains("今天已走访"), "{page}");
    let key = page.split(&format!("id=\"visit-{other}\"")).count();
    assert_eq!(key, 1, "a door outside her micro-grid is not listed");
    assert_eq!(visits(&app).await, n0 + 1, "nothing written");
    // After the end: refused; a replay of a visit made before still answers.
    app.clock.advance(chrono::Duration::days(34));
    let mut hejing = app.login("hejing").await;
    let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0005-late", mine, "")).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("campaign_ended")), "{}", r.text);
    let r = hejing.json("POST", "/api/v1/grid/visits", send("k-0001-first", mine, "燃气软管老化")).await;
    assert_eq!(r.json()["replayed"].as_bool(), Some(true), "{}", r.text);
    assert_eq!(visits(&app).await, n0 + 1);
    counters_agree(&app).await;
}

#[tokio::test]
async fn a_visit_form_without_scripts_is_taken_once_and_others_see_nothing() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let campaign = ids.grid_campaign;
    let mut hejing = app.login("hejing").await;
    let mine = door(&app, campaign, "hejing", true).await;
    let page = format!("/grid/campaigns/{campaign}/visit");
    let html = hejing.get(&page).await.text;
    let form = html.split(&format!("id=\"visit-{mine}\"")).nth(1).unwrap();
    let key = form.split("name=\"key\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let n0 = visits(&app).await;
    let fields = [
        ("campaign_id", campaign.to_string()),
        ("household_id", mine.to_string()),
        ("how", "poster".into()),
        ("key", key),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for msg in ["visit_saved", "visit_saved"] {
        let r = hejing.post_form_from(&page, "/grid/visits", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
        assert!(r.location().ends_with(msg), "{}", r.location());
    }
    assert_eq!(visits(&app).await, n0 + 1);
    // Another community's cadre and an estate's staff: not found.
    for who in ["cadre", "staff"] {
        let mut c = app.login(who).await;
        assert_eq!(c.get(&format!("/grid/campaigns/{campaign}")).await.status, StatusCode::NOT_FOUND, "{who}");
        assert!(!c.get("/grid").await.text.contains("垃圾分类入户宣传"), "{who}");
    }
}

/// Phones coming back online at once: 72 visits (every door of 牧马山 in each of the three campaigns,
/// by its grid member), each sent three times concurrently — 216 requests — leave 72 records.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_replayed_visits_is_taken_once_each() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    #[derive(sea_orm::FromQueryResult)]
    struct Pair {
        campaign: i64,
        household: i64,
    }
    let pairs: Vec<Pair> = xinghuo::db::all(
        &app.state.db.read,
        "SELECT c.id AS campaign, h.node_id AS household FROM grid_campaigns c JOIN org_nodes a ON a.id = c.node_id \
         JOIN households h ON 1 = 1 JOIN org_nodes mg ON mg.id = h.microgrid_id AND mg.path LIKE a.path || '%' ORDER BY c.id, h.node_id",
        vec![],
    )
    .await
    .unwrap();
    assert!(pairs.len() >= 60, "{} doors", pairs.len());
    let n0 = visits(&app).await;
    let mut set = tokio::task::JoinSet::new();
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(pairs.len() * 3));
    for round in 0..3 {
        for p in &pairs {
            let mut c = app.login("grid").await;
            let body = json!({"campaign_id": p.campaign.to_string(), "household_id": p.household.to_string(), "how": "door",
                "found": "已讲解", "key": format!("burst-{}-{}", p.campaign, p.household)});
            let gate = gate.clone();
            let _ = round;
            set.spawn(async move {
                gate.wait().await;
                c.json("POST", "/api/v1/grid/visits", body).await
            });
        }
    }
    while let Some(r) = set.join_next().await {
        let r = r.unwrap();
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    assert_eq!(visits(&app).await, n0 + pairs.len() as i64, "each visit once");
    counters_agree(&app).await;
}

/// The coverage counters kept with each visit agree with the visits themselves; a disagreement names
/// its rows (campaign, household or member, and both counts).
async fn counters_agree(app: &TestApp) {
    let reached = app
        .all_strings(
            "SELECT CAST(COALESCE(r.campaign_id, v.campaign_id) AS TEXT) || '/' || \
             CAST(COALESCE(r.household_id, v.household_id) AS TEXT) || CASE WHEN r.campaign_id IS NULL \
             THEN ' visited, not in grid_reached' ELSE ' in grid_reached, never visited' END AS s \
             FROM grid_reached r FULL JOIN (SELECT DISTINCT campaign_id, household_id FROM grid_visits) v \
             ON v.campaign_id = r.campaign_id AND v.household_id = r.household_id \
             WHERE r.campaign_id IS NULL OR v.campaign_id IS NULL",
        )
        .await;
    assert!(reached.is_empty(), "grid_reached disagrees with the visits: {reached:?}");
    let members = app
        .all_strings(
            "SELECT CAST(COALESCE(c.campaign_id, t.campaign_id) AS TEXT) || '/' || \
             CAST(COALESCE(c.member_person_id, t.member_person_id) AS TEXT) || ': counted ' || \
             COALESCE(CAST(c.visits AS TEXT), '-') || ' visits, ' || COALESCE(CAST(c.households AS TEXT), '-') || \
             ' households; rows ' || COALESCE(CAST(t.v AS TEXT), '-') || ' visits, ' || \
             COALESCE(CAST(t.h AS TEXT), '-') || ' households' AS s \
             FROM grid_member_counts c FULL JOIN (SELECT campaign_id, member_person_id, COUNT(*) AS v, \
             COUNT(DISTINCT household_id) AS h FROM grid_visits GROUP BY campaign_id, member_person_id) t \
             ON t.campaign_id = c.campaign_id AND t.member_person_id = c.member_person_id \
             WHERE c.campaign_id IS NULL OR t.campaign_id IS NULL OR t.v <> c.visits OR t.h <> c.households",
        )
        .await;
    assert!(members.is_empty(), "grid_member_counts disagrees with the visits: {members:?}");
}
