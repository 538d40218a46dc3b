#!/usr/bin/env python3
"""Writes fixtures/entries/manual-2020.csv: the office's spreadsheet of the items no machine
sees, for the 49 units of the fixture county (selectors/fixture.toml), as Excel on a Chinese
Windows saves it (GB18030, a title row above the header). Every item the rubric leaves to
auditors (`source` other than `check`) gets a row; a few units lose points, with a note; a few
get a bonus or a penalty. Deterministic: rerun and diff.

    python3 scripts/gen-manual-sheet.py
"""
import csv
import io
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
units = tomllib.loads((ROOT / "selectors/fixture.toml").read_text())["units"]
rubric = tomllib.loads((ROOT / "rubrics/changning-2020.toml").read_text())

# (unit index modulo, item short name) -> (points, note): the planted deductions.
NOTES = {
    "保密审查表": (1, "抽查10条信息，3条无保密审查表"),
    "政务新媒体": (0.5, "政务新媒体未按要求备案"),
    "组织领导": (1, "未报送分管领导和责任股室名单"),
    "基层标准化规范化": (2, "标准化规范化工作未按时完成"),
}

out = io.StringIO()
w = csv.writer(out, lineterminator="\r\n")
w.writerow(["昌宁县2020年度政务公开考核人工评分表", "", "", ""])
w.writerow(["单位", "项目", "扣分", "备注"])
for i, u in enumerate(units):
    table = rubric[u["table"]]["items"]
    for item in table:
        if item["source"] == "check":
            continue
        points, note = 0, ""
        planted = NOTES.get(item.get("short", ""))
        if planted and i % 4 == len(item["short"]) % 4:
            points, note = planted
            points = min(points, item["points"])
        # Some rows name the unit by an alias, and the item by number and name, as offices do.
        name = u["aliases"][0] if (i + item["number"]) % 7 == 0 and u.get("aliases") else u["name"]
        label = f"{item['number']} {item['short']}" if item["number"] % 3 == 0 else str(item["number"])
        w.writerow([name, label, points, note])
    if i % 6 == 1:
        w.writerow([u["name"], "加分项目1", 0.4, "公开供水、供电办事服务信息2类"])
    if i % 9 == 2:
        w.writerow([u["name"], "county-notice", 1, "县政府办公室通报1次（昌政办通〔2020〕12号）"])

path = ROOT / "fixtures/entries/manual-2020.csv"
path.write_bytes(out.getvalue().encode("gb18030"))
print(f"wrote {path.relative_to(ROOT)}")
