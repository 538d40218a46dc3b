//! One story of the store, told on every backend: SQLite always, PostgreSQL when
//! `GONGKAI_TEST_PG_URL` is set. Runs, pages with bodies, records, findings, several portals in
//! one database, the crawl queue with its leases, the shared request turns, and accounts' password
//! changes and failed-login counts.

use crate::support::pg_common;

use std::time::{Duration, Instant};

use gongkai::model::{Evidence, Finding, FindingKind, FindingStatus, Reason, Section, Table};
use gongkai::store::{
    AttachmentRow, ColumnRow, DocumentRow, JobKind, LeaseHolder, MessageRow, PageKind, PageRecord,
    RunStats, RunStatus, Store, StoreError,
};
use pg_common::PgDb;

#[tokio::test]
async fn story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("s.db").display());
    let store = Store::connect(&url).await.unwrap();
    story(&store, &url).await;
}

#[tokio::test]
async fn story_on_postgres() {
    let Some(db) = PgDb::fresh("store_story").await else {
        return;
    };
    let store = Store::connect(&db.url).await.unwrap();
    assert_eq!(store.backend(), gongkai::store::Backend::Postgres);
    story(&store, &db.url).await;
    // Connecting again finds the migrations applied.
    drop(Store::connect(&db.url).await.unwrap());
    store.close().await;
    db.drop_now().await;
}

async fn story(store: &Store, url: &str) {
    runs_pages_and_records(store).await;
    portals_share_the_database(store).await;
    decisions_belong_to_their_portal(store).await;
    mail_log_belongs_to_its_portal(store).await;
    the_queue_leases_jobs(store).await;
    one_crawl_per_portal(store).await;
    passwords_and_login_failures(store).await;
    turns_are_spaced(store).await;
    page_writes_are_grouped_and_durable(store, url).await;
}

fn page(url: &str, body: Option<&[u8]>, error: Option<&str>) -> PageRecord {
    PageRecord {
        url: url.into(),
        kind: Some(PageKind::Column),
        unit: Some("田园镇".into()),
        status: if error.is_some() { 404 } else { 200 },
        error: error.map(str::to_string),
        content_type: Some("text/html; charset=utf-8".into()),
        encoding: Some("UTF-8".into()),
        etag: Some("\"v1\"".into()),
        last_modified: None,
        body: body.map(bytes::Bytes::copy_from_slice),
        ..PageRecord::default()
    }
}

fn finding(unit: &str, item: u32, points: f64, page_id: i64) -> Finding {
    Finding {
        unit: unit.into(),
        table: Table::Township,
        section: Section::Item,
        item,
        points: gongkai::model::Centi::from_points(points),
        kind: FindingKind::Deduction,
        reason: Reason::EmptyColumns,
        detail: "栏目“财政预决算”无内容".into(),
        evidence: vec![Evidence {
            url: "http://x/a.htm".into(),
            excerpt: "暂无信息".into(),
            page_id: Some(page_id),
        }],
        status: FindingStatus::Draft,
        key: format!("/a{item}.htm"),
        id: None,
        run_id: None,
        decision: None,
    }
}

async fn runs_pages_and_records(store: &Store) {
    let run = store
        .create_run("县甲", "selectors/a.toml", "http://a/", 2020, "2020-12-15")
        .await
        .unwrap();
    let body = "<html>暂无信息</html>".as_bytes();
    let id = store
        .record_page(run, &page("http://a/x.htm", Some(body), None))
        .await
        .unwrap();
    // Recording the same URL again replaces the record and keeps its id.
    let again = store
        .record_page(run, &page("http://a/x.htm", Some(b"\x00\xff binary"), None))
        .await
        .unwrap();
    assert_eq!(id, again);
    store
        .record_page(
            run,
            &page("http://a/dead.htm", None, Some("页面不存在（404）")),
        )
        .await
        .unwrap();
    let cached = store
        .cached_page(run, "http://a/x.htm")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(cached.body.as_deref(), Some(&b"\x00\xff binary"[..]));
    assert_eq!(cached.status, 200);
    assert_eq!(cached.unit.as_deref(), Some("田园镇"));
    assert!(store
        .cached_page(run, "http://a/dead.htm")
        .await
        .unwrap()
        .is_none());
    let pages = store.pages(run).await.unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.body.is_none()));
    assert_eq!(
        store.page_id(run, "http://a/x.htm").await.unwrap(),
        Some(id)
    );
    assert_eq!(store.page(id).await.unwrap().unwrap().sha256, cached.sha256);

    let columns = [ColumnRow {
        name: "财政预决算".into(),
        url: "http://a/c.htm".into(),
        path: "法定主动公开内容 > 财政预决算".into(),
        is_leaf: gongkai::store::Flag(true),
        state: "empty".into(),
        documents: 0,
        pages: 1,
    }];
    let documents = [DocumentRow {
        column_url: "http://a/c.htm".into(),
        url: "http://a/d.htm".into(),
        title: "关于印发《某某办法》的通知".into(),
        published: Some("2020-03-01".into()),
        list_page: 1,
        list_position: 2,
    }];
    let attachment = |sampled: bool| AttachmentRow {
        document_url: "http://a/d.htm".into(),
        url: format!("http://a/{sampled}.pdf"),
        name: "附件.pdf".into(),
        sampled: gongkai::store::Flag(sampled),
        verdict: sampled.then(|| "marked".into()),
        marking: sampled.then(|| "（此件公开发布）".into()),
        marking_page: sampled.then_some(1),
        reason: None,
        pdf_check: None,
    };
    for _ in 0..2 {
        store
            .replace_unit_records(
                run,
                "田园镇",
                &columns,
                &documents,
                &[attachment(true), attachment(false)],
            )
            .await
            .unwrap();
    }
    let got = store.columns(run, "田园镇").await.unwrap();
    assert_eq!(got.len(), 1, "records are replaced, not added");
    assert!(*got[0].is_leaf);
    let sampled = store.sampled_attachments(run, "田园镇").await.unwrap();
    assert_eq!(sampled.len(), 1);
    assert_eq!(sampled[0].marking_page, Some(1));
    store
        .replace_messages(
            run,
            &[MessageRow {
                url: "http://a/m1.htm".into(),
                title: "路灯不亮".into(),
                unit_raw: "田园镇人民政府".into(),
                unit: Some("田园镇".into()),
                submitted: "2020-05-01 10:00".into(),
                replied: None,
                status_text: "未回复".into(),
            }],
        )
        .await
        .unwrap();

    let findings = [finding("田园镇", 3, 0.5, id), finding("田园镇", 4, 2.0, id)];
    store
        .replace_findings(run, "田园镇", &findings)
        .await
        .unwrap();
    store
        .replace_findings(run, "田园镇", &findings[..1])
        .await
        .unwrap();
    let back = store.findings(run).await.unwrap();
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].points, gongkai::model::Centi(50));
    assert_eq!(back[0].evidence[0].page_id, Some(id));
    assert_eq!(back[0].run_id, Some(run));
    assert_eq!(back[0].detail, findings[0].detail);

    assert_eq!(store.unfinished_run("县甲").await.unwrap().unwrap().id, run);
    store
        .finish_run(
            run,
            RunStatus::Partial,
            RunStats {
                requests: 3,
                bytes: 100,
                errors: 1,
            },
        )
        .await
        .unwrap();
    let r = store.run(run).await.unwrap();
    assert_eq!(r.status, RunStatus::Partial);
    assert_eq!((r.stats.requests, r.stats.errors), (3, 1));
    assert!(store.unfinished_run("县甲").await.unwrap().is_none());

    // A later run asks the earlier copy for conditional requests.
    let run2 = store
        .create_run("县甲", "selectors/a.toml", "http://a/", 2020, "2020-12-16")
        .await
        .unwrap();
    let prev = store
        .previous_page(run2, "http://a/x.htm")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(prev.run_id, run);
    assert_eq!(prev.etag.as_deref(), Some("\"v1\""));
    store.reopen_run(run).await.unwrap();
    assert_eq!(store.run(run).await.unwrap().status, RunStatus::Running);
    store
        .finish_run(run, RunStatus::Partial, RunStats::default())
        .await
        .unwrap();
    assert!(matches!(
        store.run(9_999_999).await,
        Err(gongkai::store::StoreError::NoSuchRun(9_999_999))
    ));
}

/// Page writes queued together are committed together, each caller answered with its own
/// page's id once it is stored: another connection (another process) then reads every page; a
/// URL written twice keeps its id and its later body; a write that fails (its run does not
/// exist) fails alone, with the database's error.
async fn page_writes_are_grouped_and_durable(store: &Store, url: &str) {
    let run = store
        .create_run("县丙", "selectors/c.toml", "http://c/", 2020, "2020-12-15")
        .await
        .unwrap();
    let body = |i: usize| format!("<html>第{}页</html>", i % 25).into_bytes();
    let records: Vec<PageRecord> = (0..40)
        .map(|i| page(&format!("http://c/p{}.htm", i % 30), Some(&body(i)), None))
        .collect();
    let ids: Vec<i64> =
        futures::future::join_all(records.iter().map(|r| store.record_page(run, r)))
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
    for i in 0..10 {
        assert_eq!(ids[i], ids[i + 30], "one URL, one row");
    }
    let distinct: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), 30);

    // A group with a bad write: the others are stored all the same.
    let more: Vec<PageRecord> = (30..33)
        .map(|i| page(&format!("http://c/p{i}.htm"), Some(&body(i)), None))
        .collect();
    let bad = page("http://c/bad.htm", Some(b"<html>x</html>"), None);
    let (more, bad) = tokio::join!(
        futures::future::join_all(more.iter().map(|r| store.record_page(run, r))),
        store.record_page(run + 1000, &bad),
    );
    assert!(
        matches!(bad, Err(StoreError::Sql(_) | StoreError::Sqlite(_))),
        "{bad:?}"
    );
    assert!(more.iter().all(Result::is_ok), "{more:?}");

    let other = Store::connect(url).await.unwrap();
    assert_eq!(other.pages(run).await.unwrap().len(), 33);
    for (i, id) in ids.iter().enumerate().skip(10) {
        let stored = other.page(*id).await.unwrap().unwrap();
        assert_eq!(stored.url, format!("http://c/p{}.htm", i % 30));
        assert_eq!(stored.body.as_deref(), Some(&body(i)[..]), "page {i}");
    }
    assert!(other
        .page_id(run + 1000, "http://c/bad.htm")
        .await
        .unwrap()
        .is_none());
    other.close().await;
}

/// A page write acknowledged before `close` is in the file when the database is opened again;
/// a write after `close` fails at once with a message saying the page was not stored.
#[tokio::test]
async fn page_writes_after_close_fail_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let store = Store::connect(&url).await.unwrap();
    let run = store
        .create_run("县甲", "selectors/a.toml", "http://a/", 2020, "2020-12-15")
        .await
        .unwrap();
    let id = store
        .record_page(
            run,
            &page("http://a/x.htm", Some(b"<html>kept</html>"), None),
        )
        .await
        .unwrap();
    store.close().await;
    let late = tokio::time::timeout(
        Duration::from_secs(5),
        store.record_page(
            run,
            &page("http://a/y.htm", Some(b"<html>late</html>"), None),
        ),
    )
    .await
    .expect("a write after close must not wait");
    let err = late.unwrap_err();
    assert!(matches!(err, StoreError::WriterStopped), "{err:?}");
    assert!(err.to_string().contains("本页未保存"), "{err}");

    let again = Store::connect(&url).await.unwrap();
    let kept = again.page(id).await.unwrap().unwrap();
    assert_eq!(kept.body.as_deref(), Some(&b"<html>kept</html>"[..]));
    assert!(again
        .page_id(run, "http://a/y.htm")
        .await
        .unwrap()
        .is_none());
}

/// A SQLite file's page writer is a thread of its own: a page write made on another runtime
/// after the first one ended is stored, not lost with the runtime and not left waiting.
#[test]
fn a_sqlite_page_writer_outlives_the_runtime_that_started_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("r.db").display());
    let runtime = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    };
    let first = runtime();
    let (store, run) = first.block_on(async {
        let store = Store::connect(&url).await.unwrap();
        let run = store
            .create_run("县甲", "selectors/a.toml", "http://a/", 2020, "2020-12-15")
            .await
            .unwrap();
        store
            .record_page(run, &page("http://a/x.htm", Some(b"<html>x</html>"), None))
            .await
            .unwrap();
        (store, run)
    });
    drop(first);
    runtime().block_on(async {
        let late = tokio::time::timeout(
            Duration::from_secs(5),
            store.record_page(run, &page("http://a/y.htm", None, Some("超时"))),
        )
        .await
        .expect("a write must not wait for a writer that is gone");
        let id = late.expect("the writer thread outlives the runtime");
        let again = Store::connect(&url).await.unwrap();
        assert_eq!(
            again.page_id(run, "http://a/y.htm").await.unwrap(),
            Some(id)
        );
    });
}

async fn portals_share_the_database(store: &Store) {
    let b1 = store
        .create_run("县乙", "selectors/b.toml", "http://b/", 2020, "2020-12-15")
        .await
        .unwrap();
    store
        .finish_run(b1, RunStatus::Complete, RunStats::default())
        .await
        .unwrap();
    let a_latest = store
        .latest_finished_run_of(Some("县甲"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a_latest.portal, "县甲");
    assert!(a_latest.id < b1);
    assert_eq!(
        store
            .latest_finished_run_of(Some("县乙"))
            .await
            .unwrap()
            .unwrap()
            .id,
        b1
    );
    assert_eq!(store.latest_finished_run().await.unwrap().unwrap().id, b1);
    assert!(store
        .latest_finished_run_of(Some("县丙"))
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.portals().await.unwrap(), vec!["县乙", "县甲"]);
    assert!(store
        .runs_of("县甲")
        .await
        .unwrap()
        .iter()
        .all(|r| r.portal == "县甲"));
    // 县甲's second run is still running, 县乙 has none.
    assert!(store.unfinished_run("县甲").await.unwrap().is_some());
    assert!(store.unfinished_run("县乙").await.unwrap().is_none());
}

/// Two counties each have a 工信局: a report sent in one county is neither "already sent" nor
/// "the last report" in the other, even with the same bytes.
async fn mail_log_belongs_to_its_portal(store: &Store) {
    use gongkai::store::{MailStatus, NewMail};
    let mut runs = Vec::new();
    for portal in ["县甲", "县乙"] {
        let run = store
            .create_run(portal, "selectors/x.toml", "http://x/", 2020, "2020-12-15")
            .await
            .unwrap();
        store
            .finish_run(run, RunStatus::Complete, RunStats::default())
            .await
            .unwrap();
        runs.push(run);
    }
    let mail = |portal: &'static str, run_id: i64| NewMail {
        portal,
        unit: "工信局",
        run_id,
        report_sha256: "same-bytes",
        report_path: "/tmp/r.html",
        recipients: "gxj@example.cn",
        subject: "预评估报告",
    };
    let a = store.open_mail(&mail("县甲", runs[0])).await.unwrap();
    store
        .record_mail_attempt(a.id, "gxj@example.cn", None)
        .await
        .unwrap();
    let later = runs[1] + 1;
    assert_eq!(
        store
            .last_mailed_run_before("县甲", "工信局", later)
            .await
            .unwrap(),
        Some(runs[0])
    );
    // 县乙 has sent nothing: its comparison must not reach 县甲's run.
    assert_eq!(
        store
            .last_mailed_run_before("县乙", "工信局", later)
            .await
            .unwrap(),
        None
    );
    // The same report bytes in 县乙 are a new report, not "already sent".
    let b = store.open_mail(&mail("县乙", runs[1])).await.unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(b.status, MailStatus::Pending);
    assert_eq!(b.portal, "县乙");
    let a_again = store.open_mail(&mail("县甲", runs[0])).await.unwrap();
    assert_eq!((a_again.id, a_again.status), (a.id, MailStatus::Sent));
    assert!(store
        .mail_entries("县乙")
        .await
        .unwrap()
        .iter()
        .all(|e| e.portal == "县乙"));
}

/// Two counties each have a 工信局 with the same finding: deciding one leaves the other alone.
async fn decisions_belong_to_their_portal(store: &Store) {
    use gongkai::review::{decide, Action, DecisionInput, Identity};
    let rubric = gongkai::rubric::Rubric::bundled_2020();
    let mut found = Vec::new();
    for portal in ["县甲", "县乙"] {
        let run = store
            .create_run(portal, "selectors/x.toml", "http://x/", 2020, "2020-12-15")
            .await
            .unwrap();
        let mut f = finding("工信局", 12, 1.0, 1);
        f.table = Table::Department;
        store.replace_findings(run, "工信局", &[f]).await.unwrap();
        store
            .finish_run(run, RunStatus::Complete, RunStats::default())
            .await
            .unwrap();
        found.push((portal, store.findings(run).await.unwrap().remove(0)));
    }
    let input = |action, version| DecisionInput {
        action,
        points: None,
        note: "核实".into(),
        version,
    };
    let (a, fa) = &found[0];
    let (b, fb) = &found[1];
    decide(store, &rubric, "甲县审核员", fa, &input(Action::Confirm, 0))
        .await
        .unwrap();
    // 县乙's identical finding is still undecided: its first decision needs no version.
    assert!(store
        .decision(&Identity::of(fb, b))
        .await
        .unwrap()
        .is_none());
    decide(store, &rubric, "乙县审核员", fb, &input(Action::Reject, 0))
        .await
        .unwrap();
    let da = store.decision(&Identity::of(fa, a)).await.unwrap().unwrap();
    let db = store.decision(&Identity::of(fb, b)).await.unwrap().unwrap();
    assert_eq!((da.status.as_str(), da.points.points()), ("confirmed", 1.0));
    assert_eq!((db.status.as_str(), db.points.points()), ("rejected", 0.0));
    assert_eq!(store.decisions(a).await.unwrap().len(), 1);
    let log = store.audit_log(b, "工信局", None).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].actor, "乙县审核员");
    // An adjusted deduction is kept in hundredths, as the score counts it.
    let adjust = DecisionInput {
        action: Action::Adjust,
        points: Some(0.333),
        note: "部分整改".into(),
        version: da.version,
    };
    decide(store, &rubric, "甲县审核员", fa, &adjust)
        .await
        .unwrap();
    let da = store.decision(&Identity::of(fa, a)).await.unwrap().unwrap();
    assert_eq!(da.points, gongkai::model::Centi(33));
    let log = store.audit_log(a, "工信局", None).await.unwrap();
    assert!(
        log.iter().any(|l| l.after_state == "已调整，扣0.33分"),
        "{log:?}"
    );
}

async fn the_queue_leases_jobs(store: &Store) {
    let run = store
        .create_run("县丁", "selectors/d.toml", "http://d/", 2020, "2020-12-15")
        .await
        .unwrap();
    store
        .enqueue_jobs(run, &["甲镇".into(), "乙局".into()])
        .await
        .unwrap();
    let lease = Duration::from_secs(60);
    // Another portal's workers see none of it.
    assert!(store
        .claim_job("县戊", "w0", lease)
        .await
        .unwrap()
        .is_none());
    assert_eq!(store.open_jobs("县丁").await.unwrap(), 4);
    let board = store.claim_job("县丁", "w1", lease).await.unwrap().unwrap();
    assert_eq!(
        (board.kind, board.run_id, board.attempts),
        (JobKind::Board, run, 1)
    );
    let u1 = store.claim_job("县丁", "w2", lease).await.unwrap().unwrap();
    assert_eq!(u1.kind, JobKind::Unit);
    assert_eq!(u1.unit.as_deref(), Some("甲镇"));
    // A lease already expired: the job is taken again by the next worker, the first loses it.
    let u2 = store
        .claim_job("县丁", "w1", Duration::ZERO)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u2.unit.as_deref(), Some("乙局"));
    tokio::time::sleep(Duration::from_millis(5)).await;
    // The finalize job waits while others are open; the expired one comes first.
    let again = store.claim_job("县丁", "w3", lease).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (u2.id, 2));
    assert!(!store.renew_lease(u2.id, "w1", lease).await.unwrap());
    assert!(!store.complete_job(u2.id, "w1", "{}").await.unwrap());
    assert!(store.renew_lease(u2.id, "w3", lease).await.unwrap());
    assert!(store
        .claim_job("县丁", "w4", lease)
        .await
        .unwrap()
        .is_none());
    // A failure gives the job back to the queue.
    assert!(store.release_job(u1.id, "w2", "数据库中断").await.unwrap());
    let retry = store.claim_job("县丁", "w4", lease).await.unwrap().unwrap();
    assert_eq!((retry.id, retry.attempts), (u1.id, 2));
    for (job, worker) in [(&board, "w1"), (&retry, "w4"), (&again, "w3")] {
        let result = format!("{{\"job\":{}}}", job.id);
        assert!(store.complete_job(job.id, worker, &result).await.unwrap());
    }
    let counts = store.job_counts(run).await.unwrap();
    assert_eq!((counts.done, counts.queued, counts.leased), (3, 1, 0));
    let fin = store.claim_job("县丁", "w2", lease).await.unwrap().unwrap();
    assert_eq!(fin.kind, JobKind::Finalize);
    assert_eq!(store.open_jobs("县丁").await.unwrap(), 1);
    let results = store.job_results(run).await.unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(
        results[1].result.as_deref(),
        Some(format!("{{\"job\":{}}}", u1.id).as_str())
    );
    assert!(store.complete_job(fin.id, "w2", "{}").await.unwrap());
    store
        .finish_run(run, RunStatus::Complete, RunStats::default())
        .await
        .unwrap();
    assert_eq!(store.open_jobs("县丁").await.unwrap(), 0);
    assert!(store
        .claim_job("县丁", "w1", lease)
        .await
        .unwrap()
        .is_none());
}

/// The crawl lease: a second crawl of a portal is refused while the first one's heartbeat is
/// fresh, naming it; the lease is taken over once the heartbeat is stale (its holder is gone);
/// other portals are not concerned; workers wait while a local crawl holds the lease.
async fn one_crawl_per_portal(store: &Store) {
    let holder = |host: &str, pid: u32| LeaseHolder {
        id: format!("{host}:{pid}:t"),
        host: host.into(),
        pid,
    };
    let (a, b) = (holder("甲机", 101), holder("乙机", 202));
    let minute = Duration::from_secs(60);
    store.take_crawl_lease("县庚", &a, minute).await.unwrap();
    let run = store
        .create_run("县庚", "selectors/g.toml", "http://g/", 2020, "2020-12-15")
        .await
        .unwrap();
    store.set_crawl_lease_run("县庚", &a, run).await.unwrap();
    let err = store
        .take_crawl_lease("县庚", &b, minute)
        .await
        .unwrap_err();
    let StoreError::CrawlRunning(held) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (
            held.run_id,
            held.host.as_str(),
            held.pid,
            held.holder.as_str()
        ),
        (Some(run), "甲机", 101, "甲机:101:t")
    );
    let msg = err.to_string();
    for part in ["县庚", &format!("第 {run} 次运行"), "甲机", "101", "自 "] {
        assert!(msg.contains(part), "{part} missing in {msg}");
    }
    // Another portal is free; the holder renews.
    store.take_crawl_lease("县辛", &b, minute).await.unwrap();
    store.release_crawl_lease("县辛", &b).await.unwrap();
    assert!(store.renew_crawl_lease("县庚", &a).await.unwrap());

    // A worker of a distributed run of the portal takes nothing while the lease is live.
    let queued = store
        .create_run("县庚", "selectors/g.toml", "http://g/", 2020, "2020-12-15")
        .await
        .unwrap();
    store.enqueue_jobs(queued, &["甲镇".into()]).await.unwrap();
    assert!(store
        .claim_job("县庚", "w1", minute)
        .await
        .unwrap()
        .is_none());
    assert!(store
        .active_distributed_run("县庚")
        .await
        .unwrap()
        .is_none());

    // Stale (a tiny staleness stands in for a minute without heartbeat): taken over.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let tiny = Duration::from_millis(10);
    store.take_crawl_lease("县庚", &b, tiny).await.unwrap();
    let now = store.crawl_lease("县庚", None).await.unwrap().unwrap();
    assert_eq!((now.holder.as_str(), now.run_id), ("乙机:202:t", None));
    // The old holder has lost it: it cannot renew, and its release leaves the new one's lease.
    assert!(!store.renew_crawl_lease("县庚", &a).await.unwrap());
    store.release_crawl_lease("县庚", &a).await.unwrap();
    assert!(store
        .crawl_lease("县庚", Some(minute))
        .await
        .unwrap()
        .is_some());
    store.release_crawl_lease("县庚", &b).await.unwrap();
    assert!(store.crawl_lease("县庚", None).await.unwrap().is_none());

    // Free again: the workers take their job, and a local crawl sees them at work.
    let job = store
        .claim_job("县庚", "w1", minute)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.run_id, queued);
    assert_eq!(
        store.active_distributed_run("县庚").await.unwrap(),
        Some((queued, "w1".to_string()))
    );
    store.take_crawl_lease("县庚", &a, minute).await.unwrap();
    store.release_crawl_lease("县庚", &a).await.unwrap();
}

async fn turns_are_spaced(store: &Store) {
    let period = Duration::from_millis(30);
    let started = Instant::now();
    let mut slots = Vec::new();
    let mut waits = Vec::new();
    for _ in 0..5 {
        // The turn is taken when the call is made: measure from before it, so that a slow
        // return under load (other tests share the machine) does not move the slot.
        let before = started.elapsed();
        let wait = store.take_turn("portal.example:80", period).await.unwrap();
        slots.push(before + wait);
        waits.push(wait);
    }
    // Each turn is about one period after the one before (the first is at once); a call that
    // itself came late takes its turn at once, so the gap is only bounded from below.
    assert!(waits[0] < Duration::from_millis(25), "{waits:?}");
    for pair in slots.windows(2) {
        let gap = pair[1].saturating_sub(pair[0]);
        assert!(gap >= Duration::from_millis(20), "{slots:?} {waits:?}");
    }
    // Another host has its own turns.
    let other = store.take_turn("other.example:80", period).await.unwrap();
    assert!(other < Duration::from_millis(25));
}

/// A password change ends the account's other sessions, keeps the one that made it; failed
/// logins count up per key, start again once forgotten, and clear.
async fn passwords_and_login_failures(store: &Store) {
    use gongkai::review::Role;
    let id = store
        .add_user("story-user", Role::Auditor, "old")
        .await
        .unwrap();
    let other = store
        .add_user("story-other", Role::Viewer, "x")
        .await
        .unwrap();
    for (token, user) in [("keep", id), ("end", id), ("theirs", other)] {
        store
            .create_session(token, user, "csrf", 100, 10_000)
            .await
            .unwrap();
    }
    store.set_password(id, "new", Some("keep")).await.unwrap();
    assert_eq!(
        store
            .user_by_name("story-user")
            .await
            .unwrap()
            .unwrap()
            .password_hash,
        "new"
    );
    assert!(store.session("keep", 200).await.unwrap().is_some());
    assert!(store.session("end", 200).await.unwrap().is_none());
    assert!(store.session("theirs", 200).await.unwrap().is_some());

    let key = "account:story-user";
    assert_eq!(store.login_failures(key).await.unwrap(), None);
    for (now, expected) in [(1000, 1), (1001, 2), (1002, 3)] {
        let f = store
            .record_login_failure(key, now, now - 900)
            .await
            .unwrap();
        assert_eq!((f.failures, f.last_failure), (expected, now));
    }
    // The last failure is older than what is remembered: the count starts again.
    let f = store.record_login_failure(key, 5000, 4100).await.unwrap();
    assert_eq!((f.failures, f.last_failure), (1, 5000));
    store
        .record_login_failure("address:192.0.2.1", 5000, 4100)
        .await
        .unwrap();
    store.clear_login_failures(key).await.unwrap();
    assert_eq!(store.login_failures(key).await.unwrap(), None);
    assert_eq!(
        store
            .login_failures("address:192.0.2.1")
            .await
            .unwrap()
            .map(|f| f.failures),
        Some(1)
    );
}
