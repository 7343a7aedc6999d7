//! This capability's words in the message catalog: (key, 中文, English). Merged with the others
//! through `capability().messages`; `web::i18n` checks keys are unique and both languages present.

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("pref.large_on", "大字模式", "Large type"),
    ("pref.large_off", "标准字号", "Standard type"),
    ("pref.lang_switch", "English", "中文"),
    ("login.title", "登录星火社区", "Log in to Xinghuo"),
    ("login.username", "用户名", "Username"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.failed", "用户名或密码不正确", "Wrong username or password"),
    ("account.title", "我的账户", "My account"),
    ("account.change_pw", "修改密码", "Change password"),
    ("account.current_pw", "当前密码", "Current password"),
    ("account.new_pw", "新密码（至少8位，含字母和数字）", "New password (8+ characters, letters and digits)"),
    ("account.tokens", "API 访问令牌", "API tokens"),
    ("account.token_name", "令牌用途", "Token name"),
    ("account.token_create", "生成令牌", "Create token"),
    ("account.token_revoke", "撤销", "Revoke"),
    ("account.token_access", "权限", "Access"),
    ("account.token_read", "只读", "Read-only"),
    ("account.token_write", "读写", "Read and write"),
    ("account.token_days", "有效期（天）", "Valid for (days)"),
    ("account.token_expires", "到期", "Expires"),
    ("account.never_used", "从未使用", "Never used"),
    ("account.token_once", "请立即复制保存，此令牌只显示一次：", "Copy it now; it is shown only once:"),
    ("account.display", "显示设置", "Display"),
];
