//! C7 service-quality supervisors at 保利荔园天府和悦: the estate's staff appoint an owner (bad terms and
//! strangers refused with the form kept; twice is a conflict) and print the letter; the demo supervisor
//! inspects on the phone (every item judged, a failed one explained — else nothing is written), each
//! failed item becoming a request on the 监督员 channel; she — not the general rating, not another
//! supervisor, not another project's staff — sends a finished rectification back and then confirms it;
//! the month's report counts it, and the public 公示 names supervisors by surname only.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test]
async fn an_owner_is_appointed_and_the_public_list_shows_the_surname_only() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let p = ids.liyuan;
    let owner: (String, String) = {
        let rows = app
            .all_strings(&format!(
                "SELECT b.name || '-' || REPLACE(u.name, '单元', '') || '-' || h.room || '|' || pe.name AS s FROM households h \
                 JOIN org_nodes hn ON hn.id = h.node_id JOIN org_nodes u ON u.id = hn.parent_id JOIN org_nodes b ON b.id = u.parent_id \
                 JOIN household_members m ON m.household_id = h.node_id AND m.relation = 'owner' JOIN persons pe ON pe.id = m.person_id \
                 WHERE h.project_id = {p} AND pe.id NOT IN (SELECT person_id FROM sv_appointments) ORDER BY h.node_id LIMIT 1"
            ))
            .await;
        let (room, name) = rows[0].split_once('|').unwrap();
        (room.replace('栋', ""), name.to_string())
    };
    let mut hejing = app.login("hejing").await;
    let url = format!("/supervision/projects/{p}/appointments");
    let page = "/supervision";
    let before = app.count("SELECT COUNT(*) AS n FROM sv_appointments").await;
    let bad = [
        ("room", owner.0.as_str()),
        ("name", owner.1.as_str()),
        ("body_name", "保利荔园天府和悦业主委员会"),
        ("term_start", "2026-12-01"),
        ("term_end", "2026-11-01"),
    ];
    let r = hejing.post_form_from(page, &url, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"term_end-error\""), "{}", r.text);
    let stranger = [
        ("room", owner.0.as_str()),
        ("name", "王不在"),
        ("body_name", "保利荔园天府和悦业主委员会"),
        ("term_start", "2026-12-01"),
        ("term_end", "2031-11-30"),
    ];
    let r = hejing.post_form_from(page, &url, &stranger).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains("id=\"name-error\""), "{}", r.text);
    // Another project's staff cannot appoint here.
    let good = [
        ("room", owner.0.as_str()),
        ("name", owner.1.as_str()),
        ("body_name", "牧马山社区居民委员会"),
        ("term_start", "2026-12-01"),
        ("term_end", "2031-11-30"),
    ];
    assert_eq!(app.login("staff").await.post_form(&url, &good).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM sv_appointments").await, before, "nothing written");
    let r = hejing.post_form(&url, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let letter = hejing.get(&r.location()).await.text;
    assert!(
        letter.contains("和悦监聘〔2026〕第") && letter.contains(&owner.1) && letter.contains("2031-11-30"),
        "{letter}"
    );
    assert_eq!(hejing.post_form(&url, &good).await.status, StatusCode::CONFLICT, "appointed twice");
    // The owner now holds the supervisor role (the 监督员 channel of C1).
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM role_assignments r JOIN persons pe ON pe.id = r.person_id WHERE r.role = 'supervisor' AND r.node_id = {p} AND pe.name = '{}'",
            owner.1
        ))
        .await,
        1
    );
    // 公示: anyone, surnames only, no phone.
    let public = app.client().get(&format!("/disclosure/projects/{p}/supervision")).await;
    assert_eq!(public.status, StatusCode::OK);
    let first: String = owner.1.chars().next().unwrap().to_string();
    assert!(public.text.contains(&format!("{first}*")) && !public.text.contains(&owner.1), "{}", public.text);
    assert!(!public.text.contains("138") && !public.text.contains("139"), "{}", public.text);
    let api = app.client().get(&format!("/api/v1/disclosure/projects/{p}/supervision")).await;
    assert!(!api.text.contains(&owner.1) && !api.text.contains("person_id"), "{}", api.text);
}

#[tokio::test]
async fn a_failed_item_becomes_a_request_the_supervisor_sends_back_and_then_confirms() {
    let app = TestApp::new().await;
    let ids = app.ids().await;
    let p = ids.liyuan;
    let mut sv = app.login("supervisor").await;
    let form = sv.get(&format!("/supervision/projects/{p}/inspect")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text);
    let items: Vec<(i64, bool)> = form
        .text
        .split("id=\"item-")
        .skip(1)
        .map(|s| {
            let id = s.split('"').next().unwrap().parse().unwrap();
            (id, s.split("</fieldset>").next().unwrap().contains("value=\"pass\""))
        })
        .collect();
    assert!(items.len() >= 5);
    let marks: Vec<(String, String)> = items
        .iter()
        .enumerate()
        .map(|(n, (id, pass))| {
            (
                format!("mark_{id}"),
                if n == 0 {
                    (if *pass { "fail" } else { "2" }).into()
                } else if *pass {
                    "pass".into()
                } else {
                    "4".into()
                },
            )
        })
        .collect();
    let requests0 = app.count("SELECT COUNT(*) AS n FROM requests").await;
    let inspections0 = app.count("SELECT COUNT(*) AS n FROM sv_inspections").await;
    // The failed item without a word on it, then an item left out: refused, nothing written.
    let url = format!("/supervision/projects/{p}/inspect");
    let fields: Vec<(&str, &str)> = marks.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    // Sent from the checklist page: it comes back with every mark as chosen and the message beside it.
    sv.headers.push(("referer", format!("http://localhost{url}")));
    let r = sv.multipart(&url, &fields, ("", &[][..])).await;
    sv.headers.retain(|(k, _)| *k != "referer");
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(r.text.contains(&format!("id=\"note_{}-error\"", items[0].0)), "{}", r.text);
    assert!(r.text.matches(" checked").count() >= items.len(), "the marks are kept: {}", r.text);
    let note_key = format!("note_{}", items[0].0);
    let mut short: Vec<(&str, &str)> = fields[1..].to_vec();
    short.push((note_key.as_str(), "3栋2单元楼道堆放杂物"));
    let r = sv.multipart(&url, &short, ("", &[][..])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM sv_inspections").await, inspections0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, requests0);
    let mut all = fields.clone();
    all.push((note_key.as_str(), "3栋2单元楼道堆放杂物"));
    let r = sv.multipart(&url, &all, ("", &[][..])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let inspection: i64 =
        r.location().trim_start_matches("/supervision/inspections/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM requests").await, requests0 + 1, "one request for one failed item");
    let got = sv.get(&format!("/api/v1/supervision/inspections/{inspection}")).await.json();
    let failed: Vec<&serde_json::Value> =
        got["findings"].as_array().unwrap().iter().filter(|f| f["state"] == "open").collect();
    assert_eq!(failed.len(), 1, "{got}");
    let rid = failed[0]["request_id"].as_i64().unwrap();
    assert_eq!(
        app.all_strings(&format!("SELECT channel AS s FROM requests WHERE id = {rid}")).await,
        vec!["supervisor"]
    );
    let fid = failed[0]["id"].as_i64().unwrap();
    // Before the staff finish: nothing to confirm.
    let r = sv.json("POST", &format!("/api/v1/supervision/findings/{fid}/confirm"), json!({"score": "5"})).await;
    assert_eq!((r.status, r.json()["code"].as_str()), (StatusCode::CONFLICT, Some("not_rectified")), "{}", r.text);

    // The demo's stairwell: the staff have finished it. The rating flow is not hers for this one.
    let demo = ids.sv_finding;
    let demo_req = app.id(&format!("SELECT request_id AS id FROM sv_findings WHERE id = {demo}")).await;
    let r = sv
        .post_form(
            &format!("/requests/{demo_req}/actions"),
            &[("action", "rate"), ("speed", "5"), ("quality", "5"), ("attitude", "5")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text);
    assert!(r.text.contains("由监督员在巡查记录中确认"), "{}", r.text);
    // Not another supervisor's, nor another project's staff's, to confirm.
    let second = app.id(&format!("SELECT MAX(person_id) AS id FROM sv_appointments WHERE project_id = {p}")).await;
    let mut other = app.client_for(second).await;
    assert_eq!(
        other.json("POST", &format!("/api/v1/supervision/findings/{demo}/confirm"), json!({"score": "5"})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.login("staff")
            .await
            .post_form(&format!("/supervision/findings/{demo}/confirm"), &[("score", "5")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let mut hejing = app.login("hejing").await;
    assert_eq!(
        hejing.post_form(&format!("/supervision/findings/{demo}/confirm"), &[("score", "5")]).await.status,
        StatusCode::FORBIDDEN
    );
    // She sends it back; it is open again for the staff.
    let page = format!("/supervision/inspections/{}", ids.sv_inspection);
    let r = sv.post_form_from(&page, &format!("/supervision/findings/{demo}/send-back"), &[("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = sv
        .post_form(&format!("/supervision/findings/{demo}/send-back"), &[("reason", "纸箱挪到了楼梯拐角，还没清走")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        app.all_strings(&format!("SELECT state AS s FROM requests WHERE id = {demo_req}")).await,
        vec!["in_progress"]
    );
    assert_eq!(app.count(&format!("SELECT CAST(reworks AS BIGINT) AS n FROM sv_findings WHERE id = {demo}")).await, 1);
    let r = hejing
        .post_form(&format!("/requests/{demo_req}/actions"), &[("action", "complete"), ("reason", "纸箱已全部清走")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // Now she confirms: the finding and the request close.
    let r = sv.post_form(&format!("/supervision/findings/{demo}/confirm"), &[("score", "4")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(app.all_strings(&format!("SELECT state AS s FROM sv_findings WHERE id = {demo}")).await, vec!["closed"]);
    assert_eq!(
        app.all_strings(&format!("SELECT state AS s FROM requests WHERE id = {demo_req}")).await,
        vec!["closed"]
    );
    let r = sv.post_form(&format!("/supervision/findings/{demo}/confirm"), &[("score", "4")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "confirmed twice");

    // The month's report: both demo rounds' and today's findings, one still open.
    let month = app.state.clock.today().format("%Y-%m").to_string();
    let rep = hejing.get(&format!("/api/v1/supervision/projects/{p}/report?month={month}")).await.json();
    assert!(rep["inspections"].as_i64().unwrap() >= 2, "{rep}");
    let f = &rep["figures"];
    assert_eq!(f["opened"].as_i64().unwrap() - f["closed"].as_i64().unwrap(), 1, "today's finding is open: {rep}");
    assert!(f["average_hours_to_fix"].as_i64().is_some(), "{rep}");
    let page = hejing.get(&format!("/supervision/projects/{p}/report?month={month}")).await.text;
    assert!(page.contains("id=\"n-closed\""), "{page}");
    assert_eq!(
        hejing.get(&format!("/api/v1/supervision/projects/{p}/report?month=2026-13")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
