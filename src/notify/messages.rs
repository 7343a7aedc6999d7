//! This capability's words in the message catalog: (key, 中文, English). Merged with the others
//! through `capability().messages`; `web::i18n` checks keys are unique and both languages present.

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("notify.none", "暂无通知", "No notifications"),
    ("notify.read_all", "全部标为已读", "Mark all as read"),
    ("notify.read", "标为已读", "Mark as read"),
    ("notify.unread", "未读", "Unread"),
];
