//! C6 微心愿 with C5 双报到: 李四 posts a wish; a Party member of another branch living in 保利叶语 sees
//! nothing until they register with the community (双报到), then sees it with the surname only; six
//! helpers claim it at once and one wins; the winner fulfils it with a photo, 李四 confirms and the points
//! follow once; outsiders see nothing; a wish left unclaimed is raised once.

use axum::http::StatusCode;

use crate::support::{PNG_1X1, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_wish_is_claimed_by_one_of_many_fulfilled_and_confirmed_and_a_reported_member_sees_it() {
    let app = TestApp::with(|c| c.db_max_connections = 16).await;
    let ids = app.ids().await;
    let y = ids.yeyu;
    let mut lisi = app.login("resident2").await;
    let r = lisi.post_form("/wishes", &[("text", "厨房灯坏了，想请人帮忙换一下")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let id: i64 = r.location().trim_start_matches("/wishes/").split('?').next().unwrap().parse().unwrap();
    // An empty or over-long wish is refused, nothing written.
    let before = app.count("SELECT COUNT(*) AS n FROM wishes").await;
    assert_eq!(lisi.post_form("/wishes", &[("text", "")]).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        lisi.post_form("/wishes", &[("text", &"字".repeat(201))]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM wishes").await, before);

    // 「member」 lives in 保利叶语; make them a member of 天玺's branch with no role at 叶语 and no 双报到 yet.
    let member = app.id("SELECT person_id AS id FROM users WHERE username = 'member'").await;
    let tianxi_branch =
        app.id(&format!("SELECT id FROM party_orgs WHERE node_id = {} AND kind = 'project_branch'", ids.tianxi)).await;
    for sql in [
        format!("DELETE FROM role_assignments WHERE person_id = {member} AND role = 'party_member'"),
        format!("UPDATE party_memberships SET org_id = {tianxi_branch} WHERE current_person_id = {member}"),
        format!("UPDATE party_reports SET current_person_id = NULL WHERE current_person_id = {member}"),
    ] {
        xinghuo::db::exec(&app.state.db.write, &sql, vec![]).await.unwrap();
    }
    let mut m = app.login("member").await;
    assert_eq!(m.get(&format!("/wishes/{id}")).await.status, StatusCode::NOT_FOUND);
    // 双报到 with a micro-grid of the community where they live.
    let grid = app
        .id(&format!(
            "SELECT MIN(mg.id) AS id FROM org_nodes mg JOIN org_nodes c ON mg.path LIKE c.path || '%' \
             JOIN org_nodes p ON p.community_id = c.id WHERE p.id = {y} AND mg.kind = 'microgrid'"
        ))
        .await;
    let elsewhere = app.id("SELECT MAX(id) AS id FROM org_nodes WHERE kind = 'microgrid'").await;
    if elsewhere != grid {
        let r = m.post_form("/party/me/report", &[("microgrid_id", &elsewhere.to_string())]).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a micro-grid elsewhere: {}", r.text);
    }
    let r = m.post_form("/party/me/report", &[("microgrid_id", &grid.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let r = m.post_form("/party/me/report", &[("microgrid_id", &grid.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "re-registering replaces the one in force: {}", r.text);
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) AS n FROM party_reports WHERE current_person_id = {member}")).await,
        1
    );
    let board = m.get("/api/v1/wishes").await;
    let open = board.json()["open"].as_array().unwrap().clone();
    let w = open.iter().find(|w| w["id"] == id).unwrap_or_else(|| panic!("{}", board.text));
    assert_eq!(w["resident"], "李*");
    assert!(!board.text.contains("李四"), "the full name leaks: {}", board.text);
    let page = m.get(&format!("/wishes/{id}")).await.text;
    assert!(page.contains("id=\"claim-form\"") && !page.contains("李四"), "{page}");

    // Six helpers claim at once: 「member」, 张三 (a volunteer) and four Party members of 叶语's branch.
    let others: Vec<i64> = {
        #[derive(sea_orm::FromQueryResult)]
        struct P {
            person_id: i64,
        }
        let rows: Vec<P> = xinghuo::db::all(
            &app.state.db.read,
            &format!(
                "SELECT DISTINCT r.person_id FROM role_assignments r WHERE r.node_id = {y} AND r.role = 'party_member' \
                 AND r.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) ORDER BY r.person_id LIMIT 4"
            ),
            vec![],
        )
        .await
        .unwrap();
        rows.into_iter().map(|p| p.person_id).collect()
    };
    assert_eq!(others.len(), 4);
    let mut clients = vec![(member, m.clone()), (ids.zhangsan, app.login("resident").await)];
    for p in &others {
        clients.push((*p, app.client_for(*p).await));
    }
    let mut set = tokio::task::JoinSet::new();
    for (person, mut c) in clients.clone() {
        set.spawn(async move {
            (person, c.json("POST", &format!("/api/v1/wishes/{id}/claim"), serde_json::json!({})).await)
        });
    }
    let mut winners = Vec::new();
    while let Some(r) = set.join_next().await {
        let (person, r) = r.unwrap();
        match r.status {
            StatusCode::OK => winners.push(person),
            StatusCode::CONFLICT => assert_eq!(r.json()["code"], "already_claimed", "{}", r.text),
            s => panic!("{s}: {}", r.text),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one claim wins");
    let winner = winners[0];
    assert_eq!(app.count(&format!("SELECT claimed_by AS n FROM wishes WHERE id = {id}")).await, winner);
    let mut w = clients.iter().find(|(p, _)| *p == winner).unwrap().1.clone();
    let mut loser = clients.iter().find(|(p, _)| *p != winner).unwrap().1.clone();
    // Fulfil: the claimer only, with a photo.
    let url = format!("/wishes/{id}/fulfil");
    assert_eq!(
        loser.multipart_named(&url, &[("note", "x")], "photo", ("p.png", PNG_1X1)).await.status,
        StatusCode::FORBIDDEN
    );
    // Refused before the upload is read: a file that is not a photo is not even looked at (403, not 422).
    assert_eq!(
        loser.multipart_named(&url, &[("note", "x")], "photo", ("x.csv", "姓名,房号\n".as_bytes())).await.status,
        StatusCode::FORBIDDEN
    );
    // Without a photo (a plain form: a bearer client needs no CSRF token, a browser session does).
    let r = if w.bearer.is_some() {
        w.post_raw(&url, &[("note", "换好了")]).await
    } else {
        w.post_form(&url, &[("note", "换好了")]).await
    };
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = w.multipart_named(&url, &[("note", "换好了")], "photo", ("灯.png", PNG_1X1)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    // 李四 sees the photo and confirms; the points follow once.
    let page = lisi.get(&format!("/wishes/{id}")).await.text;
    assert!(page.contains("id=\"confirm-form\"") && page.contains(&format!("/wishes/{id}/photos/")), "{page}");
    let r = lisi.post_form(&format!("/wishes/{id}/confirm"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(lisi.post_form(&format!("/wishes/{id}/confirm"), &[]).await.status, StatusCode::CONFLICT);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) AS n FROM points_ledger WHERE source = 'wish:{id}' AND person_id = {winner}"
        ))
        .await,
        1
    );
    // Outsiders: another estate's staff see nothing; no one signed in is sent to log in.
    assert_eq!(app.login("staff2").await.get(&format!("/wishes/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.client().get(&format!("/wishes/{id}")).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wish_left_unclaimed_is_raised_to_the_branch_once() {
    use xinghuo::clock::Clock;
    let app = TestApp::new().await;
    let mut lisi = app.login("resident2").await;
    let r = lisi.post_form("/wishes", &[("text", "想请人陪老人去医院复查")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(xinghuo::wishes::actions::raise_unclaimed(&app.state, app.clock.now()).await.unwrap(), 0);
    // Three days on: this one and the demo's (posted the day before) are raised, each once.
    app.clock.advance(chrono::Duration::days(3));
    assert_eq!(xinghuo::wishes::actions::raise_unclaimed(&app.state, app.clock.now()).await.unwrap(), 2);
    assert_eq!(xinghuo::wishes::actions::raise_unclaimed(&app.state, app.clock.now()).await.unwrap(), 0);
    assert_eq!(app.count("SELECT COUNT(*) AS n FROM wishes WHERE raised_at IS NOT NULL").await, 2);
}
