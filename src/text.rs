//! Text normalisation for what users and spreadsheets really send: full-width digits, letters and
//! spaces (全角), zero-width characters, stray whitespace.

/// For free text (names, descriptions, notes): full-width digits and Latin letters to half-width,
/// ideographic and no-break spaces to spaces, zero-width characters removed, trimmed. Chinese
/// punctuation (，。（）：) is kept as written.
pub fn normalize(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0)
            }
            '\u{3000}' | '\u{00A0}' => Some(' '),
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => None,
            c => Some(c),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// A typed number as digits a parser reads: full-width digits and signs (１２、－５、＋３) to half-width,
/// spaces and thousands separators (, ，) removed. 「１２」 and 「 12 」 both read as 12; a minus stays.
pub fn num(s: &str) -> String {
    normalize(s)
        .chars()
        .filter_map(|c| match c {
            '\u{FF0D}' | '\u{2212}' => Some('-'),
            '\u{FF0B}' => Some('+'),
            '\u{FF0E}' | '\u{3002}' => Some('.'),
            ',' | '\u{FF0C}' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .collect()
}

/// A whole number typed in a form (full-width digits and spaces allowed) within `range`.
pub fn whole_in(s: &str, range: std::ops::RangeInclusive<i64>) -> Option<i64> {
    num(s).parse::<i64>().ok().filter(|n| range.contains(n))
}

/// A date typed or picked in a form (`2026-06-19`, full-width digits allowed).
pub fn day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(num(s).trim(), "%Y-%m-%d").ok()
}

/// For numbers and codes: every full-width ASCII character (U+FF01–U+FF5E, so also ＋ － ． （ ）) to
/// half-width, then whitespace and hyphens removed.
pub fn compact(s: &str) -> String {
    normalize(s)
        .chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            c => Some(c),
        })
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect()
}

/// Parse optional coordinates: both or neither, within range.
pub fn coordinates(lat: &str, lng: &str) -> Result<(Option<f64>, Option<f64>), crate::error::FieldError> {
    let (lat, lng) = (lat.trim(), lng.trim());
    if lat.is_empty() && lng.is_empty() {
        return Ok((None, None));
    }
    match (lat.parse::<f64>(), lng.parse::<f64>()) {
        (Ok(a), Ok(b))
            if a.is_finite() && b.is_finite() && (-90.0..=90.0).contains(&a) && (-180.0..=180.0).contains(&b) =>
        {
            Ok((Some(a), Some(b)))
        }
        _ => Err(crate::error::FieldError::new("lat", "坐标无效：纬度−90至90，经度−180至180，须同时填写")),
    }
}

/// Read a yuan amount as typed (「3500」「3,500.50」「３５００」) into fen.
pub fn yuan_to_fen(s: &str) -> Option<i64> {
    let t = crate::text::num(s).replace([',', '，', ' '], "");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() || int.len() > 9 || frac.len() > 2 || !int.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let frac = format!("{frac:0<2}");
    Some(int.parse::<i64>().ok()? * 100 + frac.parse::<i64>().ok()?)
}

/// Fen as yuan for people: 「17.50」.
pub fn fen_to_yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_spaces_become_ascii() {
        assert_eq!(normalize("　１３８　０013　８０００ "), "138 0013 8000");
        assert_eq!(compact("１３８-0013　８０００"), "13800138000");
        assert_eq!(normalize("\u{FEFF}张三\u{200B}"), "张三");
        assert_eq!(normalize("路灯不亮，老人（８０岁）看不清。"), "路灯不亮，老人（80岁）看不清。");
        assert_eq!(compact("＋８６ １３８－００１３．"), "+861380013.");
    }

    #[test]
    fn typed_numbers_read_the_same_in_full_width() {
        assert_eq!(super::num("１２"), "12");
        assert_eq!(super::num(" －５ "), "-5");
        assert_eq!(super::num("1,000"), "1000");
        assert_eq!(super::num("１，０００"), "1000");
        assert_eq!(super::num("３．５"), "3.5");
        assert_eq!(super::num("１").parse::<i32>().unwrap(), 1);
    }
}
