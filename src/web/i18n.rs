//! The message catalog: zh-CN first, English second, in files a translator edits —
//! `src/<capability>/messages.yml` for each capability's words and the labels of its stored codes,
//! `src/web/messages.yml` for the shared ones (navigation, common buttons, flash messages). Each file is
//! rust-i18n's one-file-per-text format (`_version: 2`: a key, then its text in each language);
//! rust-i18n reads them all at compile time (`i18n!("src")` in `lib.rs`, so a malformed file does not
//! build) and this module indexes them once for `t(lang, key)`. Templates call `c.t("key")`; tests check
//! every key used in templates exists, every key has both languages, and no key is written twice.

use std::{borrow::Cow, collections::HashMap, sync::LazyLock};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Self {
        if s.eq_ignore_ascii_case("en") { Lang::En } else { Lang::Zh }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// The catalog, read once from what rust-i18n compiled in (`src/**/messages.yml`, see `lib.rs`):
/// key → (中文, English). A key one language lacks maps to "" there (a test keeps that from happening).
static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> = LazyLock::new(|| {
    fn text(c: Cow<'static, str>) -> &'static str {
        match c {
            Cow::Borrowed(s) => s,
            // rust-i18n hands out its compiled-in strings; were one ever built at run time, it is
            // kept for the life of the process, once (the catalog is read once).
            Cow::Owned(s) => Box::leak(s.into_boxed_str()),
        }
    }
    let backend = crate::_rust_i18n_backend();
    let mut index: HashMap<&'static str, (&'static str, &'static str)> = HashMap::new();
    for (key, zh) in backend.messages_for_locale(Lang::Zh.code()).unwrap_or_default() {
        index.entry(text(key)).or_default().0 = text(zh);
    }
    for (key, en) in backend.messages_for_locale(Lang::En.code()).unwrap_or_default() {
        index.entry(text(key)).or_default().1 = text(en);
    }
    index
});

/// Every catalog entry: (key, 中文, English), in key order.
pub fn all_entries() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut v: Vec<_> = INDEX.iter().map(|(k, (zh, en))| (*k, *zh, *en)).collect();
    v.sort_unstable();
    v
}

pub fn t(lang: Lang, key: &str) -> &'static str {
    match INDEX.get(key) {
        Some((zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => "",
    }
}

pub fn has(key: &str) -> bool {
    INDEX.contains_key(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_used_in_templates_exists_in_both_languages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = Vec::new();
        let mut stack = vec![dir];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for part in text.split("t(\"").skip(1) {
                    let key = part.split('"').next().unwrap();
                    if !has(key) {
                        missing.push(format!("{}: {key}", p.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing catalog keys: {missing:?}");
        // Words shown to users come from the catalog; error.html stands alone (bilingual, no chrome).
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")];
        let mut literal = Vec::new();
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if !p.ends_with("error.html") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        if line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
                            literal.push(format!("{}:{}", p.display(), n + 1));
                        }
                    }
                }
            }
        }
        assert!(literal.is_empty(), "Chinese text written into templates instead of the catalog: {literal:?}");
    }

    /// What rust-i18n compiled in is what the files hold: each file is in the one-file format, no key
    /// is written twice (rust-i18n would silently keep one of them), and every key has both languages.
    #[test]
    fn the_catalog_files_hold_each_key_once_in_both_languages() {
        let mut files = Vec::new();
        let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "yml") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() >= 12, "found {} catalog files", files.len());
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut problems = Vec::new();
        let mut written = 0;
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            if !text.lines().any(|l| l == "_version: 2") {
                problems.push(format!("{}: not in the one-file format (_version: 2)", f.display()));
            }
            for line in text.lines() {
                // A key is a line at the margin ending in ':' (comments and `_version` aside).
                let Some(key) = line.strip_suffix(':').filter(|k| !k.starts_with(['#', ' ', '_'])) else { continue };
                written += 1;
                if let Some(other) = seen.insert(key.to_string(), f.display().to_string()) {
                    problems.push(format!("{key}: in {other} and {}", f.display()));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        let all = all_entries();
        assert_eq!(all.len(), written, "every key written is compiled in");
        let half: Vec<_> = all.iter().filter(|(_, zh, en)| zh.is_empty() || en.is_empty()).collect();
        assert!(half.is_empty(), "keys missing a language: {half:?}");
        assert_eq!(t(Lang::En, "req.queue"), "Requests");
        assert_eq!(t(Lang::Zh, "req.queue"), "诉求工单");
        assert_eq!(t(Lang::Zh, "no.such.key"), "");
    }
}
