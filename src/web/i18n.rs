//! The message catalog: zh-CN first, English second. Templates call `c.t("key")`; a missing key shows
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
    ("act.title", "近期活动", "Coming activities"),
    ("act.none", "近一个月暂无活动", "No activities in the coming month"),
    ("act.seats", "报名", "Signed up"),
    ("act.mine", "我的状态", "Me"),
    ("act.new", "发布活动", "New activity"),
    ("act.kind", "类型", "Type"),
    ("act.name", "活动名称", "Title"),
    ("act.series", "系列（可选）", "Series (optional)"),
    ("act.series_label", "系列", "Series"),
    ("act.organiser", "主办（默认项目党支部）", "Organiser (default: the project's Party branch)"),
    ("act.co", "协办单位（可选）", "Co-organisers (optional)"),
    ("act.place", "地点", "Place"),
    ("act.audience", "参加对象", "Who may join"),
    ("act.audience_all", "本项目住户", "Residents of the estate"),
    ("act.audience_party", "仅党员", "Party members only"),
    ("act.capacity", "人数上限（0为不限）", "Capacity (0 = no limit)"),
    ("act.date", "日期", "Date"),
    ("act.start", "开始时间", "Start"),
    ("act.duration", "时长（分钟）", "Minutes"),
    ("act.repeat", "重复", "Repeat"),
    ("act.repeat_none", "不重复", "Once"),
    ("act.repeat_weekly", "每周同一天", "Every week, same day"),
    ("act.repeat_monthly", "每月同一天", "Every month, same day"),
    ("act.repeat_custom", "自定义规则（RRULE）", "Custom rule (RRULE)"),
    ("act.signup", "我要报名", "Sign me up"),
    ("act.cancel", "取消报名", "Cancel my place"),
    ("act.skip", "取消这一次", "Call off this date"),
    ("act.signups", "报名名单", "Sign-ups"),
    ("act.on_behalf", "代老人报名（房号 + 姓名）", "Sign up a resident (home + name)"),
    ("act.room", "房号", "Home"),
    ("act.person", "姓名", "Name"),
    ("act.when", "时间", "When"),
    ("act.organised_by", "主办", "Organiser"),
    ("msg.signed_up", "报名成功", "Signed up"),
    (
        "msg.waitlisted",
        "名额已满，已为您登记候补；有人取消时自动递补并通知您",
        "Full: you are on the wait list and will be told if a place frees up",
    ),
    ("pos.title", "党群服务中心", "Party-mass service centres"),
    ("pos.no_centres", "暂无服务中心", "No centres yet"),
    ("pos.my_bookings", "我的预约", "My bookings"),
    ("pos.no_bookings", "暂无预约", "No bookings"),
    ("pos.cancel", "取消预约", "Cancel"),
    ("pos.cancel_confirm", "确定取消这个预约吗？", "Cancel this booking?"),
    ("pos.new_centre", "新建服务中心", "New centre"),
    ("pos.centre_name", "中心名称", "Centre name"),
    ("pos.address", "地址", "Address"),
    ("pos.hours", "开放时间", "Opening hours"),
    ("pos.closed", "暂未开放", "Closed"),
    ("pos.versions", "升级记录", "Versions"),
    ("pos.capacity", "容纳人数", "Capacity"),
    ("pos.minutes", "分钟/次", "min per booking"),
    ("pos.needs_approval", "需审批", "Needs approval"),
    ("pos.quota", "每户每周限约", "Bookings per household per week"),
    ("pos.approve", "通过", "Approve"),
    ("pos.reject", "不通过", "Reject"),
    ("pos.all_free", "近两周暂无预约，均可预约", "Free for the next two weeks"),
    ("pos.date", "日期", "Date"),
    ("pos.start", "开始", "Start"),
    ("pos.end", "结束", "End"),
    ("pos.purpose", "用途", "Purpose"),
    ("pos.org_name", "代单位预约（可选）", "For an organisation (optional)"),
    ("pos.book", "确认预约", "Book"),
    ("pos.book_this", "预约此室", "Book this room"),
    ("pos.new_room", "新增功能室", "New room"),
    ("pos.room_name", "功能室名称", "Room name"),
    ("pos.function", "功能", "Function"),
    ("pos.add_version", "记录升级", "Record an upgrade"),
    ("pos.version", "版本", "Version"),
    ("pos.version_example", "升级版2.0", "Upgrade 2.0"),
    ("pos.effective_on", "启用日期", "From"),
    ("pos.summary", "改了什么", "What changed"),
    ("msg.booked", "预约成功", "Booked"),
    ("msg.checked_in", "签到成功，欢迎来到党群服务中心", "Checked in — welcome"),
    ("msg.checked_in_booking", "签到成功，您的预约已签到", "Checked in, with your booking"),
    ("pos.checkin", "到馆签到", "Check in"),
    ("pos.checkin_now", "我已到达，签到", "I'm here — check in"),
    (
        "pos.code_expired",
        "签到码已过期，请扫描门口屏幕上今天的二维码",
        "This code has expired: scan today's code at the door",
    ),
    ("pos.figures", "五常统计", "The five constants"),
    ("pos.month", "月份", "Month"),
    ("pos.wc_open", "大门常开", "Doors open"),
    ("pos.wc_open_note", "天有人到访 / 应开放天数", "days with visitors / scheduled days"),
    ("pos.wc_served", "服务常抓", "Service kept"),
    ("pos.wc_served_note", "次预约按时到场 / 预约次数", "bookings attended / bookings"),
    ("pos.wc_used", "场所常用", "Rooms in use"),
    ("pos.wc_used_note", "小时已预约 / 功能室开放小时", "hours booked / room-hours open"),
    ("pos.wc_activities", "活动常办", "Activities held"),
    ("pos.wc_activities_note", "活动模块（C3）上线后统计", "Counted once activities (C3) are recorded"),
    ("pos.wc_people", "群众常来", "People come"),
    ("pos.wc_repeat", "其中多次到访", "of them more than once"),
    ("pos.wc_visits", "到访人次", "visits"),
    ("pos.today", "今日功能室", "Rooms today"),
    ("pos.free_today", "今日空闲", "Free today"),
    ("pos.scan_to_checkin", "扫码签到", "Scan to check in"),
    ("pos.visit_entry", "代登记来访", "Record a visit"),
    ("pos.visitor_name", "来访人姓名", "Visitor's name"),
    ("pos.door", "门口大屏", "Door screen"),
    ("notify.none", "暂无通知", "No notifications"),
    ("notify.read_all", "全部标为已读", "Mark all as read"),
    ("notify.read", "标为已读", "Mark as read"),
    ("notify.unread", "未读", "Unread"),
    ("nav.logout", "退出登录", "Log out"),
    ("nav.login", "登录", "Log in"),
    ("nav.menu", "主菜单", "Main menu"),
    ("pref.large_on", "大字模式", "Large type"),
    ("pref.large_off", "标准字号", "Standard type"),
    ("pref.lang_switch", "English", "中文"),
    ("login.title", "登录星火社区", "Log in to Xinghuo"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.failed", "用户名或密码不正确", "Wrong username or password"),
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
    ("users.new_password", "新密码", "New password"),
    ("hh.confirm_move_out", "确定办理迁出：", "Move out: "),
    ("org.confirm_export", "是否确认导出住户台账？", "Export the household ledger?"),
    ("person.phone_clear", "留空则清除", "leave empty to clear"),
    ("person.note", "备注", "Note"),
    ("import.row", "行号", "Row"),
    ("import.column", "列", "Column"),
    ("import.reason", "原因", "Reason"),
    ("import.row_prefix", "第", "row "),
    ("import.row_suffix", "行", " "),
    ("import.whole_file", "整个文件", "whole file"),
    ("import.rows", "数据行", "Data rows"),
    ("import.households_created", "新增户", "Households created"),
    ("import.persons_created", "新增人员", "People created"),
    ("import.members_added", "登记住户关系", "Memberships added"),
    ("import.roles_added", "新增角色", "Roles added"),
    ("import.duplicates", "跳过重复行", "Duplicate rows skipped"),
    ("import.blank_rows", "空行", "Blank rows"),
    (
        "import.limits",
        "支持 .xlsx 和 .csv（UTF-8）。一个文件要么全部导入，要么一行都不写入。上限：",
        "Accepts .xlsx and .csv (UTF-8). A file is imported whole or not at all. Limits:",
    ),
    ("import.rows_unit", "行", "rows"),
    ("common.next", "下一页", "Next"),
    ("org.title", "组织架构", "Organisation tree"),
    ("org.property_side", "物业侧", "Property side"),
    ("org.government_side", "政府侧", "Government side"),
    ("org.party_orgs", "党组织", "Party organisations"),
    ("org.children", "下级", "Children"),
    ("org.add_child", "新增下级", "Add child"),
    ("org.community", "所属社区", "Community"),
    ("org.project_kind", "项目类型", "Project kind"),
    ("org.xinghuo", "星火社区状态", "Xinghuo status"),
    ("org.uscc", "统一社会信用代码", "Unified Social Credit Code"),
    ("org.staff", "人员与角色", "People and roles"),
    ("org.export", "导出台账", "Export ledger"),
    ("org.address", "地址", "Address"),
    ("hh.area_unknown", "未登记", "not recorded"),
    ("hh.no_microgrid", "未划分", "none"),
    ("org.add_district", "新增区", "Add a district"),
    ("org.add_party_org", "设立党组织", "Add a Party organisation"),
    ("org.add_person", "登记人员", "Register a person"),
    ("org.post_hint", "物业员工必填，如 项目经理", "required for staff, e.g. 项目经理"),
    ("hh.title", "房屋", "Household"),
    ("hh.area", "专有部分面积", "Exclusive area"),
    ("hh.microgrid", "所属微网格", "Micro-grid"),
    ("hh.members", "住户成员", "Members"),
    ("hh.history", "迁入迁出记录", "Move-in / move-out history"),
    ("hh.add_member", "登记住户", "Register a resident"),
    ("hh.relation", "关系", "Relation"),
    ("hh.moved_in", "入住日期", "Moved in"),
    ("hh.moved_out", "迁出日期", "Moved out"),
    ("hh.move_out", "办理迁出", "Move out"),
    ("person.title", "人员信息", "Person"),
    ("person.name", "姓名", "Name"),
    ("person.phone", "手机号", "Mobile"),
    ("person.id_number", "身份证号", "ID number"),
    ("person.gender", "性别", "Gender"),
    ("person.roles", "角色", "Roles"),
    ("person.households", "房屋", "Homes"),
    ("person.reveal", "查看完整号码", "Show full numbers"),
    ("person.reveal_note", "查看完整号码将记入审计日志", "Viewing full numbers is recorded in the audit log"),
    ("person.add_role", "添加角色", "Add a role"),
    ("person.node", "所在组织", "Node"),
    ("person.post", "岗位", "Post"),
    ("search.title", "搜索", "Search"),
    ("search.placeholder", "请输入姓名、拼音首字母或房号", "Name, pinyin initials or room"),
    ("search.people", "人员", "People"),
    ("search.households", "房屋", "Households"),
    ("import.title", "导入住户与房屋", "Import households and residents"),
    ("import.template", "下载导入模板", "Download the template"),
    ("import.file", "选择文件（.xlsx 或 .csv）", "File (.xlsx or .csv)"),
    ("import.project", "导入到项目", "Into project"),
    ("import.submit", "开始导入", "Import"),
    ("import.errors", "导入未完成：以下行有错误，全部数据均未写入", "Nothing was imported: the rows below have errors"),
    ("import.done", "导入完成", "Import finished"),
    ("import.export_title", "导出台账", "Export the ledger"),
    (
        "import.include_full",
        "包含完整手机号和身份证号（将记入审计日志）",
        "Include full phone and ID numbers (audited)",
    ),
    ("audit.title", "审计日志", "Audit log"),
    ("audit.at", "时间", "Time"),
    ("audit.actor", "操作人", "Who"),
    ("audit.action", "操作", "Action"),
    ("audit.entity", "对象", "Record"),
    ("audit.summary", "内容", "What"),
    ("audit.ip", "来源地址", "From"),
    ("users.title", "用户管理", "Users"),
    ("users.create", "新建用户", "Create user"),
    ("users.reset", "重置密码", "Reset password"),
    ("users.unlock", "解除锁定", "Unlock"),
    ("users.locked", "已锁定", "Locked"),
    ("users.person", "关联人员编号", "Person id"),
    ("account.title", "我的账户", "My account"),
    ("account.change_pw", "修改密码", "Change password"),
    ("account.current_pw", "当前密码", "Current password"),
    ("account.new_pw", "新密码（至少8位，含字母和数字）", "New password (8+ characters, letters and digits)"),
    ("account.tokens", "API 访问令牌", "API tokens"),
    ("account.token_name", "令牌用途", "Token name"),
    ("account.token_create", "生成令牌", "Create token"),
    ("account.token_revoke", "撤销", "Revoke"),
    ("account.token_once", "请立即复制保存，此令牌只显示一次：", "Copy it now; it is shown only once:"),
    ("account.display", "显示设置", "Display"),
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
    ("req.queue", "诉求工单", "Requests"),
    ("req.mine", "我的报事", "My requests"),
    ("req.new", "我要报事", "Report a problem"),
    ("req.category", "问题类别", "Category"),
    ("req.kind", "类型", "Type"),
    ("req.description", "问题描述", "What is wrong"),
    ("req.where", "位置", "Where"),
    ("req.public_spot", "公共区域（请填写具体位置）", "A public spot (say where)"),
    ("req.my_home", "我家", "My home"),
    ("req.submit", "提交", "Submit"),
    ("req.state", "状态", "State"),
    ("req.created", "提交时间", "Reported"),
    ("req.overdue", "已超时", "Overdue"),
    ("req.overdue_only", "只看超时", "Overdue only"),
    ("req.mine_only", "只看派给我的", "Assigned to me"),
    ("req.post_only", "只看我岗位待接的", "Waiting at my post"),
    ("req.project", "项目", "Project"),
    ("req.building", "楼栋", "Building"),
    ("req.post", "处理岗位", "Post"),
    ("req.to_post", "→ 交给岗位（不指定人）", "→ To a post (no person)"),
    ("req.coordinates", "坐标（可选）", "Coordinates (optional)"),
    ("req.lat", "纬度", "Latitude"),
    ("req.lng", "经度", "Longitude"),
    ("req.room", "代报房号（如 1-1-101，公共区域不填）", "Home for staff entry (e.g. 1-1-101)"),
    ("req.photos", "照片（可选，最多3张）", "Photos (optional, up to 3)"),
    ("req.photo", "照片", "Photo"),
    ("req.add_photos", "补充照片", "Add photos"),
    ("req.upload", "上传", "Upload"),
    ("req.visits", "回访", "Return visits"),
    ("req.visits_second", "差评二次回访（项目经理）", "Second visits after a bad rating"),
    ("req.visits_unrated", "办结后未评价，需电话或上门回访", "Finished but not rated: visit or call"),
    ("req.visit_due", "待二次回访", "Second visit due"),
    (
        "req.similar_hint",
        "如果是同一个问题，可以不必重复报事，物业已在处理。",
        "If it is the same problem, it is already being handled.",
    ),
    ("req.action.manager_visit", "记录二次回访", "Record second visit"),
    ("req.open311", "Open311 密钥", "Open311 keys"),
    ("o311.title", "Open311 接口密钥", "Open311 API keys"),
    (
        "o311.intro",
        "外部系统（如12345热线、街道平台）用密钥按 Open311 GeoReport v2 标准提交公共区域诉求。接口地址：",
        "Outside systems (the 12345 hotline, the street office) submit public-area requests with a key, by the Open311 GeoReport v2 standard. Endpoint:",
    ),
    ("o311.new_key", "新密钥如下，只显示这一次，请立即复制交给对接方：", "The new key, shown this once — copy it now:"),
    ("o311.issue", "签发密钥", "Issue a key"),
    ("o311.label", "用途", "Purpose"),
    ("o311.prefix", "密钥开头", "Key starts"),
    ("o311.created", "签发时间", "Issued"),
    ("o311.revoked", "吊销时间", "Revoked"),
    ("o311.revoke", "吊销", "Revoke"),
    ("o311.revoke_confirm", "吊销后对接方将无法再提交，确定吗？", "Revoke this key? The partner can no longer submit."),
    ("o311.none", "尚未签发密钥", "No keys yet"),
    ("req.timeline", "处理进度", "Timeline"),
    ("req.respond_by", "响应时限", "Respond by"),
    ("req.complete_by", "办结时限", "Complete by"),
    ("req.channel", "来源", "Channel"),
    ("req.reporter", "报事人", "Reported by"),
    ("req.assignee", "处理人", "Handler"),
    ("req.reason", "说明或原因", "Note or reason"),
    ("req.similar", "同一楼栋已有同类问题在处理中：", "Similar open requests at this building:"),
    ("req.none", "暂无诉求", "No requests"),
    ("req.rate_speed", "响应速度", "Speed"),
    ("req.rate_quality", "处理质量", "Quality"),
    ("req.rate_attitude", "服务态度", "Attitude"),
    ("req.resume_at", "恢复时间", "Resume at"),
    ("req.outside", "上报对象", "Send to"),
    ("req.outside.community", "社区", "Community"),
    ("req.outside.street", "街道", "Street office"),
    ("req.outside.12345", "12345热线", "12345 hotline"),
    ("req.resolved", "外部已解决", "Resolved outside"),
    ("req.action.create", "提交诉求", "Reported"),
    ("req.action.dispatch", "派单", "Dispatch"),
    ("req.action.accept", "接单", "Accept"),
    ("req.action.return", "退单", "Return"),
    ("req.action.transfer", "转单", "Transfer"),
    ("req.action.suspend", "挂起", "Suspend"),
    ("req.action.resume", "恢复处理", "Resume"),
    ("req.action.escalate_outside", "上报", "Escalate outside"),
    ("req.action.outside_answer", "登记外部答复", "Record outside answer"),
    ("req.action.complete", "处理完成", "Complete"),
    ("req.action.chase", "催办", "Chase"),
    ("req.action.reopen", "没修好，重新打开", "Not fixed: reopen"),
    ("req.action.rate", "评价", "Rate"),
    ("req.action.return_visit", "回访并办结", "Return visit and close"),
    ("req.action.void", "作废", "Void"),
    ("req.action.escalate", "超时升级", "Escalated (overdue)"),
    ("req.level", "督办层级", "Escalation level"),
    ("req.figures", "三率与超时督办", "Monthly figures and overdue board"),
    ("req.settings", "诉求类别与时限", "Categories and service levels"),
    (
        "req.settings_note",
        "修改时限只影响之后提交的诉求；已提交的诉求保留原时限。",
        "Changes apply to new requests; existing ones keep their deadlines.",
    ),
    ("req.respond_minutes", "响应时限（分钟）", "Respond within (minutes)"),
    ("req.complete_hours", "办结时限（小时）", "Complete within (hours)"),
    ("req.handler_post", "默认处理岗位", "Default handler post"),
    ("req.month", "月份", "Month"),
    ("req.total", "诉求总数", "Requests"),
    ("req.rate_response", "响应率", "Responded in time"),
    ("req.rate_closure", "办结率", "Closed"),
    ("req.rate_satisfaction", "满意率", "Satisfied"),
    ("req.overdue_board", "超时督办", "Overdue"),
    ("req.confirm_export", "是否确认导出本月诉求台账？", "Export this month's request ledger?"),
    ("msg.logged_out", "您已安全退出", "You are logged out"),
];

static INDEX: LazyLock<HashMap<&'static str, (&'static str, &'static str)>> =
    LazyLock::new(|| CATALOG.iter().map(|(k, zh, en)| (*k, (*zh, *en))).collect());

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
        let mut keys: Vec<_> = CATALOG.iter().map(|c| c.0).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), CATALOG.len(), "duplicate keys in the catalog");
        assert!(CATALOG.iter().all(|(_, zh, en)| !zh.is_empty() && !en.is_empty()));
    }
}
