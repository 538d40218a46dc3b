//! `gongkai export --format warc`: the fixture county crawled twice (the second run mostly 304s
//! and reused files) and a run stored before heads were kept, each exported and read back by a
//! strict reader written here: one record per gzip member, the version line, the mandatory
//! fields, lengths, both digests (decoded from base32 and compared with SHA-1 of the bytes),
//! the concurrent records, and one answer record per stored page with the stored body.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::process::Command;

use gongkai::store::{PageKind, PageRecord, Store};
use sha1::{Digest, Sha1};

use crate::support::crawl_common::{run, setup};

/// One record as read.
#[derive(Debug)]
struct Rec {
    fields: Vec<(String, String)>,
    block: Vec<u8>,
}

impl Rec {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn kind(&self) -> &str {
        self.get("WARC-Type").unwrap()
    }
    /// HTTP head and payload of an `application/http` block.
    fn http(&self) -> (&str, &[u8]) {
        let at = self
            .block
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an HTTP head ends with an empty line");
        (
            std::str::from_utf8(&self.block[..at]).expect("the head is text"),
            &self.block[at + 4..],
        )
    }
}

/// RFC 4648 base32 decoding, written here rather than taken from the exporter.
fn unbase32(s: &str) -> Vec<u8> {
    let mut bits = 0u64;
    let mut n = 0;
    let mut out = Vec::new();
    for c in s.trim_end_matches('=').chars() {
        let v = match c {
            'A'..='Z' => c as u64 - 'A' as u64,
            '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => panic!("not base32: {s}"),
        };
        bits = (bits << 5) | v;
        n += 5;
        if n >= 8 {
            out.push((bits >> (n - 8)) as u8);
            n -= 8;
        }
    }
    out
}

fn check_digest(label: &str, bytes: &[u8]) {
    let b32 = label.strip_prefix("sha1:").expect("a sha1: digest");
    assert_eq!(b32.len(), 32, "{label}");
    assert_eq!(unbase32(b32), Sha1::digest(bytes).to_vec(), "{label}");
}

/// Reads a `.warc.gz`: every gzip member is exactly one well-formed record.
fn read_warc(bytes: &[u8]) -> Vec<Rec> {
    let mut rest = bytes;
    let mut records = Vec::new();
    while !rest.is_empty() {
        let mut member = Vec::new();
        let mut gz = flate2::bufread::GzDecoder::new(rest);
        gz.read_to_end(&mut member).expect("a gzip member");
        rest = gz.into_inner();
        records.push(parse_record(&member));
    }
    records
}

fn parse_record(m: &[u8]) -> Rec {
    let head_end = m
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("the record head ends with an empty line");
    let head = std::str::from_utf8(&m[..head_end]).expect("the record head is UTF-8");
    let mut lines = head.split("\r\n");
    assert_eq!(lines.next(), Some("WARC/1.1"));
    let mut fields = Vec::new();
    for line in lines {
        let (name, value) = line.split_once(": ").expect("Name: value");
        assert!(
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_graphic() && b != b':'),
            "{name}"
        );
        fields.push((name.to_string(), value.to_string()));
    }
    let len: usize = fields
        .iter()
        .find(|(n, _)| n == "Content-Length")
        .expect("Content-Length")
        .1
        .parse()
        .unwrap();
    let block = &m[head_end + 4..];
    assert_eq!(
        block.len(),
        len + 4,
        "the member holds one record and its end"
    );
    assert_eq!(&block[len..], b"\r\n\r\n");
    let rec = Rec {
        fields,
        block: block[..len].to_vec(),
    };
    for mandatory in ["WARC-Type", "WARC-Record-ID", "WARC-Date"] {
        assert!(
            rec.get(mandatory).is_some(),
            "{mandatory}: {:?}",
            rec.fields
        );
    }
    let id = rec.get("WARC-Record-ID").unwrap();
    assert!(
        id.starts_with("<urn:uuid:") && id.ends_with('>') && id.len() == 47,
        "{id}"
    );
    let date = rec.get("WARC-Date").unwrap();
    assert!(
        chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%SZ").is_ok(),
        "{date}"
    );
    check_digest(
        rec.get("WARC-Block-Digest").expect("block digest"),
        &rec.block,
    );
    rec
}

/// Checks the records against the run's stored pages; returns the records by type.
async fn check_against_store(
    store: &Store,
    run_id: i64,
    records: &[Rec],
) -> HashMap<String, usize> {
    assert_eq!(records[0].kind(), "warcinfo");
    let info_id = records[0].get("WARC-Record-ID").unwrap();
    let ids: HashSet<&str> = records
        .iter()
        .map(|r| r.get("WARC-Record-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), records.len(), "record ids are unique");
    let mut kinds = HashMap::new();
    for r in records {
        *kinds.entry(r.kind().to_string()).or_insert(0) += 1;
    }
    let pages = store.pages(run_id).await.unwrap();
    let answers: Vec<&Rec> = records
        .iter()
        .filter(|r| matches!(r.kind(), "response" | "revisit" | "metadata"))
        .collect();
    assert_eq!(
        answers.len(),
        pages.len(),
        "one answer record per stored page"
    );
    let reused = pages.iter().filter(|p| p.reused_from.is_some()).count();
    assert_eq!(
        kinds.get("request").copied().unwrap_or(0),
        pages.len() - reused
    );
    for (page, answer) in pages.iter().zip(&answers) {
        let page = store.page(page.id).await.unwrap().unwrap();
        let uri = answer.get("WARC-Target-URI").unwrap();
        let (url, form) = match page.url.split_once("#post:") {
            Some((u, f)) => (u, Some(f)),
            None => (page.url.as_str(), None),
        };
        assert_eq!(uri, url);
        assert_eq!(answer.get("WARC-Warcinfo-ID"), Some(info_id));
        let body = page.body.clone().unwrap_or_default();
        match answer.kind() {
            "response" => {
                assert_eq!(
                    answer.get("Content-Type"),
                    Some("application/http;msgtype=response")
                );
                let (head, payload) = answer.http();
                let status = head.lines().next().unwrap();
                assert!(
                    status.starts_with(&format!("HTTP/1.1 {} ", page.status)),
                    "{status}"
                );
                assert_eq!(payload, &body[..], "{uri}");
                check_digest(answer.get("WARC-Payload-Digest").unwrap(), payload);
                if let Some(cl) = head
                    .lines()
                    .find_map(|l| l.strip_prefix("Content-Length: "))
                {
                    assert_eq!(cl.parse::<usize>().unwrap(), payload.len());
                }
            }
            "revisit" => {
                let profile = answer.get("WARC-Profile").unwrap();
                assert!(profile.starts_with("http://netpreserve.org/warc/1.1/revisit/"));
                let (head, payload) = answer.http();
                assert!(payload.is_empty());
                if page.reused_from.is_some() {
                    assert!(profile.ends_with("identical-payload-digest"));
                    assert!(answer.get("WARC-Refers-To").is_some());
                    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
                } else {
                    assert_eq!(page.status, 304);
                    assert!(profile.ends_with("server-not-modified"));
                    assert!(head.starts_with("HTTP/1.1 304 "), "{head}");
                }
                check_digest(answer.get("WARC-Payload-Digest").unwrap(), &body);
            }
            _ => {
                assert_eq!(page.status, 0, "{uri}");
                let text = String::from_utf8(answer.block.clone()).unwrap();
                assert!(text.starts_with("fetch-error: "), "{text}");
            }
        }
        if page.reused_from.is_none() {
            // The request made, and the answer concurrent to it.
            let request_id = answer
                .get("WARC-Concurrent-To")
                .expect("concurrent request");
            let request = records
                .iter()
                .find(|r| r.get("WARC-Record-ID") == Some(request_id))
                .expect("the request record is in the file");
            assert_eq!(request.kind(), "request");
            assert_eq!(
                request.get("WARC-Concurrent-To"),
                answer.get("WARC-Record-ID")
            );
            assert_eq!(request.get("WARC-Target-URI"), Some(uri));
            let (head, payload) = request.http();
            match form {
                Some(form) => {
                    assert!(head.starts_with("POST "), "{head}");
                    assert_eq!(payload, form.as_bytes());
                }
                None => {
                    assert!(head.starts_with("GET "), "{head}");
                    assert!(payload.is_empty());
                }
            }
            assert!(head.lines().any(|l| l.starts_with("Host: ")));
        }
    }
    kinds
}

fn export(db: &str, run_id: i64, out: &std::path::Path) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(["export", "--db", db, "--run", &run_id.to_string()])
        .args(["--format", "warc", "--out"])
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_export_as_warc_that_a_strict_reader_reads_back() {
    let (server, mut config, store, dir) = setup().await;
    config.crawl.rate_per_sec = 500.0;
    config
        .units
        .retain(|u| ["田园镇", "生态环境局"].contains(&u.name.as_str()));
    let db = format!("sqlite://{}", dir.path().join("t.db").display());
    let first = run(&store, &config, false).await;
    let second = run(&store, &config, false).await;
    server.stop().await;

    let path = dir.path().join("run1.warc.gz");
    let said = export(&db, first.run_id, &path);
    assert!(said.contains("条 WARC 记录"), "{said}");
    let records = read_warc(&std::fs::read(&path).unwrap());
    let kinds = check_against_store(&store, first.run_id, &records).await;
    assert!(kinds["response"] > 20, "{kinds:?}");
    assert!(!path.with_extension("partial").exists());
    // The dead link answered 404: a response with its status, without a body.
    assert!(records
        .iter()
        .any(|r| r.kind() == "response" && r.http().0.starts_with("HTTP/1.1 404 ")));

    let path2 = dir.path().join("run2.warc.gz");
    export(&db, second.run_id, &path2);
    let records2 = read_warc(&std::fs::read(&path2).unwrap());
    let kinds2 = check_against_store(&store, second.run_id, &records2).await;
    assert!(kinds2["revisit"] > 20, "{kinds2:?}");
    // A reused file refers to the first run's response record of it.
    let first_ids: HashSet<&str> = records
        .iter()
        .map(|r| r.get("WARC-Record-ID").unwrap())
        .collect();
    let refers: Vec<&str> = records2
        .iter()
        .filter_map(|r| r.get("WARC-Refers-To"))
        .collect();
    assert!(!refers.is_empty());
    assert!(refers.iter().all(|id| first_ids.contains(id)));

    // A run stored before heads were kept: heads rebuilt, and the records say so.
    let old = store
        .create_run(
            "旧门户",
            "x.toml",
            "http://old.example/",
            2020,
            "2020-12-15",
        )
        .await
        .unwrap();
    for (url, status, body, error) in [
        (
            "http://old.example/a.htm",
            200,
            Some(b"<html>a</html>".to_vec()),
            None,
        ),
        (
            "http://old.example/dead.htm",
            0,
            None,
            Some("连接被重置".to_string()),
        ),
        (
            "http://old.example/proxy.jsp?startrecord=1#post:col=1&columnid=2",
            200,
            Some(b"<datastore></datastore>".to_vec()),
            None,
        ),
    ] {
        store
            .record_page(
                old,
                &PageRecord {
                    url: url.into(),
                    kind: Some(PageKind::Column),
                    status,
                    error,
                    content_type: body.as_ref().map(|_| "text/html".to_string()),
                    etag: Some("\"e1\"".into()),
                    body: body.map(Into::into),
                    ..PageRecord::default()
                },
            )
            .await
            .unwrap();
    }
    let path3 = dir.path().join("old.warc.gz");
    let said = export(&db, old, &path3);
    assert!(said.contains("重建"), "{said}");
    let records3 = read_warc(&std::fs::read(&path3).unwrap());
    let kinds3 = check_against_store(&store, old, &records3).await;
    assert_eq!(kinds3.get("metadata"), Some(&1));
    let info = String::from_utf8(records3[0].block.clone()).unwrap();
    assert!(info.contains("reconstructed: 2 "), "{info}");
    assert!(records3
        .iter()
        .filter(|r| r.kind() == "response")
        .all(|r| r.get("WARC-Gongkai-Note").is_some()));

    // A run that does not exist is a bad flag.
    let output = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args([
            "export", "--db", &db, "--run", "999", "--format", "warc", "--out",
        ])
        .arg(dir.path().join("none.warc.gz"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    store.close().await;
}
