//! Where a run stands and what an account may do: stored as their codes, shown through
//! [`super::labels`].

use serde::Serialize;

/// Where a run stands. Only a complete run is shown as current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Under way, or killed while under way (then `crawl --resume` finishes it).
    Running,
    /// Every unit was read.
    Complete,
    /// Finished, but some pages could not be fetched.
    Partial,
    /// Stopped by an error before the end.
    Failed,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Complete => "complete",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
        }
    }

    /// In Chinese (see [`super::labels`]).
    pub fn label(self) -> &'static str {
        super::labels::run_status(self)
    }
}

/// What an account may do: viewers read, auditors decide, admins also manage accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Auditor,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "auditor" => Some(Role::Auditor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// In Chinese (see [`super::labels`]).
    pub fn label(self) -> &'static str {
        super::labels::role(self)
    }

    /// Auditors and admins take decisions.
    pub fn can_decide(self) -> bool {
        self >= Role::Auditor
    }
}
