//! A spot's rules: a name of 1–40 characters (as typed, whitespace tidied), optional coordinates.

use crate::error::FieldError;

#[derive(Debug, Clone, PartialEq)]
pub struct SpotInput {
    pub name: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

pub const NAME_MAX: usize = 40;

/// Check what staff typed; every problem at once, each on its field.
pub fn check(name: &str, lat: &str, lng: &str) -> Result<SpotInput, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = crate::text::normalize(name);
    if name.is_empty() || name.chars().count() > NAME_MAX {
        errors.push(FieldError::new("name", format!("请填写地点名称（不超过{NAME_MAX}个字）")));
    }
    let (lat, lng) = match crate::text::coordinates(&crate::text::num(lat), &crate::text::num(lng)) {
        Ok(c) => c,
        Err(e) => {
            errors.push(e);
            (None, None)
        }
    };
    if errors.is_empty() { Ok(SpotInput { name, lat, lng }) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spot_needs_a_short_name_and_valid_coordinates_if_any() {
        assert_eq!(check("  东门 ", "", "").unwrap(), SpotInput { name: "东门".into(), lat: None, lng: None });
        let s = check("中心花园", "３０.６", "104.1").unwrap();
        assert_eq!((s.lat, s.lng), (Some(30.6), Some(104.1)));
        let e = check("", "91", "").unwrap_err();
        assert_eq!(e.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["name", "lat"]);
        assert!(check(&"门".repeat(41), "", "").is_err());
        assert!(check(&"门".repeat(40), "", "").is_ok());
    }
}
