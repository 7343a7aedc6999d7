//! This capability's words in the message catalog: (key, 中文, English). Merged with the others
//! through `capability().messages`; `web::i18n` checks keys are unique and both languages present.

pub const MESSAGES: &[(&str, &str, &str)] = &[
    ("audit.title", "审计日志", "Audit log"),
    ("audit.at", "时间", "Time"),
    ("audit.actor", "操作人", "Who"),
    ("audit.action", "操作", "Action"),
    ("audit.entity", "对象", "Record"),
    ("audit.summary", "内容", "What"),
    ("audit.ip", "来源地址", "From"),
];
