//! Mailing reports through a real SMTP server on loopback (a minimal one started here):
//! recipients, the decoded Chinese subject, both alternatives, no duplicate on a second run, and
//! a refused send recorded and retried on the next run.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use gongkai::config::PortalConfig;
use gongkai::mail::{send_reports, MailConfig, Outcome, SendOptions, TlsMode};
use gongkai::model::{Evidence, Finding, FindingKind, FindingStatus, Section, Table};
use gongkai::rubric::Rubric;
use gongkai::store::{RunStats, RunStatus, Store};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One mail the test server accepted.
#[derive(Debug, Clone)]
struct Received {
    rcpt: Vec<String>,
    data: String,
}

#[derive(Clone, Default)]
struct Smtp {
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicBool>,
}

impl Smtp {
    /// Starts the server; returns its port.
    async fn start(&self) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let me = self.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let me = me.clone();
                tokio::spawn(async move {
                    let _ = me.session(sock).await;
                });
            }
        });
        port
    }

    async fn session(&self, sock: tokio::net::TcpStream) -> std::io::Result<()> {
        let (r, mut w) = sock.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 localhost ESMTP gongkai-test\r\n").await?;
        let mut rcpt = Vec::new();
        while let Some(line) = lines.next_line().await? {
            let upper = line.to_ascii_uppercase();
            let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                b"250-localhost\r\n250 8BITMIME\r\n"
            } else if upper.starts_with("MAIL FROM") {
                rcpt.clear();
                if self.refuse.load(Ordering::SeqCst) {
                    b"451 4.3.0 Mailbox temporarily unavailable\r\n"
                } else {
                    b"250 OK\r\n"
                }
            } else if upper.starts_with("RCPT TO") {
                let addr = line[8..].trim().trim_start_matches(':').trim();
                rcpt.push(addr.trim_matches(|c| c == '<' || c == '>').to_string());
                b"250 OK\r\n"
            } else if upper == "DATA" {
                w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let mut data = String::new();
                while let Some(l) = lines.next_line().await? {
                    if l == "." {
                        break;
                    }
                    let l = l
                        .strip_prefix('.')
                        .filter(|_| l.starts_with(".."))
                        .unwrap_or(&l);
                    data.push_str(l);
                    data.push('\n');
                }
                self.received.lock().unwrap().push(Received {
                    rcpt: rcpt.clone(),
                    data,
                });
                b"250 OK queued\r\n"
            } else if upper == "QUIT" {
                w.write_all(b"221 Bye\r\n").await?;
                return Ok(());
            } else {
                b"250 OK\r\n"
            };
            w.write_all(reply).await?;
        }
        Ok(())
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

fn b64(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

fn qp(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut lines = s.split('\n').peekable();
    while let Some(line) = lines.next() {
        let (line, soft) = match line.strip_suffix('=') {
            Some(l) => (l, true),
            None => (line, false),
        };
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' && i + 2 < b.len() {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                if let Ok(v) = u8::from_str_radix(hex, 16) {
                    out.push(v);
                    i += 3;
                    continue;
                }
            }
            out.push(b[i]);
            i += 1;
        }
        if !soft && lines.peek().is_some() {
            out.push(b'\n');
        }
    }
    out
}

/// The Subject header, unfolded and with RFC 2047 encoded words decoded.
fn subject(data: &str) -> String {
    let mut raw = String::new();
    let mut inside = false;
    for line in data.lines() {
        if line.is_empty() {
            break;
        }
        if inside && (line.starts_with(' ') || line.starts_with('\t')) {
            raw.push_str(line);
            continue;
        }
        inside = line.to_ascii_lowercase().starts_with("subject:");
        if inside {
            raw.push_str(&line["subject:".len()..]);
        }
    }
    let mut out = Vec::new();
    let mut previous_encoded = None;
    for word in raw.split_whitespace() {
        let parts: Vec<&str> = word.split('?').collect();
        let encoded = parts.len() == 5 && parts[0] == "=" && parts[4] == "=";
        // Whitespace between two encoded words is not part of the text (RFC 2047 6.2).
        if previous_encoded.is_some() && !(encoded && previous_encoded == Some(true)) {
            out.push(b' ');
        }
        previous_encoded = Some(encoded);
        if encoded {
            match parts[2] {
                "b" | "B" => out.extend(b64(parts[3])),
                _ => out.extend(qp(&parts[3].replace('_', " "))),
            }
        } else {
            out.extend(word.as_bytes());
        }
    }
    String::from_utf8(out).unwrap()
}

/// Decoded bodies of the parts with the given content type.
fn part(data: &str, content_type: &str) -> Option<String> {
    for chunk in data.split("\n--") {
        let Some((head, body)) = chunk.split_once("\n\n") else {
            continue;
        };
        let head_l = head.to_ascii_lowercase();
        if !head_l.contains(&format!("content-type: {content_type}")) {
            continue;
        }
        let body = body.rsplit_once("\n\n").map_or(body, |(b, _)| b);
        let bytes = if head_l.contains("content-transfer-encoding: base64") {
            b64(body)
        } else if head_l.contains("content-transfer-encoding: quoted-printable") {
            qp(body)
        } else {
            body.as_bytes().to_vec()
        };
        return Some(String::from_utf8(bytes).unwrap());
    }
    None
}

fn finding(unit: &str, table: Table, item: u32, points: f64, reason: &str, url: &str) -> Finding {
    Finding {
        unit: unit.into(),
        table,
        section: Section::Item,
        item,
        points: gongkai::model::Centi::from_points(points),
        kind: FindingKind::Deduction,
        reason: reason.parse().unwrap(),
        detail: "栏目“政策解读”为空 <script>alert(1)</script>".into(),
        evidence: vec![Evidence {
            url: url.into(),
            excerpt: "暂无信息".into(),
            page_id: None,
        }],
        status: FindingStatus::Draft,
        key: String::new(),
        id: None,
        run_id: None,
        decision: None,
    }
}

#[tokio::test]
async fn reports_arrive_once_and_failures_are_retried() {
    let smtp = Smtp::default();
    let port = smtp.start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("m.db").display()))
        .await
        .unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    // A temporary configuration: the fixture county with addresses for two units.
    let mut text = std::fs::read_to_string(root.join("selectors/fixture.toml")).unwrap();
    text = text.replacen(
        "name = \"柯街镇\"",
        "name = \"柯街镇\"\nemails = [\"kejie@example.cn\", \"zhang.san@example.cn\"]",
        1,
    );
    text = text.replacen(
        "name = \"信访局\"",
        "name = \"信访局\"\nemails = [\"xfj@example.cn\"]",
        1,
    );
    let config_path = dir.path().join("county.toml");
    std::fs::write(&config_path, &text).unwrap();
    let config = PortalConfig::load(&config_path).unwrap();
    assert_eq!(config.unit("柯街镇").unwrap().emails.len(), 2);

    let run_id = store
        .create_run(
            &config.portal.name,
            "county.toml",
            "http://127.0.0.1/",
            2020,
            "2020-12-15",
        )
        .await
        .unwrap();
    store
        .replace_findings(
            run_id,
            "柯街镇",
            &[finding(
                "柯街镇",
                Table::Township,
                17,
                0.5,
                "pdf_unmarked",
                "http://127.0.0.1/a.pdf",
            )],
        )
        .await
        .unwrap();
    store
        .replace_findings(
            run_id,
            "信访局",
            &[finding(
                "信访局",
                Table::Department,
                12,
                1.0,
                "empty_columns",
                "javascript:alert(1)",
            )],
        )
        .await
        .unwrap();
    store
        .finish_run(run_id, RunStatus::Partial, RunStats::default())
        .await
        .unwrap();
    let run = store.run(run_id).await.unwrap();
    let rubric = Rubric::bundled_2020();
    let mail = MailConfig::load_with(None, |k| match k {
        "GONGKAI_SMTP_HOST" => Some("127.0.0.1".into()),
        "GONGKAI_SMTP_PORT" => Some(port.to_string()),
        "GONGKAI_SMTP_TLS" => Some("none".into()),
        "GONGKAI_SMTP_FROM" => Some("县政务公开办 <gkb@example.cn>".into()),
        _ => None,
    })
    .unwrap()
    .unwrap();
    assert_eq!(mail.tls, TlsMode::None);
    let opts = SendOptions {
        outbox: dir.path().join("outbox"),
        dry_run: false,
        mail: Some(mail),
    };
    let kejie = vec!["柯街镇".to_string()];

    // First run: sent, and what arrived is right.
    let out = send_reports(&store, &config, &rubric, &run, &kejie, &opts)
        .await
        .unwrap();
    assert!(
        matches!(out[0].outcome, Outcome::Sent { attempts: 1 }),
        "{out:?}"
    );
    assert!(out[0].report_path.exists());
    let got = smtp.received();
    assert_eq!(got.len(), 1);
    let mut rcpt = got[0].rcpt.clone();
    rcpt.sort();
    assert_eq!(rcpt, ["kejie@example.cn", "zhang.san@example.cn"]);
    let subj = subject(&got[0].data);
    assert!(subj.starts_with("【政务公开预评估】柯街镇"), "{subj}");
    assert!(subj.contains("部分完成"), "{subj}");
    assert!(subj.contains("建议扣分 1 项"), "{subj}");
    assert!(got[0]
        .data
        .to_ascii_lowercase()
        .contains("multipart/alternative"));
    let plain = part(&got[0].data, "text/plain").expect("text/plain part");
    let html = part(&got[0].data, "text/html").expect("text/html part");
    assert!(plain.contains("柯街镇政务公开预评估报告"), "{plain}");
    assert!(plain.contains("机器初稿"));
    assert!(html.contains("<h1>柯街镇政务公开预评估报告</h1>"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("<script>"));

    // Second run: the same report is not sent again.
    let out = send_reports(&store, &config, &rubric, &run, &kejie, &opts)
        .await
        .unwrap();
    assert!(
        matches!(out[0].outcome, Outcome::AlreadySent { .. }),
        "{out:?}"
    );
    assert_eq!(smtp.received().len(), 1);

    // A refusing server: recorded as failed, the report file kept.
    smtp.refuse.store(true, Ordering::SeqCst);
    let xfj = vec!["信访局".to_string()];
    let out = send_reports(&store, &config, &rubric, &run, &xfj, &opts)
        .await
        .unwrap();
    let Outcome::Failed { error, attempts } = &out[0].outcome else {
        panic!("{out:?}");
    };
    assert_eq!(*attempts, 1);
    assert!(
        error.contains("451") || error.to_lowercase().contains("temporar"),
        "{error}"
    );
    assert!(out[0].report_path.exists());
    let entries = store.mail_entries(&run.portal).await.unwrap();
    let failed = entries.iter().find(|e| e.unit == "信访局").unwrap();
    assert_eq!(failed.status, gongkai::mail::MailStatus::Failed);
    assert!(failed.error.is_some());
    assert_eq!(smtp.received().len(), 1);

    // Next run with the server back: retried and sent.
    smtp.refuse.store(false, Ordering::SeqCst);
    let out = send_reports(&store, &config, &rubric, &run, &xfj, &opts)
        .await
        .unwrap();
    assert!(
        matches!(out[0].outcome, Outcome::Sent { attempts: 2 }),
        "{out:?}"
    );
    let got = smtp.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].rcpt, ["xfj@example.cn"]);
    let html = part(&got[1].data, "text/html").unwrap();
    assert!(
        !html.contains("href=\"javascript"),
        "non-http evidence is not a link"
    );

    // A dry run writes .eml files and sends nothing.
    let dry = SendOptions {
        outbox: dir.path().join("dry"),
        dry_run: true,
        mail: None,
    };
    let out = send_reports(&store, &config, &rubric, &run, &kejie, &dry)
        .await
        .unwrap();
    let Outcome::DryRun { eml } = &out[0].outcome else {
        panic!("{out:?}");
    };
    let eml = std::fs::read_to_string(eml).unwrap();
    assert!(subject(&eml).starts_with("【政务公开预评估】柯街镇"));
    assert_eq!(smtp.received().len(), 2);
}
