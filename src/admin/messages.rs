//! This capability's words in the message catalog: (key, 中文, English). Merged with the others
//! through `capability().messages`; `web::i18n` checks keys are unique and both languages present.

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("users.new_password", "新密码", "New password"),
    ("users.title", "用户管理", "Users"),
    ("users.create", "新建用户", "Create user"),
    ("users.reset", "重置密码", "Reset password"),
    ("users.unlock", "解除锁定", "Unlock"),
    ("users.locked", "已锁定", "Locked"),
    ("users.person", "关联人员编号", "Person id"),
];
