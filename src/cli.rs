//! The command line: `serve`, `migrate`, `demo`, `import`, `export`, `user`, `open311-key`, `backup`.

use crate::ids::*;
use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};

use crate::{
    app::{self, AppState},
    config::Config,
    error::AppError,
    io,
};

#[derive(Parser)]
#[command(name = "xinghuo", version, about = "星火社区 Xinghuo — 党建引领物业服务与基层治理平台")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum DataKeyAction {
    /// Print a new random key line (`id:base64`) to add to the keyring.
    New {
        #[arg(long, default_value = "k2")]
        id: String,
    },
    /// Add a new key to the key file and seal everything again under it.
    Rotate {
        #[arg(long)]
        id: String,
    },
    /// Seal everything again under the keyring's last key (after adding one to XINGHUO_DATA_KEYS).
    Reencrypt,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start the web server (migrations run first).
    Serve {
        /// Load the demo data into an empty database first.
        #[arg(long)]
        demo: bool,
    },
    /// Run database migrations and exit.
    Migrate,
    /// Recount the 三率 counters from the request rows and say whether they agree (exit 1 if not).
    CheckFigures,
    /// Load the demo data (does nothing if it is already there).
    Demo {
        /// How many times the demo's yearly history of requests to generate (1 = a believable estate;
        /// more for benchmarks).
        #[arg(long, default_value_t = 1)]
        size: usize,
    },
    /// Import households and residents from .xlsx or .csv into a project (all or nothing).
    Import {
        /// Project id, code or name.
        #[arg(long)]
        project: String,
        file: PathBuf,
    },
    /// Export a project's household ledger (台账) to .xlsx.
    Export {
        #[arg(long)]
        project: String,
        #[arg(long, short)]
        out: PathBuf,
        /// Include full phone and ID numbers (otherwise masked).
        #[arg(long)]
        full: bool,
    },
    /// Manage log-ins.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Open311 API keys of a project (issue, list, revoke).
    #[command(name = "open311-key")]
    Open311Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// The keyring that seals phone and ID numbers at rest.
    #[command(name = "data-keys")]
    DataKeys {
        #[command(subcommand)]
        action: DataKeyAction,
    },
    /// Copy the SQLite database to a file while the server runs (online, consistent).
    Backup {
        #[arg(long, short)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum KeyAction {
    /// Issue a key; it is printed once (only its hash is stored).
    Create {
        /// Project id, code or name.
        #[arg(long)]
        project: String,
        /// What the key is for, e.g. 「12345热线对接」.
        #[arg(long, default_value = "命令行签发")]
        label: String,
    },
    /// List a project's keys (prefix, purpose, state).
    List {
        #[arg(long)]
        project: String,
    },
    /// Revoke a key by its id.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
pub enum UserAction {
    /// Create a user. The password is read from XINGHUO_NEW_PASSWORD or --password.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, env = "XINGHUO_NEW_PASSWORD", hide_env_values = true)]
        password: String,
        /// Link to a person (by id).
        #[arg(long)]
        person_id: Option<PersonId>,
    },
    /// Set a new password and end the user's sessions.
    ResetPassword {
        #[arg(long)]
        username: String,
        #[arg(long, env = "XINGHUO_NEW_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config);
    let rt = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 / error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(config: &Config) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter =
        EnvFilter::try_from_env("XINGHUO_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    if config.log_format == "json" {
        let _ = fmt().json().with_env_filter(filter).try_init();
    } else {
        let _ = fmt().with_env_filter(filter).try_init();
    }
}

fn app_err(e: AppError) -> anyhow::Error {
    anyhow::anyhow!("{}（{}）", e.zh, e.code)
}

async fn find_project(state: &AppState, key: &str) -> anyhow::Result<i64> {
    let id: Option<i64> = key.parse().ok();
    let found = crate::org::store::project_by_key(&state.db.read, id, key).await.map_err(app_err)?;
    found.ok_or_else(|| anyhow::anyhow!("找不到项目「{key}」/ project not found"))
}

pub async fn run(cli: Cli, mut config: Config) -> anyhow::Result<()> {
    // Serving: bind first, so the address phones are shown (QR codes) is the one actually listened on.
    let listener = match cli.command {
        Command::Serve { .. } => {
            let l = tokio::net::TcpListener::bind(config.listen).await?;
            config.resolve_public_url(l.local_addr()?)?;
            Some(l)
        }
        _ => None,
    };
    let state = AppState::from_config(config).await?;
    match cli.command {
        Command::Migrate => println!("数据库已是最新 / migrations applied"),
        Command::CheckFigures => {
            let n = crate::requests::figures::recount_mismatches(&state.db.read, state.db.is_sqlite())
                .await
                .map_err(app_err)?;
            if n != 0 {
                anyhow::bail!("{n} 组三率计数与请求记录不一致 / {n} counter groups disagree with the request rows");
            }
            println!("三率计数与请求记录一致 / the 三率 counters agree with the request rows");
        }
        Command::Demo { size } => load_demo(&state, size.clamp(1, 1000)).await?,
        Command::Serve { demo } => {
            if demo {
                load_demo(&state, 1).await?;
            }
            let listener = listener.ok_or_else(|| anyhow::anyhow!("no listener"))?;
            let addr = listener.local_addr()?;
            println!("\n星火社区已启动 / Xinghuo is running: http://{addr}/");
            println!("二维码中的地址 / address in QR codes: {}/", state.config.public_url);
            if demo {
                println!(
                    "演示账号（密码均为 {}）/ demo log-ins (password {}):",
                    crate::demo::DEMO_PASSWORD,
                    crate::demo::DEMO_PASSWORD
                );
                for (u, who, what) in crate::demo::DEMO_LOGINS {
                    println!("  {u:<10} {who} — {what}");
                }
            }
            println!("按 Ctrl-C 停止 / Ctrl-C to stop\n");
            let jobs = crate::capability::start_jobs(&state);
            app::serve(listener, state, app::shutdown_signal()).await?;
            jobs.iter().for_each(|j| j.abort());
        }
        Command::Import { project, file } => {
            let pid = find_project(&state, &project).await?;
            let bytes = std::fs::read(&file)?;
            if bytes.len() > state.config.max_upload_bytes {
                anyhow::bail!("文件过大：最大 {} 字节 / file too large", state.config.max_upload_bytes);
            }
            let name = file.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            let limits = io::sheet::Limits::for_rows(state.config.max_import_rows);
            let grid =
                io::sheet::read_any(&name, &bytes, &limits).map_err(|e| anyhow::anyhow!("{} ({})", e.zh, e.code))?;
            let parsed = io::model::parse_sheet(&grid, state.clock.today(), state.config.max_import_rows);
            let bar = indicatif::ProgressBar::new(parsed.rows.len() as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} 导入中 [{bar:40}] {pos}/{len} 行 ({eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let outcome =
                io::apply(&state.db.write, &state.vault, ProjectId(pid), &parsed, state.clock.now(), None, |n| {
                    bar.set_position(n as u64)
                })
                .await
                .map_err(app_err)?;
            bar.finish_and_clear();
            match outcome {
                io::Outcome::Done(s) => {
                    println!(
                        "导入完成：{} 行，新增 {} 户、{} 人，登记 {} 条住户关系、{} 个角色；跳过重复行 {}、空行 {}",
                        s.rows,
                        s.households_created,
                        s.persons_created,
                        s.members_added,
                        s.roles_added,
                        s.duplicates_skipped,
                        s.blank_rows
                    );
                }
                io::Outcome::Rejected(errors) => {
                    eprintln!("导入未完成，全部数据均未写入。以下 {} 处错误：", errors.len());
                    for e in &errors {
                        eprintln!("  第{}行 {}：{}", e.row, e.column, e.reason);
                    }
                    anyhow::bail!("{} 处错误 / {} errors", errors.len(), errors.len());
                }
            }
        }
        Command::Export { project, out, full } => {
            let pid = find_project(&state, &project).await?;
            let mut rows = io::ledger_rows(&state.db.read, ProjectId(pid)).await.map_err(app_err)?;
            if full {
                io::unseal_ledger(&mut rows, &state.vault).map_err(app_err)?;
            }
            let roles = io::role_names(&state.db.read, ProjectId(pid)).await.map_err(app_err)?;
            let stamp = crate::clock::fmt_datetime(state.clock.now());
            let bytes =
                io::ledger_xlsx(&rows, &roles, full, &format!("导出时间：{stamp}（命令行）")).map_err(app_err)?;
            std::fs::write(&out, bytes)?;
            println!("已导出 {} 行到 {}", rows.len(), out.display());
        }
        Command::User { action } => match action {
            UserAction::Create { username, name, password, person_id } => {
                let f = crate::admin::NewUserForm {
                    username,
                    display_name: name,
                    password,
                    person_id: person_id.map(|p| p.to_string()).unwrap_or_default(),
                };
                let id = crate::admin::create_user_checked(&state, None, f).await.map_err(|e| {
                    let fields: Vec<String> = e.fields.iter().map(|f| f.message.clone()).collect();
                    anyhow::anyhow!("{} {}", e.zh, fields.join("；"))
                })?;
                println!("已创建用户 #{id}");
            }
            UserAction::ResetPassword { username, password } => {
                crate::auth::password::check_strength(&password).map_err(|m| anyhow::anyhow!(m))?;
                let row = crate::auth::store::credentials(&state.db.read, &username)
                    .await
                    .map_err(app_err)?
                    .ok_or_else(|| anyhow::anyhow!("找不到用户「{username}」"))?;
                let hash = crate::auth::password::hash(password).await.map_err(app_err)?;
                crate::admin::set_password(&state.db.write, row.id, hash, state.clock.now()).await.map_err(app_err)?;
                println!("已重置「{username}」的密码，并退出其全部登录");
            }
        },
        Command::Open311Key { action } => open311_key(&state, action).await?,
        Command::DataKeys { action } => match action {
            DataKeyAction::New { id } => println!("{}", crate::vault::Vault::new_key_line(&id)),
            DataKeyAction::Rotate { id } => {
                if !state.config.data_keys.expose().trim().is_empty() {
                    anyhow::bail!(
                        "密钥来自 XINGHUO_DATA_KEYS：请在其末尾加入 `data-keys new` 生成的新密钥后运行 `data-keys reencrypt` / \
                         keys come from XINGHUO_DATA_KEYS: append a new key there, then run `data-keys reencrypt`"
                    );
                }
                let path =
                    state.config.data_key_file.clone().unwrap_or_else(|| state.config.data_dir.join("data.keys"));
                let mut text = std::fs::read_to_string(&path)?;
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&crate::vault::Vault::new_key_line(&id));
                text.push('\n');
                let ring = crate::vault::Vault::parse(&text)?;
                std::fs::write(&path, &text)?;
                let n = crate::people::seal::reencrypt(&state.db.write, &ring).await?;
                println!("已用新密钥 {id} 重新加密 {n} 人的信息；旧密钥可在所有实例换用新密钥后删除 / {n} re-sealed");
            }
            DataKeyAction::Reencrypt => {
                let n = crate::people::seal::reencrypt(&state.db.write, &state.vault).await?;
                println!("已用当前密钥 {} 重新加密 {n} 人的信息 / {n} re-sealed", state.vault.current_id());
            }
        },
        Command::Backup { out } => {
            if !state.db.is_sqlite() {
                anyhow::bail!("PostgreSQL 请使用 pg_dump 备份 / use pg_dump for PostgreSQL");
            }
            if out.exists() {
                anyhow::bail!("目标文件已存在：{} / target exists", out.display());
            }
            let path = out.to_string_lossy();
            state.db.backup_to(&path).await?;
            println!("已备份到 {}", out.display());
        }
    }
    Ok(())
}

async fn open311_key(state: &AppState, action: KeyAction) -> anyhow::Result<()> {
    use crate::requests::open311;
    let now = state.clock.now();
    match action {
        KeyAction::Create { project, label } => {
            let pid = find_project(state, &project).await?;
            let label = crate::text::normalize(&label);
            if label.is_empty() || label.chars().count() > 100 {
                anyhow::bail!("用途不能为空，且不超过100字 / label must be 1–100 characters");
            }
            let (id, key) =
                open311::create_key(&state.db.write, ProjectId(pid), &label, None, now).await.map_err(app_err)?;
            println!("已签发 Open311 密钥 #{id}（只显示这一次）/ key issued (shown once):\n{key}");
        }
        KeyAction::List { project } => {
            let pid = find_project(state, &project).await?;
            for k in open311::keys(&state.db.read, &[ProjectId(pid)]).await.map_err(app_err)? {
                let st = match k.revoked_at {
                    Some(t) => format!("已吊销 {}", crate::clock::fmt_datetime(t)),
                    None => "有效".into(),
                };
                println!("#{:<5} {}…  {}  {}", k.id, k.key_prefix, k.label, st);
            }
        }
        KeyAction::Revoke { id } => {
            if open311::key_by_id(&state.db.read, id).await.map_err(app_err)?.is_none() {
                anyhow::bail!("找不到密钥 #{id} / key not found");
            }
            if open311::revoke_key(&state.db.write, id, now).await.map_err(app_err)? {
                println!("已吊销密钥 #{id}");
            } else {
                println!("密钥 #{id} 早已吊销");
            }
        }
    }
    Ok(())
}

async fn load_demo(state: &AppState, size: usize) -> anyhow::Result<()> {
    let loaded = crate::demo::load(&state.db.write, &state.vault, state.clock.now()).await.map_err(app_err)?;
    if loaded {
        let t = std::time::Instant::now();
        let n = crate::demo::history::load(state, size).await.map_err(app_err)?;
        println!(
            "演示历史：一年 {} 件报事（{} 件已办结，{} 件超时，{} 件上报社区），{} 人次志愿服务，{} 次场地预约，{} 人次到访，{} 次积分兑换，用时 {:.1} 秒 / a year of history loaded",
            n.requests,
            n.closed,
            n.late,
            n.pushed_up,
            n.attendances,
            n.bookings,
            n.visits,
            n.redemptions,
            t.elapsed().as_secs_f64()
        );
    }
    println!(
        "{}",
        if loaded {
            "演示数据已加载 / demo data loaded"
        } else {
            "演示数据已存在，未做改动 / demo data already present"
        }
    );
    Ok(())
}
