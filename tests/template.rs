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

/// One declaration of a route: `RouteDef::new("METHOD", "/path", Access::X, get(module::handler))`.
struct Declared {
    file: PathBuf,
    line: usize,
    access: String,
    handler: String,
}

fn declared_routes(files: &[PathBuf]) -> Vec<Declared> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for (at, _) in text.match_indices("RouteDef::new(") {
            // The call's text up to its closing parenthesis.
            let rest = &text[at + "RouteDef::new(".len()..];
            let mut depth = 1;
            let mut end = 0;
            for (i, c) in rest.char_indices() {
                match c {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let call: String = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
            let Some(access) = call.split("Access::").nth(1).map(|s| s.split(',').next().unwrap().trim().to_string())
            else {
                continue; // the helper's own definition
            };
            // The handler: the last `…(path::to::fn)` argument.
            let handler = call.rsplit('(').next().unwrap().trim_end_matches([')', ',', ' ']).trim().to_string();
            let line = text[..at].lines().count();
            out.push(Declared { file: f.clone(), line, access, handler });
        }
    }
    out
}

/// Where `module::fn` (relative to the declaring file's folder) is defined: the unique `async fn` of that
/// name in the module's file or folder.
fn handler_signature(decl: &Declared) -> Option<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut parts: Vec<&str> = decl.handler.split("::").collect();
    let name = parts.pop()?;
    if parts.first() == Some(&"crate") {
        parts.remove(0);
    }
    let base = if decl.handler.starts_with("crate::") { root.clone() } else { decl.file.parent()?.to_path_buf() };
    let mut place = base;
    for p in &parts {
        place = place.join(p);
    }
    let mut candidates = Vec::new();
    if parts.is_empty() {
        candidates.push(decl.file.clone());
    } else {
        if place.is_dir() {
            rust_files(&place, &mut candidates);
        }
        let file = place.with_extension("rs");
        if file.is_file() {
            candidates.push(file);
        }
    }
    let mut found = Vec::new();
    for c in candidates {
        let text = std::fs::read_to_string(&c).unwrap();
        for pat in [format!("pub async fn {name}("), format!("async fn {name}(")] {
            if let Some(at) = text.find(&pat) {
                let sig = &text[at..];
                let sig = &sig[..sig.find('{').unwrap_or(sig.len())];
                // An axum handler takes the state or an extractor; a use case of the same name does not.
                let marks = ["State<", "Auth", "Desk", "StaffUser", "AdminUser", "Path<", "Query<", "Extension<"];
                let no_args = sig.contains(&format!("{name}()"));
                if no_args || (marks.iter().any(|m| sig.contains(m)) && !sig.contains("&AppState")) {
                    found.push(sig.to_string());
                }
                break;
            }
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

/// Who may call a route is said once: the route table's `Access` and the extractor its handler takes
/// agree (`Public` — none or `Ctx`; `Authenticated` — `Auth`; `Desk` — `Desk`; `Staff` — `StaffUser`;
/// `Admin` — `AdminUser`). The middleware enforces the table; the extractor carries the principal and
/// says the same in the handler's signature.
#[test]
fn each_handlers_extractor_says_the_access_its_route_declares() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let decls = declared_routes(&files);
    assert!(decls.len() > 150, "found {} route declarations", decls.len());
    let extractors = [("Auth", "Authenticated"), ("Desk", "Desk"), ("StaffUser", "Staff"), ("AdminUser", "Admin")];
    let mut problems = Vec::new();
    for d in &decls {
        let Some(sig) = handler_signature(d) else {
            problems.push(format!("{}:{}: cannot find handler {}", d.file.display(), d.line, d.handler));
            continue;
        };
        // `Auth(p, ctx): Auth` or `a: Auth`: the extractor is the parameter's type.
        let sig = sig.replace("crate::auth::", "").replace("auth::", "");
        let takes: Vec<&str> = extractors
            .iter()
            .filter(|(e, _)| {
                sig.contains(&format!(": {e},"))
                    || sig.contains(&format!(": {e})"))
                    || sig.contains(&format!(": {e}\n"))
            })
            .map(|(_, a)| *a)
            .collect();
        let ok = match d.access.as_str() {
            "Public" => takes.is_empty(),
            a => takes == [a],
        };
        if !ok {
            problems.push(format!(
                "{}:{}: route Access::{} but {} takes {:?}",
                d.file.display(),
                d.line,
                d.access,
                d.handler,
                takes
            ));
        }
    }
    assert!(problems.is_empty(), "{}\n({} of {})", problems.join("\n"), problems.len(), decls.len());
}

fn template_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            template_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

/// Templates read named fields, never tuple positions (`x.0`, `r.3`): a field's name says what it
/// is, and a reordered tuple would show the wrong thing silently.
#[test]
fn templates_read_named_fields_not_tuple_positions() {
    let mut files = Vec::new();
    template_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("templates"), &mut files);
    assert!(files.len() >= 30, "found {} templates", files.len());
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        // Only inside template tags: `{{ … }}` and `{% … %}`.
        for (n, line) in text.lines().enumerate() {
            for tag in line.split("{{").skip(1).chain(line.split("{%").skip(1)) {
                let inside = tag.split(['}', '%']).next().unwrap_or("");
                let b = inside.as_bytes();
                for i in 1..b.len() {
                    let prev = b[i - 1];
                    if b[i] == b'.'
                        && (prev.is_ascii_alphanumeric() || prev == b'_')
                        && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                        && !b[..i]
                            .iter()
                            .rev()
                            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                            .all(u8::is_ascii_digit)
                    {
                        problems.push(format!("{}:{}: {}", f.display(), n + 1, inside.trim()));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "tuple positions in templates:\n{}", problems.join("\n"));
}

/// A handler — any function that takes axum's `State` extractor, in whatever file — holds no
/// transaction and writes no audit line: those belong to the use case it calls. (`pages.rs`/`api.rs`
/// are checked line by line above; this catches handlers that live beside their use case, such as
/// `keys.rs` or `writeup.rs`.)
#[test]
fn no_handler_anywhere_holds_a_transaction() {
    let mut files = Vec::new();
    rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let writes = ["begin()", "TransactionTrait", "::begin(", "audit::commit", "audit::record", ".commit()"];
    let mut handlers = 0;
    let mut problems = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i].trim_start();
            if !(l.starts_with("pub async fn ") || l.starts_with("async fn ")) {
                i += 1;
                continue;
            }
            let start = i;
            // The signature runs to the line that opens the body; the body to the closing brace at the
            // function's own indentation.
            let indent = lines[i].len() - l.len();
            let mut sig = String::new();
            while i < lines.len() && !lines[i].trim_end().ends_with('{') {
                sig.push_str(lines[i]);
                i += 1;
            }
            if i < lines.len() {
                sig.push_str(lines[i]);
            }
            let close = format!("{}}}", " ".repeat(indent));
            let end = (i..lines.len()).find(|&k| lines[k] == close).unwrap_or(lines.len() - 1);
            if sig.contains("State(") {
                handlers += 1;
                for (k, line) in lines.iter().enumerate().take(end + 1).skip(start) {
                    let code = line.split("//").next().unwrap_or("");
                    if let Some(w) = writes.iter().find(|w| code.contains(*w)) {
                        problems.push(format!("{}:{}: a handler holds {w}", f.display(), k + 1));
                    }
                }
            }
            i = end + 1;
        }
    }
    assert!(handlers >= 100, "found only {handlers} handlers: the scan is broken");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
