//! The report as a mail: Chinese subject (RFC 2047 encoded by lettre), the HTML report as the
//! body with its plain-text form as the alternative.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::MailError;
use crate::report::UnitReport;
use crate::store::RunStatus;

/// The subject of a unit's report mail.
pub fn subject(r: &UnitReport) -> String {
    let partial = if r.run.status == RunStatus::Partial {
        "（部分完成）"
    } else {
        ""
    };
    format!(
        "【政务公开预评估】{}：建议扣分 {} 项，待核查 {} 项（第 {} 次检查{partial}，机器初稿）",
        r.unit, r.deductions, r.questions, r.run.id
    )
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|e: lettre::address::AddressError| MailError::Address {
            address: address.to_string(),
            message: e.to_string(),
        })
}

/// A multipart/alternative message (text/plain, then text/html).
pub fn build_message(
    from: &str,
    to: &[String],
    subject: &str,
    text: &str,
    html: &str,
) -> Result<Message, MailError> {
    let mut builder = Message::builder().from(mailbox(from)?).subject(subject);
    for address in to {
        builder = builder.to(mailbox(address)?);
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text.to_string()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.to_string()),
                ),
        )
        .map_err(|e| MailError::Build(e.to_string()))
}
