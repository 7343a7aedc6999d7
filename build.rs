//! Rebuild when a message catalog file changes: rust-i18n reads `src/**/messages.yml` inside a macro,
//! which Cargo does not track by itself.

fn main() {
    let mut stack = vec![std::path::PathBuf::from("src")];
    while let Some(dir) = stack.pop() {
        println!("cargo:rerun-if-changed={}", dir.display());
        for entry in std::fs::read_dir(&dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "yml") {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
}
