//! A refused form comes back as the page it was on, with what was typed and each message beside its
//! field — for every form of the site, not only those that render themselves again (the report form,
//! the booking form, the check-in screen, the spots page do; they are left alone).
//!
//! How: the CSRF layer already reads an urlencoded form's body; when the action refuses it (400, 409 or
//! 422 with a page error), the typed pairs ride on the response ([`Typed`]). The authenticate layer then
//! asks the app again for the page the form was on (the `Referer`, same site only), as the same caller,
//! and [`rewrite`] puts the typed values back into the form that posted (the one whose action is the
//! refused path and whose hidden fields match what was sent), marks the refused fields with their
//! messages, opens a folded `<details>` around it, and says at its top what is wrong. When the page has
//! no such form (or is not HTML), the ordinary error page is drawn instead. Passwords and files are never
//! put back.

use std::{cell::RefCell, collections::HashSet, rc::Rc};

use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{HeaderMap, Method, Request, StatusCode, header},
    response::Response,
};
use lol_html::{
    RewriteStrSettings, element, end_tag,
    html_content::{ContentType, Element},
    rewrite_str,
};
use tower::ServiceExt;

use crate::{
    app::AppState,
    auth::Ctx,
    error::{FieldError, PageError},
};

/// The largest page drawn again (a page larger than this gets the ordinary error page).
const PAGE_MAX: usize = 4 * 1024 * 1024;

/// Is this response a refused form the page can show again (a 400, 409 or 422 page error)?
pub fn refusal(resp: &Response) -> bool {
    matches!(resp.status().as_u16(), 400 | 409 | 422) && resp.extensions().get::<PageError>().is_some()
}

/// The path and query of a same-site `Referer` (another host's page is never fetched).
fn same_site_page(referer: &str, headers: &HeaderMap) -> Option<String> {
    let u = url::Url::parse(referer).ok()?;
    if let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) {
        let theirs = match u.port() {
            Some(p) => format!("{}:{p}", u.host_str()?),
            None => u.host_str()?.to_string(),
        };
        if !theirs.eq_ignore_ascii_case(host) {
            return None;
        }
    }
    let mut page = u.path().to_string();
    if let Some(q) = u.query() {
        page.push('?');
        page.push_str(q);
    }
    let safe = super::safe_next(Some(&page));
    (safe == page && !page.starts_with("/api/")).then_some(page)
}

/// Draw the page a refused form was on again, as the same caller, with the form filled in and marked.
/// `Err` gives the response back untouched (not a refused form, no same-site page, no such form there).
pub async fn again(
    state: &AppState,
    ctx: &Ctx,
    resp: Response,
    headers: &HeaderMap,
    referer: Option<&str>,
    connect: Option<ConnectInfo<std::net::SocketAddr>>,
) -> Result<Response, Response> {
    if ctx.is_api() || !refusal(&resp) {
        return Err(resp);
    }
    let (Some(typed), Some(err)) =
        (resp.extensions().get::<Typed>().cloned(), resp.extensions().get::<PageError>().cloned())
    else {
        return Err(resp);
    };
    let Some(page) = referer.and_then(|r| same_site_page(r, headers)) else { return Err(resp) };
    let mut get = Request::builder().method(Method::GET).uri(&page).header(header::ACCEPT, "text/html");
    for name in ["cookie", "host", "accept-language", "user-agent", "x-forwarded-for", "x-forwarded-proto", "x-real-ip"]
    {
        if let Some(v) = headers.get(name) {
            get = get.header(name, v);
        }
    }
    let Ok(mut get) = get.body(Body::empty()) else { return Err(resp) };
    if let Some(c) = connect {
        get.extensions_mut().insert(c);
    }
    let Ok(got) = crate::app::build(state.clone()).oneshot(get).await;
    let html_page = got
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if got.status() != StatusCode::OK || !html_page {
        return Err(resp);
    }
    let (mut parts, body) = got.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, PAGE_MAX).await else { return Err(resp) };
    let Ok(html) = String::from_utf8(bytes.to_vec()) else { return Err(resp) };
    let en = ctx.lang == super::i18n::Lang::En;
    let general = if err.fields.is_empty() {
        if en { err.en.clone() } else { err.zh.clone() }
    } else {
        super::i18n::t(ctx.lang, "form.fix_below").to_string()
    };
    let Some(out) = rewrite(&html, &ctx.path, &typed.0, &err.fields, &general) else { return Err(resp) };
    parts.status = err.status;
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(Response::from_parts(parts, Body::from(out)))
}

/// What a refused urlencoded form sent (the CSRF token left out), kept for redrawing it.
#[derive(Clone, Debug)]
pub struct Typed(pub Vec<(String, String)>);

/// The path of a form's `action` (its query — `?_csrf=…` — and fragment dropped).
fn action_path(action: &str) -> &str {
    action.split(['?', '#']).next().unwrap_or(action)
}

use super::escape_html as escape;

#[derive(Default)]
struct Located {
    forms: usize,
    details: usize,
    /// Open `<details>` while walking.
    stack: Vec<usize>,
    /// The form being walked, if it posts to the refused path.
    current: Option<usize>,
    /// Candidate forms: (form index, hidden fields all match, enclosing details, named controls).
    candidates: Vec<(usize, bool, Vec<usize>, HashSet<String>)>,
}

/// Pass one: which form posted (its index), the `<details>` around it, and the names of its controls.
fn locate(html: &str, action: &str, typed: &[(String, String)]) -> Option<(usize, Vec<usize>, HashSet<String>)> {
    let st = Rc::new(RefCell::new(Located::default()));
    let (s1, s2, s3) = (st.clone(), st.clone(), st.clone());
    let action = action.to_string();
    let typed_v: Vec<(String, String)> = typed.to_vec();
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("details", move |el: &mut Element| {
            let mut s = s1.borrow_mut();
            let i = s.details;
            s.details += 1;
            s.stack.push(i);
            let back = s1.clone();
            if let Some(h) = el.end_tag_handlers() {
                h.push(Box::new(move |_| {
                    back.borrow_mut().stack.pop();
                    Ok(())
                }));
            }
            Ok(())
        }))
        .append_element_content_handler(element!("form", move |el: &mut Element| {
            let mut s = s2.borrow_mut();
            let i = s.forms;
            s.forms += 1;
            if el.get_attribute("action").is_some_and(|a| action_path(&a) == action) {
                s.current = Some(i);
                let around = s.stack.clone();
                s.candidates.push((i, true, around, HashSet::new()));
                let back = s2.clone();
                el.on_end_tag(end_tag!(move |_| {
                    back.borrow_mut().current = None;
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!(
            "input[name], select[name], textarea[name]",
            move |el: &mut Element| {
                let mut s = s3.borrow_mut();
                let Some(cur) = s.current else { return Ok(()) };
                let name = el.get_attribute("name").unwrap_or_default();
                let hidden = el.tag_name() == "input"
                    && el.get_attribute("type").is_some_and(|t| t.eq_ignore_ascii_case("hidden"));
                if let Some(c) = s.candidates.iter_mut().find(|c| c.0 == cur) {
                    if hidden {
                        if name != "_csrf" {
                            let value = el.get_attribute("value").unwrap_or_default();
                            if !typed_v.iter().any(|(k, v)| *k == name && *v == value) {
                                c.1 = false;
                            }
                        }
                    } else {
                        c.3.insert(name);
                    }
                }
                Ok(())
            }
        ));
    rewrite_str(html, settings).ok()?;
    let s = st.borrow();
    // Several forms may post to one path (one per action, told apart by a hidden field): the one whose
    // hidden fields are what was sent; a form with none matches whatever was sent.
    let chosen = s.candidates.iter().find(|c| c.1)?;
    Some((chosen.0, chosen.2.clone(), chosen.3.clone()))
}

#[derive(Default)]
struct Filling {
    forms: usize,
    details: usize,
    in_target: bool,
    /// The select being walked (its options follow it).
    select: Option<String>,
}

/// Put what was typed back into the form that posted to `action` on this page, each refused field
/// marked with its message, `general` at the form's top (with the messages that belong to no field).
/// `None` when the page has no form posting there.
pub fn rewrite(
    html: &str,
    action: &str,
    typed: &[(String, String)],
    fields: &[FieldError],
    general: &str,
) -> Option<String> {
    let (target, around, names) = locate(html, action, typed)?;
    let unplaced: Vec<&str> = fields.iter().filter(|f| !names.contains(&f.field)).map(|f| f.message.as_str()).collect();
    let mut top = general.to_string();
    if !unplaced.is_empty() {
        top = format!("{top}{}", unplaced.join("；"));
    }
    let st = Rc::new(RefCell::new(Filling::default()));
    let (s1, s2, s3, s4, s5) = (st.clone(), st.clone(), st.clone(), st.clone(), st.clone());
    let value_of = |name: &str| typed.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let has = |name: &str, value: &str| typed.iter().any(|(k, v)| k == name && v == value);
    let error_of = |name: &str| fields.iter().find(|f| f.field == name).map(|f| f.message.clone());
    let mark = |el: &mut Element, name: &str| {
        if let Some(m) = error_of(name) {
            let id = format!("{name}-error");
            let _ = el.set_attribute("aria-invalid", "true");
            let _ = el.set_attribute("aria-describedby", &id);
            el.after(
                &format!("<p class=\"error\" role=\"alert\" id=\"{}\">{}</p>", escape(&id), escape(&m)),
                ContentType::Html,
            );
        }
    };
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("details", move |el: &mut Element| {
            let mut s = s1.borrow_mut();
            let i = s.details;
            s.details += 1;
            if around.contains(&i) {
                el.set_attribute("open", "")?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("form", move |el: &mut Element| {
            let mut s = s2.borrow_mut();
            let i = s.forms;
            s.forms += 1;
            s.in_target = i == target;
            if s.in_target {
                el.set_attribute("data-refused", "")?;
                el.prepend(
                    &format!("<p class=\"error card bad\" role=\"alert\" id=\"form-error\">{}</p>", escape(&top)),
                    ContentType::Html,
                );
                let back = s2.clone();
                el.on_end_tag(end_tag!(move |_| {
                    back.borrow_mut().in_target = false;
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("input[name]", move |el: &mut Element| {
            if !s3.borrow().in_target {
                return Ok(());
            }
            let name = el.get_attribute("name").unwrap_or_default();
            let kind = el.get_attribute("type").unwrap_or_else(|| "text".into()).to_ascii_lowercase();
            match kind.as_str() {
                "hidden" | "file" | "password" | "submit" | "button" | "image" | "reset" => {}
                "checkbox" | "radio" => {
                    let value = el.get_attribute("value").unwrap_or_else(|| "on".into());
                    if has(&name, &value) {
                        el.set_attribute("checked", "")?;
                    } else {
                        el.remove_attribute("checked");
                    }
                }
                _ => {
                    if let Some(v) = value_of(&name) {
                        el.set_attribute("value", &v)?;
                    }
                }
            }
            if kind != "hidden" {
                mark(el, &name);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("textarea[name]", move |el: &mut Element| {
            if !s4.borrow().in_target {
                return Ok(());
            }
            let name = el.get_attribute("name").unwrap_or_default();
            if let Some(v) = value_of(&name) {
                el.set_inner_content(&v, ContentType::Text);
            }
            mark(el, &name);
            Ok(())
        }))
        .append_element_content_handler(element!("select[name], option", move |el: &mut Element| {
            let mut s = s5.borrow_mut();
            if !s.in_target {
                return Ok(());
            }
            if el.tag_name() == "select" {
                let name = el.get_attribute("name").unwrap_or_default();
                s.select = Some(name.clone());
                drop(s);
                mark(el, &name);
                return Ok(());
            }
            let (Some(select), Some(value)) = (s.select.clone(), el.get_attribute("value")) else { return Ok(()) };
            if value_of(&select).is_some() {
                if has(&select, &value) {
                    el.set_attribute("selected", "")?;
                } else {
                    el.remove_attribute("selected");
                }
            }
            Ok(())
        }));
    rewrite_str(html, settings).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    const PAGE: &str = r#"<html><body><main>
<form method="post" action="/search"><input name="q"></form>
<details><summary>更多</summary>
<form method="post" action="/things/7/actions"><input type="hidden" name="_csrf" value="t"><input type="hidden" name="action" value="close"><textarea name="reason"></textarea><button>关闭</button></form>
<form method="post" action="/things/7/actions?_csrf=t"><input type="hidden" name="action" value="rename">
<input name="name" value="旧名"><input type="password" name="pw">
<select name="kind"><option value="a" selected>甲</option><option value="b">乙</option></select>
<label><input type="checkbox" name="tags" value="x" checked>X</label><label><input type="checkbox" name="tags" value="y">Y</label>
<textarea name="note">旧的</textarea><button>改名</button></form>
</details></main></body></html>"#;

    #[test]
    fn the_form_that_posted_gets_back_what_was_typed_and_its_messages() {
        let t = typed(&[
            ("action", "rename"),
            ("name", "新<名>"),
            ("pw", "secret"),
            ("kind", "b"),
            ("tags", "y"),
            ("note", "</textarea><script>x</script>"),
        ]);
        let fields = vec![FieldError::new("name", "名称太长"), FieldError::new("when", "日期无效")];
        let out = rewrite(PAGE, "/things/7/actions", &t, &fields, "请修改标出的内容。").unwrap();
        // The rename form (its hidden action matches), not the close form before it.
        let form = &out[out.find("value=\"rename\"").unwrap()..];
        assert!(form.contains("value=\"新&lt;名&gt;\"") || form.contains("value=\"新<名>\""), "{form}");
        assert!(form.contains("aria-invalid=\"true\"") && form.contains("id=\"name-error\">名称太长</p>"), "{form}");
        assert!(!out.contains("secret"), "a password was put back");
        assert!(form.contains("<option value=\"b\" selected") && form.contains("<option value=\"a\">"), "{form}");
        assert!(form.contains("value=\"y\" checked") && !form.contains("value=\"x\" checked"), "{form}");
        assert!(form.contains("&lt;/textarea&gt;&lt;script&gt;") && !out.contains("<script>"), "{out}");
        // The message with no field of its own is at the top of that form, which is marked; the folded
        // details around it open; the close form is untouched.
        assert!(out.contains("请修改标出的内容。日期无效</p>"), "{out}");
        assert!(out.contains("<details open"), "{out}");
        let close = &out[out.find("value=\"close\"").unwrap()..];
        let close = &close[..close.find("</form>").unwrap()];
        assert!(!close.contains("form-error") && close.contains("<textarea name=\"reason\"></textarea>"), "{close}");
        assert_eq!(out.matches("data-refused").count(), 1);
    }

    #[test]
    fn a_page_without_that_form_is_not_rewritten() {
        assert!(rewrite(PAGE, "/elsewhere", &typed(&[("q", "x")]), &[], "").is_none());
        // Forms told apart by a hidden field: with none matching what was sent, no form is the one.
        assert!(rewrite(PAGE, "/things/7/actions", &typed(&[("reason", "坏了")]), &[], "错").is_none());
        let out = rewrite(PAGE, "/things/7/actions", &typed(&[("action", "close"), ("reason", "坏了")]), &[], "错");
        assert!(out.unwrap().contains("<textarea name=\"reason\">坏了</textarea>"));
        // A value with a quote stays inside its attribute.
        let out = rewrite(PAGE, "/search", &typed(&[("q", "a\" onfocus=\"x")]), &[], "").unwrap();
        assert!(!out.contains("\" onfocus=\"x"), "{out}");
    }
}
