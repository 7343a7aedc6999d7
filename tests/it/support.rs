use std::{collections::HashMap, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode, header},
};
use chrono::{TimeZone, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;
use xinghuo::{app::AppState, clock::TestClock, config::Config, db};

pub const PW: &str = xinghuo::demo::DEMO_PASSWORD;

/// A real 1×1 PNG.
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0B, 0x49,
    0x44, 0x41, 0x54, 0x78, 0xDA, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0xE9, 0xFA, 0xDC, 0xD8, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub clock: TestClock,
    _dir: tempfile::TempDir,
    pub pg_schema: Option<(String, String)>,
}

pub fn pg_url() -> Option<String> {
    std::env::var("XINGHUO_TEST_PG").ok().filter(|s| !s.is_empty())
}

/// The PostgreSQL of `XINGHUO_TEST_PG`, or the machine's local server (for tests that need PostgreSQL
/// whatever the suite runs on).
pub fn pg_url_or_local() -> String {
    pg_url().unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Create a fresh schema on the server at `base` and return a URL whose connections use it.
pub async fn fresh_pg_schema(base: &str) -> (String, String) {
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = db::Db::connect(base, 2).await.expect("PostgreSQL must be reachable for XINGHUO_TEST_PG");
    db::exec(&admin.write, &format!("CREATE SCHEMA {name}"), vec![]).await.unwrap();
    let sep = if base.contains('?') { '&' } else { '?' };
    // The application name marks this test's connections, so the clean-up can end them (below).
    (format!("{base}{sep}options=-c%20search_path%3D{name}%20-c%20application_name%3D{name}"), name)
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with(|_| {}).await
    }

    pub async fn with(tweak: impl FnOnce(&mut Config)) -> Self {
        Self::on(pg_url(), tweak).await
    }

    /// A test app on PostgreSQL whatever the suite runs on: the server in `XINGHUO_TEST_PG`, or the
    /// machine's local one. For what only PostgreSQL has (its locks between backends); it fails, rather
    /// than skips, when no server answers.
    pub async fn postgres() -> Self {
        Self::on(Some(pg_url_or_local()), |_| {}).await
    }

    async fn on(pg: Option<String>, tweak: impl FnOnce(&mut Config)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::defaults();
        config.data_dir = dir.path().to_path_buf();
        config.cookie_secret = xinghuo::config::Secret::new("test-secret-test-secret-test-secret-0123");
        config.db_max_connections = 4;
        // One keyring for every instance a test starts (as several production instances must share one).
        config.data_keys = xinghuo::config::Secret::new("t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
        // Every in-process client shares one address, and the concurrency tests burst on purpose: the
        // write limits are off here and tested on their own (`trust::writes_are_rate_limited…`).
        config.write_rate_per_user = 0;
        config.write_rate_per_address = 0;
        let mut pg_schema = None;
        config.database_url = match pg {
            Some(base) => {
                let (url, schema) = fresh_pg_schema(&base).await;
                pg_schema = Some((base, schema));
                url
            }
            None => format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()),
        };
        tweak(&mut config);
        let clock = TestClock::new(Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap());
        let state = AppState::new(config, Arc::new(clock.clone())).await.unwrap();
        xinghuo::demo::load(&state.db.write, &state.vault, clock.now_utc()).await.unwrap();
        let router = xinghuo::app::build(state.clone());
        Self { router, state, clock, _dir: dir, pg_schema }
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookies: HashMap::new(),
            bearer: None,
            headers: Vec::new(),
            peer: "127.0.0.1:40000".parse().unwrap(),
        }
    }

    /// `user` files a report through `POST /api/v1/requests` (it must be accepted); its id.
    pub async fn report(&self, user: &str, body: serde_json::Value) -> i64 {
        let mut c = self.login(user).await;
        let r = c.json("POST", "/api/v1/requests", body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json()["id"].as_i64().unwrap()
    }

    pub async fn login(&self, user: &str) -> Client {
        let mut c = self.client();
        let r = c.login(user, PW).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "login as {user}: {}", r.text);
        c
    }

    /// A fresh browser's log-in attempt (the response, whatever it is).
    pub async fn login_with(&self, user: &str, pw: &str) -> Resp {
        self.client().login(user, pw).await
    }

    /// API clients for `n` residents of a project who have no log-in yet: each gets a user and a bearer
    /// token (written directly — setting up, not the feature under test). Returns (person, client).
    pub async fn resident_clients(&self, project: i64, n: usize) -> Vec<(i64, Client)> {
        let people = db::all::<db::IdRow>(
            &self.state.db.read,
            "SELECT DISTINCT m.person_id AS id FROM household_members m JOIN households h ON h.node_id = m.household_id \
             WHERE h.project_id = $1 AND m.moved_out IS NULL AND m.person_id NOT IN (SELECT person_id FROM users WHERE person_id IS NOT NULL) \
             ORDER BY m.person_id LIMIT $2",
            vec![project.into(), (n as i64).into()],
        )
        .await
        .unwrap();
        assert_eq!(people.len(), n, "residents without a log-in");
        let mut out = Vec::new();
        for p in people {
            out.push((p.id, self.client_for(p.id).await));
        }
        out
    }

    /// An API client (bearer token) for a person without a log-in: a user and a token written directly —
    /// setting up, not the feature under test.
    pub async fn client_for(&self, person: i64) -> Client {
        let now = self.clock.now_utc();
        let p = db::IdRow { id: person };
        {
            let uid = db::insert_id(
                &self.state.db.write,
                "INSERT INTO users (username, person_id, display_name, password_hash, is_active, failed_logins, large_type, lang, \
                 created_at, password_changed_at) VALUES ($1, $2, $3, '!', TRUE, 0, FALSE, 'zh', $4, $4) RETURNING id",
                vec![format!("r{}", p.id).into(), p.id.into(), format!("住户{}", p.id).into(), now.into()],
            )
            .await
            .unwrap();
            let token = format!("xh_test_{}", p.id);
            db::exec(
                &self.state.db.write,
                "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at, access) \
                 VALUES ($1, 'test', $2, $3, $4, 'write')",
                vec![
                    uid.into(),
                    xinghuo::auth::sha256_hex(&token).into(),
                    now.into(),
                    (now + chrono::Duration::days(30)).into(),
                ],
            )
            .await
            .unwrap();
            let mut c = self.client();
            c.bearer = Some(token);
            c
        }
    }

    /// Credit points to a person in a project (test set-up: one ledger entry).
    pub async fn give_points(&self, person: i64, project: i64, points: i64) {
        db::exec(
            &self.state.db.write,
            "INSERT INTO points_ledger (person_id, project_id, delta, minutes, reason, source, author_user_id, created_at) \
             VALUES ($1, $2, $3, 0, '测试积分', NULL, NULL, $4)",
            vec![person.into(), project.into(), (points as i32).into(), self.clock.now_utc().into()],
        )
        .await
        .unwrap();
    }

    /// A person's full phone and ID number, opened with the app's keyring (they are sealed at rest).
    pub async fn contact(&self, person: i64) -> (Option<String>, Option<String>) {
        xinghuo::people::seal::open_contact(&self.state.db.read, &self.state.vault, xinghuo::ids::PersonId(person))
            .await
            .unwrap()
    }

    /// A write straight in the database, behind every instance's back.
    pub async fn exec(&self, sql: &str, values: Vec<sea_orm::Value>) {
        db::exec(&self.state.db.write, sql, values).await.unwrap();
    }

    /// A second instance on this test's database (its own pools, caches and data directory), as
    /// behind a load balancer.
    pub async fn second_instance(&self) -> (AppState, axum::Router) {
        let mut config = (*self.state.config).clone();
        config.data_dir = tempfile::tempdir().unwrap().keep();
        let second = AppState::new(config, std::sync::Arc::new(self.clock.clone())).await.unwrap();
        let router = xinghuo::app::build(second.clone());
        (second, router)
    }

    pub async fn count(&self, sql: &str) -> i64 {
        db::count(&self.state.db.read, sql, vec![]).await.unwrap()
    }

    /// The `s` column of every row.
    pub async fn all_strings(&self, sql: &str) -> Vec<String> {
        #[derive(sea_orm::FromQueryResult)]
        struct S {
            s: String,
        }
        db::all::<S>(&self.state.db.read, sql, vec![]).await.unwrap().into_iter().map(|r| r.s).collect()
    }

    pub async fn id(&self, sql: &str) -> i64 {
        db::one::<db::IdRow>(&self.state.db.read, sql, vec![])
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no row: {sql}"))
            .id
    }

    /// Ids of demo records used across tests.
    pub async fn ids(&self) -> Ids {
        let yeyu = self.id("SELECT id FROM org_nodes WHERE code = 'YEYU'").await;
        let tianxi = self.id("SELECT id FROM org_nodes WHERE code = 'TIANXI'").await;
        let hh_of = |u: &'static str| {
            format!(
                "SELECT m.household_id AS id FROM household_members m JOIN users u ON u.person_id = m.person_id WHERE u.username = '{u}'"
            )
        };
        Ids {
            huxindao_party_day: self
                .id("SELECT a.id FROM activities a JOIN org_nodes p ON p.id = a.project_id WHERE p.code = 'HUXINDAO' AND a.title = '主题党日'")
                .await,
            referral: self
                .id("SELECT f.id FROM request_referrals f JOIN requests r ON r.id = f.request_id WHERE r.description LIKE '%路灯%'")
                .await,
            yeyu,
            tianxi,
            hh1: self.id(&hh_of("resident")).await,
            hh2: self.id(&hh_of("resident2")).await,
            hh_tianxi: self.id(&format!("SELECT node_id AS id FROM households WHERE project_id = {tianxi} ORDER BY node_id LIMIT 1")).await,
            zhangsan: self.id("SELECT person_id AS id FROM users WHERE username = 'resident'").await,
            lisi: self.id("SELECT person_id AS id FROM users WHERE username = 'resident2'").await,
            yeyu_building: self.id(&format!("SELECT id FROM org_nodes WHERE kind = 'building' AND project_id = {yeyu} ORDER BY id LIMIT 1")).await,
            yeyu_unit: self.id(&format!("SELECT id FROM org_nodes WHERE kind = 'unit' AND project_id = {yeyu} ORDER BY id LIMIT 1")).await,
            branch: self.id("SELECT id FROM org_nodes WHERE code = 'POLY-SC'").await,
            youlian: self.id("SELECT id FROM org_nodes WHERE name = '友联社区'").await,
            zhangsan_membership: self.id("SELECT m.id FROM household_members m JOIN users u ON u.person_id = m.person_id WHERE u.username = 'resident'").await,
            zhangsan_role: self.id("SELECT r.id FROM role_assignments r JOIN users u ON u.person_id = r.person_id WHERE u.username = 'staff'").await,
            staff_person: self.id("SELECT person_id AS id FROM users WHERE username = 'staff'").await,
            resident_user: self.id("SELECT id FROM users WHERE username = 'resident'").await,
            yeyu_lighting: self.id(&format!("SELECT id FROM request_categories WHERE project_id = {yeyu} AND name = '公共照明'")).await,
            request: 0,
            photo: 0,
            centre: self.id(&format!("SELECT id FROM centres WHERE project_id = {yeyu}")).await,
            spot: self.id(&format!("SELECT id FROM spots WHERE project_id = {yeyu} AND name = '东门'")).await,
            party_branch: self
                .id(&format!("SELECT id FROM party_orgs WHERE node_id = {yeyu} AND kind = 'project_branch'"))
                .await,
            party_membership: self
                .id(&format!(
                    "SELECT MIN(m.id) AS id FROM party_memberships m JOIN party_orgs o ON o.id = m.org_id \
                     WHERE o.node_id = {yeyu} AND m.until IS NULL"
                ))
                .await,
            brand: self.id("SELECT MIN(id) AS id FROM party_brands").await,
            body: self.id("SELECT id FROM bodies WHERE name = '保利叶语业主委员会（演示）'").await,
            body_member: self
                .id("SELECT MIN(m.id) AS id FROM body_members m JOIN bodies b ON b.id = m.body_id WHERE b.name = '保利叶语业主委员会（演示）'")
                .await,
            pairing: self.id("SELECT MIN(id) AS id FROM pairings").await,
            party_contact: self.id("SELECT MIN(id) AS id FROM party_contacts").await,
            party_station: self.id("SELECT MIN(id) AS id FROM party_stations").await,
            wish: self.id("SELECT w.id FROM wishes w JOIN users u ON u.person_id = w.person_id WHERE u.username = 'resident2'").await,
            care_tag: self.id("SELECT MIN(id) AS id FROM care_tags").await,
            care_visit: self.id("SELECT MIN(id) AS id FROM care_visits WHERE note IS NOT NULL").await,
            care_round: self.id("SELECT MIN(id) AS id FROM care_rounds").await,
            care_stop: self.id("SELECT MAX(id) AS id FROM care_round_stops WHERE taker_person_id IS NULL").await,
            care_stop_done: self.id("SELECT MIN(id) AS id FROM care_round_stops WHERE delivered_at IS NOT NULL").await,
            care_round_photo: 0,
            custody: self.id("SELECT MIN(id) AS id FROM custody_agreements").await,
            custody_check: self.id("SELECT MIN(id) AS id FROM custody_checks").await,
            custody_photo: 0,
            parcel: self
                .id("SELECT MIN(x.id) AS id FROM parcels x JOIN users u ON u.person_id = x.person_id WHERE u.username = 'resident2'")
                .await,
            parcel_done: self.id("SELECT MIN(id) AS id FROM parcels WHERE state = 'delivered'").await,
            parcel_photo: 0,
            liyuan: self.id("SELECT id FROM org_nodes WHERE kind = 'project' AND name = '保利荔园天府和悦'").await,
            sv_appointment: self.id("SELECT MIN(id) AS id FROM sv_appointments").await,
            sv_inspection: self.id("SELECT MAX(id) AS id FROM sv_inspections").await,
            sv_finding: self.id("SELECT id FROM sv_findings WHERE state = 'open'").await,
            grid_campaign: self.id("SELECT MIN(id) AS id FROM grid_campaigns").await,
            grid_visit: self
                .id("SELECT MIN(v.id) AS id FROM grid_visits v JOIN users u ON u.person_id = v.member_person_id WHERE u.username = 'grid'")
                .await,
            grid_visit_photo: 0,
            microgrid: self
                .id("SELECT r.node_id AS id FROM role_assignments r JOIN users u ON u.person_id = r.person_id \
                     WHERE u.username = 'hejing' AND r.role = 'grid_member'")
                .await,
            lend_item: self.id("SELECT id FROM lend_items WHERE code = '工具箱-01'").await,
            lend_loan: self
                .id("SELECT l.id FROM lend_loans l JOIN users u ON u.person_id = l.person_id WHERE u.username = 'resident2' AND l.state = 'out'")
                .await,
            agreement: self
                .id(&format!(
                    "SELECT j.id FROM joint_agreements j JOIN party_orgs o ON o.id = j.project_org_id WHERE o.node_id = {tianxi}"
                ))
                .await,
            agreement_item: self
                .id(&format!(
                    "SELECT MIN(i.id) AS id FROM joint_items i JOIN joint_agreements j ON j.id = i.agreement_id \
                     JOIN party_orgs o ON o.id = j.project_org_id WHERE o.node_id = {tianxi}"
                ))
                .await,
            honour: self.id("SELECT id FROM honours WHERE title = '爱心单位'").await,
            party_meeting: self
                .id(&format!(
                    "SELECT MIN(m.id) AS id FROM party_meetings m JOIN party_orgs o ON o.id = m.org_id WHERE o.node_id = {yeyu}"
                ))
                .await,
            party_post: self
                .id(&format!(
                    "SELECT MIN(t.id) AS id FROM party_posts t JOIN party_orgs o ON o.id = t.org_id WHERE o.node_id = {yeyu}"
                ))
                .await,
            hall: self
                .id(&format!(
                    "SELECT r.id FROM rooms r JOIN centres c ON c.id = r.centre_id WHERE c.project_id = {yeyu} AND r.name = '议事厅'"
                ))
                .await,
            booking: 0,
            occurrence: self
                .id(&format!(
                    "SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
                     WHERE a.project_id = {yeyu} AND a.title = '全员保洁日' ORDER BY o.starts_at LIMIT 1"
                ))
                .await,
            occurrence2: self
                .id(&format!(
                    "SELECT o.id FROM activity_occurrences o JOIN activities a ON a.id = o.activity_id \
                     WHERE a.project_id = {yeyu} AND a.title = '全员保洁日' ORDER BY o.starts_at DESC LIMIT 1"
                ))
                .await,
            volunteer: self
                .id(&format!("SELECT id FROM volunteers WHERE project_id = {yeyu} AND state = 'pending' ORDER BY id LIMIT 1"))
                .await,
            team: self.id("SELECT id FROM teams WHERE name = '保利叶语志愿服务队'").await,
            item: self.id(&format!("SELECT id FROM reward_items WHERE project_id = {yeyu} AND name = '洗衣液'")).await,
            signup: 0,
            correction: 0,
            redemption: 0,
            writeup_photo: 0,
            data_request: 0,
            link: 0,
            admin_token: 0,
            branch_role: 0,
            branch_role2: 0,
            tianxi_key: 0,
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((base, schema)) = self.pg_schema.take() {
            // Best effort: drop the schema on a separate runtime thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(d) = db::Db::connect(&base, 1).await {
                        // The test's runtime is blocked in this drop, so a connection it returned to the
                        // pool with a rollback still queued (a request that failed inside a transaction
                        // just before the test ended) would hold its locks and block the DROP for ever.
                        // The test is over: end its connections first.
                        let _ = db::exec(
                            &d.write,
                            &format!(
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{schema}'"
                            ),
                            vec![],
                        )
                        .await;
                        let _ = db::exec(&d.write, &format!("DROP SCHEMA {schema} CASCADE"), vec![]).await;
                    }
                });
            })
            .join();
        }
    }
}

pub trait NowUtc {
    fn now_utc(&self) -> chrono::DateTime<Utc>;
}
impl NowUtc for TestClock {
    fn now_utc(&self) -> chrono::DateTime<Utc> {
        use xinghuo::clock::Clock;
        self.now()
    }
}

#[derive(Debug, Clone, Copy)]
#[allow(dead_code)] // every id is printed in failure messages via Debug
pub struct Ids {
    pub yeyu: i64,
    /// The demo's street-light referral from 保利荔园天府和悦 to 牧马山社区 (accepted).
    pub referral: i64,
    /// 保利湖心岛's monthly 主题党日 (an activity id).
    pub huxindao_party_day: i64,
    pub tianxi: i64,
    pub hh1: i64,
    pub hh2: i64,
    pub hh_tianxi: i64,
    pub zhangsan: i64,
    pub lisi: i64,
    pub yeyu_building: i64,
    pub yeyu_unit: i64,
    pub branch: i64,
    pub youlian: i64,
    pub zhangsan_membership: i64,
    pub zhangsan_role: i64,
    pub staff_person: i64,
    pub resident_user: i64,
    pub yeyu_lighting: i64,
    /// A request reported by `resident` (set by tests that create one).
    pub request: i64,
    /// A photo of that request (set by tests that add one).
    pub photo: i64,
    /// 保利叶语's centre and its 议事厅.
    pub centre: i64,
    /// 保利叶语's 东门 (a named public spot).
    pub spot: i64,
    /// 保利叶语's project Party branch, one of its current memberships and one of its committee posts.
    pub party_branch: i64,
    pub party_membership: i64,
    pub party_post: i64,
    /// One of 保利叶语's branch meetings (demo).
    pub party_meeting: i64,
    /// 保利叶语's brand (一支部一品牌, 2023).
    pub brand: i64,
    /// 保利叶语's 业主委员会 and its first member.
    pub body: i64,
    pub body_member: i64,
    /// 保利翡翠和悦 ↔ 龙祥家园 (结对).
    pub pairing: i64,
    /// 「member」's first 联系户 at 保利叶语, and a 党员先锋岗 there.
    pub party_contact: i64,
    pub party_station: i64,
    /// 李四's open wish (微心愿) at 保利叶语.
    pub wish: i64,
    /// 保利荔园天府和悦's first care tag (高龄独居).
    pub care_tag: i64,
    /// A care visit of 何静's with words (its needs may become a request or a 微心愿).
    pub care_visit: i64,
    /// 和悦's 端午 round, its open stop, a delivered stop and that stop's photo (set by the matrix test).
    pub care_round: i64,
    pub care_stop: i64,
    pub care_stop_done: i64,
    pub care_round_photo: i64,
    /// 张三's 户内托管 at 保利叶语, one of its checks and that check's photo (set by the matrix test).
    pub custody: i64,
    pub custody_check: i64,
    pub custody_photo: i64,
    /// 李四's parcel request (waiting), 张三's delivered one and its photo (set by the matrix test).
    pub parcel: i64,
    pub parcel_done: i64,
    pub parcel_photo: i64,
    /// 保利荔园天府和悦, its first supervisor's appointment, her latest inspection and its finding waiting
    /// for her to confirm.
    pub liyuan: i64,
    pub sv_appointment: i64,
    pub sv_inspection: i64,
    pub sv_finding: i64,
    /// 牧马山社区's first door-to-door campaign (垃圾分类).
    pub grid_campaign: i64,
    /// 何静's micro-grid of 牧马山社区 (第一网格, whose member `grid` is).
    pub microgrid: i64,
    /// A door visit recorded by `grid` and its photo (set by the matrix test).
    pub grid_visit: i64,
    pub grid_visit_photo: i64,
    /// 保利叶语's free 工具箱-01 (便民物资共享), and 李四's wheelchair loan (out).
    pub lend_item: i64,
    pub lend_loan: i64,
    /// 保利天玺's 联建 agreement with 友联社区党委, and an item of its lists.
    pub agreement: i64,
    pub agreement_item: i64,
    /// 保利荔园天府和悦's 爱心单位.
    pub honour: i64,
    pub hall: i64,
    /// A booking by `resident` (set by tests that make one).
    pub booking: i64,
    /// The first and second of 保利叶语's 全员保洁日 (demo).
    pub occurrence: i64,
    pub occurrence2: i64,
    /// A pending volunteer registration at 保利叶语, its 志愿服务队 (led by 张三), and an 爱心超市 item.
    pub volunteer: i64,
    pub team: i64,
    pub item: i64,
    /// 张三's sign-up, an hour correction of it, and a redemption (set by tests that make them).
    pub signup: i64,
    pub correction: i64,
    pub redemption: i64,
    /// A write-up photo of `occurrence` (set by the matrix test).
    pub writeup_photo: i64,
    /// 张三's deletion request (set by the matrix test).
    pub data_request: i64,
    /// A link waiting for 李四 (set by the matrix test).
    pub link: i64,
    /// Real objects for the matrix's delete and revoke rows (set by the matrix test): an API token of
    /// `admin`; two roles of 张三 at the branch (only a company admin may remove them); an Open311 key
    /// of 保利天玺 (its manager `staff2` and admins may revoke it).
    pub admin_token: i64,
    pub branch_role: i64,
    pub branch_role2: i64,
    pub tianxi_key: i64,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
    pub text: String,
}

impl Resp {
    /// The occurrence a redirect to `/activities/occurrences/{id}?…` names.
    pub fn occurrence_id(&self) -> i64 {
        let l = self.location();
        l.trim_start_matches("/activities/occurrences/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap_or_else(|_| panic!("{l}"))
    }

    pub fn location(&self) -> String {
        self.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text))
    }
}

#[derive(Clone)]
pub struct Client {
    router: Router,
    cookies: HashMap<String, String>,
    pub bearer: Option<String>,
    /// Extra headers sent with every request (e.g. `X-Forwarded-For`).
    pub headers: Vec<(&'static str, String)>,
    /// The socket address the server sees (as `ConnectInfo`).
    pub peer: std::net::SocketAddr,
}

impl Client {
    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        if !self.cookies.is_empty() {
            let c = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
            req.headers_mut().insert(header::COOKIE, c.parse().unwrap());
        }
        if let Some(b) = &self.bearer {
            req.headers_mut().insert(header::AUTHORIZATION, format!("Bearer {b}").parse().unwrap());
        }
        req.headers_mut().insert(header::HOST, "localhost".parse().unwrap());
        for (k, v) in &self.headers {
            req.headers_mut().append(*k, v.parse().unwrap());
        }
        req.extensions_mut().insert(axum::extract::ConnectInfo(self.peer));
        let resp = self.router.clone().oneshot(req).await.unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let kv = s.split(';').next().unwrap();
            let (k, val) = kv.split_once('=').unwrap();
            if s.contains("Max-Age=0") {
                self.cookies.remove(k)
            } else {
                self.cookies.insert(k.into(), val.into())
            };
        }
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        let text = String::from_utf8_lossy(&bytes).to_string();
        Resp { status, headers, bytes, text }
    }

    /// The same browser (cookies) talking to another app instance.
    pub fn on(mut self, router: Router) -> Self {
        self.router = router;
        self
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap()).await
    }

    /// The CSRF token the server expects from this browser now.
    pub async fn csrf(&mut self) -> String {
        let page = if self.cookies.contains_key("xh_session") { "/account" } else { "/login" };
        let r = self.get(page).await;
        let t = r.text.split("name=\"_csrf\" value=\"").nth(1).expect("page has a CSRF field");
        t.split('"').next().unwrap().to_string()
    }

    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// A form posted from a page of this site (the browser sends that page as the `Referer`).
    pub async fn post_form_from(&mut self, page: &str, path: &str, fields: &[(&str, &str)]) -> Resp {
        self.headers.push(("referer", format!("http://localhost{page}")));
        let r = self.post_form(path, fields).await;
        self.headers.retain(|(k, _)| *k != "referer");
        r
    }

    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn json(&mut self, method: &str, path: &str, body: serde_json::Value) -> Resp {
        let mut req = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, "application/json");
        if self.bearer.is_none() && self.cookies.contains_key("xh_session") {
            let t = self.csrf().await;
            req = req.header("x-csrf-token", t);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn login(&mut self, user: &str, pw: &str) -> Resp {
        self.post_form("/login", &[("username", user), ("password", pw), ("next", "/")]).await
    }

    pub async fn multipart(&mut self, path: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> Resp {
        self.multipart_named(path, fields, "file", file).await
    }

    /// A multipart form with one file in the field `name`.
    pub async fn multipart_named(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        file: (&str, &[u8]),
    ) -> Resp {
        self.multipart_files(path, fields, name, &[file]).await
    }

    /// A multipart form with several files in the field `name`.
    pub async fn multipart_files(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        files: &[(&str, &[u8])],
    ) -> Resp {
        // A bearer client needs no CSRF token (the token is not sent by a browser on its own).
        let token = if self.bearer.is_some() { String::new() } else { self.csrf().await };
        let boundary = "XINGHUOBOUNDARY";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes(),
            );
        }
        for file in files {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{}\"\r\nContent-Type: application/octet-stream\r\n\r\n", file.0).as_bytes(),
            );
            body.extend_from_slice(file.1);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(format!("{path}?_csrf={token}"))
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}
