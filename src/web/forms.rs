//! What templates need to draw a form without positional tuples: a choice in a list (`<option>`), by
//! name. `templates/macros.html` draws them (`m::options`), and the field macros there put a refused
//! field's message beside it.

use std::fmt::Display;

/// One `<option>`: the value sent, the words shown, and whether it is the current choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub fn new(value: impl Display, label: impl Into<String>) -> Self {
        Choice { value: value.to_string(), label: label.into(), selected: false }
    }
    /// The same choice, selected when `on`.
    pub fn selected_if(mut self, on: bool) -> Self {
        self.selected = on;
        self
    }
}

/// A labelled value on a page (a fact about a record, a day and its hours).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Fact { label: label.into(), value: value.into() }
    }
}

/// A link: where it goes and the words shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub href: String,
    pub text: String,
}

impl Link {
    pub fn new(href: impl Into<String>, text: impl Into<String>) -> Self {
        Link { href: href.into(), text: text.into() }
    }
}

/// A list of choices from (value, label) pairs, none selected.
pub fn choices<V: Display, L: Into<String>>(items: impl IntoIterator<Item = (V, L)>) -> Vec<Choice> {
    choices_with(items, "")
}

/// A list of choices with the one whose value equals `current` selected (none when `current` is
/// empty or names no choice).
pub fn choices_with<V: Display, L: Into<String>>(
    items: impl IntoIterator<Item = (V, L)>,
    current: &str,
) -> Vec<Choice> {
    items
        .into_iter()
        .map(|(v, l)| {
            let c = Choice::new(v, l);
            let on = !current.is_empty() && c.value == current;
            c.selected_if(on)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_value_is_selected_and_nothing_else() {
        let list = choices_with([(1, "叶语"), (2, "和悦")], "2");
        assert_eq!(list.iter().filter(|c| c.selected).map(|c| c.label.as_str()).collect::<Vec<_>>(), ["和悦"]);
        assert!(choices_with([(1, "叶语")], "").iter().all(|c| !c.selected));
        assert!(choices_with([(1, "叶语")], "9").iter().all(|c| !c.selected));
        assert_eq!(choices([("a", "甲")])[0], Choice { value: "a".into(), label: "甲".into(), selected: false });
    }
}
