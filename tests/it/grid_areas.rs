//! C8 a grid's one-page profile and KPIs: 何静 opens her micro-grid — its households (counted
//! against the register), the people in care (her duty, the read audited), open issues and what was
//! pushed up — and not her neighbour's micro-grid or the grid above; the grid's own member opens both;
//! 牧马山's cadre opens the community without a single care name; other communities' cadres and
//! estates' staff find nothing. Her visit and the grid member's issue move the figures.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{PNG_1X1, TestApp};

fn member<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member"]["name"] == name)
        .unwrap_or_else(|| panic!("{name}: {v}"))
}

async fn hejings_microgrid(app: &TestApp) -> i64 {
    app.id("SELECT r.node_id AS id FROM role_assignments r JOIN users u ON u.person_id = r.person_id \
         WHERE u.username = 'hejing' AND r.role = 'grid_member'")
        .await
}

/// A campaign under way over the micro-grid, and one of its homes nobody visited in it yet.
async fn running_door(app: &TestApp, mg: i64) -> (i64, i64) {
    let today = {
        use xinghuo::clock::Clock;
        app.clock.today()
    };
    let campaign = app
        .id(&format!(
            "SELECT MIN(c.id) AS id FROM grid_campaigns c JOIN org_nodes n ON n.id = c.node_id \
             JOIN org_nodes m ON m.id = {mg} WHERE m.path LIKE n.path || '%' AND c.starts_on <= '{today}' AND c.ends_on >= '{today}'"
        ))
        .await;
    let door = app
        .id(&format!(
            "SELECT MIN(node_id) AS id FROM households WHERE microgrid_id = {mg} \
             AND node_id NOT IN (SELECT household_id FROM grid_visits WHERE campaign_id = {campaign})"
        ))
        .await;
    (campaign, door)
}

#[tokio::test]
async fn a_grid_profile_shows_its_homes_care_and_issues_to_those_who_serve_it_and_moves_with_the_work() {
    let app = TestApp::new().await;
    let mg = hejings_microgrid(&app).await;
    let above = app.id(&format!("SELECT parent_id AS id FROM org_nodes WHERE id = {mg}")).await;
    let neighbour = app
        .id(&format!(
            "SELECT MIN(id) AS id FROM org_nodes WHERE parent_id = {above} AND kind = 'microgrid' AND id <> {mg}"
        ))
        .await;
    let community = app.id(&format!("SELECT parent_id AS id FROM org_nodes WHERE id = {above}")).await;
    let reads = "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'care_read'";

    let mut hejing = app.login("hejing").await;
    let before = app.count(reads).await;
    let r = hejing.get(&format!("/api/v1/grid/areas/{mg}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = r.json();
    let homes = app.count(&format!("SELECT COUNT(*) AS n FROM households WHERE microgrid_id = {mg}")).await;
    assert!(homes > 0);
    assert_eq!(v["households"].as_i64(), Some(homes), "{v}");
    let building_sum: i64 = v["buildings"].as_array().unwrap().iter().map(|b| b["households"].as_i64().unwrap()).sum();
    assert_eq!(building_sum, homes);
    let tags = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM care_tags t JOIN households h ON h.node_id = t.household_id \
             WHERE t.ended_on IS NULL AND h.microgrid_id = {mg}"
        ))
        .await;
    assert!(tags > 0, "the demo has someone in care here");
    assert_eq!(v["care"].as_array().map(|a| a.len() as i64), Some(tags), "{v}");
    assert_eq!(app.count(reads).await, before + 1, "the care read is audited");
    // The street lights she pushed up are there, with the community they went to.
    assert!(v["pushed_up"].as_array().unwrap().iter().any(|x| x["to_name"] == "牧马山社区"), "{v}");
    let open = app
        .count(&format!(
            "SELECT COUNT(*) AS n FROM requests r JOIN households h ON h.node_id = r.household_id \
             WHERE h.microgrid_id = {mg} AND r.state NOT IN ('awaiting_rating', 'closed', 'voided')"
        ))
        .await;
    assert!(v["open_issues"].as_array().unwrap().len() as i64 >= open, "{v}");
    // Her page, in Chinese, with the tables.
    let page = hejing.get(&format!("/grid/areas/{mg}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text.contains("id=\"kpi-members\"") && page.text.contains("关爱对象"), "{}", page.text);

    // Not her neighbour's micro-grid nor the grid above; the grid's own member opens both.
    for id in [neighbour, above, community] {
        assert_eq!(hejing.get(&format!("/api/v1/grid/areas/{id}")).await.status, StatusCode::NOT_FOUND, "{id}");
    }
    let mut grid = app.login("grid").await;
    for id in [neighbour, above] {
        let r = grid.get(&format!("/api/v1/grid/areas/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert!(r.json()["care"].is_array());
    }
    // The community's cadre: figures, no care names, nothing to audit.
    let before = app.count(reads).await;
    let r = app.login("mumashan").await.get(&format!("/api/v1/grid/areas/{community}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let c = r.json();
    assert!(c["care"].is_null(), "{c}");
    assert!(!r.text.contains(v["care"][0]["tag"]["person_name"].as_str().unwrap()), "{}", r.text);
    assert_eq!(c["grids"].as_array().unwrap().len(), 4, "牧马山's four micro-grids: {c}");
    assert_eq!(app.count(reads).await, before);
    // Another community's cadre and an estate's staff find nothing; a resident is not let in.
    for who in ["cadre", "staff", "staff2"] {
        assert_eq!(
            app.login(who).await.get(&format!("/api/v1/grid/areas/{mg}")).await.status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }
    assert_eq!(
        app.login("resident").await.get(&format!("/api/v1/grid/areas/{mg}")).await.status,
        StatusCode::FORBIDDEN
    );
    // Her list of areas holds her micro-grid only.
    let areas = hejing.get("/api/v1/grid/areas").await.json();
    let ids: Vec<i64> = areas.as_array().unwrap().iter().map(|a| a["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, vec![mg], "{areas}");

    // The figures move: her visit at a door of a campaign under way, the grid member's issue.
    let (campaign, door) = running_door(&app, mg).await;
    let figures = |v: &Value| {
        let g = v["grids"].as_array().unwrap().iter().find(|g| g["id"] == mg).unwrap().clone();
        let h = member(v, "何静").clone();
        let m = member(v, "何小网").clone();
        (
            g["visits"].as_i64().unwrap(),
            g["reached"].as_i64().unwrap(),
            h["visits"].as_i64().unwrap(),
            m["issues"].as_i64().unwrap(),
        )
    };
    let (gv, reached, hv, mi) = figures(&v);
    let body = json!({"campaign_id": campaign.to_string(), "household_id": door.to_string(), "how": "door", "reached": "业主本人", "found": "", "key": "area-kpi-0001"});
    assert_eq!(hejing.json("POST", "/api/v1/grid/visits", body).await.status, StatusCode::OK);
    let project = app.id(&format!("SELECT project_id AS id FROM households WHERE node_id = {door}")).await;
    let cat = app.id(&format!("SELECT MIN(id) AS id FROM request_categories WHERE project_id = {project}")).await;
    let r = grid
        .json(
            "POST",
            "/api/v1/requests",
            json!({"category_id": cat, "description": "巡查发现单元门禁损坏", "location_text": "2栋单元门"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let after = hejing.get(&format!("/api/v1/grid/areas/{mg}")).await.json();
    assert_eq!(figures(&after), (gv + 1, reached + 1, hv + 1, mi + 1), "{after}");
    assert!(after["open_issues"].as_array().unwrap().iter().any(|x| x["place"] == "2栋单元门"), "{after}");

    // The window: 4, 13 or 52 weeks, anything else is 4 — never an error.
    for (asked, got) in [("52", 52), ("13", 13), ("abc", 4), ("-1", 4), ("99999999999", 4)] {
        let r = hejing.get(&format!("/api/v1/grid/areas/{mg}?weeks={asked}")).await;
        assert_eq!(r.status, StatusCode::OK, "{asked}: {}", r.text);
        assert_eq!(r.json()["weeks"], got, "{asked}");
    }
}

#[tokio::test]
async fn a_visit_keeps_up_to_three_photos_from_its_member_and_its_campaigns_readers_see_them() {
    let app = TestApp::new().await;
    let mg = hejings_microgrid(&app).await;
    let (campaign, door) = running_door(&app, mg).await;
    let mut hejing = app.login("hejing").await;
    let body = json!({"campaign_id": campaign.to_string(), "household_id": door.to_string(), "how": "door", "reached": "业主本人", "found": "燃气软管老化", "key": "photo-visit-0001"});
    let r = hejing.json("POST", "/api/v1/grid/visits", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let visit = r.json()["id"].as_i64().unwrap();
    let add = format!("/api/v1/grid/visits/{visit}/photos");
    let photos = format!("SELECT COUNT(*) AS n FROM grid_visit_photos WHERE visit_id = {visit}");
    // Not her visit: the grid's other member and the community's cadre find nothing to add to.
    for who in ["grid", "mumashan", "cadre", "staff"] {
        let r = app.login(who).await.multipart_files(&add, &[], "photo", &[("p.png", PNG_1X1)]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{who}: {}", r.text);
    }
    // No photo, or a file that is not one: refused, nothing kept.
    let r = hejing.multipart_files(&add, &[], "photo", &[]).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("validation_failed")),
        "{}",
        r.text
    );
    let r = hejing.multipart_files(&add, &[], "photo", &[("x.csv", "姓名,房号\n".as_bytes())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count(&photos).await, 0);
    // Two, then two more would be four: refused whole; one more makes three; then full.
    let two = [("a.png", PNG_1X1), ("b.png", PNG_1X1)];
    assert_eq!(hejing.multipart_files(&add, &[], "photo", &two).await.status, StatusCode::OK);
    let r = hejing.multipart_files(&add, &[], "photo", &two).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("visit_photos_full")), "{}", r.text);
    assert_eq!(app.count(&photos).await, 2, "nothing of the refused upload kept");
    let page = format!("/grid/visits/{visit}/photos");
    let r = hejing.multipart_named(&page, &[], "photo", ("c.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(r.location(), format!("/grid/campaigns/{campaign}/visit?msg=photo_saved"));
    assert_eq!(app.count(&photos).await, 3);
    let r = hejing.multipart_files(&add, &[], "photo", &[("d.png", PNG_1X1)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    // Her door list links the three and offers no fourth.
    let list = hejing.get(&format!("/grid/campaigns/{campaign}/visit")).await.text;
    assert_eq!(list.matches(&format!("href=\"/grid/visits/{visit}/photos/")).count(), 3, "{list}");
    assert!(!list.contains(&format!("action=\"/grid/visits/{visit}/photos")), "{list}");
    // Those who read the campaign see a photo; another community's cadre and the estates' staff do not.
    let photo = app.id(&format!("SELECT MIN(id) AS id FROM grid_visit_photos WHERE visit_id = {visit}")).await;
    let url = format!("/grid/visits/{visit}/photos/{photo}");
    for (who, status) in [
        ("hejing", StatusCode::OK),
        ("mumashan", StatusCode::OK),
        ("grid", StatusCode::OK),
        ("cadre", StatusCode::NOT_FOUND),
        ("staff", StatusCode::NOT_FOUND),
    ] {
        assert_eq!(app.login(who).await.get(&url).await.status, status, "{who}");
    }
}
