//! Plain rules about people: mainland mobile numbers, resident ID numbers (GB 11643), names, pinyin
//! initials for search, exclusive area, masking (PIPL). No I/O.
//!
//! `Phone` and `IdNumber` are validated newtypes whose `Debug` and `Display` are **masked**: a full value
//! cannot reach a log line or a page by accident; `reveal()` is the one explicit way to read it.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::text::{compact, normalize};

/// A mainland China mobile number (11 digits, 1[3-9]xxxxxxxxx).
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let mut s = compact(input).replace(['(', ')', '（', '）'], "");
        if let Some(rest) = s.strip_prefix("+86") {
            s = rest.to_string();
        } else if s.len() == 13 && s.starts_with("86") {
            s = s[2..].to_string();
        }
        if s.len() != 11 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("手机号应为11位数字");
        }
        let b = s.as_bytes();
        if b[0] != b'1' || !(b'3'..=b'9').contains(&b[1]) {
            return Err("手机号号段无效（应以13–19开头）");
        }
        Ok(Self(s))
    }
    pub fn reveal(&self) -> &str {
        &self.0
    }
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}
impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

/// `138****5678`. Anything too short to mask safely becomes all stars.
pub fn mask_phone(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len().max(4));
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// `510***********123X`: first 3 and last 4 kept, the rest starred (same length).
pub fn mask_id(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len().max(4));
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

/// An 18-character resident identity number (GB 11643-1999) with a valid check character,
/// province code and birth date.
#[derive(Clone, PartialEq, Eq)]
pub struct IdNumber(String);

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";
const PROVINCES: [u32; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

/// The GB 11643 check character for the first 17 digits.
pub fn id_check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(ID_WEIGHTS).map(|(b, w)| (b - b'0') as u32 * w).sum();
    Some(ID_CHECK[(sum % 11) as usize] as char)
}

impl IdNumber {
    /// `today` bounds the birth date (no one is born in the future).
    pub fn parse(input: &str, today: NaiveDate) -> Result<Self, &'static str> {
        let s = compact(input).to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err("身份证号应为18位");
        }
        let (body, check) = s.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit()) || !check.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
            return Err("身份证号只能包含数字，最后一位可以是X");
        }
        let province: u32 = body[..2].parse().map_err(|_| "身份证号地区码无效")?;
        if !PROVINCES.contains(&province) {
            return Err("身份证号地区码无效");
        }
        let birth = NaiveDate::parse_from_str(&body[6..14], "%Y%m%d").map_err(|_| "身份证号中的出生日期无效")?;
        if birth > today || birth.year() < 1890 {
            return Err("身份证号中的出生日期无效");
        }
        if id_check_char(body) != check.chars().next() {
            return Err("身份证号校验位不正确");
        }
        Ok(Self(s))
    }
    pub fn reveal(&self) -> &str {
        &self.0
    }
    pub fn masked(&self) -> String {
        mask_id(&self.0)
    }
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated in parse")
    }
    /// GB 11643: the 17th digit is odd for men, even for women.
    pub fn gender(&self) -> &'static str {
        gender_from_id(&self.0).expect("validated in parse")
    }
}

/// The gender coded in an 18-character ID number (17th digit odd: 男, even: 女).
pub fn gender_from_id(id: &str) -> Option<&'static str> {
    let d = id.as_bytes().get(16).filter(|b| b.is_ascii_digit())? - b'0';
    Some(if d % 2 == 1 { "男" } else { "女" })
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// A person's name: surname first, no spaces, 1–30 characters, 「·」 allowed (GB/T 15834 间隔号).
pub fn parse_name(input: &str) -> Result<String, &'static str> {
    let s: String = normalize(input).replace(['.', '•', '・'], "·").chars().filter(|c| !c.is_whitespace()).collect();
    let n = s.chars().count();
    if n == 0 {
        return Err("姓名不能为空");
    }
    if n > 30 {
        return Err("姓名不能超过30个字");
    }
    if s.chars().any(|c| c.is_ascii_digit() || c.is_control() || "<>\"'&;".contains(c)) {
        return Err("姓名不能包含数字或特殊符号");
    }
    Ok(s)
}

/// Surnames whose everyday reading differs from the most common reading of the character.
const SURNAME_READINGS: &[(&str, &str)] = &[
    ("尉迟", "yuchi"),
    ("万俟", "moqi"),
    ("曾", "zeng"),
    ("单", "shan"),
    ("解", "xie"),
    ("仇", "qiu"),
    ("区", "ou"),
    ("朴", "piao"),
    ("查", "zha"),
    ("盖", "ge"),
    ("乐", "yue"),
    ("覃", "qin"),
    ("缪", "miao"),
    ("翟", "zhai"),
    ("繁", "po"),
    ("蕃", "pi"),
    ("长孙", "zhangsun"),
    ("重", "chong"),
    ("种", "chong"),
    ("员", "yun"),
    ("秘", "bi"),
    ("句", "gou"),
    ("召", "shao"),
    ("折", "she"),
    ("宓", "fu"),
    ("柏", "bai"),
    ("洗", "xian"),
    ("冼", "xian"),
];

/// Full pinyin (no tones, lower case) and initials of a name, with surname readings corrected.
/// Characters without a reading (e.g. 「·」, Latin letters) are kept as lower-case letters or skipped.
pub fn name_pinyin(name: &str) -> (String, String) {
    use pinyin::ToPinyin;
    let mut full = String::new();
    let mut initials = String::new();
    let mut rest = name;
    for (surname, reading) in SURNAME_READINGS {
        if let Some(r) = name.strip_prefix(surname) {
            let syllables: Vec<&str> = split_reading(reading, surname.chars().count());
            for s in syllables {
                full.push_str(s);
                initials.push_str(&s[..1]);
            }
            rest = r;
            break;
        }
    }
    for c in rest.chars() {
        if let Some(p) = c.to_pinyin() {
            full.push_str(p.plain());
            initials.push_str(p.first_letter());
        } else if c.is_ascii_alphabetic() {
            full.push(c.to_ascii_lowercase());
            initials.push(c.to_ascii_lowercase());
        }
    }
    (full, initials)
}

fn split_reading(reading: &'static str, chars: usize) -> Vec<&'static str> {
    match (reading, chars) {
        ("yuchi", 2) => vec!["yu", "chi"],
        ("moqi", 2) => vec!["mo", "qi"],
        ("zhangsun", 2) => vec!["zhang", "sun"],
        _ => vec![reading],
    }
}

/// Exclusive area (专有部分面积) in hundredths of a square metre, from "89.5", "89.50㎡", "８９.５ m²", "89.50平方米".
pub fn parse_area_centi(input: &str) -> Result<i64, &'static str> {
    if input.contains(['-', '－']) {
        return Err("专有部分面积应在 0.01 至 10000 平方米之间");
    }
    let s = compact(input).replace("平方米", "").replace(['㎡', '²'], "").replace(['m', 'M'], "");
    if s.is_empty() {
        return Err("专有部分面积不能为空");
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err("专有部分面积应为数字，如 89.50");
    }
    if frac.len() > 2 && frac[2..].bytes().any(|b| b != b'0') {
        return Err("专有部分面积最多保留两位小数");
    }
    if int.len() > 6 {
        return Err("专有部分面积应在 0.01 至 10000 平方米之间");
    }
    let i: i64 = int.parse().map_err(|_| "专有部分面积应为数字")?;
    let mut f2 = frac.chars().take(2).collect::<String>();
    while f2.len() < 2 {
        f2.push('0');
    }
    let centi = i * 100 + f2.parse::<i64>().unwrap_or(0);
    if centi <= 0 || centi > 1_000_000 {
        return Err("专有部分面积应在 0.01 至 10000 平方米之间");
    }
    Ok(centi)
}

/// `8950` → `"89.50"`.
pub fn format_area(centi: i64) -> String {
    format!("{}.{:02}", centi / 100, centi % 100)
}

crate::coded! {
    /// How a person belongs to a household.
    pub enum Relation: "relation" {
        Owner,
        Occupant,
        Tenant,
        Family,
    }
}

impl Relation {
    /// The Chinese label (the catalog's `relation.<code>`; see `web::labels`).
    pub fn zh(self) -> &'static str {
        crate::web::labels::Labelled::label(self, crate::web::i18n::Lang::Zh)
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = normalize(s);
        Self::ALL.into_iter().find(|r| r.as_str() == s || r.zh() == s).or(match s.as_str() {
            "产权人" | "房主" => Some(Relation::Owner),
            "家属" | "成员" => Some(Relation::Family),
            "租客" | "承租人" => Some(Relation::Tenant),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
    }

    /// Build a valid ID from region, birth date and sequence.
    fn make_id(region: &str, birth: &str, seq: &str) -> String {
        let body = format!("{region}{birth}{seq}");
        format!("{body}{}", id_check_char(&body).unwrap())
    }

    #[test]
    fn mobile_numbers_are_validated_and_normalised() {
        assert_eq!(Phone::parse("138 0013 8000").unwrap().reveal(), "13800138000");
        assert_eq!(Phone::parse("+86 13800138000").unwrap().reveal(), "13800138000");
        assert_eq!(Phone::parse("１３８００１３８０００").unwrap().reveal(), "13800138000");
        assert!(Phone::parse("12800138000").is_err());
        assert!(Phone::parse("1380013800").is_err());
        assert!(Phone::parse("028-12345678").is_err());
    }

    #[test]
    fn phones_are_masked_in_display_and_debug() {
        let p = Phone::parse("13812345678").unwrap();
        assert_eq!(p.to_string(), "138****5678");
        assert!(!format!("{p:?}").contains("12345678"));
    }

    #[test]
    fn id_numbers_follow_gb11643() {
        // The check digit example from GB 11643-1999: 11010519491231002X
        let id = IdNumber::parse("11010519491231002x", today()).unwrap();
        assert_eq!(id.reveal(), "11010519491231002X");
        assert_eq!(id.gender(), "女");
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.to_string(), "110***********002X");
        assert!(IdNumber::parse("110105194912310021", today()).unwrap_err().contains("校验位"));
        assert!(IdNumber::parse("990105194912310021", today()).unwrap_err().contains("地区"));
        assert!(IdNumber::parse(&make_id("510104", "19990230", "123"), today()).unwrap_err().contains("出生日期"));
        assert!(IdNumber::parse(&make_id("510104", "20300101", "123"), today()).unwrap_err().contains("出生日期"));
        assert!(IdNumber::parse("5101041990", today()).is_err());
    }

    #[test]
    fn names_allow_the_interpunct_and_refuse_digits() {
        assert_eq!(parse_name(" 张 三 ").unwrap(), "张三");
        assert_eq!(parse_name("阿依古丽•买买提").unwrap(), "阿依古丽·买买提");
        assert!(parse_name("").is_err());
        assert!(parse_name("张3").is_err());
    }

    #[test]
    fn pinyin_initials_use_surname_readings() {
        assert_eq!(name_pinyin("张三"), ("zhangsan".into(), "zs".into()));
        assert_eq!(name_pinyin("曾小贤"), ("zengxiaoxian".into(), "zxx".into()));
        assert_eq!(name_pinyin("单田芳").1, "stf");
        assert_eq!(name_pinyin("尉迟恭"), ("yuchigong".into(), "ycg".into()));
    }

    #[test]
    fn areas_parse_to_hundredths() {
        assert_eq!(parse_area_centi("89.5").unwrap(), 8950);
        assert_eq!(parse_area_centi("８９.５０㎡").unwrap(), 8950);
        assert_eq!(parse_area_centi("120 m²").unwrap(), 12000);
        assert_eq!(parse_area_centi("89.500").unwrap(), 8950);
        assert!(parse_area_centi("89.555").is_err());
        assert!(parse_area_centi("-3").is_err());
        assert!(parse_area_centi("0").is_err());
        assert!(parse_area_centi("abc").is_err());
        assert_eq!(format_area(8950), "89.50");
        assert_eq!(format_area(5), "0.05");
    }

    #[test]
    fn relations_parse_from_chinese_labels() {
        assert_eq!(Relation::parse("业主"), Some(Relation::Owner));
        assert_eq!(Relation::parse("租客"), Some(Relation::Tenant));
        assert_eq!(Relation::parse("邻居"), None);
    }

    proptest! {
        #[test]
        fn every_generated_id_validates_and_any_single_digit_change_is_caught(
            region in prop::sample::select(vec!["510104", "110105", "440305", "310115"]),
            days in 0i64..34000, seq in 0u32..1000, pos in 0usize..17, delta in 1u8..10,
        ) {
            let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap() + chrono::Duration::days(days);
            let id = make_id(region, &birth.format("%Y%m%d").to_string(), &format!("{seq:03}"));
            prop_assert!(IdNumber::parse(&id, today()).is_ok());
            let mut bytes = id.into_bytes();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed, today()).is_err());
        }

        #[test]
        fn masking_never_reveals_the_middle(digits in "1[3-9][0-9]{9}") {
            let m = mask_phone(&digits);
            prop_assert_eq!(m.len(), 11);
            prop_assert_eq!(&m[3..7], "****");
            prop_assert_eq!(&m[..3], &digits[..3]);
        }

        #[test]
        fn area_round_trips(centi in 1i64..1_000_000) {
            prop_assert_eq!(parse_area_centi(&format_area(centi)).unwrap(), centi);
        }
    }
}
