//! The Chinese words for gongkai's codes and kinds, each defined once: the review pages, the
//! reports (HTML, text, XLSX), the CLI and the audit log all read them here. Templates reach
//! them through the filters of [`crate::render`]; the `label()` methods of the enums forward
//! here. Codes (`confirmed`, `township`, …) stay stable in the database and JSON; only these
//! words are shown.

use super::{FindingKind, Role, RunStatus, Section, Table};

/// Which scoring table: 乡镇 (annex 2) or 县直部门 (annex 3).
pub fn table(t: Table) -> &'static str {
    match t {
        Table::Township => "乡镇",
        Table::Department => "县直部门",
    }
}

/// The part of the rubric: 评分项目, 加分项目, 扣分项目.
pub fn section(s: Section) -> &'static str {
    match s {
        Section::Item => "评分项目",
        Section::Bonus => "加分项目",
        Section::Penalty => "扣分项目",
    }
}

/// What the machine drafted: a deduction to confirm or a question to check.
pub fn kind(k: FindingKind) -> &'static str {
    match k {
        FindingKind::Deduction => "建议扣分",
        FindingKind::Question => "待核查",
    }
}

/// Where a run stands.
pub fn run_status(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Running => "进行中（未完成）",
        RunStatus::Complete => "已完成",
        RunStatus::Partial => "部分完成（有页面未能抓取）",
        RunStatus::Failed => "失败",
    }
}

/// Every run status, to read one back from its code.
const RUN_STATUSES: [RunStatus; 4] = [
    RunStatus::Running,
    RunStatus::Complete,
    RunStatus::Partial,
    RunStatus::Failed,
];

/// The label of a run status code (`complete`, …); `None` for an unknown code.
pub fn run_status_code(code: &str) -> Option<&'static str> {
    RUN_STATUSES
        .iter()
        .find(|s| s.as_str() == code)
        .map(|s| run_status(*s))
}

/// What an account may do.
pub fn role(r: Role) -> &'static str {
    match r {
        Role::Viewer => "查看",
        Role::Auditor => "审核",
        Role::Admin => "管理员",
    }
}

/// Every role, to read one back from its code.
const ROLES: [Role; 3] = [Role::Viewer, Role::Auditor, Role::Admin];

/// The label of a role code (`viewer`, …); `None` for an unknown code.
pub fn role_code(code: &str) -> Option<&'static str> {
    ROLES.iter().find(|r| r.as_str() == code).map(|r| role(*r))
}

/// A finding's review status code (`draft`, `confirmed`, `adjusted`, `rejected`).
pub fn decision_status(code: &str) -> &'static str {
    match code {
        "confirmed" => "已确认",
        "adjusted" => "已调整",
        "rejected" => "已驳回",
        _ => "待审核",
    }
}

/// An audit-log action code; an unknown code is shown as it is.
pub fn action(code: &str) -> &str {
    match code {
        "confirm" => "确认",
        "adjust" => "调整",
        "reject" => "驳回",
        "entry-add" => "新增人工加减分",
        "entry-withdraw" => "撤回人工加减分",
        "user-add" => "新增账户",
        "user-disable" => "停用账户",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        assert_eq!(
            run_status_code("partial"),
            Some(run_status(RunStatus::Partial))
        );
        assert_eq!(run_status_code("nonsense"), None);
        assert_eq!(decision_status("draft"), "待审核");
        assert_eq!(action("user-add"), "新增账户");
        assert_eq!(action("unknown-code"), "unknown-code");
    }
}

/// What kind of problem a reason code stands for, in Chinese (for filters and lists; the codes
/// themselves are never shown to users).
pub fn reason(r: super::Reason) -> &'static str {
    match r.as_str() {
        "guide_missing" => "未编制公开指南",
        "guide_elements_missing" => "公开指南要素不全",
        "guide_outdated" => "公开指南未更新",
        "guide_unreadable" => "公开指南无法读取",
        "guide_date_unknown" => "公开指南日期不明",
        "budget_missing" => "未公开预决算",
        "sangong_missing" => "未公开三公经费",
        "performance_missing" => "未公开绩效自评",
        "budget_unsure" | "sangong_unsure" | "performance_unsure" => "财政信息待核查",
        "empty_columns" => "空白栏目",
        "column_unreachable" => "栏目无法访问",
        "column_unrecognised" => "栏目无法识别",
        "column_unreadable" => "栏目无法读取",
        "unit_unreachable" => "单位页面无法读取",
        "pdf_sample_unreadable" => "抽查范围不完整",
        "pdf_unmarked" => "未标注公开属性",
        "pdf_date_unsure" => "文件日期存疑",
        "pdf_unreadable" => "附件无法读取",
        "pdf_download_failed" => "附件无法下载",
        "pdf_sample_empty" => "无可抽查文件",
        "pdf_nondisclosable" => "疑似公开非主动公开信息",
        "reply_late" => "留言答复超时",
        "reply_calendar_missing" => "缺少工作日历",
        "reply_board_incomplete" => "留言板未读全",
        "reply_time_unknown" => "答复时间不明",
        "reply_before_submission" => "答复早于提交",
        "document_missing" => "未公开应公开内容",
        "document_not_seen" => "未见相关信息",
        "document_unsure" => "相关信息待核查",
        "document_late" => "公开不及时",
        "column_part_missing" => "缺少栏目",
        "publication_count" => "信息发布量",
        "document_bonus" => "形象化解读（加分）",
        _ => "其他",
    }
}

#[cfg(test)]
mod reason_labels {
    #[test]
    fn every_reason_has_its_own_words() {
        for r in super::super::Reason::ALL {
            assert_ne!(super::reason(*r), "其他", "{}", r.as_str());
        }
    }
}
