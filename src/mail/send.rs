//! Sending each unit its report. The report file is written to the outbox before anything is
//! sent, so a failed send never loses it; `mail_log` keeps a sent report from going out twice and
//! lets the next run retry a failed one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::Serialize;

use super::message::{build_message, subject};
use super::{MailConfig, MailError, TlsMode};
use crate::config::PortalConfig;
use crate::monitor::changes::previous_finished_run;
use crate::report::{self, file_stem, report_hash, unit_html, unit_text};
use crate::rubric::Rubric;
use crate::store::{MailStatus, NewMail, Run, Store};

/// How to send.
#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Where report files (and `.eml` files of a dry run) are written.
    pub outbox: PathBuf,
    /// Write `.eml` files instead of sending.
    pub dry_run: bool,
    /// The SMTP server; required unless `dry_run`.
    pub mail: Option<MailConfig>,
}

/// What happened to one unit's report.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Sent {
        attempts: i64,
    },
    /// This very report was sent before.
    AlreadySent {
        at: String,
    },
    /// The server refused or could not be reached; the next run retries.
    Failed {
        error: String,
        attempts: i64,
    },
    DryRun {
        eml: PathBuf,
    },
    /// The unit has no `emails` in the configuration.
    NoRecipients,
}

/// One unit's line of the result.
#[derive(Debug, Clone, Serialize)]
pub struct UnitOutcome {
    pub unit: String,
    pub report_path: PathBuf,
    pub recipients: Vec<String>,
    pub subject: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

const DRY_RUN_FROM: &str = "政务公开预评估 <gongkai@localhost>";

/// Writes and sends (or, dry, writes as `.eml`) the report of each of `units` for `run`.
pub async fn send_reports(
    store: &Store,
    config: &PortalConfig,
    rubric: &Rubric,
    run: &Run,
    units: &[String],
    opts: &SendOptions,
) -> Result<Vec<UnitOutcome>, MailError> {
    if !opts.dry_run && opts.mail.is_none() {
        return Err(MailError::MissingConfig);
    }
    std::fs::create_dir_all(&opts.outbox).map_err(|source| MailError::Write {
        path: opts.outbox.clone(),
        source,
    })?;
    let transport = match (&opts.mail, opts.dry_run) {
        (Some(m), false) => Some(transport(m)?),
        _ => None,
    };
    let previous = previous_finished_run(store, run).await?;
    // Read once for every unit: the run's findings (with decisions) and each comparison.
    let findings = crate::review::findings_with_decisions(store, run).await?;
    let entries = store.manual_entries(&run.portal).await?;
    let mut diffs: std::collections::HashMap<i64, crate::monitor::changes::Changes> =
        std::collections::HashMap::new();
    let mut out = Vec::new();
    for unit in units {
        // Compare with the last report this unit was sent, else with the run before.
        let since = match store
            .last_mailed_run_before(&run.portal, unit, run.id)
            .await?
        {
            Some(id) => Some(store.run(id).await?),
            None => previous.clone(),
        };
        let unit_cfg = config
            .unit(unit)
            .ok_or_else(|| report::ReportError::NoSuchUnit(unit.clone()))?;
        let changes = match &since {
            Some(s) => {
                if let std::collections::hash_map::Entry::Vacant(e) = diffs.entry(s.id) {
                    e.insert(
                        crate::monitor::changes::diff(store, s.id, run.id)
                            .await
                            .map_err(report::ReportError::from)?,
                    );
                }
                diffs.get(&s.id).map(|d| d.for_unit(unit))
            }
            None => None,
        };
        let r = report::assemble(
            config,
            rubric,
            run,
            unit_cfg,
            report::Reviewed {
                findings: &findings,
                entries: &entries,
            },
            since.as_ref(),
            changes.as_ref(),
        )?;
        let html = unit_html(&r);
        let hash = report_hash(&html);
        let stem = format!("{}-第{}次-{}", file_stem(unit), run.id, &hash[..8]);
        let report_path = opts.outbox.join(format!("{stem}.html"));
        write(&report_path, html.as_bytes())?;
        let recipients = config
            .unit(unit)
            .map(|u| u.emails.clone())
            .unwrap_or_default();
        let subject = subject(&r);
        let mut line = UnitOutcome {
            unit: unit.clone(),
            report_path: report_path.clone(),
            recipients: recipients.clone(),
            subject: subject.clone(),
            outcome: Outcome::NoRecipients,
        };
        if recipients.is_empty() {
            out.push(line);
            continue;
        }
        let from = opts.mail.as_ref().map_or(DRY_RUN_FROM, |m| m.from.as_str());
        // A bad address of one unit fails that unit, not the whole mailing.
        let message = match build_message(from, &recipients, &subject, &unit_text(&r), &html) {
            Ok(m) => m,
            Err(e) => {
                line.outcome = Outcome::Failed {
                    error: e.to_string(),
                    attempts: 0,
                };
                out.push(line);
                continue;
            }
        };
        let Some(transport) = &transport else {
            let eml = opts.outbox.join(format!("{stem}.eml"));
            write(&eml, &message.formatted())?;
            line.outcome = Outcome::DryRun { eml };
            out.push(line);
            continue;
        };
        let joined = recipients.join(", ");
        let entry = store
            .open_mail(&NewMail {
                portal: &run.portal,
                unit,
                run_id: run.id,
                report_sha256: &hash,
                report_path: &report_path.display().to_string(),
                recipients: &joined,
                subject: &subject,
            })
            .await?;
        if entry.status == MailStatus::Sent {
            line.outcome = Outcome::AlreadySent {
                at: entry.updated_at,
            };
            out.push(line);
            continue;
        }
        line.outcome = match send(transport, message).await {
            Ok(()) => {
                store.record_mail_attempt(entry.id, &joined, None).await?;
                tracing::info!(unit = %unit, recipients = %joined, "预评估报告已发送");
                Outcome::Sent {
                    attempts: entry.attempts + 1,
                }
            }
            Err(error) => {
                store
                    .record_mail_attempt(entry.id, &joined, Some(&error))
                    .await?;
                tracing::warn!(unit = %unit, error = %error, "预评估报告发送失败，下次运行时重试");
                Outcome::Failed {
                    error,
                    attempts: entry.attempts + 1,
                }
            }
        };
        out.push(line);
    }
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), MailError> {
    std::fs::write(path, bytes).map_err(|source| MailError::Write {
        path: path.to_path_buf(),
        source,
    })
}

type Transport = AsyncSmtpTransport<Tokio1Executor>;

fn transport(m: &MailConfig) -> Result<Transport, MailError> {
    let fail = |e: lettre::transport::smtp::Error| MailError::Transport {
        host: m.host.clone(),
        message: e.to_string(),
    };
    let mut builder = match m.tls {
        TlsMode::None => Transport::builder_dangerous(&m.host),
        TlsMode::Starttls => Transport::starttls_relay(&m.host).map_err(fail)?,
        TlsMode::Tls => Transport::relay(&m.host).map_err(fail)?,
    }
    .port(m.port)
    .timeout(Some(Duration::from_secs(m.timeout_secs)));
    if let (Some(user), Some(password)) = (&m.user, &m.password) {
        builder = builder.credentials(Credentials::new(
            user.clone(),
            password.expose_secret().to_string(),
        ));
    }
    Ok(builder.build())
}

async fn send(transport: &Transport, message: Message) -> Result<(), String> {
    transport
        .send(message)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}
