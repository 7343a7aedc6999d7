//! The capability template, kept by a test (issue 10): page and API handlers hold no SQL — queries live
//! in each capability's `store.rs` — and no transaction (those are the use cases' in `actions.rs`), and no
//! capability imports another capability's `pages` or `api`.

use std::path::{Path, PathBuf};

fn handler_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            handler_files(&p, out);
        } else if matches!(p.file_name().and_then(|n| n.to_str()), Some("pages.rs" | "api.rs")) {
            out.push(p);
        }
    }
}

/// The capability a file belongs to (`src/<capability>/pages.rs`), or `""` for `src/api.rs`.
fn capability(p: &Path) -> String {
    let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().strip_prefix("src").unwrap();
    rel.parent().and_then(|d| d.to_str()).unwrap_or("").to_string()
}

#[test]
fn handlers_hold_no_sql_and_reach_into_no_other_capabilitys_handlers() {
    let mut files = Vec::new();
    handler_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() >= 10, "found {} handler files", files.len());
    let sql = ["db::", "SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM"];
    // Transactions and their audit tail belong to the use case (`actions.rs`), not the handler.
    let writes = ["begin()", "TransactionTrait", "audit::commit", "audit::record", ".commit()"];
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let mine = capability(f);
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(s) = sql.iter().find(|s| code.contains(*s)) {
                problems.push(format!("{}:{}: SQL in a handler file ({s})", f.display(), n + 1));
            }
            if let Some(s) = writes.iter().find(|s| code.contains(*s)) {
                problems.push(format!("{}:{}: a transaction in a handler file ({s})", f.display(), n + 1));
            }
            for part in code.split("crate::").skip(1) {
                let mut segs = part.split("::");
                let (Some(cap), Some(module)) = (segs.next(), segs.next()) else { continue };
                let module: String = module.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if cap != mine && (module == "pages" || module == "api") && !mine.is_empty() {
                    problems.push(format!("{}:{}: reaches into crate::{cap}::{module}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The template's first rule: `store.rs` (or a `store/` folder) is the only place a query lives. Outside
/// them: the database layer itself (`src/db/`: connection, helpers, migrations) and the demo loader
/// (`demo/`: seed rows written once at start-up, like a migration's data).
#[test]
fn queries_live_only_in_store_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let calls = ["db::one", "db::all", "db::exec", "db::insert_id", "db::count", "execute_unprepared", "query_all("];
    let sql = ["\"SELECT ", "\"INSERT INTO", "\"UPDATE ", "\"DELETE FROM", "\"WITH "];
    let mut problems = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        let in_store = rel.ends_with("/store.rs") || rel.contains("/store/");
        if in_store || rel.starts_with("db/") || rel.starts_with("demo/") {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if let Some(s) = calls.iter().chain(sql.iter()).find(|s| code.contains(*s)) {
                problems.push(format!("src/{rel}:{}: a query outside a store ({s})", n + 1));
            }
        }
    }
    assert!(files.len() > 60, "found {} source files", files.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
