//! Entering one item for every unit at once in the review UI (`/items/{table}/{item}`), and what
//! the overview and the unit page then say: 未录 cells, 预估 scores, the progress line.

use crate::support::web_common::*;

const OTHER: &str = "大田坝镇";

#[tokio::test]
async fn one_item_for_every_unit_in_one_form() {
    let app = spawn().await;
    let auditor = Client::login(&app.base, "审核员甲", PASSWORD).await;

    // The overview says nothing is final yet, and links each item to its form.
    let home = auditor.text("/").await;
    assert!(home.contains("id=\"progress\""), "{home}");
    assert!(home.contains("人工项目已录入 0/"), "{home}");
    assert!(home.contains("href=\"/items/township/18\""), "{home}");
    assert!(
        home.contains("<small class=\"estimate\">预估</small>"),
        "{home}"
    );
    assert!(home.contains("未录"), "{home}");

    let form = auditor.text("/items/township/18").await;
    assert!(
        form.contains("保密审查表") && form.contains(UNIT) && form.contains(OTHER),
        "{form}"
    );
    let csrf = csrf_of(&form);
    let row = |unit: &str| {
        let re = regex::Regex::new(&format!(
            r#"name="unit_(\d+)" value="{}""#,
            regex::escape(unit)
        ))
        .unwrap();
        re.captures(&form).expect(unit)[1].to_string()
    };
    let (a, b) = (row(UNIT), row(OTHER));

    // One bad row (over the item's 2 points): nothing written, what was typed comes back.
    let res = auditor
        .post(
            "/items/township/18",
            &[
                ("csrf", csrf.as_str()),
                (&format!("unit_{a}"), UNIT),
                (&format!("points_{a}"), "1"),
                (&format!("note_{a}"), "抽查3条无审查表"),
                (&format!("unit_{b}"), OTHER),
                (&format!("points_{b}"), "5"),
                (&format!("note_{b}"), "打错了"),
            ],
        )
        .await;
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("超过满分") && page.contains("未录入任何内容"),
        "{page}"
    );
    assert!(
        page.contains("value=\"抽查3条无审查表\""),
        "typed note kept: {page}"
    );
    assert!(app.store.manual_entries(PORTAL).await.unwrap().is_empty());

    // Corrected: both rows set, one audit-log line each.
    let res = auditor
        .post(
            "/items/township/18",
            &[
                ("csrf", csrf.as_str()),
                (&format!("unit_{a}"), UNIT),
                (&format!("points_{a}"), "1"),
                (&format!("note_{a}"), "抽查3条无审查表"),
                (&format!("unit_{b}"), OTHER),
                (&format!("points_{b}"), "0"),
                (&format!("note_{b}"), ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let back = res.headers()["location"].to_str().unwrap().to_string();
    let page = auditor.text(&back).await;
    assert!(page.contains("新录入 2 条"), "{page}");
    assert!(page.contains("第18项扣1分"), "{page}");
    let entries = app.store.manual_entries(PORTAL).await.unwrap();
    assert_eq!(entries.len(), 2);
    let log = app.store.audit_log(PORTAL, OTHER, None).await.unwrap();
    assert!(log
        .iter()
        .any(|l| l.action == "entry-add" && l.after_state.contains("不扣分")));

    // A second value replaces the first (withdrawn, logged), it does not add to it.
    let res = auditor
        .post(
            "/items/township/18",
            &[
                ("csrf", csrf.as_str()),
                (&format!("unit_{a}"), UNIT),
                (&format!("points_{a}"), "0.5"),
                (&format!("note_{a}"), "复核后仅1条无审查表"),
                (&format!("unit_{b}"), OTHER),
                (&format!("points_{b}"), ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 303);
    let active: Vec<_> = app
        .store
        .manual_entries(PORTAL)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| !*e.withdrawn)
        .collect();
    assert_eq!(active.len(), 2);
    assert!(active.iter().any(|e| e.unit == UNIT && e.amount == 0.5));
    let log = app.store.audit_log(PORTAL, UNIT, None).await.unwrap();
    assert!(log
        .iter()
        .any(|l| l.action == "entry-withdraw" && l.after_state.contains("已替换为")));

    // The unit page counts the item as entered.
    let unit = auditor
        .text(&format!(
            "/units/{}",
            gongkai::util::percent_encode_segment(UNIT)
        ))
        .await;
    assert!(unit.contains("id=\"coverage\""), "{unit}");
    assert!(unit.contains("已人工录入"), "{unit}");
    assert!(unit.contains("得分（预估）"), "{unit}");

    // Viewers may look at nothing here; a made-up item is not found.
    let viewer = Client::login(&app.base, "观察员", PASSWORD).await;
    assert_eq!(viewer.get("/items/township/18").await.status(), 403);
    assert_eq!(auditor.get("/items/township/99").await.status(), 404);
    assert_eq!(auditor.get("/items/nowhere/1").await.status(), 404);
    // Bonus rules take every unit.
    let bonus = auditor.text("/items/all/public-enterprise").await;
    assert!(bonus.contains(UNIT) && bonus.contains(OTHER), "{bonus}");
}

/// A multipart/form-data body with the CSRF token and one file.
fn multipart(csrf: &str, file: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----gongkai-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(c: &Client, csrf: &str, file: &str, bytes: &[u8]) -> reqwest::Response {
    let (ct, body) = multipart(csrf, file, bytes);
    c.http
        .post(format!("{}/entries/import", c.base))
        .header("cookie", &c.cookie)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_spreadsheet_is_imported_in_the_browser_all_or_nothing() {
    let app = spawn().await;
    let auditor = Client::login(&app.base, "审核员甲", PASSWORD).await;
    let page = auditor.text("/entries/import").await;
    let csrf = csrf_of(&page);

    let bad = "单位,项目,扣分,备注\n田园镇,18,1,抽查缺表\n大田坝镇,18,9,超过\n无此镇,26,0,\n";
    let res = upload(&auditor, &csrf, "人工评分.csv", bad.as_bytes()).await;
    assert_eq!(res.status(), 422);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("人工评分.csv 第 3 行") && body.contains("超过满分"),
        "{body}"
    );
    assert!(
        body.contains("人工评分.csv 第 4 行") && body.contains("无此镇"),
        "{body}"
    );
    assert!(app.store.manual_entries(PORTAL).await.unwrap().is_empty());

    let good = "单位,项目,扣分,备注\n田园镇,18,1,抽查缺表\n大田坝镇,18,0,\n";
    let res = upload(&auditor, &csrf, "人工评分.csv", good.as_bytes()).await;
    assert_eq!(res.status(), 200);
    let body = res.text().await.unwrap();
    assert!(body.contains("新录入 2 条"), "{body}");
    assert_eq!(app.store.manual_entries(PORTAL).await.unwrap().len(), 2);

    // Without the token, or as a viewer: refused, nothing written.
    let res = upload(&auditor, "", "x.csv", good.as_bytes()).await;
    assert_eq!(res.status(), 403);
    let viewer = Client::login(&app.base, "观察员", PASSWORD).await;
    assert_eq!(viewer.get("/entries/import").await.status(), 403);
    // A file over the 1 MiB form limit but under the spreadsheet limit is read, not refused.
    let mut big = good.as_bytes().to_vec();
    big.extend(std::iter::repeat_n(b'\n', 2 * 1024 * 1024));
    let res = upload(&auditor, &csrf, "大.csv", &big).await;
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
}
