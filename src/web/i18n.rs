//! The message catalog: zh-CN first, English second. The shared words (navigation, common buttons,
//! flash messages) are here; each capability keeps its own in `src/<capability>/messages.rs`. Templates call `c.t("key")`; a missing key shows
//! the key itself (and a unit test checks that every key used in templates exists).

use std::{collections::HashMap, sync::LazyLock};

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

/// (key, 中文, English)
pub const CATALOG: &[(&str, &str, &str)] = &[
    ("app.name", "星火社区", "Xinghuo Community"),
    (
        "app.tagline",
        "党建引领 · 一核多元 · 共建共治共享",
        "Party-led · one core, many actors · build, govern and share together",
    ),
    ("nav.home", "首页", "Home"),
    ("nav.myhome", "我的家", "My home"),
    ("nav.org", "组织架构", "Organisation"),
    ("nav.search", "搜索", "Search"),
    ("nav.import", "导入导出", "Import / export"),
    ("nav.audit", "审计日志", "Audit log"),
    ("nav.users", "用户管理", "Users"),
    ("nav.account", "我的账户", "My account"),
    ("nav.notifications", "通知", "Notifications"),
    ("nav.positions", "阵地预约", "Centres"),
    ("nav.activities", "活动", "Activities"),
    (
        "act.project_calendars",
        "项目活动日历（可在手机日历中订阅）：",
        "Project calendars (subscribe in a calendar app):",
    ),
    (
        "act.my_code_help",
        "参加活动时请出示此码，工作人员扫码为您签到、签退。此码每天更新。",
        "Show this code at an activity; staff scan it to check you in and out. It changes every day.",
    ),
    ("common.ok", "确定", "OK"),
    ("nav.volunteers", "志愿服务", "Volunteering"),
    ("nav.rewards", "爱心超市", "Points shop"),
    (
        "rw.pickup_help",
        "凭领取码到党群服务中心爱心超市领取，工作人员核销后即完成。",
        "Show the pickup code at the centre's points shop; staff mark it collected.",
    ),
    ("msg.redeemed_for", "代兑换成功", "Redeemed for the resident"),
    ("msg.applied", "申请已提交，请等待审核", "Application sent; waiting for approval"),
    ("msg.correction_sent", "更正申请已提交，等待队长审批", "Correction sent to your leader"),
    ("msg.redeemed", "兑换成功，请凭领取码领取", "Redeemed: collect with your pickup code"),
    ("msg.redemption_cancelled", "已取消兑换，积分已退回", "Cancelled; points returned"),
    ("msg.checked_out", "签退成功，服务时长和积分已记入", "Checked out: hours and points credited"),
    ("msg.signed_up", "报名成功", "Signed up"),
    (
        "msg.waitlisted",
        "名额已满，已为您登记候补；有人取消时自动递补并通知您",
        "Full: you are on the wait list and will be told if a place frees up",
    ),
    ("msg.booked", "预约成功", "Booked"),
    ("msg.checked_in", "签到成功，欢迎来到党群服务中心", "Checked in — welcome"),
    ("msg.checked_in_booking", "签到成功，您的预约已签到", "Checked in, with your booking"),
    (
        "pos.code_expired",
        "签到码已过期，请扫描门口屏幕上今天的二维码",
        "This code has expired: scan today's code at the door",
    ),
    ("nav.logout", "退出登录", "Log out"),
    ("nav.login", "登录", "Log in"),
    ("nav.menu", "主菜单", "Main menu"),
    (
        "login.locked",
        "登录失败次数过多，账号已临时锁定，请稍后再试",
        "Too many failed attempts; the account is locked for a while",
    ),
    ("home.title", "工作台", "Dashboard"),
    ("home.scope", "我的管辖范围", "My scope"),
    ("home.projects", "项目", "Projects"),
    ("home.buildings", "楼栋", "Buildings"),
    ("home.households", "户数", "Households"),
    ("home.residents", "居民", "Residents"),
    ("home.party_members", "党员", "Party members"),
    ("home.volunteers", "志愿者", "Volunteers"),
    ("home.resident_welcome", "您好，欢迎回家", "Welcome home"),
    (
        "home.no_household",
        "您的账号尚未关联房屋，请联系物业服务中心。",
        "Your account is not linked to a home yet; please contact the property office.",
    ),
    ("common.save", "保存", "Save"),
    ("common.add", "新增", "Add"),
    ("common.delete", "删除", "Delete"),
    ("common.search", "搜索", "Search"),
    ("common.reset", "重置", "Reset"),
    ("common.export", "导出", "Export"),
    ("common.actions", "操作", "Actions"),
    ("common.name", "名称", "Name"),
    ("common.kind", "类型", "Kind"),
    ("common.none", "暂无数据", "Nothing here yet"),
    ("common.back_home", "返回首页", "Back to home"),
    ("common.details", "详情", "Details"),
    ("common.confirm_delete", "确定要删除吗？", "Delete this?"),
    ("common.optional", "选填", "optional"),
    ("common.prev", "上一页", "Previous"),
    ("common.all", "全部", "All"),
    ("common.days", "天", " days"),
    ("common.name_placeholder", "请输入名称", "Enter a name"),
    ("home.grid_households", "网格内户数", "Households in my grid"),
    (
        "import.limits",
        "支持 .xlsx 和 .csv（UTF-8）。一个文件要么全部导入，要么一行都不写入。上限：",
        "Accepts .xlsx and .csv (UTF-8). A file is imported whole or not at all. Limits:",
    ),
    ("common.next", "下一页", "Next"),
    (
        "import.include_full",
        "包含完整手机号和身份证号（将记入审计日志）",
        "Include full phone and ID numbers (audited)",
    ),
    (
        "account.mydata",
        "我的信息：查看并下载平台保存的全部个人信息",
        "My data: see and download everything held about you",
    ),
    (
        "mydata.details",
        "说明（更正时请写明哪项有误、应改为什么）",
        "Details (for a correction: what is wrong and what it should be)",
    ),
    ("msg.data_request_sent", "申请已提交，物业服务中心办理后会通知您", "Sent; you will be told when it is answered"),
    ("msg.data_request_decided", "已办理并通知住户", "Answered; the resident has been told"),
    (
        "links.explain",
        "如果是您本人，确认后两条记录合并，该项目即可为您服务；如果不是，请选择“不是我”。",
        "If it is you, the two records become one and that project can serve you; if not, choose “not me”.",
    ),
    ("msg.link_decided", "已处理", "Done"),
    (
        "mydata.intro",
        "这里列出平台保存的关于您的全部信息。下载文件中包含完整的手机号和身份证号，请妥善保管。",
        "Everything the platform holds about you. Downloads include your full phone and ID numbers: keep them safe.",
    ),
    ("msg.saved", "已保存", "Saved"),
    ("msg.created", "已新增", "Created"),
    ("msg.deleted", "已删除", "Deleted"),
    ("msg.password_changed", "密码已修改，其他设备上的登录已退出", "Password changed; other sessions were logged out"),
    ("msg.member_added", "住户已登记", "Resident registered"),
    ("msg.moved_out", "已办理迁出", "Moved out"),
    ("msg.role_added", "角色已添加", "Role added"),
    ("msg.role_removed", "角色已移除", "Role removed"),
    ("msg.token_revoked", "令牌已撤销", "Token revoked"),
    ("msg.user_created", "用户已创建", "User created"),
    ("msg.password_reset", "密码已重置，该用户的登录已全部退出", "Password reset; the user's sessions were ended"),
    ("msg.unlocked", "已解除锁定", "Unlocked"),
    ("msg.reveal_logged", "本次查看已记入审计日志", "This view was recorded in the audit log"),
    (
        "msg.request_created",
        "已提交，物业会尽快处理。您可以在这里查看进度。",
        "Submitted. You can follow its progress here.",
    ),
    (
        "req.similar_hint",
        "如果是同一个问题，可以不必重复报事，物业已在处理。",
        "If it is the same problem, it is already being handled.",
    ),
    (
        "o311.intro",
        "外部系统（如12345热线、街道平台）用密钥按 Open311 GeoReport v2 标准提交公共区域诉求。接口地址：",
        "Outside systems (the 12345 hotline, the street office) submit public-area requests with a key, by the Open311 GeoReport v2 standard. Endpoint:",
    ),
    (
        "req.settings_note",
        "修改时限只影响之后提交的诉求；已提交的诉求保留原时限。",
        "Changes apply to new requests; existing ones keep their deadlines.",
    ),
    ("msg.logged_out", "您已安全退出", "You are logged out"),
];

static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| all_entries().into_iter().map(|(k, zh, en)| (k, (zh, en))).collect());

/// Every catalog entry: the shared words here, the labels of stored codes, and each capability's own
/// (`src/<capability>/messages.rs`, registered through `capability().messages`).
pub fn all_entries() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut v: Vec<_> = CATALOG.iter().chain(super::labels::LABELS).copied().collect();
    for c in crate::capability::all() {
        v.extend(c.messages.iter().copied());
    }
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
        let all = all_entries();
        let mut keys: Vec<_> = all.iter().map(|c| c.0).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), all.len(), "duplicate keys in the catalog");
        assert!(all.iter().all(|(_, zh, en)| !zh.is_empty() && !en.is_empty()));
    }
}
