//! Shared web parts: the page chrome (layout data every page carries), the message catalog, static
//! assets embedded in the binary, security headers and small form helpers.

/// Choices for `<select>` lists, by name (drawn by `templates/macros.html`).
pub mod forms;
pub mod i18n;
pub mod labels;
pub mod refill;

pub mod input;
use axum::{
    extract::Path,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use rust_embed::RustEmbed;

use crate::auth::{Ctx, model::Access};
use i18n::{Lang, t};

#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// `GET /static/{*path}`: files embedded at build time, cached for a day.
pub async fn static_file(Path(path): Path<String>) -> Response {
    match Assets::get(&path) {
        Some(f) => {
            let mime = f.metadata.mimetype().to_string();
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
                    ),
                    (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400")),
                ],
                f.data.into_owned(),
            )
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A QR code of `text` as inline SVG (door and attendance screens).
pub fn qr_svg(text: &str) -> Result<String, crate::error::AppError> {
    qrcode::QrCode::new(text.as_bytes())
        .map(|q| q.render::<qrcode::render::svg::Color>().min_dimensions(240, 240).build())
        .map_err(crate::error::AppError::internal)
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub active: bool,
    /// The tab bar's icon (`templates/icons.html`).
    pub icon: &'static str,
}

/// The phone's bottom tab bar (WeChat H5 / WeUI convention): these entries, when the user's navigation
/// has them, with their icon and short label. Everything else is reached from the home page's grid.
const TABS: &[(&str, &str, &str)] = &[
    ("/", "home", "tab.home"),
    ("/requests", "repair", "tab.requests"),
    ("/activities", "calendar", "tab.activities"),
    ("/rewards", "gift", "tab.rewards"),
    ("/account", "user", "tab.me"),
];

/// What the base layout needs: language, large type, CSRF token, the user and the navigation.
pub struct Chrome {
    pub lang: Lang,
    pub large: bool,
    pub csrf: String,
    pub user: Option<String>,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
    pub title: String,
    /// Phone-first layout (residents) rather than the staff desk.
    pub phone: bool,
    pub path: String,
    /// Phone only: the bottom tab bar (the top navigation is then left out).
    pub tabs: Vec<NavItem>,
    pub unread: i64,
}

impl Chrome {
    pub fn new(ctx: &Ctx, title: impl Into<String>) -> Self {
        let lang = ctx.lang;
        let mut nav = Vec::new();
        let mut phone = true;
        if let Some(p) = &ctx.principal {
            let desk = p.has(Access::Desk);
            phone = !desk;
            for e in crate::capability::nav(p, desk) {
                let active = if e.href == "/" { ctx.path == "/" } else { ctx.path.starts_with(e.href) };
                nav.push(NavItem { href: e.href, label: t(lang, (e.label)(desk)).to_string(), active, icon: "" });
            }
            // One entry is current: the longest that holds the path (/grid/areas, not /grid too).
            let longest = nav.iter().filter(|n| n.active).map(|n| n.href.len()).max().unwrap_or(0);
            for n in &mut nav {
                n.active = n.active && n.href.len() == longest;
            }
        }
        let mut tabs = Vec::new();
        if phone {
            for (href, icon, key) in TABS {
                if let Some(n) = nav.iter().find(|n| n.href == *href) {
                    tabs.push(NavItem { href: n.href, label: t(lang, key).to_string(), active: n.active, icon });
                }
            }
            if !tabs.is_empty() {
                nav.clear();
            }
        }
        let unread = ctx.unread;
        let mut c = Self {
            lang,
            large: ctx.large_type,
            csrf: ctx.csrf.clone(),
            user: ctx.principal.as_ref().map(|p| p.display_name.clone()),
            nav,
            flash: None,
            title: title.into(),
            phone,
            path: ctx.path.clone(),
            tabs,
            unread: 0,
        };
        c.set_unread(unread);
        c
    }
    /// Show the unread-notification count on the navigation (after a page read some of them).
    pub fn set_unread(&mut self, n: i64) {
        let lang = self.lang;
        self.unread = n;
        if let Some(item) = self.nav.iter_mut().find(|i| i.href == "/notifications") {
            let base = t(lang, "nav.notifications");
            item.label = if n > 0 { format!("{base}（{n}）") } else { base.to_string() };
        }
    }
    /// A page whose title is a catalog key.
    pub fn titled(ctx: &Ctx, key: &str) -> Self {
        Self::new(ctx, t(ctx.lang, key))
    }
    /// Show a catalog message (from `?msg=key`) at the top of the page.
    pub fn with_msg(mut self, key: Option<&str>) -> Self {
        if let Some(k) = key.filter(|k| i18n::has(&format!("msg.{k}"))) {
            self.flash = Some(t(self.lang, &format!("msg.{k}")).to_string());
        }
        self
    }
    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }
    /// A catalog message with `{n}` replaced by a number.
    pub fn tn(&self, key: &str, n: impl std::fmt::Display) -> String {
        t(self.lang, key).replace("{n}", &n.to_string())
    }
    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }
}

#[derive(serde::Deserialize, Default)]
pub struct MsgQuery {
    pub msg: Option<String>,
}

/// Security headers on every response. CSP allows no inline script.
pub async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if let Some(ct) = h.get(header::CONTENT_TYPE)
        && ct.to_str().is_ok_and(|v| v.starts_with("text/html"))
    {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// axum's own extractor rejections (bad path ids, malformed forms or JSON) are plain text; give them
/// the same shape as every other error: a stable code and a Chinese message (JSON under `/api`).
pub async fn normalize_rejections(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    normalized(next.run(req).await, api)
}

/// A framework rejection (plain text 4xx) as one of our errors; anything else unchanged.
pub fn normalized(resp: Response, api: bool) -> Response {
    let status = resp.status();
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain || !(status.is_client_error()) || status == StatusCode::NOT_FOUND && !api {
        return resp;
    }
    let e = match status {
        StatusCode::PAYLOAD_TOO_LARGE => crate::error::AppError::too_large("提交的内容过大", "Request body too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => crate::error::AppError::new(
            status,
            "unsupported_media_type",
            "提交的内容类型不受支持",
            "Unsupported content type",
        ),
        StatusCode::METHOD_NOT_ALLOWED => {
            crate::error::AppError::new(status, "method_not_allowed", "不支持该请求方法", "Method not allowed")
        }
        _ => {
            crate::error::AppError::new(status, "bad_request", "请求内容格式不正确，请检查后重试", "Malformed request")
        }
    };
    if api { e.as_json().into_response() } else { e.into_response() }
}

/// Text for HTML or XML, escaped: `& < > " '`, and the control characters XML 1.0 cannot carry dropped.
pub fn escape_html(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => o.push(c),
        }
    }
    o
}

/// A safe local redirect target: a path on this site, never `//host`, `/\\host` or a URL. Browsers
/// drop tabs and line breaks from a `Location` and read `\\` as `/`, so `/\t/evil.example` would leave
/// the site: any control character, whitespace or backslash refuses the target, and what is left must
/// parse, against this site, as a path on this site.
pub fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/";
    let Some(n) = next else { return HOME.into() };
    let plain = n.len() <= 2000
        && n.starts_with('/')
        && !n.starts_with("//")
        && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    if !plain {
        return HOME.into();
    }
    let base = url::Url::parse("http://xinghuo.invalid/").expect("static base URL");
    match base.join(n) {
        Ok(u) if u.origin() == base.origin() && u.username().is_empty() => n.to_string(),
        _ => HOME.into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(super::safe_next(Some("/org")), "/org");
        assert_eq!(super::safe_next(Some("//evil.example")), "/");
        assert_eq!(super::safe_next(Some("https://evil.example")), "/");
        assert_eq!(super::safe_next(None), "/");
        // Forms browsers turn into another origin, and line breaks that cannot go in a header.
        for bad in
            ["/\t/evil.example", "/\n/evil.example", "/\r\nSet-Cookie:x=1", "/\\evil.example", "/ /evil", "\u{0}/"]
        {
            assert_eq!(super::safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(super::safe_next(Some("/requests?state=open&page=2#top")), "/requests?state=open&page=2#top");
        assert_eq!(super::safe_next(Some("/%E6%88%91")), "/%E6%88%91");
    }
    proptest::proptest! {
        /// Whatever is asked for, the answer is a path on this site and safe in a `Location` header.
        #[test]
        fn every_answer_stays_on_this_site(s in "\\PC{0,40}|/[\\x00-\\x7f]{0,20}") {
            let n = super::safe_next(Some(&s));
            proptest::prop_assert!(n.starts_with('/') && !n.starts_with("//"));
            proptest::prop_assert!(axum::http::HeaderValue::from_str(&n).is_ok());
            let base = url::Url::parse("http://xinghuo.invalid/").unwrap();
            proptest::prop_assert_eq!(base.join(&n).unwrap().origin(), base.origin());
        }
    }
}
