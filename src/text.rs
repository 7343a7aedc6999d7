//! Text normalisation for what users and spreadsheets really send: full-width digits, letters and
//! spaces (全角), zero-width characters, stray whitespace.

/// Full-width ASCII (U+FF01–U+FF5E) to half-width, ideographic space to a space, zero-width characters
/// removed, then trimmed.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            '\u{3000}' | '\u{00A0}' => Some(' '),
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// `normalize`, then every whitespace character removed (for numbers and codes).
pub fn compact(s: &str) -> String {
    normalize(s).chars().filter(|c| !c.is_whitespace() && *c != '-').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_spaces_become_ascii() {
        assert_eq!(normalize("　１３８　０013　８０００ "), "138 0013 8000");
        assert_eq!(compact("１３８-0013　８０００"), "13800138000");
        assert_eq!(normalize("\u{FEFF}张三\u{200B}"), "张三");
    }
}
