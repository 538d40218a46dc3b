#!/usr/bin/env python3
"""Generates the fixture county portal (fixtures/portal), its server behaviour file,
fixtures/ground-truth.json and fixtures/README.md.

With --family trs or --family hanweb, the same county (same units, data and planted cases) in
TRS WCM or Hanweb JCMS markup and URL shapes: fixtures/portal-{family}/ and
fixtures/ground-truth-{family}.json (see fixtures/FAMILIES.md).

Deterministic: the same input (selectors/fixture.toml, this script) gives the same bytes.
Run from the repository root:  python3 scripts/gen-fixture.py [--family vsb|trs|hanweb]
"""

import argparse
import hashlib
import html.parser
import io
import json
import posixpath
import random
import re
import shutil
import tomllib
import urllib.parse
import zipfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "portal"
YEAR = 2020
AS_OF = datetime(2020, 12, 15)
PAGE_SIZE = 10

CONFIG = tomllib.loads((ROOT / "selectors" / "fixture.toml").read_text("utf-8"))
UNITS = CONFIG["units"]

# --------------------------------------------------------------------------------------------
# model


class Doc:
    def __init__(self, title, dt, atts=None, cut=False, body=None, tag=None):
        self.title = title
        self.tag = tag  # names a default document that plants look for
        self.dt = dt
        self.atts = atts or []  # list of (label, source) ; source None = download always fails
        self.cut = cut  # False, or how many characters the list shows before the …
        self.body = body
        self.dead = False  # the document page answers 404 (its text cannot be read)
        self.path = None
        self.col = None


class Col:
    def __init__(self, code, name, kind, children=None, docs=None, article=None, article_dt=None):
        self.code = code
        self.name = name
        self.kind = kind  # list | article | parent
        self.children = children or []
        self.docs = docs or []
        self.article = article  # html of the single article (None/"" = empty)
        self.article_dt = article_dt
        self.empty = None  # for list columns: None | "ul" | notice text
        self.dead = False
        self.absent = False  # not on the site (numbered as before, so other paths stay)
        self.parent_notice = False  # parent page shows an empty notice (near-miss)
        self.keep_order = False  # list order as given (else newest first)
        self.path = None
        self.colid = None

    def walk(self):
        if self.absent:
            return
        yield self
        for c in self.children:
            yield from c.walk()


class Unit:
    def __init__(self, conf, index):
        self.conf = conf
        self.index = index
        self.code = conf["code"]
        self.name = conf["name"]
        self.table = conf["table"]
        self.township = self.table == "township"
        self.portal_name = self.name if self.township else conf["aliases"][0]
        # The full name is the alias with the county prefix (aliases are deduplicated, so a
        # unit whose first alias is already its full name lists a short form second).
        aliases = conf["aliases"]
        self.full_name = aliases[1] if len(aliases) > 1 and aliases[1].startswith("昌宁") else aliases[0]
        self.gbk = False
        self.list_date_fmt = LIST_DATE_FMTS[index % len(LIST_DATE_FMTS)]
        self.pubdate_fmt = PUBDATE_FMTS[index % len(PUBDATE_FMTS)]
        self.no_charset_header = index % 3 == 0
        self.tree = []
        self.rng = random.Random("unit/" + self.code)

    def cols(self):
        for c in self.tree:
            yield from c.walk()

    def col(self, code):
        for c in self.cols():
            if c.code == code:
                return c
        raise KeyError(code)

    def remove(self, code):
        def rm(lst):
            for i, c in enumerate(lst):
                if c.code == code:
                    del lst[i]
                    return True
                if rm(c.children):
                    return True
            return False

        assert rm(self.tree), code

    def item(self, check):
        t = {"guide": (7, 7), "finance": (10, 9), "empty": (13, 12), "pdf": (17, 15), "reply": (28, 27)}
        return t[check][0] if self.township else t[check][1]


LIST_DATE_FMTS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y年%m月%d日", "[%Y-%m-%d]", "%Y-%m-%d %H:%M"]
PUBDATE_FMTS = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
META_DATE_FMTS = ["%Y-%m-%d", "%Y年%m月%d日"]

# --------------------------------------------------------------------------------------------
# guide texts

GUIDE_FULL = [
    "为了保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》，编制本指南。本指南每年更新一次。",
    "<strong>一、主动公开</strong>",
    "（一）公开范围：本机关主动公开的政府信息包括机构职能、政策文件、财政预决算……",
    "（二）公开渠道：昌宁县人民政府门户网站政府信息公开平台、政务新媒体、政务服务大厅……",
    "（三）公开时限：属于主动公开范围的政府信息，自该政府信息形成或者变更之日起20个工作日内予以公开。",
    "<strong>二、依申请公开</strong>",
    "（一）受理机构：{full}办公室；办公地址：昌宁县田园镇右甸路88号；邮政编码：678100；联系电话：0875-7121234；传真号码：0875-7121235。",
    "（二）答复：能够当场答复的当场答复；不能当场答复的，自收到申请之日起20个工作日内予以答复……",
    "<strong>三、信息查询方式</strong>：可通过门户网站检索，或到政府信息查阅点查阅。",
    "<strong>四、监督方式</strong>：公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，可以向昌宁县人民政府办公室投诉举报……",
]

# 邮政编码 and 传真号码 left out (and no synonym of them anywhere).
GUIDE_NO_POST_FAX = [p for p in GUIDE_FULL]
GUIDE_NO_POST_FAX[6] = "（一）受理机构：{full}办公室；办公地址：昌宁县田园镇右甸路88号；联系电话：0875-7121234。"

# Every element only by a synonym of the rubric's word.
GUIDE_SYNONYMS = [
    "根据《中华人民共和国政府信息公开条例》，编制本指南。",
    "一、主动公开内容：机构职能、政策文件、财政资金等。",
    "二、公开方式：门户网站政府信息公开平台、政务新媒体。",
    "三、公开期限：自信息形成或者变更之日起20个工作日内。",
    "四、依申请公开：申请人可向受理机构提出申请，本机关依法答复。",
    "受理机构：{full}办公室；地址：昌宁县田园镇文化路6号；邮编：678100；电话：0875-7122345；传真：0875-7122346。",
    "五、查阅方式：可到政府信息查阅点查阅。",
    "六、监督方式：可向县人民政府办公室反映。",
]

# None of the eleven elements, by any wording.
GUIDE_NOTHING = [
    "为进一步做好本单位政务公开工作，现将有关事项说明如下。",
    "本单位将认真贯彻落实上级部署，不断提升工作水平，欢迎社会各界关心支持。",
]


# The 制度 column of a clean unit: one page naming the six systems of item 4 / 4.
SYSTEMS_ALL = [
    "{full}政府信息公开工作制度",
    "一、主动公开：属于主动公开范围的政府信息，自形成或者变更之日起20个工作日内公开。",
    "二、保密审查：信息公开前，按照“先审查、后公开”和“一事一审”的原则进行保密审查。",
    "三、责任追究：对不依法履行政府信息公开义务的，依法依规追究有关人员的责任。",
    "四、投诉举报：公民、法人和其他组织可以向本机关或县人民政府办公室投诉、举报。",
    "五、政策解读：政策性文件与解读材料同步组织、同步审签、同步部署。",
    "六、文件公开属性：公文拟制时明确主动公开、依申请公开或不予公开的公开属性。",
]


def paras(lines, unit):
    return "\n".join(f"    <p>{line.format(full=unit.full_name)}</p>" for line in lines)


# --------------------------------------------------------------------------------------------
# default unit content


def d(y, m, day, h=9, mi=0):
    return datetime(y, m, day, h, mi)


def rand_dt(rng, year=YEAR, month_lo=1, month_hi=11):
    return datetime(year, rng.randint(month_lo, month_hi), rng.randint(1, 28), rng.randint(8, 17), rng.choice([0, 12, 25, 30, 41, 55]))


PDF = {
    "01": "../pdfs/01_marked_last_fullwidth.pdf",
    "02": "../pdfs/02_unmarked.pdf",
    "03": "../pdfs/03_marked_halfwidth.pdf",
    "06": "../pdfs/06_marked_middle_attach_after.pdf",
    "07": "../pdfs/07_gongkaifangshi_wqy_ttf.pdf",
    "08": "../pdfs/08_buyu_gongkai.pdf",
    "13": "../pdfs/13_garbage.pdf",
    "14": "../pdfs/14_reportlab_stsong_ucs2.pdf",
    "17": "../pdfs/17_no_tounicode_identityh.pdf",
    "18": "../pdfs/18_decoy_quoted_in_body_unmarked.pdf",
    "26": "../pdfs/26_mutool_unigb_utf16_nonembedded.pdf",
}
DOCX = "_attach/attachment.docx"
XLSX = "_attach/attachment.xlsx"

POLICY_TOPICS = [
    "粮食安全责任制考核方案", "冬春农产品保供稳价工作", "安全生产专项整治三年行动实施方案", "优化营商环境工作措施",
    "森林防火工作方案", "脱贫攻坚挂牌督战工作方案", "新冠肺炎疫情常态化防控工作方案", "城乡人居环境提升行动方案",
    "防汛抗旱应急预案", "农村集体产权制度改革工作方案", "消费扶贫行动实施方案", "禁毒防艾人民战争工作方案",
    "乡村振兴战略规划实施意见", "生态文明建设目标责任考核办法",
]


def policy_title(unit, topic):
    return f"{unit.full_name}关于印发{topic}的通知"


def default_unit(unit):
    rng = unit.rng
    full = unit.full_name
    article = lambda text: f"    <p>{text}</p>"  # noqa: E731
    tree = []
    tree.append(Col("gkzn", "政府信息公开指南", "article", article=paras(GUIDE_FULL, unit), article_dt=rand_dt(rng, month_hi=3)))
    tree.append(Col("gkzd", "政府信息公开制度", "article", article=paras(SYSTEMS_ALL, unit), article_dt=rand_dt(rng)))
    sub = []
    if unit.township:
        sub.append(Col("xzgk", "乡镇概况", "article", article=article(f"{unit.name}位于昌宁县境内，辖若干村（社区），以农业为主。"), article_dt=rand_dt(rng)))
    sub.append(Col("jgzn", "机构职能", "article", article=article("一、主要职责") + "\n" + article("（一）贯彻执行国家和省、市、县的方针政策……"), article_dt=rand_dt(rng)))
    sub.append(Col("ldxx", "领导信息", "article", article=article("主要负责人：张某某，负责全面工作。"), article_dt=rand_dt(rng)))
    topics = rng.sample(POLICY_TOPICS, 3)
    sub.append(Col("zcwj", "政策文件", "list", docs=[
        Doc(policy_title(unit, topics[0]), rand_dt(rng), [(topics[0] + ".pdf", PDF["01"])]),
        Doc(policy_title(unit, topics[1]), rand_dt(rng), [(topics[1] + ".pdf", PDF["03"]), ("附表.xlsx", XLSX)]),
        Doc(policy_title(unit, topics[2]), rand_dt(rng, year=2019), [(topics[2] + ".docx", DOCX)]),
    ]))
    sub.append(Col("zcjd", "政策解读", "list", docs=[
        Doc(f"《{topics[0]}》政策解读", rand_dt(rng)),
        Doc(f"关于{full}做好“六稳”工作落实“六保”任务有关政策的解读", rand_dt(rng, month_lo=5), tag="lwjd"),
    ]))
    fin_prefix = unit.name if unit.township else full
    budget_word = "财政" if unit.township else "部门"
    sub.append(Col("czxx", "财政信息", "parent", children=[
        Col("czyjs", "财政预决算", "list", docs=[
            Doc(f"{fin_prefix}2019年{budget_word}决算公开", d(2020, 9, rng.randint(1, 28), 10, 0)),
            Doc(f"{fin_prefix}2020年{budget_word}预算公开", d(2020, 2, rng.randint(1, 28), 15, 30)),
        ]),
        Col("sgjf", "三公经费", "list", docs=[
            Doc(f"{fin_prefix}2020年“三公”经费预算公开说明", d(2020, 2, rng.randint(1, 28), 15, 40)),
        ]),
        Col("jxzp", "绩效自评", "list", docs=[
            Doc(f"{fin_prefix}2019年度部门整体支出绩效自评报告", d(2020, 6, rng.randint(1, 28), 11, 0)),
        ]),
    ]))
    if unit.township:
        sub.append(Col("zfgzbg", "政府工作报告", "list", docs=[Doc(f"{YEAR}年{unit.name}人民政府工作报告", d(2020, 3, rng.randint(1, 28)))]))
    sub.append(Col("gzdt", "工作动态", "list", docs=[
        Doc(f"{full}召开{YEAR}年政务公开工作推进会", rand_dt(rng)),
        Doc(f"{full}印发{YEAR}年政务公开工作要点", d(2020, 3, rng.randint(1, 28), 9, 0)),
        Doc(f"{full}{YEAR - 1}年政务公开工作要点落实情况", d(2020, 1, rng.randint(5, 28), 10, 0), tag="lsqk"),
        Doc(f"{full}扎实做好新冠肺炎疫情常态化防控工作", rand_dt(rng), tag="tfsj"),
        Doc(f"{full}全力做好“六稳”工作 全面落实“六保”任务", rand_dt(rng), tag="lwlb"),
        Doc(f"{full}全面推行行政执法三项制度", rand_dt(rng), tag="zfsx"),
        Doc(f"{full}{YEAR}年政府采购意向公开", rand_dt(rng), tag="ggzy"),
        Doc(f"{full}重大建设项目批准和实施信息公开", rand_dt(rng), tag="zdxm"),
        Doc(f"{full}开展困难群众救助帮扶工作", rand_dt(rng), tag="shgy"),
    ]))
    sub.append(Col("jyta", "建议提案办理", "list", docs=[
        Doc(f"关于县人大代表第{rng.randint(10, 99)}号建议办理情况的答复", rand_dt(rng, month_lo=6), tag="jyta"),
    ]))
    sub.append(Col("qzqd", "权责清单", "article", article=article(f"{full}权责清单：行政许可、行政处罚、行政检查等事项及其依据、责任事项。"), article_dt=rand_dt(rng)))
    sub.append(Col("ggfw", "公共服务事项清单", "article", article=article(f"{full}公共服务事项清单：事项名称、服务对象、办理依据、办理时限。"), article_dt=rand_dt(rng)))
    sub.append(Col("bzml", "政务公开事项标准目录", "article", article=article(f"{full}政务公开事项标准目录：公开事项、公开依据、公开时限、公开主体、公开渠道。"), article_dt=rand_dt(rng)))
    tree.append(Col("fdzdgknr", "法定主动公开内容", "parent", children=sub))
    tree.append(Col("ndbg", "政府信息公开年报", "list", docs=[Doc(f"{full}2019年政府信息公开工作年度报告", d(2020, 1, rng.randint(10, 28)))]))
    tree.append(Col("ysqgk", "依申请公开", "article", article=article("依申请公开办理流程：申请人可通过当面、信函、网络等方式提出政府信息公开申请，本机关依法受理、审查、答复。"), article_dt=rand_dt(rng)))
    unit.tree = tree


# --------------------------------------------------------------------------------------------
# planted cases

FINDINGS = []  # (unit, section, item, points, kind, reason, key_obj, evidence_objs, note)
NOTES = []  # (unit name, planted, expected)
MESSAGES = []  # dicts
BOARD = {"family": "vsb", "home": "/hdjl/zxts.htm"}  # the message board's first list page
BEHAVIOUR = {"flaky": [], "slow": []}


def finding(unit, check, points, kind, reason, key=None, evidence=(), section="item", item=None):
    FINDINGS.append(dict(unit=unit, section=section, item=item or unit.item(check), points=points,
                         kind=kind, reason=reason, key=key, evidence=list(evidence)))


def note(unit, planted, expected):
    NOTES.append((unit.name, planted, expected))


def set_policy(unit, docs):
    unit.col("zcwj").docs = docs


def many_policy(unit, specs, year=YEAR):
    """specs: list of (pdf-key or attachment list, (month, day, hour, minute))."""
    docs = []
    for i, (att, (m, dd, h, mi)) in enumerate(specs):
        topic = POLICY_TOPICS[i % len(POLICY_TOPICS)]
        if isinstance(att, str):
            atts = [(f"{topic}.pdf", PDF[att])]
        else:
            atts = att
        docs.append(Doc(policy_title(unit, topic) + (f"（第{i + 1}号）" if i >= len(POLICY_TOPICS) else ""), datetime(year, m, dd, h, mi), atts))
    return docs


# The rubric's `documents` parts: name -> (item, points, part) per table, from the shipped rubric.
RUBRIC = tomllib.loads((ROOT / "rubrics" / "changning-2020.toml").read_text("utf-8"))
PARTS = {
    table: {p["name"]: (it["number"], p.get("points", 0), p) for it in RUBRIC[table]["items"]
            if it.get("check") == "documents" for p in it.get("parts", [])}
    for table in ("township", "department")
}


def squash(s):
    return "".join(s.split())


def part_finding(unit, name, reason, evidence=()):
    """A `documents` finding of the part `name` (item and points from the rubric)."""
    item, points, _ = PARTS[unit.table][name]
    kind = "deduction" if reason in ("document_missing", "column_part_missing") else "question"
    finding(unit, None, points, kind, reason, key=name, evidence=evidence, item=item)


def part_found(unit, name):
    """Whether a document of the year (up to as-of) in the part's scope has the part's words, or
    is in one of its columns: a cross-check of the planted cases, not the ground truth."""
    _, _, p = PARTS[unit.table][name]
    assert p.get("look", "document") == "document", name
    words = [[w.replace("{year}", str(YEAR)).replace("{prev_year}", str(YEAR - 1)) for w in g] for g in p.get("words", [])]
    within, columns = p.get("within", []), p.get("columns", [])

    def col_in(c, names):
        return any(n in c.name for n in names)

    for c in unit.cols():
        if within and not col_in(c, within):
            continue
        if c.dead:
            continue
        for doc in c.docs:
            if not (doc.dt.year == YEAR and doc.dt <= AS_OF):
                if p.get("years") != "any" or doc.dt > AS_OF:
                    continue
            by_words = words and all(any(squash(w) in squash(doc.title) for w in g) for g in words)
            by_col = columns and col_in(c, columns)
            if by_words or by_col or (not words and not columns):
                return True
    return False


def tagged(unit, tag):
    for c in unit.cols():
        for doc in c.docs:
            if doc.tag == tag:
                return c, doc
    raise KeyError(tag)


def drop(unit, tag):
    c, doc = tagged(unit, tag)
    c.docs.remove(doc)
    return doc


def missing(unit, *names):
    """Asserts the plant leaves none of the parts `names` found."""
    for n in names:
        assert not part_found(unit, n), (unit.code, n)



def strip_tags(html):
    return re.sub(r"<[^>]+>", "", html or "")


def body_of(doc):
    return strip_tags(doc.body) if doc.body else f"各有关单位：{doc.title}，现予公布，请认真贯彻执行。"


def text_found(unit, name):
    """Whether a `text` part is found: a word of every group in the title or the body text of a
    document (any year up to as-of) of its column, or in the text of a single-article column
    there; attachments' names never count. A cross-check of the planted cases."""
    _, _, p = PARTS[unit.table][name]
    assert p.get("text"), name
    scope = PARTS[unit.table][p["among"]][2] if "among" in p else p
    words = p.get("words", [])
    for c in unit.cols():
        if c.dead or not any(n in c.name for n in scope["within"]):
            continue
        pages = [(dd.title, body_of(dd)) for dd in c.docs if not dd.dead and dd.dt <= AS_OF]
        article = strip_tags(c.article).strip()
        if c.kind == "article" and article and article != "暂无内容":
            pages.append((c.name, article))
        for title, text in pages:
            if all(any(squash(w) in squash(title) or squash(w) in squash(text) for w in g) for g in words):
                return True
    return False


def text_missing(unit, *names):
    for n in names:
        assert not text_found(unit, n), (unit.code, n)


SYSTEMS = ["主动公开制度", "保密审查制度", "责任追究制度", "投诉举报制度", "政策解读制度", "公开属性标识制度"]


def plant(units):
    u = {x.code: x for x in units}

    # ---- item 7: guide
    x = u["dtbz"]
    x.remove("gkzn")
    finding(x, "guide", 5, "deduction", "guide_missing")
    note(x, "no 政府信息公开指南 column at all", "guide_missing −5 (item 7); no empty-column finding (there is no column)")

    x = u["gxj"]
    g = x.col("gkzn")
    g.article = ""
    finding(x, "guide", 5, "deduction", "guide_missing")
    finding(x, "empty", 1, "deduction", "empty_columns", evidence=[g])
    note(x, "guide column exists but its article is empty", "guide_missing −5 and empty_columns −1 (evidence: the guide column)")

    x = u["mzj"]
    x.col("gkzn").article = paras(GUIDE_NO_POST_FAX, x)
    finding(x, "guide", 1.0, "deduction", "guide_elements_missing")
    note(x, "guide lacks 邮政编码 and 传真号码", "guide_elements_missing −1.0")

    x = u["sfj"]
    x.col("gkzn").article_dt = d(2019, 3, 12, 10, 5)
    finding(x, "guide", 1, "deduction", "guide_outdated")
    note(x, "complete guide, PubDate/更新日期 2019-03-12", "guide_outdated −1")

    x = u["rsj"]
    x.col("gkzn").article = paras(GUIDE_SYNONYMS, x)
    note(x, "guide states every element only by a synonym (邮编, 传真, 电话, 地址, 公开方式, 监督方式, 查阅 …)", "no guide finding because synonyms count")

    x = u["ksz"]
    x.gbk = True
    note(x, "the whole unit (landing, columns, guide, documents) is GBK, charset only in <meta>, no charset in HTTP", "no finding because the pages are complete once decoded")

    x = u["tjj"]
    g = x.col("gkzn")
    g.article = paras(GUIDE_NOTHING, x)
    g.article_dt = d(2018, 5, 4, 9, 0)
    finding(x, "guide", 5, "deduction", "guide_elements_missing")
    note(x, "guide text names none of the 11 elements, and dates from 2018", "item 7 capped at 5: guide_elements_missing −5 (11 × 0.5 = 5.5 capped); no separate guide_outdated because the cap is reached")

    # ---- item 10 / 9: finance
    x = u["jtj"]
    x.remove("sgjf")
    finding(x, "finance", 1, "deduction", "sangong_missing")
    note(x, "no 三公经费 column and no 三公 document anywhere", "sangong_missing −1")

    x = u["nyncj"]
    x.col("czyjs").docs = [
        Doc(f"{x.full_name}2020年部门预算公开", d(2020, 2, 20, 10, 0)),
        Doc(f"{x.full_name}2018年部门决算公开（补充公开）", d(2020, 3, 5, 10, 0)),
    ]
    finding(x, "finance", 1, "deduction", "budget_missing")
    note(x, "2020 budget present, only a 2018 决算 (published 2020), no 2019 决算", "budget_missing −1")

    x = u["lyj"]
    x.col("jxzp").docs = [Doc(f"{x.full_name}2018年度部门整体支出绩效自评报告", d(2019, 6, 18, 11, 0))]
    finding(x, "finance", 1, "deduction", "performance_missing")
    note(x, "绩效自评 column holds only a report published in 2019", "performance_missing −1 (2019 documents do not count; column is not empty)")

    x = u["swj"]
    x.remove("sgjf")
    c = x.col("czyjs")
    c.name = "部门预决算"
    c.docs.insert(0, Doc(f"{x.full_name}2020年部门“三公”经费预算情况说明", d(2020, 2, 25, 16, 0)))
    note(x, "column named 部门预决算; no 三公经费 column; the 三公 document stands in 部门预决算", "no finance finding because documents count wherever they stand")

    x = u["wjj"]
    c = x.col("czyjs")
    fill = [Doc(f"关于2020年第{i}批财政专项资金拨付情况的公示", d(2020, 11, 28 - i, 9, 0)) for i in range(1, 11)]
    c.docs = fill + c.docs  # the 2019 决算 and 2020 budget end up on page 2
    note(x, "财政预决算 has 12 documents; 2020 budget and 2019 决算 are only on page 2", "no finance finding because every page counts")

    x = u["scjgj"]
    x.col("jxzp").docs = [Doc(f"{x.full_name}关于2019年度部门整体支出绩效自评报告的公告", d(2020, 7, 8, 9, 0), cut=22)]
    x.col("sgjf").docs = [Doc(f"{x.full_name}2020年部门“三公”经费预算公开", d(2020, 3, 2, 9, 0), cut=14)]
    note(x, "绩效自评 and 三公 titles cut with … in the list before the key words (full title in title attribute)", "no finance finding because the full title decides")

    x = u["fpb"]
    x.col("czyjs").docs = [
        Doc(f"{x.full_name}2019年部门预算公开", d(2019, 2, 20, 10, 0)),
        Doc(f"{x.full_name}2018年部门决算公开", d(2019, 9, 10, 10, 0)),
    ]
    finding(x, "finance", 1, "deduction", "budget_missing")
    note(x, "财政预决算 holds only documents of 2019 (2019 budget, 2018 决算)", "budget_missing −1")

    x = u["mtz"]
    x.remove("sgjf")
    x.remove("jxzp")
    finding(x, "finance", 1, "deduction", "sangong_missing")
    finding(x, "finance", 1, "deduction", "performance_missing")
    note(x, "township without 三公经费 and 绩效自评 columns", "sangong_missing −1 and performance_missing −1 (item 10)")

    x = u["msz"]
    x.col("czyjs").docs = [
        Doc(f"{x.name}2020年财政预算公开", d(2020, 2, 12, 10, 0)),
        Doc(f"{x.name}2019年财政决算公开", d(2019, 12, 30, 10, 0)),
    ]
    finding(x, "finance", 1, "deduction", "budget_missing")
    note(x, "township: 2019 决算 published 2019-12-30, i.e. not in the year", "budget_missing −1 (item 10)")

    # ---- item 13 / 12: empty columns
    x = u["whlyj"]
    c = x.col("zcjd")
    c.docs, c.empty = [], "ul"
    finding(x, "empty", 1, "deduction", "empty_columns", evidence=[c])
    note(x, "政策解读 is an empty ul.news-list", "empty_columns −1")

    for code, col, notice in [("zwfwj", "gzdt", "暂无信息"), ("sjj", "zcjd", "暂无内容"), ("swuj", "ndbg", "暂无数据"), ("tzcjj", "zcjd", "栏目建设中")]:
        x = u[code]
        c = x.col(col)
        c.docs, c.empty = [], notice
        finding(x, "empty", 1, "deduction", "empty_columns", evidence=[c])
        note(x, f"{c.name} shows only the notice {notice}", "empty_columns −1")

    x = u["mzzj"]
    c = x.col("ldxx")
    c.article = ""
    finding(x, "empty", 1, "deduction", "empty_columns", evidence=[c])
    note(x, "领导信息 is a single-article column without text", "empty_columns −1")

    x = u["ybj"]
    c = x.col("gkzd")
    c.article = "    <p>暂无内容</p>"
    finding(x, "empty", 1, "deduction", "empty_columns", evidence=[c])
    note(x, "政府信息公开制度 article holds only 暂无内容", "empty_columns −1")

    x = u["xfj"]
    empties = []
    for code in ["zcjd", "gzdt", "ndbg"]:
        c = x.col(code)
        c.docs, c.empty = [], ["ul", "暂无信息", "暂无数据"][len(empties) % 3]
        empties.append(c)
    for code in ["jgzn", "ldxx", "ysqgk"]:
        c = x.col(code)
        c.article = ""
        empties.append(c)
    finding(x, "empty", 1, "deduction", "empty_columns", evidence=empties)
    note(x, "six empty columns (lists and articles)", "empty_columns −1 with the single-veto note (≥5), evidence all six")

    x = u["tyjrj"]
    x.col("czxx").parent_notice = True
    note(x, "parent column 财政信息 page shows 暂无信息, its children are full", "no finding because a parent column is judged by its children")

    x = u["jfz"]
    c = x.col("zfgzbg")
    c.docs, c.empty = [], "暂无信息"
    finding(x, "empty", 1, "deduction", "empty_columns", evidence=[c])
    note(x, "township: 政府工作报告 empty (暂无信息)", "empty_columns −1 (item 13)")

    # nesting one level deeper (no finding)
    for code in ["swj", "gjx"]:
        x = u[code]
        fd = x.col("fdzdgknr")
        i = next(i for i, c in enumerate(fd.children) if c.code == "zcwj")
        zcwj = fd.children[i]
        fd.children[i] = Col("wjzl", "文件资料", "parent", children=[
            zcwj, Col("qtwj", "其他文件", "list", docs=[Doc(f"{x.full_name}关于做好节假日值班工作的通知", d(2020, 9, 25, 9, 0))])])
        note(x, "政策文件 nested one level deeper (文件资料 › 政策文件, 其他文件)", "no finding")

    # ---- item 17 / 15: PDF marking
    x = u["tyz"]
    keys = ["01", "03", "07", "14", "26", "01", "03", "07", "01", "03", "01", "03"]
    set_policy(x, many_policy(x, [(k, (11 - i // 2, 20 - i, 10, 0)) for i, k in enumerate(keys)]))
    note(x, "政策文件 with 12 documents of 2020, all PDFs marked (01, 03, 07, 14 STSong UCS2, 26 UniGB-UTF16)", "no finding")

    x = u["fgj"]
    specs = [
        ("18", (11, 18, 10, 23)),  # 1 decoy, unmarked
        ("01", (11, 10, 9, 0)),  # 2
        ("03", (10, 30, 9, 0)),  # 3
        ("06", (10, 20, 9, 0)),  # 4 依申请公开: marked + penalty question
        ([("实施细则.docx", DOCX), ("实施方案.pdf", PDF["02"])], (10, 9, 9, 0)),  # 5 docx first, PDF second (unmarked)
        ([("评分表.xlsx", XLSX)], (9, 28, 9, 0)),  # no PDF: not in the sample
        ("07", (9, 15, 9, 0)),  # 6
        ("01", (8, 20, 9, 0)),  # 7
        ("03", (7, 1, 9, 0)),  # 8
        ("07", (6, 20, 9, 0)),  # 9
        ("01", (6, 10, 9, 0)),  # listed first of the two on 06-10, but 09:00: 11th, not sampled
        ("01", (6, 10, 15, 30)),  # 10: same date, later time
        ("02", (5, 5, 9, 0)),  # 12th: beyond the 10 newest
    ]
    docs = many_policy(x, specs)
    # same date: the list shows the 09:00 document before the 15:30 one; by PubDate the 15:30 one is newer.
    d9, d10 = docs[10], docs[11]
    d9.atts = [(d9.atts[0][0], PDF["02"])]  # unmarked, but only 11th newest: not sampled
    # newest-first list order, but with the same-date pair in the wrong order
    docs_sorted = sorted(docs, key=lambda dd: dd.dt, reverse=True)
    i9, i10 = docs_sorted.index(d9), docs_sorted.index(d10)
    docs_sorted[i9], docs_sorted[i10] = docs_sorted[i10], docs_sorted[i9]
    docs_sorted.append(Doc(policy_title(x, "价格监测工作方案"), datetime(2019, 12, 20, 9, 0), [("价格监测工作方案.pdf", PDF["02"])]))
    set_policy(x, docs_sorted)
    x.col("zcwj").keep_order = True
    fgj_unmarked = [docs[0], docs[4]]
    for dd in fgj_unmarked:
        finding(x, "pdf", 0.5, "deduction", "pdf_unmarked", key=dd)
    finding(x, "pdf", 5, "question", "pdf_nondisclosable", key=docs[3], section="penalty", item=2)
    note(x, "政策文件: 14 documents over 2 pages; newest is the decoy 18 (unmarked); #5 has a .docx first and an unmarked PDF second; #4 is 06 (此件依申请公开); a same-date pair (06-10) listed in the wrong order whose 09:00 member (unmarked) is 11th by PubDate time; the 12th (unmarked) is beyond the sample; a 2019 document (unmarked) and one with only an .xlsx",
         "pdf_unmarked −0.5 ×2 (decoy, docx+PDF document); pdf_nondisclosable penalty question (5) for the 06 document; nothing for the 11th/12th/2019 documents")

    x = u["czj"]
    keys = ["01", "13", "03", "17", "01", "03", "07", "01", "03", "01", "01"]
    docs = many_policy(x, [(k, (11, 25 - 2 * i, 10, 0)) for i, k in enumerate(keys)])
    set_policy(x, docs)
    finding(x, "pdf", 0, "question", "pdf_unreadable", key=docs[1])
    finding(x, "pdf", 0, "question", "pdf_unreadable", key=docs[3])
    note(x, "11 policy documents; #2 attaches 13 (garbage), #4 attaches 17 (garbled, no ToUnicode)", "pdf_unreadable question ×2, no deduction")

    x = u["zrzyj"]
    docs = many_policy(x, [("01", (10, 10, 10, 0)), ("03", (9, 9, 10, 0)), ("01", (8, 8, 10, 0))])
    docs[1].atts = [(docs[1].atts[0][0], None)]
    set_policy(x, docs)
    finding(x, "pdf", 0, "question", "pdf_download_failed", key=docs[1])
    note(x, "one attachment's download answers the HTML error page even with the Referer", "pdf_download_failed question")

    x = u["zjj"]
    docs = many_policy(x, [("01", (11, 3, 10, 0)), ("02", (9, 9, 10, 0)), ("03", (8, 8, 10, 0)), ("07", (4, 4, 10, 0))])
    set_policy(x, docs)
    finding(x, "pdf", 0.5, "deduction", "pdf_unmarked", key=docs[1])
    note(x, "only 4 policy documents with PDFs, one unmarked", "pdf_unmarked −0.5; no deduction for the shortfall")

    x = u["ktz"]
    docs = many_policy(x, [("02", (11, 3, 10, 0)), ("02", (9, 9, 10, 0)), ("18", (8, 8, 10, 0)), ("01", (4, 4, 10, 0))])
    set_policy(x, docs)
    for dd in docs[:3]:
        finding(x, "pdf", 0.5, "deduction", "pdf_unmarked", key=dd)
    note(x, "township: 3 of 4 policy PDFs unmarked", "pdf_unmarked −0.5 ×3 (item 17)")

    x = u["gaj"]
    docs = many_policy(x, [("08", (10, 10, 10, 0)), ("01", (9, 9, 10, 0))])
    set_policy(x, docs)
    finding(x, "pdf", 5, "question", "pdf_nondisclosable", key=docs[0], section="penalty", item=2)
    note(x, "a policy PDF marked （此件不予公开）", "counts as marked for item 15; pdf_nondisclosable penalty question (5)")

    # ---- item 28 / 27: messages (submitted, reply or None, status)
    def msg(code, shown, title, sub, rep, status=None, hour=True):
        MESSAGES.append(dict(unit=u[code], shown=shown, title=title, sub=sub, rep=rep, status=status or ("已回复" if rep else "办理中"), hour=hour))
        return MESSAGES[-1]

    msg("fgj", "县发改局", "咨询企业投资项目备案流程", d(2020, 11, 2, 9, 10), d(2020, 11, 4, 15, 0))
    msg("fgj", "昌宁县发展和改革局", "询问天然气价格调整", d(2020, 6, 15, 10, 0), d(2020, 6, 17, 16, 0), hour=False)
    note(u["fgj"], "messages under short (县发改局) and full (昌宁县发展和改革局) names, answered in 2 days", "no reply finding")
    m = msg("jytyj", "县教体局", "咨询秋季学期转学手续", d(2020, 10, 12, 8, 20), d(2020, 10, 16, 11, 0))
    finding(u["jytyj"], "reply", 1, "deduction", "reply_late", evidence=[m])
    note(u["jytyj"], "a message answered in 4 days", "reply_late −1")
    m = msg("wjj", "昌宁县卫生健康局", "反映乡镇卫生院夜间值班问题", d(2020, 9, 1, 8, 30), d(2020, 9, 7, 9, 0))
    finding(u["wjj"], "reply", 2, "deduction", "reply_late", evidence=[m])
    note(u["wjj"], "a message answered in 6 days", "reply_late −2")
    m = msg("ybj", "县医保局", "咨询医保缴费时间", d(2020, 11, 20, 14, 5), d(2020, 11, 28, 10, 0), hour=False)
    finding(u["ybj"], "reply", 3, "deduction", "reply_late", evidence=[m])
    note(u["ybj"], "a message answered in 8 days", "reply_late −3")
    m1 = msg("rsj", "县人社局", "咨询灵活就业社保补贴", d(2020, 7, 6, 9, 0), d(2020, 7, 10, 9, 0))
    m2 = msg("rsj", "昌宁县人力资源和社会保障局", "反映农民工工资拖欠", d(2020, 8, 3, 9, 0), d(2020, 8, 9, 9, 0))
    finding(u["rsj"], "reply", 2, "deduction", "reply_late", evidence=[m1, m2])
    note(u["rsj"], "two late messages (4 and 6 days), short and full names", "reply_late −2 (the worst, not the sum), both messages as evidence")
    m = msg("cgj", "县城管局", "夜市占道经营噪音扰民", d(2020, 12, 1, 21, 0), None, "办理中")
    finding(u["cgj"], "reply", 3, "deduction", "reply_late", evidence=[m])
    note(u["cgj"], "unanswered (办理中) message of 2020-12-01", "reply_late −3 (14 days to as-of 2020-12-15)")
    msg("tyz", "田园镇人民政府", "反映村道塌方", d(2019, 11, 5, 9, 0), d(2019, 11, 20, 9, 0))
    msg("tyz", "昌宁县田园镇人民政府", "咨询危房改造补助", d(2020, 5, 6, 9, 0), d(2020, 5, 8, 9, 0))
    note(u["tyz"], "a 2019 message answered after 15 days; a 2020 one in 2 days", "no reply finding because 2019 messages are ignored")
    msg("gjx", "更戛乡人民政府", "咨询冬季农田水利建设", d(2020, 12, 20, 10, 0), None, "待回复", hour=False)
    note(u["gjx"], "unanswered message submitted 2020-12-20 (after as-of)", "no finding because it is after the as-of date")
    msg("zjj", "县住建局", "右甸路路灯何时修复", d(2020, 11, 25, 8, 41), d(2020, 11, 28, 17, 2))
    note(u["zjj"], "message answered in exactly 3 days", "no reply finding (only over 3 days is late)")
    m = msg("wdx", "昌宁县湾甸傣族乡人民政府", "咨询甘蔗收购价格", d(2020, 4, 10, 9, 0), d(2020, 4, 15, 9, 0))
    finding(u["wdx"], "reply", 1, "deduction", "reply_late", evidence=[m])
    note(u["wdx"], "township message answered in 5 days", "reply_late −1 (item 28; over 3, not over 5)")
    m = msg("ktz", "柯街镇人民政府", "反映集市垃圾清运不及时", d(2020, 3, 2, 9, 0), d(2020, 3, 9, 9, 0), hour=False)
    finding(u["ktz"], "reply", 2, "deduction", "reply_late", evidence=[m])
    note(u["ktz"], "township message answered in 7 days", "reply_late −2 (item 28; over 5, not over 7)")
    m = msg("wqz", "温泉镇", "温泉景区门票咨询", d(2020, 1, 20, 9, 0), d(2020, 2, 1, 9, 0))
    finding(u["wqz"], "reply", 3, "deduction", "reply_late", evidence=[m])
    note(u["wqz"], "township message answered in 12 days (name as configured: 温泉镇)", "reply_late −3 (item 28)")
    msg("mtz", "勐统镇人民政府", "咨询茶叶种植补贴", d(2020, 12, 13, 9, 0), None, "待回复")
    note(u["mtz"], "unanswered (待回复) message of 2020-12-13", "no reply finding (2 days to as-of)")
    msg("sjj", "县审计局", "咨询审计结果公开", d(2019, 12, 30, 9, 0), d(2020, 1, 6, 9, 0))
    note(u["sjj"], "message submitted 2019-12-30, answered 2020-01-06", "no reply finding (submitted before the year)")
    for code, shown, title, s, r in [
        ("gaj", "县公安局", "咨询户口迁移", d(2020, 10, 30, 9, 0), d(2020, 11, 1, 10, 0)),
        ("xzfbgs", "县政府办", "咨询政府信息公开申请方式", d(2020, 12, 10, 9, 0), d(2020, 12, 11, 10, 0)),
        ("mzj", "县民政局", "咨询低保申请条件", d(2020, 4, 1, 9, 0), d(2020, 4, 2, 10, 0)),
        ("czj", "昌宁县财政局", "咨询惠农补贴发放", d(2020, 8, 12, 9, 0), d(2020, 8, 14, 10, 0)),
        ("zrzyj", "县自然资源局", "咨询宅基地审批", d(2020, 9, 21, 9, 0), d(2020, 9, 23, 10, 0)),
        ("jtj", "县交通局", "反映公交站牌损坏", d(2020, 6, 2, 9, 0), d(2020, 6, 3, 10, 0)),
        ("swj", "县水务局", "反映自来水水压不足", d(2020, 7, 20, 9, 0), d(2020, 7, 22, 10, 0)),
        ("nyncj", "昌宁县农业农村局", "咨询农机购置补贴", d(2020, 3, 16, 9, 0), d(2020, 3, 17, 10, 0)),
        ("lyj", "县林草局", "咨询林木采伐许可", d(2020, 5, 11, 9, 0), d(2020, 5, 13, 10, 0)),
        ("scjgj", "县市场监管局", "投诉超市销售过期食品", d(2020, 10, 5, 9, 0), d(2020, 10, 7, 10, 0)),
        ("dtbz", "大田坝镇人民政府", "咨询茶园改造项目", d(2020, 8, 18, 9, 0), d(2020, 8, 19, 10, 0)),
        ("jfz", "昌宁县鸡飞镇人民政府", "反映通村公路破损", d(2020, 9, 9, 9, 0), d(2020, 9, 11, 10, 0)),
        ("whlyj", "县文旅局", "咨询文化下乡演出安排", d(2020, 11, 9, 9, 0), d(2020, 11, 10, 10, 0)),
    ]:
        msg(code, shown, title, s, r)

    # ---- documents items (issue 13): what the plants above leave unpublished
    for code in ["whlyj", "sjj", "tzcjj"]:
        x = u[code]
        missing(x, "政策解读")
        part_finding(x, "政策解读", "document_missing")
        note(x, "(the empty 政策解读 above) no 解读 document anywhere", "also document_missing −6 (item 14 政策解读); 六稳六保解读 not judged")

    x = u["zwfwj"]
    missing(x, "专题会议", "年度工作方案", "落实情况", "突发事件应对", "行政执法三项制度", "公共资源配置", "重大建设项目", "社会公益事业")
    assert part_found(x, "六稳六保")
    for name in ["专题会议", "年度工作方案", "落实情况"]:
        part_finding(x, name, "document_missing")
    for name in ["突发事件应对", "行政执法三项制度", "公共资源配置", "重大建设项目", "社会公益事业"]:
        part_finding(x, name, "document_not_seen")
    note(x, "(the empty 工作动态 above) no meeting, plan, 落实情况 or topic news anywhere; its 解读 speaks of 六稳六保",
         "also document_missing 专题会议 −2 (item 2), 年度工作方案 −4 (item 3), 落实情况 −2 (item 5); document_not_seen questions 突发事件应对 2 (18), 行政执法三项制度 2 (20), the three areas 2 each (21)")

    x = u["swuj"]
    missing(x, "年度报告")
    part_finding(x, "年度报告", "document_missing")
    note(x, "(the empty 年报 column above) no 2019 年度报告 anywhere", "also document_missing 年度报告 −2 (item 5)")

    x = u["xfj"]
    names_missing = ["专题会议", "年度工作方案", "落实情况", "年度报告", "政策解读"]
    names_unseen = ["突发事件应对", "六稳六保", "行政执法三项制度", "公共资源配置", "重大建设项目"]
    missing(x, *names_missing, *names_unseen)
    for name in names_missing:
        part_finding(x, name, "document_missing")
    for name in ["领导信息", "机构概况"]:
        part_finding(x, name, "column_part_missing")
    for name in names_unseen:
        part_finding(x, name, "document_not_seen")
    note(x, "(the six empty columns above) no news, 年报 or 解读; 领导信息 and 机构职能 empty",
         "also document_missing 专题会议 −2, 年度工作方案 −4, 年度报告 −2, 落实情况 −2, 政策解读 −6; column_part_missing 领导信息 −1, 机构概况 −1 (item 10); document_not_seen 突发事件应对, 六稳六保, 行政执法三项制度, 公共资源配置, 重大建设项目 (2 each)")

    x = u["mzzj"]
    part_finding(x, "领导信息", "column_part_missing")
    note(x, "(the empty 领导信息 above)", "also column_part_missing 领导信息 −1 (item 10)")

    x = u["jfz"]
    missing(x, "政府工作报告")
    part_finding(x, "政府工作报告", "document_missing")
    note(x, "(the empty 政府工作报告 above) no 工作报告 anywhere", "also document_missing 政府工作报告 −3 (item 14)")

    # ---- documents items: planted cases
    x = u["gxs"]
    x.remove("jyta")
    missing(x, "建议提案办理")
    part_finding(x, "建议提案办理", "document_missing")
    note(x, "no 建议提案办理 column and no 建议/提案 reply anywhere", "document_missing 建议提案办理 −4 (item 8)")

    x = u["wqz"]
    x.remove("jyta")
    x.col("gzdt").docs.append(Doc("关于县政协委员第23号提案的答复", d(2020, 8, 6, 10, 0), tag="new"))
    note(x, "no 建议提案办理 column; a 提案 答复 stands in 工作动态", "no item 9 finding: a document titled with the words counts in any column")

    x = u["bqazb"]
    x.remove("qzqd")
    part_finding(x, "权责清单", "column_part_missing")
    note(x, "no 权责清单 column", "column_part_missing 权责清单 −1 (item 10)")

    x = u["jgswj"]
    x.remove("bzml")
    missing(x, "标准目录")
    part_finding(x, "标准目录", "document_missing")
    note(x, "no 政务公开事项标准目录 column and no document titled 标准目录", "document_missing 标准目录 −3 (item 11)")

    x = u["zjx"]
    zcwj, gzdt = x.col("zcwj"), x.col("gzdt")
    moved = [dd for dd in zcwj.docs if dd.dt.year == YEAR]
    zcwj.docs = [dd for dd in zcwj.docs if dd.dt.year != YEAR]
    gzdt.docs += moved
    missing(x, "政策文件")
    part_finding(x, "政策文件", "document_not_seen")
    finding(x, "pdf", 0, "question", "pdf_sample_empty")
    note(x, "township: its two policy documents of 2020 stand in 工作动态 (wrong column); 政策文件 holds only one of 2019",
         "document_not_seen 政策文件 question 3 (item 15: only the 政策文件 column counts); the PDF sample is empty (question, item 17)")

    x = u["gjmx"]
    drop(x, "lwjd")
    note(x, "township: its 政策解读 speak of neither 六稳 nor 六保 (the 六稳六保 news stands in 工作动态)",
         "document_not_seen 六稳六保解读 question 1 (item 16); no item 20 finding")
    part_finding(x, "六稳六保解读", "document_not_seen")

    x = u["gjx"]
    drop(x, "tfsj")
    missing(x, "突发事件应对")
    part_finding(x, "突发事件应对", "document_not_seen")
    note(x, "township without any news on 疫情/防汛/应急 … in 2020", "document_not_seen 突发事件应对 question 2 (item 19)")

    x = u["gyyq"]
    drop(x, "lwlb")
    drop(x, "lwjd")
    missing(x, "六稳六保")
    part_finding(x, "六稳六保", "document_not_seen")
    part_finding(x, "六稳六保解读", "document_not_seen")
    note(x, "no document speaks of 六稳 or 六保", "document_not_seen 六稳六保 question 2 (item 19) and 六稳六保解读 question 1 (item 14)")

    x = u["jytyj"]
    drop(x, "zfsx")
    missing(x, "行政执法三项制度")
    part_finding(x, "行政执法三项制度", "document_not_seen")
    note(x, "no 行政执法三项制度 news", "document_not_seen 行政执法三项制度 question 2 (item 20)")

    x = u["xzfbgs"]
    drop(x, "zdxm")
    missing(x, "重大建设项目")
    part_finding(x, "重大建设项目", "document_not_seen")
    note(x, "no 重大建设项目 document (采购 and 救助 news present)", "document_not_seen 重大建设项目 question 2 (item 21), the other two areas pass")

    x = u["yjglj"]
    c, dd = tagged(x, "lsqk")
    plan = next(dd for dd in c.docs if "工作要点" in dd.title and "落实" not in dd.title)
    plan.title, plan.dt = f"{x.full_name}印发{YEAR - 1}年政务公开工作要点", d(2019, 3, 12, 9, 0)
    missing(x, "年度工作方案")
    part_finding(x, "年度工作方案", "document_missing")
    note(x, "its only 政务公开工作要点 is that of 2019, published 2019-03-12", "document_missing 年度工作方案 −4 (item 3: only last year's)")

    x = u["cgj"]
    x.col("ndbg").docs[0].dt = d(2020, 2, 10, 9, 0)
    part_finding(x, "年度报告", "document_late")
    note(x, "the 2019 年度报告 published 2020-02-10", "document_late 年度报告 question 2 (item 5: after 31 January)")

    x = u["wdx"]
    drop(x, "lsqk")
    x.col("gzdt").docs.append(Doc(f"{x.full_name}关于报送有关材料的函", d(2020, 1, 20, 10, 0),
                                  [(f"{YEAR - 1}年政务公开工作要点落实情况.docx", DOCX)], tag="new"))
    missing(x, "落实情况")
    part_finding(x, "落实情况", "document_missing")
    note(x, "township: the 落实情况 only as an attachment (…工作要点落实情况.docx) of a document titled 关于报送有关材料的函",
         "document_missing 落实情况 −2 (item 5: an attachment's file name is not a title)")

    x = u["wdz"]
    _, meeting = next((c, dd) for c in x.cols() for dd in c.docs if "推进会" in dd.title)
    meeting.title = f"关于召开{x.full_name}政府信息公开工作专题会的通知"
    assert part_found(x, "专题会议")
    note(x, "township: the meeting only as a notice 关于召开…政府信息公开工作专题会的通知", "no item 2 finding (another title with the words)")

    # township counterparts (titles changed in place and new columns removed, so that the
    # paths of the other units stay as they were)
    x = u["dtbz"]
    _, meeting = next((c, dd) for c in x.cols() for dd in c.docs if "推进会" in dd.title)
    meeting.title = f"{x.full_name}召开{YEAR}年安全生产工作会"
    missing(x, "专题会议")
    part_finding(x, "专题会议", "document_missing")
    note(x, "township: its only meeting news is a 安全生产工作会 (no 政务公开 meeting)", "document_missing 专题会议 −3 (item 2)")

    x = u["ktz"]
    _, plan = next((c, dd) for c in x.cols() for dd in c.docs if dd.title.endswith(f"印发{YEAR}年政务公开工作要点"))
    plan.title = f"{x.full_name}印发{YEAR}年安全生产工作要点"
    missing(x, "年度工作方案")
    part_finding(x, "年度工作方案", "document_missing")
    note(x, "township: its 2020 工作要点 is for 安全生产, none for 政务公开", "document_missing 年度工作方案 −3 (item 3)")

    x = u["mtz"]
    x.remove("jyta")
    missing(x, "建议提案办理")
    part_finding(x, "建议提案办理", "document_missing")
    note(x, "township: no 建议提案办理 column and no 建议/提案 reply", "document_missing 建议提案办理 −2 (item 9)")

    x = u["msz"]
    x.remove("ggfw")
    part_finding(x, "公共服务事项清单", "column_part_missing")
    note(x, "township: no 公共服务事项清单 column", "column_part_missing 公共服务事项清单 −1 (item 11)")

    x = u["tyz"]
    x.remove("bzml")
    missing(x, "标准目录")
    part_finding(x, "标准目录", "document_missing")
    note(x, "township: no 政务公开事项标准目录 column", "document_missing 标准目录 −2 (item 12)")

    x = u["wdz"]
    drop(x, "zfsx")
    missing(x, "行政执法三项制度")
    part_finding(x, "行政执法三项制度", "document_not_seen")
    note(x, "township: no 行政执法三项制度 news", "document_not_seen 行政执法三项制度 question 3 (item 21)")

    x = u["wqz"]
    report = x.col("ndbg").docs[0]
    report.title = f"{x.full_name}2018年政府信息公开工作年度报告"
    missing(x, "年度报告")
    part_finding(x, "年度报告", "document_missing")
    note(x, "township: its 年报 column holds the 2018 report (published in 2020), none for 2019", "document_missing 年度报告 −2 (item 5)")

    x = u["gjx"]
    for i, dd in enumerate(x.col("zcjd").docs):
        dd.dt = d(2019, 10 + i, 15, 9, 0)
    missing(x, "政策解读")
    part_finding(x, "政策解读", "document_missing")
    note(x, "township: its 政策解读 column holds only 解读 of 2019", "document_missing 政策解读 −5 (item 16); 六稳六保解读 not judged")

    x = u["zjx"]
    drop(x, "lwlb")
    drop(x, "lwjd")
    missing(x, "六稳六保")
    part_finding(x, "六稳六保", "document_not_seen")
    part_finding(x, "六稳六保解读", "document_not_seen")
    note(x, "township: no document speaks of 六稳 or 六保", "document_not_seen 六稳六保 question 3 (item 20) and 六稳六保解读 question 1 (item 16)")

    x = u["wdx"]
    drop(x, "ggzy")
    missing(x, "公共资源配置")
    part_finding(x, "公共资源配置", "document_not_seen")
    note(x, "township: no 公共资源 / 采购 / 招标 / 土地 document", "document_not_seen 公共资源配置 question 2 (item 22)")


    # ---- items 4 / 4 (制度) and 27 / 26 (依申请公开制度): titles and texts of their own column;
    # bonus 3 (形象化解读) suggestions
    x = u["nyncj"]
    c = x.col("gkzd")
    c.kind, c.article = "list", None
    c.docs = [
        Doc(f"{x.full_name}政府信息主动公开制度", d(2018, 4, 9, 10, 0), tag="text"),
        Doc(f"{x.full_name}政务公开制度汇编", d(2019, 6, 3, 10, 0), tag="text",
            body="  <p>第一章 保密审查：信息公开前须经保密审查。</p>\n  <p>第二章 责任追究：违反本制度的，依规追究责任。</p>\n  <p>第三章 投诉举报：群众可通过电话、信函投诉举报。</p>"),
        Doc(f"{x.full_name}关于印发政策解读工作办法的通知", d(2020, 3, 16, 9, 0), tag="text"),
        Doc(f"{x.full_name}公文公开属性源头认定工作规程", d(2020, 5, 11, 9, 0), tag="text"),
    ]
    assert all(text_found(x, n) for n in SYSTEMS)
    note(x, "政府信息公开制度 is a list: 主动公开, 政策解读 and 公开属性 by title; 保密审查, 责任追究 and 投诉举报 only in the text of a 制度汇编 (documents of 2018–2020)",
         "no item 4 finding: a compilation counts for every system its text names, documents of any year count")

    x = u["ksz"]
    c = x.col("gkzd")
    c.kind, c.article = "list", None
    c.docs = [
        Doc(f"{x.name}政府信息主动公开制度", d(2019, 3, 5, 10, 0), tag="text"),
        Doc(f"{x.name}政务公开保密审查制度", d(2019, 3, 5, 11, 0), tag="text"),
        Doc(f"{x.name}关于印发政务公开责任追究办法的通知", d(2020, 4, 20, 9, 0), tag="text",
            atts=[("投诉举报制度.docx", DOCX)],
            body="  <p>各村（社区）、各站所：</p>\n  <p>现将责任追究办法印发给你们，请遵照执行。</p>"),
    ]
    text_missing(x, "投诉举报制度", "政策解读制度", "公开属性标识制度")
    for n in ["投诉举报制度", "政策解读制度", "公开属性标识制度"]:
        part_finding(x, n, "document_missing")
    note(x, "township (GBK): 政府信息公开制度 lists 主动公开, 保密审查 and 责任追究 only; 投诉举报 only as an attachment's file name (投诉举报制度.docx)",
         "document_missing 投诉举报制度, 政策解读制度, 公开属性标识制度 −0.5 each (item 4: an attachment's file name is neither title nor text)")

    x = u["dzj"]
    x.col("gkzd").absent = True
    text_missing(x, "政府信息公开制度")
    part_finding(x, "政府信息公开制度", "document_missing")
    note(x, "no 政府信息公开制度 column", "document_missing 政府信息公开制度 −3 (item 4: one finding, not six)")

    x = u["ybj"]
    text_missing(x, "政府信息公开制度")
    part_finding(x, "政府信息公开制度", "document_missing")
    note(x, "(the 政府信息公开制度 article holding only 暂无内容 above)", "also document_missing 政府信息公开制度 −3 (item 4)")

    x = u["fpb"]
    c = x.col("gkzd")
    c.kind, c.article = "list", None
    failing = Doc(f"{x.full_name}政务公开制度汇编", d(2020, 2, 18, 10, 0), tag="text",
                  body="  <p>一、责任追究……二、投诉举报……三、政策解读……四、文件公开属性……</p>")
    failing.dead = True
    c.docs = [
        Doc(f"{x.full_name}政府信息主动公开制度", d(2019, 5, 6, 10, 0), tag="text"),
        Doc(f"{x.full_name}政府信息公开保密审查制度", d(2019, 5, 6, 11, 0), tag="text"),
        failing,
    ]
    text_missing(x, "责任追究制度", "投诉举报制度", "政策解读制度", "公开属性标识制度")
    for n in ["责任追究制度", "投诉举报制度", "政策解读制度", "公开属性标识制度"]:
        part_finding(x, n, "document_unsure", evidence=[failing])
    note(x, "政府信息公开制度 lists 主动公开 and 保密审查 by title, and a 制度汇编 whose page answers 404",
         "document_unsure questions (0.5 suggested) for 责任追究制度, 投诉举报制度, 政策解读制度, 公开属性标识制度: the unread text may name them, never a deduction")

    x = u["tyz"]
    c = x.col("ysqgk")
    c.kind, c.article = "list", None
    c.docs = [Doc(f"{x.name}政府信息依申请公开办法", d(2019, 8, 12, 10, 0), tag="text")]
    assert text_found(x, "依申请公开制度")
    note(x, "township: 依申请公开 lists a 依申请公开办法 (2019)", "no item 27 finding (by title, any year)")

    x = u["gaj"]
    c = x.col("ysqgk")
    c.kind, c.article = "list", None
    c.docs = [Doc(f"{x.full_name}关于做好政府信息公开申请办理工作的通知", d(2020, 6, 8, 10, 0), tag="text",
                  body="  <p>各科所队：</p>\n  <p>现将依申请公开受理、审查、答复的工作流程明确如下……</p>")]
    assert text_found(x, "依申请公开制度")
    note(x, "依申请公开 lists a notice whose title names no 制度/办法/流程/指南; its text states the 工作流程", "no item 26 finding (by text)")

    x = u["gxs"]
    c = x.col("ysqgk")
    c.kind, c.article = "list", None
    c.docs = [Doc(f"{x.full_name}政府信息公开申请表", d(2020, 4, 2, 10, 0), tag="text",
                  atts=[("依申请公开办理流程.docx", DOCX)], body="  <p>申请人请下载附件填写。</p>")]
    text_missing(x, "依申请公开制度")
    part_finding(x, "依申请公开制度", "document_missing")
    note(x, "依申请公开 lists only a 申请表 whose 流程 is an attachment's file name (依申请公开办理流程.docx)",
         "document_missing 依申请公开制度 −2 (item 26: an attachment's file name is not text)")

    x = u["xfj"]
    text_missing(x, "依申请公开制度")
    part_finding(x, "依申请公开制度", "document_missing")
    note(x, "(the empty 依申请公开 article above)", "also document_missing 依申请公开制度 −2 (item 26)")

    x = u["tyz"]
    c = x.col("zcjd")
    shown = [
        Doc(f"一图读懂《{x.name}人居环境整治工作方案》", d(2020, 7, 14, 10, 0), tag="text"),
        Doc(f"图解：{x.name}2020年惠农政策解读", d(2020, 9, 22, 10, 0), tag="text"),
    ]
    c.docs += shown + [Doc(f"一图读懂《{x.name}2019年农村危房改造实施方案》", d(2019, 10, 8, 10, 0), tag="text")]
    for dd in shown:
        finding(x, None, 0.5, "question", "document_bonus", key=dd, evidence=[dd], section="bonus", item=3)
    note(x, "township: 政策解读 holds 一图读懂 and 图解 解读 of 2020 and an 一图读懂 of 2019",
         "document_bonus questions (bonus 3, 0.5 suggested) for the two of 2020, never counted automatically; none for 2019's")

    x = u["lyj"]
    c = x.col("zcjd")
    dd = Doc(f"视频解读：{x.full_name}森林草原防灭火工作措施", d(2020, 11, 3, 10, 0), tag="text")
    c.docs.append(dd)
    finding(x, None, 0.5, "question", "document_bonus", key=dd, evidence=[dd], section="bonus", item=3)
    note(x, "政策解读 holds a 视频解读 of 2020", "document_bonus question (bonus 3, 0.5 suggested)")

    # ---- server behaviour
    x = u["sthjj"]
    c = x.col("gzdt")
    c.dead = True
    c.docs = []
    finding(x, "empty", 0, "question", "column_unreachable", key=c)
    note(x, "the 工作动态 column link answers 404", "column_unreachable question (not an empty-column deduction)")

    BEHAVIOUR["flaky"] += [
        (lambda: u["lyj"].col("zcwj").path, 2, True),
        (lambda: u["dzj"].col("gkzn").path, 1, False),
        (lambda: u["yjglj"].landing, 1, True),
        (lambda: BOARD["home"], 1, False),
        (lambda: u["mzj"].col("zcwj").docs[0].path, 2, False),
    ]
    note(u["lyj"], "政策文件 list answers 503 twice (Retry-After: 1) before 200", "no extra finding (retry cures it)")
    note(u["dzj"], "guide answers 503 once; the whole unit's lists have no dates (only on document pages)", "no finding")
    note(u["yjglj"], "landing page answers 503 once", "no finding")
    note(u["mzj"], "its newest policy document answers 503 twice", "no extra finding")
    BEHAVIOUR["slow"] += [(lambda: u["gyyq"].landing, 1000), (lambda: u["xzfbgs"].col("zcwj").path, 800)]
    note(u["gyyq"], "landing page takes 1 s", "no finding")
    u["dzj"].list_date_fmt = None

    x = u["sthjj"]
    unsure = [n for n in ["专题会议", "年度工作方案", "落实情况", "突发事件应对", "六稳六保", "行政执法三项制度", "公共资源配置", "重大建设项目", "社会公益事业"] if not part_found(x, n)]
    assert unsure == ["专题会议", "年度工作方案", "落实情况", "突发事件应对", "行政执法三项制度", "公共资源配置", "重大建设项目", "社会公益事业"], unsure
    for name in unsure:
        part_finding(x, name, "document_unsure")
    note(x, "(the dead 工作动态 above) the meeting, plan, 落实情况 and topic news were there",
         "also document_unsure questions (the points suggested) for 专题会议, 年度工作方案, 落实情况, 突发事件应对, 行政执法三项制度 and the three areas of item 21: a column not read may hold them")


# --------------------------------------------------------------------------------------------
# national inspection indicators (国办秘函〔2019〕19号, issue 15): planted on both sides of each
# threshold, judged on the check day AS_OF. Their columns and documents are numbered after all
# others (LATEST_COLS, tag "ind"), so the paths of the earlier fixture stay as they were.

LATEST_COLS = set()
HOME_NEWS = []  # (title, date shown or None, path of the link) of the home page's 要闻 list (vsb and trs)
# The indicator word lists (defaults of src/indicators/settings.rs, kept as data here too).
STATIC_WORDS = ["机构", "领导", "职能", "概况", "简介", "指南", "制度", "目录", "联系"]
NOTICE_WORDS = ["通知公告", "政策文件", "公告公示"]
NEWS_WORDS = ["动态", "要闻", "新闻", "资讯", "快讯"]
IND_NOTES = []  # (unit name or "site", planted, expected)
HOME_LINKS = []  # (text, href) of the home page's 专题专栏 block
LINKED_PAGES = {}  # path -> html of the pages only that block links
PLANTED_DEAD = []  # paths that block links which are absent on purpose
LINK_SOURCES = []  # the pages the link check reads: the home pages, every list or article column's first page
# An off-site link nothing answers (loopback, a closed port): the link check's planted failure.
OFF_SITE_DEAD = "http://127.0.0.1:1/"


def ind_col(unit, code, name, docs=None, parent=None, empty=None):
    c = Col(code, name, "list", docs=docs or [])
    c.empty = empty
    LATEST_COLS.add(code)
    (unit.col(parent).children if parent else unit.tree).append(c)
    return c


def ind_doc(title, dt):
    return Doc(title, dt, tag="ind")


def plant_indicators(units, family):
    u = {x.code: x for x in units}

    # 栏目不更新 (news 14 days, first-level notice 183 days, together 5 trip the veto): 4 and 5.
    # 工作动态 (default, every document before 2020-12-01) is stale in both.
    for code, notice_dt, verdict in [("gjmx", d(2020, 6, 15), "4 stale: pass"), ("gxj", d(2020, 6, 14), "5 stale: veto")]:
        x = u[code]
        who = x.full_name
        ind_col(x, "indyw", "要闻" if x.township else "部门要闻", [ind_doc(f"{who}召开冬季农业生产现场会", d(2020, 11, 30, 10)), ind_doc(f"{who}部署岁末年初安全生产工作", d(2020, 11, 2))])
        ind_col(x, "indtzgg", "通知公告", [ind_doc(f"{who}关于调整办公时间的通知", d(2020, 5, 20))])
        ind_col(x, "indggs", "公告公示", [ind_doc(f"{who}2020年项目资金公示", notice_dt)])
        ind_col(x, "indtpxw", "图片新闻", [ind_doc(f"图片新闻：{who}秋收一线", d(2020, 10, 10))])
        ind_col(x, "indbmzx", "便民资讯", [ind_doc(f"{who}冬季便民服务时间安排", d(2020, 12, 1, 9))])
        # A 通知公告 at the second level is not judged as a notice column (first level only).
        ind_col(x, "indtzgg2", "通知公告", [ind_doc(f"{who}关于开展春季植树活动的通知", d(2020, 3, 1))], parent="fdzdgknr")
        IND_NOTES.append((x.name, f"工作动态 (before 12-01), 要闻 (11-30), 通知公告 (05-20), 公告公示 ({notice_dt:%m-%d}), 图片新闻 stale or not; 便民资讯 of 12-01 (14 days: fresh); a second-level 通知公告 of 03-01 (not a notice column)",
                          f"栏目不更新 {verdict}"))

    # 长期未更新 (365 days, 10 trip the veto): 9 and 10; one column updated exactly 365 days before.
    topics = ["乡村振兴", "安全生产", "环境保护", "法治宣传", "人民调解", "社区矫正", "法律援助", "依法治理", "公共法律服务", "行政复议", "双拥工作"]
    for code, n_old in [("sfj", 9), ("jgswj", 10)]:
        x = u[code]
        for i, topic in enumerate(topics[:n_old + 1]):
            dt = d(2019, 12, 15 - i) if i < n_old else d(2019, 12, 16)
            ind_col(x, f"indzx{i}", topic, [ind_doc(f"{x.full_name}{topic}工作情况", dt)])
        IND_NOTES.append((x.name, f"{n_old} columns last updated on or before 2019-12-15, one on 2019-12-16 (365 days)",
                          f"长期未更新 {n_old}: {'veto' if n_old >= 10 else 'pass'}"))

    # 空白栏目 (5 trip the veto): 4 and 5 (also the rubric's empty-columns deduction, once).
    for code, n in [("bqazb", 4), ("tyjrj", 5)]:
        x = u[code]
        cols = []
        for i, name in enumerate(["专项工作", "项目建设", "资金管理", "队伍建设", "党建工作"][:n]):
            cols.append(ind_col(x, f"indkb{i}", name, empty=["ul", "暂无信息", "暂无数据"][i % 3]))
        finding(x, "empty", 1, "deduction", "empty_columns", evidence=cols)
        note(x, f"{n} empty list columns", "empty_columns −1, evidence all of them")
        IND_NOTES.append((x.name, f"{n} empty columns", f"空白栏目 {n}: {'veto' if n >= 5 else 'pass'}"))

    # 首页不更新 (14 days): vsb's home 要闻 newest 13 days before, trs's 15 days; hanweb's home is
    # a navigation page, judged by the columns (大田坝镇's 工作动态 of 2020-12-02).
    x = u["dtbz"]
    fresh = ind_doc(f"{x.full_name}召开冬季森林防火工作会议", d(2020, 12, 2, 15))
    x.col("gzdt").docs.append(fresh)
    stale = u["gjmx"].col("indyw").docs[0]
    if family == "vsb":
        HOME_NEWS.extend([("昌宁县政务服务“好差评”工作持续推进", None, lambda: u["gxj"].landing), (fresh.title, fresh.dt, lambda: fresh.path), (stale.title, stale.dt, lambda: stale.path)])
        IND_NOTES.append(("site", "home page 要闻: an undated item first, newest dated 2020-12-02 (13 days)", "首页不更新 pass"))
    elif family == "trs":
        # The undated item links to a landing page (a TRS document's URL carries its date).
        HOME_NEWS.extend([("昌宁县政务服务“好差评”工作持续推进", None, lambda: u["gxj"].landing), (stale.title, stale.dt, lambda: stale.path)])
        IND_NOTES.append(("site", "home page 要闻: an undated item first, newest dated 2020-11-30 (15 days)", "首页不更新 veto"))
    else:
        IND_NOTES.append(("site", "home page is navigation only; the newest first/second-level column item is 2020-12-02", "首页不更新 pass"))

    # 链接可用性 (a deduction indicator): a 专题专栏 block on the home page with a link that opens, one
    # that answers 404, one that answers 503 once (a single retry cures it) and an off-site link
    # to a port nothing listens on. Column pages carry the county's dead links (dead columns and
    # documents, above). link_truth() judges every link of the pages the check reads.
    ext = "htm" if family == "vsb" else "html"
    ok, hdzt = f"/ztzl/index.{ext}", f"/ztzl/hdzt.{ext}"
    gone = f"/ztzl/2019/index.{ext}"
    PLANTED_DEAD.append(gone)
    HOME_LINKS.extend([("专题专栏", ok), ("2019年脱贫攻坚专题", gone), ("政民互动专题", hdzt),
                       ("友情链接：昌宁县融媒体中心", OFF_SITE_DEAD)])
    for path, title in [(ok, "专题专栏"), (hdzt, "政民互动专题")]:
        LINKED_PAGES[path] = head(f"{title}_{SITE_NAME}") + f'<div class="header"><a href="/index.{ext}">{SITE_NAME}</a></div>\n<h2>{title}</h2>\n' + FOOT
    BEHAVIOUR["flaky"].append((lambda: hdzt, 1, False))
    IND_NOTES.append(("site", "home page 专题专栏: a page that opens, a 404, a page answering 503 once, an off-site link to a closed port; column pages link the dead columns and documents",
                      "链接可用性 deduction, every broken link with its pages (ground truth computed from the pages)"))

    # 互动回应差 (messages of the year before the check day answered after more than 90 days).
    def msg(title, sub, rep, status=None):
        MESSAGES.append(dict(unit=u["sfj"], shown="县司法局", title=title, sub=sub, rep=rep, status=status or ("已回复" if rep else "办理中"), hour=True))
        return MESSAGES[-1]

    msg("咨询法律援助申请条件", d(2019, 12, 20, 9), d(2020, 3, 18, 9))
    msg("反映公证收费问题", d(2019, 12, 18, 9), None, "不予受理")
    msg("咨询人民调解协议效力", d(2019, 12, 10, 9), d(2020, 4, 1, 9))
    if family == "vsb":
        msg("咨询社区矫正人员请假规定", d(2019, 12, 20, 10), d(2020, 3, 20, 10))
        IND_NOTES.append(("site", "messages of 2019-12-20 answered after 89 and 91 days; an unanswered 不予受理 one; one of 2019-12-10 (outside the year) after 113 days",
                          "互动回应差 veto (the 91-day message only)"))
    else:
        IND_NOTES.append(("site", "a message of 2019-12-20 answered after 89 days; an unanswered 不予受理 one; one of 2019-12-10 (outside the year) after 113 days",
                          "互动回应差 pass"))


def ind_type(name):
    if any(w in name for w in STATIC_WORDS):
        return "static"
    if any(w in name for w in NOTICE_WORDS):
        return "notice"
    if any(w in name for w in NEWS_WORDS):
        return "news"
    return "regular"


def ind_column_empty(c):
    if c.kind == "list":
        return c.empty is not None or not c.docs
    if c.kind == "article":
        text = strip_tags(c.article or "").strip()
        return text in ("", "暂无内容", "暂无信息", "暂无数据")
    return False


def indicator_truth(units, family):
    """What a correct judge says of the crawled fixture on AS_OF (the column, home and board
    indicators; availability is planted by the test with the server's faults)."""
    day = AS_OF.date()
    from datetime import timedelta

    def older(dt, days):
        return dt is None or dt.date() < day - timedelta(days=days)

    out = {"date": str(day), "units": {}}
    newest_l2 = None
    for unit in units:
        stale, long, empty, unread = [], [], [], []

        def rec(cols, level):
            nonlocal newest_l2
            for c in cols:
                if c.absent:
                    continue
                if c.dead:
                    unread.append(c.path)
                elif c.kind != "parent" and ind_column_empty(c):
                    empty.append(c.path)
                elif c.kind == "list":
                    dated = [dd.dt for dd in c.docs if dd.dt.date() <= day]
                    newest = max(dated) if dated else None
                    if level <= 2 and newest is not None and (newest_l2 is None or newest > newest_l2):
                        newest_l2 = newest
                    t = ind_type(c.name)
                    if t != "static":
                        window = 14 if t == "news" else 183 if (t == "notice" and level == 1) else None
                        if window is not None and older(newest, window):
                            stale.append(c.path)
                        if older(newest, 365):
                            long.append(c.path)
                rec(c.children, level + 1)

        rec(unit.tree, 1)
        veto = len(stale) >= 5 or len(long) >= 10 or len(empty) >= 5
        could = len(stale) + len(unread) >= 5 or len(long) + len(unread) >= 10 or len(empty) + len(unread) >= 5
        verdict = "veto" if veto else "question" if unread and could else "pass"
        out["units"][unit.name] = dict(verdict=verdict, stale=sorted(stale), long_stale=sorted(long), empty=sorted(empty), unread=sorted(unread))
    dated_home = [n for n in HOME_NEWS if n[1] is not None]
    if HOME_NEWS:
        newest = max(n[1] for n in dated_home)
        out["home"] = dict(navigation=False, newest=str(newest.date()), verdict="veto" if older(newest, 14) else "pass")
    else:
        out["home"] = dict(navigation=True, newest=str(newest_l2.date()), verdict="veto" if older(newest_l2, 14) else "pass")
    valid, late = 0, []
    for m in MESSAGES:
        sub = m["sub"].date()
        if not (day - timedelta(days=365) < sub <= day) or any(w in m["status"] for w in ["不予受理", "无效", "重复", "不予公开"]):
            continue
        valid += 1
        until = m["rep"].date() if m["rep"] and m["rep"].date() <= day else day
        if (until - sub).days > 90:
            late.append(m["path"])
    out["interaction"] = dict(verdict="veto" if late else "pass", valid_messages=valid, late=sorted(late))
    return out


class _Hrefs(html.parser.HTMLParser):
    """The hrefs of a page's <a> elements (script bodies are not markup) and its <base href>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs, self.base = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"].strip())
        elif tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"].strip()


def link_truth(files, dead):
    """What a correct link check says of the fixture: every distinct http(s) link of the pages it
    reads (LINK_SOURCES), and the broken ones with the pages carrying them. On the portal a link
    is broken when the server has no page for it (absent or dead: 404) or serves a failing
    download; off the portal only OFF_SITE_DEAD is linked, and it is broken."""
    site = "http://fixture.test"
    # The fixture serves a failing download as a 200 error page (a soft 404), which a check by
    # status cannot see: no page the check reads may carry one, or the truth would not hold.
    aliases = {path for path, _, _ in FILES}
    carried = {}  # link -> [source pages]
    for page in LINK_SOURCES:
        data = files[page]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("gbk")
        p = _Hrefs()
        p.feed(text)
        base = urllib.parse.urljoin(site + page, p.base) if p.base else site + page
        seen = set()
        for href in p.hrefs:
            if href.startswith("#"):
                continue
            url = urllib.parse.urldefrag(urllib.parse.urljoin(base, href))[0]
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or url in seen:
                continue
            seen.add(url)
            carried.setdefault(url, []).append(page)
    broken = []
    for url, pages in carried.items():
        parts = urllib.parse.urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != site:
            assert url == OFF_SITE_DEAD, url
            bad = True
            key = url
        else:
            key = parts.path + (f"?{parts.query}" if parts.query else "")
            assert parts.path != "/system/_content/download.jsp" and key not in aliases, (url, pages)
            bad = key in dead or parts.path not in files
        if bad:
            broken.append(dict(url=key, sources=sorted(pages), on_home=any(pg in LINK_SOURCES[:2] for pg in pages)))
    return dict(pages=len(LINK_SOURCES), links=len(carried), broken=sorted(broken, key=lambda b: b["url"]))


# --------------------------------------------------------------------------------------------
# rendering

def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def head(title, unit=None, pubdate=None, extra=""):
    if unit is not None and unit.gbk:
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' if unit.index % 2 else '<meta charset="gbk">'
    else:
        meta = '<meta charset="utf-8">'
    pd = f'\n<meta name="PubDate" content="{pubdate}">' if pubdate else ""
    return f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{meta}\n<title>{esc(title)}</title>{pd}{extra}\n</head>\n<body>\n'


FOOT = "</body>\n</html>\n"


def tree_html(unit):
    def rec(cols, indent):
        out = []
        for c in cols:
            if c.absent:
                continue
            if c.children:
                out.append(f'{indent}<li class="has-sub"><a href="{c.path}">{c.name}</a>\n{indent}  <ul>')
                out += rec(c.children, indent + "    ")
                out.append(f"{indent}  </ul>\n{indent}</li>")
            else:
                out.append(f'{indent}<li><a href="{c.path}">{c.name}</a></li>')
        return out

    return '<div class="zfxxgk-left">\n  <h2 class="unit-name">' + unit.portal_name + '</h2>\n  <ul class="zfxxgk-tree">\n' + "\n".join(rec(unit.tree, "    ")) + "\n  </ul>\n</div>\n"


def location(unit, col=None):
    s = '<div class="location">当前位置：<a href="/index.htm">首页</a> &gt; <a href="/zfxxgkpt.htm">政府信息公开平台</a> &gt; '
    if col is None:
        return s + unit.portal_name + "</div>\n"
    return s + f'<a href="{unit.landing}">{unit.portal_name}</a> &gt; {col.name}</div>\n'


def list_li(unit, doc):
    title = doc.title
    shown = title[:doc.cut] + "…" if doc.cut else title
    date = ""
    if unit.list_date_fmt:
        date = f'<span class="date">{doc.dt.strftime(unit.list_date_fmt)}</span>'
    return f'    <li><a href="{doc.path}" title="{esc(title)}">{esc(shown)}</a>{date}</li>'


def pager(total, n, k, stem):
    def link(j):
        if k == 1:
            return f"{stem}.htm" if j == 1 else f"{stem}/{n - j + 1}.htm"
        return f"../{stem}.htm" if j == 1 else f"{n - j + 1}.htm"

    parts = ['  <div class="pb_sys_common pb_sys_normal pb_sys_style1">', f'    <span class="p_t">共{total}条</span>', '    <span class="p_pages">']
    if k == 1:
        parts.append('      <span class="p_first_d p_fun_d">首页</span><span class="p_prev_d p_fun_d">上页</span>')
    else:
        parts.append(f'      <span class="p_first p_fun"><a href="{link(1)}">首页</a></span><span class="p_prev p_fun"><a href="{link(k - 1)}">上页</a></span>')
    nums = "".join(f'<span class="p_no_d">{j}</span>' if j == k else f'<span class="p_no"><a href="{link(j)}">{j}</a></span>' for j in range(1, n + 1))
    parts.append("      " + nums)
    if k == n:
        parts.append('      <span class="p_next_d p_fun_d">下页</span><span class="p_last_d p_fun_d">尾页</span>')
    else:
        parts.append(f'      <span class="p_next p_fun"><a href="{link(k + 1)}">下页</a></span><span class="p_last p_fun"><a href="{link(n)}">尾页</a></span>')
    parts += ["    </span>", f'    <span class="p_t">{k}/{n}</span>', "  </div>"]
    return "\n".join(parts) + "\n"


def list_pages(unit, col):
    """Returns [(path, html)] for a list column."""
    if col.empty is not None or not col.docs:
        if col.empty is None or col.empty == "ul":
            body = '  <ul class="news-list"></ul>\n'
        elif col.empty == "暂无信息":
            body = f'  <ul class="news-list"></ul>\n  <div class="no-data">{col.empty}</div>\n'
        else:
            body = f'  <div class="no-data"><p>{col.empty}</p></div>\n'
        html = head(f"{col.name}_{unit.portal_name}", unit) + location(unit, col) + tree_html(unit) + f'<div class="zfxxgk-right">\n  <h2 class="col-title">{col.name}</h2>\n{body}</div>\n' + FOOT
        return [(col.path, html)]
    docs = col.docs
    n = (len(docs) + PAGE_SIZE - 1) // PAGE_SIZE
    stem = col.path.rsplit("/", 1)[1][:-4]
    folder = col.path[:-4]
    out = []
    for k in range(1, n + 1):
        chunk = docs[(k - 1) * PAGE_SIZE:k * PAGE_SIZE]
        lis = "\n".join(list_li(unit, doc) for doc in chunk)
        pg = pager(len(docs), n, k, stem) if n > 1 else ""
        html = head(f"{col.name}_{unit.portal_name}", unit) + location(unit, col) + tree_html(unit) + f'<div class="zfxxgk-right">\n  <h2 class="col-title">{col.name}</h2>\n  <ul class="news-list">\n{lis}\n  </ul>\n{pg}</div>\n' + FOOT
        path = col.path if k == 1 else f"{folder}/{n - k + 1}.htm"
        out.append((path, html))
    return out


def article_page(unit, col):
    dt = col.article_dt
    pubdate = dt.strftime(unit.pubdate_fmt) if dt else None
    upd = f'\n  <div class="update-time">更新日期：{dt.strftime("%Y-%m-%d")}</div>' if dt else ""
    body = col.article or ""
    return head(f"{col.name}_{unit.portal_name}", unit, pubdate) + location(unit, col) + tree_html(unit) + f'<div class="zfxxgk-right">\n  <h2 class="col-title">{col.name}</h2>\n  <div class="v_news_content" id="vsb_content">\n{body}\n  </div>{upd}\n</div>\n' + FOOT


def parent_page(unit, col):
    docs = sorted((dd for c in col.walk() if c is not col for dd in c.docs), key=lambda dd: dd.dt, reverse=True)[:5]
    if col.parent_notice or not docs:
        body = '  <ul class="news-list"></ul>\n  <div class="no-data">暂无信息</div>\n'
    else:
        body = '  <ul class="news-list">\n' + "\n".join(list_li(unit, dd) for dd in docs) + "\n  </ul>\n"
    return head(f"{col.name}_{unit.portal_name}", unit) + location(unit, col) + tree_html(unit) + f'<div class="zfxxgk-right">\n  <h2 class="col-title">{col.name}</h2>\n{body}</div>\n' + FOOT


ATTACH = {}  # wbfileid -> (article path, source or None, label)
_next_fileid = [16738001]
_text_fileid = [16739001]


def detail_page(unit, col, doc, serial):
    meta_fmt = META_DATE_FMTS[serial % 2]
    pub_label = "发布日期" if serial % 3 else "发文日期"
    made_label = "成文日期" if serial % 2 else "生成日期"
    owner = 1744984000 + serial
    atts = []
    for label, src in doc.atts:
        # The text readings' documents count apart, so that other attachments keep their ids.
        counter = _text_fileid if doc.tag == "text" else _next_fileid
        fid = counter[0]
        counter[0] += 1
        ATTACH[fid] = (doc.path, src, label)
        atts.append(f'  <li>附件【<a href="/system/_content/download.jsp?urltype=news.DownloadAttachUrl&amp;owner={owner}&amp;wbfileid={fid}" target="_blank">{esc(label)}</a>】已下载<span id="nattach{fid}">{(fid * 7) % 200}</span>次</li>')
    att_html = ('<ul class="attachments">\n' + "\n".join(atts) + "\n</ul>\n") if atts else ""
    body = doc.body or f"  <p>各有关单位：</p>\n  <p>{esc(doc.title)}，现予公布，请认真贯彻执行。</p>"
    pubdate = doc.dt.strftime(unit.pubdate_fmt)
    extra = f'\n<meta name="ArticleTitle" content="{esc(doc.title)}">\n<meta name="ContentSource" content="{unit.full_name}">'
    # <meta name="PubDate"> goes after ArticleTitle as on the kit's page
    html = head(f"{doc.title}-{unit.portal_name}", unit, None, extra + f'\n<meta name="PubDate" content="{pubdate}">')
    html += f'<div class="location">当前位置：<a href="/index.htm">首页</a> &gt; <a href="{unit.landing}">{unit.portal_name}</a> &gt; <a href="{col.path}">{col.name}</a></div>\n'
    html += '<table class="gk-meta">\n'
    html += f"  <tr><th>索引号</th><td>0152791{unit.index:02d}-{doc.dt.year}-{serial:05d}</td><th>发布机构</th><td>{unit.full_name}</td></tr>\n"
    made = doc.dt.replace(day=max(1, doc.dt.day - 1))
    html += f"  <tr><th>{made_label}</th><td>{made.strftime('%Y年%m月%d日')}</td><th>{pub_label}</th><td>{doc.dt.strftime(meta_fmt)}</td></tr>\n"
    html += f"  <tr><th>文号</th><td>{'' if serial % 4 == 0 else f'昌{unit.code}发〔{doc.dt.year}〕{serial % 90 + 1}号'}</td><th>公开方式</th><td>主动公开</td></tr>\n"
    html += "  <tr><th>主题分类</th><td>综合政务</td><th>有效性</th><td>有效</td></tr>\n</table>\n"
    html += f'<h1 class="article-title">{esc(doc.title)}</h1>\n'
    html += f'<div class="article-info">发布时间：{doc.dt.strftime("%Y-%m-%d %H:%M")}　来源：{unit.full_name}　浏览次数：<span id="dynclicks_wbnews_{serial}">{serial % 300}</span></div>\n'
    html += f'<div class="v_news_content" id="vsb_content">\n{body}\n</div>\n' + att_html + FOOT
    return html


def landing_page(unit):
    docs = sorted((dd for c in unit.cols() for dd in c.docs), key=lambda dd: dd.dt, reverse=True)[:6]
    lis = "\n".join(list_li(unit, dd) for dd in docs)
    return head(f"{unit.portal_name}_政府信息公开", unit) + location(unit) + tree_html(unit) + f'<div class="zfxxgk-right">\n  <ul class="news-list">\n{lis}\n  </ul>\n</div>\n' + FOOT


def home_news():
    """The home page's 要闻 list of the indicators' plant (empty: a navigation page)."""
    if not HOME_NEWS:
        return ""
    lis = "".join(f'    <li><a href="{path()}">{esc(title)}</a>' + (f'<span class="date">{dt:%Y-%m-%d}</span>' if dt else "") + "</li>\n"
                  for title, dt, path in HOME_NEWS)
    return f'<div class="home-news">\n  <h3>要闻</h3>\n  <ul>\n{lis}  </ul>\n</div>\n'


def home_links():
    """The home page's 专题专栏 block of the link-check plant."""
    if not HOME_LINKS:
        return ""
    lis = "".join(f'    <li><a href="{href}">{esc(text)}</a></li>\n' for text, href in HOME_LINKS)
    return f'<div class="home-links">\n  <h3>专题专栏</h3>\n  <ul>\n{lis}  </ul>\n</div>\n'


def home_page(units):
    def ul(us):
        return "\n".join(f'      <li><a href="{x.landing}">{x.portal_name}</a></li>' for x in us)

    town = [x for x in units if x.township]
    dept = [x for x in units if not x.township]
    return (head("政府信息公开平台_昌宁县人民政府") + '<div class="header"><a href="/index.htm">昌宁县人民政府</a></div>\n<div class="gkpt-home">\n  <div class="gkpt-units">\n'
            + f'    <h3>乡镇政府信息公开</h3>\n    <ul class="unit-list">\n{ul(town)}\n    </ul>\n'
            + f'    <h3>部门政府信息公开</h3>\n    <ul class="unit-list">\n{ul(dept)}\n    </ul>\n  </div>\n</div>\n'
            + '<div class="footer">主办：昌宁县人民政府办公室 网站标识码：5305240001</div>\n' + FOOT)


def fmt_time(dt, hour):
    return dt.strftime("%Y-%m-%d %H:%M") if hour else dt.strftime("%Y-%m-%d")


def message_pages():
    msgs = sorted(MESSAGES, key=lambda m: m["sub"], reverse=True)
    counters = {}
    for m in msgs:
        day = m["sub"].strftime("%Y%m%d")
        counters[day] = counters.get(day, 0) + 1
        m["id"] = f"{day}{counters[day]:03d}"
        m["path"] = f"/hdjl/info/{m['id']}.htm"
    out = []
    list_fmts = ["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y/%m/%d"]
    n = (len(msgs) + PAGE_SIZE - 1) // PAGE_SIZE
    for k in range(1, n + 1):
        rows = []
        for i, m in enumerate(msgs[(k - 1) * PAGE_SIZE:k * PAGE_SIZE]):
            rows.append(f'    <tr><td>{m["id"]}</td><td><a href="{m["path"]}">{esc(m["title"])}</a></td><td>{m["shown"]}</td><td>{m["status"]}</td><td>{m["sub"].strftime(list_fmts[i % 3])}</td></tr>')
        html = head("咨询投诉_互动交流_昌宁县人民政府") + '<div class="hdjl-list">\n  <table class="msg-table">\n    <tr><th>编号</th><th>标题</th><th>受理单位</th><th>状态</th><th>日期</th></tr>\n' + "\n".join(rows) + "\n  </table>\n"
        if BOARD["family"] == "vsb":
            html += pager(len(msgs), n, k, "zxts") + "</div>\n" + FOOT
            out.append(("/hdjl/zxts.htm" if k == 1 else f"/hdjl/zxts/{n - k + 1}.htm", html, False))
        else:
            # The board pages like the family's lists (its description has one pager).
            html += board_pager(len(msgs), n, k) + "</div>\n" + FOOT
            out.append((BOARD["home"] if k == 1 else board_page_path(k), html, False))
    for i, m in enumerate(msgs):
        unit = m["unit"]
        gbk = i % 7 == 3
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">' if gbk else '<meta charset="utf-8">'
        html = f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{meta}\n<title>{esc(m["title"])}_咨询投诉</title>\n</head>\n<body>\n<div class="hdjl-detail">\n  <h1>{esc(m["title"])}</h1>\n  <div class="msg-meta">\n'
        html += f'    <span><strong>编号：</strong>{m["id"]}</span>\n    <span><strong>咨询类型：</strong>{"投诉监督" if i % 2 else "咨询"}</span>\n'
        html += f'    <span><strong>提交时间：</strong>{fmt_time(m["sub"], m["hour"])}</span>\n    <span><strong>受理单位：</strong>{m["shown"]}</span>\n'
        html += f'    <span><strong>受理状态：</strong>{m["status"]}</span>\n  </div>\n  <div class="msg-content"><strong>信件内容：</strong>{esc(m["title"])}，请予答复。</div>\n'
        if m["rep"]:
            html += f'  <div class="msg-reply">\n    <span><strong>回复单位：</strong>{unit.full_name}</span>\n    <span><strong>回复时间：</strong>{fmt_time(m["rep"], m["hour"])}</span>\n'
            html += '    <div class="text_detail">您好，您反映的问题已收悉，我单位已安排专人办理。感谢您的监督。</div>\n  </div>\n'
        html += "</div>\n" + FOOT
        out.append((m["path"], html, gbk))
    return out


# --------------------------------------------------------------------------------------------
# other CMS families: the same county in TRS WCM and Hanweb JCMS markup (--family trs|hanweb)

WEBID = 3096
SITE_NAME = "昌宁县人民政府"
FILES = []  # (served path, source or None, label): attachments that are not files of the tree


def board_page_path(k):
    """Page k ≥ 2 of the message board on a TRS (index_1.html …) or Hanweb (index_2.html …) site."""
    return f"/hdjl/index_{k - 1 if BOARD['family'] == 'trs' else k}.html"


def board_pager(total, n, k):
    if BOARD["family"] == "trs":
        return f'  <div class="page" id="page_div"></div>\n  <script type="text/javascript">\n    createPageHTML({n}, {k - 1}, "index", "html");\n  </script>\n'
    links = "".join(f'<a href="{BOARD["home"] if j == 1 else board_page_path(j)}">{j}</a>' if j != k else f"<span>{j}</span>" for j in range(1, n + 1))
    return f'  <div class="pagination">共{total}条 共{n}页 {links}</div>\n'


def ext_of(label):
    return label.rsplit(".", 1)[1].lower()


def rel(from_dir, path):
    return "./" + posixpath.relpath(path, from_dir)


def shown_title(doc):
    return doc.title[:doc.cut] + "…" if doc.cut else doc.title


def assign_paths_family(units, family):
    colid = 1001
    serial = 9230001
    last, latest, latest_cols = [], [], []
    for unit in units:
        i = unit.index
        if family == "trs":
            # Old sites write createPageHTML(count, current0, "index", "html"), newer ones
            # createPageHTML('page_div', count, current1, 'fg', 'shtml', records).
            unit.page_name, unit.page_ext = ("fg", "shtml") if i % 4 in (1, 2) else ("index", "html")
            unit.rows_dl = i % 3 == 1  # pingtan <dl><dd><a/></dd><dd>date</dd></dl> rows
            unit.meta_box = i % 2 == 1  # pingtan div.index_box list, else a th/td table
            unit.editor_unquoted = i % 5 == 2  # <div class=TRS_Editor>
            unit.landing = f"/zwgk/{unit.code}/index.html"
        else:
            unit.embedded = i % 4 in (1, 2)  # first group in the page, later groups by POST
            unit.per_page, unit.group_size = [(5, 2), (15, 3), (10, 1), (20, 3)][i % 4]
            unit.unitid = 4735200 + i
            unit.downfile = i % 2 == 0  # downfile.jsp?classid=0&filename=…, else /picture/0/…
            unit.landing = f"/col/col{1227100 + i}/index.html"

        def rec(cols, prefix):
            nonlocal colid
            for c in cols:
                if c.code in LATEST_COLS:
                    latest_cols.append((unit, c, prefix))  # leaves, numbered after all others
                    continue
                c.colid = colid
                colid += 1
                fam_place(family, unit, c, prefix)
                rec(c.children, c.dir if family == "trs" else prefix)

        rec(unit.tree, f"/zwgk/{unit.code}")
    for unit, c, prefix in latest_cols:
        c.colid = colid
        colid += 1
        fam_place(family, unit, c, prefix)
    for unit in units:
        for c in unit.cols():
            if not c.keep_order:
                c.docs.sort(key=lambda dd: dd.dt, reverse=True)
            for doc in c.docs:
                doc.col = c
                if doc.tag == "ind" or c.code in LATEST_COLS:
                    latest.append(doc)
                    continue
                if doc.tag == "text":
                    last.append(doc)
                    continue
                serial = fam_doc_path(family, doc, serial)
    # Documents of the text readings (items 4 / 4, 27 / 26, bonus 3) last, then those of the
    # indicators (issue 15): other paths stay.
    for doc in last + latest:
        serial = fam_doc_path(family, doc, serial)


def fam_place(family, unit, c, prefix):
    if family == "trs":
        c.dir = f"{prefix}/{c.code}"
        c.path = f"{c.dir}/{unit.page_name}.{unit.page_ext}"
    else:
        c.hid = 1228000 + c.colid
        c.dir = f"/col/col{c.hid}"
        c.path = f"{c.dir}/index.html"


def fam_doc_path(family, doc, serial):
    c, dt = doc.col, doc.dt
    if family == "trs":
        doc.path = f"{c.dir}/{dt:%Y%m}/t{dt:%Y%m%d}_{serial}.html"
    else:
        doc.path = f"/art/{dt.year}/{dt.month}/{dt.day}/art_{c.hid}_{serial}.html"
    doc.serial = serial
    return serial + 1


def fam_tree(unit, cls):
    def rec(cols, indent):
        out = []
        for c in cols:
            if c.absent:
                continue
            if c.children:
                out.append(f'{indent}<li class="has-sub"><a href="{c.path}">{c.name}</a>\n{indent}  <ul>')
                out += rec(c.children, indent + "    ")
                out.append(f"{indent}  </ul>\n{indent}</li>")
            else:
                out.append(f'{indent}<li><a href="{c.path}">{c.name}</a></li>')
        return out

    return f'<div class="{cls}">\n  <h2 class="unit-name">{unit.portal_name}</h2>\n  <ul>\n' + "\n".join(rec(unit.tree, "    ")) + "\n  </ul>\n</div>\n"


def fam_location(family, unit, col=None):
    home = "/zwgk/index.html" if family == "trs" else HANWEB_HOME
    s = f'<div class="location">当前位置：<a href="/index.html">首页</a> &gt; <a href="{home}">政府信息公开</a> &gt; '
    if col is None:
        return s + unit.portal_name + "</div>\n"
    return s + f'<a href="{unit.landing}">{unit.portal_name}</a> &gt; {col.name}</div>\n'


def fam_page(family, unit, title, main, col=None, pubdate=None):
    tree = fam_tree(unit, "lmlist" if family == "trs" else "xxgk-tree")
    return head(title, unit, pubdate) + fam_location(family, unit, col) + tree + f'<div class="xxgk-main">\n{main}</div>\n' + FOOT


def list_date(unit, doc):
    return doc.dt.strftime(unit.list_date_fmt) if unit.list_date_fmt else None


def trs_row(unit, doc, from_dir):
    href, date = rel(from_dir, doc.path), list_date(unit, doc)
    a = f'<a href="{href}" title="{esc(doc.title)}" target="_blank">{esc(shown_title(doc))}</a>'
    if unit.rows_dl:
        return f"    <dl><dd>{a}</dd>" + (f"<dd>{date}</dd>" if date else "") + "</dl>"
    return f"    <li>{a}" + (f"<span>{date}</span>" if date else "") + "</li>"


def trs_list(unit, rows):
    if unit.rows_dl:
        return '  <div class="xxgk-list">\n' + "".join(r + "\n" for r in rows) + "  </div>\n"
    return '  <div class="xxgk-list">\n  <ul>\n' + "".join(r + "\n" for r in rows) + "  </ul>\n  </div>\n"


def trs_pager(unit, n, k, records):
    if unit.page_name == "fg":
        call = f"createPageHTML('page_div', {n}, {k}, '{unit.page_name}', '{unit.page_ext}', {records});"
    else:
        call = f'createPageHTML({n}, {k - 1}, "{unit.page_name}", "{unit.page_ext}");'
    return f'  <div class="page" id="page_div"></div>\n  <script type="text/javascript">\n    {call}\n  </script>\n'


def trs_list_pages(unit, col):
    title = f"{col.name}_{unit.portal_name}"
    head_ = f'  <h2 class="col-title">{col.name}</h2>\n'
    if col.empty is not None or not col.docs:
        if col.empty is None or col.empty == "ul":
            body = trs_list(unit, []) + trs_pager(unit, 1, 1, 0)
        elif col.empty == "暂无信息":
            body = trs_list(unit, []) + f'  <div class="no-data">{col.empty}</div>\n'
        else:
            body = f'  <div class="no-data"><p>{col.empty}</p></div>\n'
        return [(col.path, fam_page("trs", unit, title, head_ + body, col))]
    docs = col.docs
    n = (len(docs) + PAGE_SIZE - 1) // PAGE_SIZE
    out = []
    for k in range(1, n + 1):
        rows = [trs_row(unit, doc, col.dir) for doc in docs[(k - 1) * PAGE_SIZE:k * PAGE_SIZE]]
        path = col.path if k == 1 else f"{col.dir}/{unit.page_name}_{k - 1}.{unit.page_ext}"
        out.append((path, fam_page("trs", unit, title, head_ + trs_list(unit, rows) + trs_pager(unit, n, k, len(docs)), col)))
    return out


def fam_article(family, unit, col):
    dt = col.article_dt
    pubdate = dt.strftime(unit.pubdate_fmt) if dt else None
    upd = f'\n  <div class="update-time">更新日期：{dt.strftime("%Y-%m-%d")}</div>' if dt else ""
    body = col.article or ""
    if family == "trs":
        box = "<div class=TRS_Editor>" if unit.editor_unquoted else '<div class="TRS_Editor">'
    else:
        box = '<div id="zoom">'
    main = f'  <h2 class="col-title">{col.name}</h2>\n  {box}\n{body}\n  </div>{upd}\n'
    return fam_page(family, unit, f"{col.name}_{unit.portal_name}", main, col, pubdate)


def fam_parent(family, unit, col):
    docs = sorted((dd for c in col.walk() if c is not col for dd in c.docs), key=lambda dd: dd.dt, reverse=True)[:5]
    links = "".join(f'    <li><a href="{c.path}">{c.name}</a></li>\n' for c in col.children)
    main = f'  <h2 class="col-title">{col.name}</h2>\n  <ul class="sub-columns">\n{links}  </ul>\n'
    if col.parent_notice or not docs:
        main += '  <div class="no-data">暂无信息</div>\n'
    else:
        main += '  <ul class="recent">\n' + "".join(f'    <li><a href="{dd.path}" title="{esc(dd.title)}">{esc(shown_title(dd))}</a></li>\n' for dd in docs) + "  </ul>\n"
    return fam_page(family, unit, f"{col.name}_{unit.portal_name}", main, col)


def fam_attachment(family, unit, doc, label, src, fid):
    ext = ext_of(label)
    if family == "trs":
        name = f"P0{doc.dt:%Y%m%d}{fid}{fid % 97:02d}.{ext}"
        path = posixpath.join(posixpath.dirname(doc.path), name)
        href = "./" + name
    else:
        digest = hashlib.md5(f"{fid}".encode()).hexdigest()
        name = f"{doc.dt:%Y%m%d}{digest[:12]}.{ext}"
        if unit.downfile:
            path = href = f"/module/download/downfile.jsp?classid=0&filename={name}"
            href = href.replace("&", "&amp;")
        else:
            path = href = f"/picture/0/{name}"
    FILES.append((path, src, label))
    return f'<a href="{href}" target="_blank">{esc(label)}</a>'


_next_fid = [16738001]
_text_fid = [16739001]


def fam_detail(family, unit, col, doc, serial):
    meta_date = META_DATE_FMTS[serial % 2]
    made = doc.dt.replace(day=max(1, doc.dt.day - 1))
    index_no = f"0152791{unit.index:02d}-{doc.dt.year}-{serial:05d}"
    wenhao = "" if serial % 4 == 0 else f"昌{unit.code}发〔{doc.dt.year}〕{serial % 90 + 1}号"
    atts = []
    for label, src in doc.atts:
        counter = _text_fid if doc.tag == "text" else _next_fid
        fid = counter[0]
        counter[0] += 1
        atts.append(fam_attachment(family, unit, doc, label, src, fid))
    body = doc.body or f"  <p>各有关单位：</p>\n  <p>{esc(doc.title)}，现予公布，请认真贯彻执行。</p>"
    pubdate = doc.dt.strftime(unit.pubdate_fmt)
    extra = f'\n<meta name="ArticleTitle" content="{esc(doc.title)}">\n<meta name="ContentSource" content="{unit.full_name}">\n<meta name="PubDate" content="{pubdate}">'
    html = head(f"{doc.title}-{unit.portal_name}", unit, None, extra)
    html += f'<div class="location">当前位置：<a href="/index.html">首页</a> &gt; <a href="{unit.landing}">{unit.portal_name}</a> &gt; <a href="{col.path}">{col.name}</a></div>\n'
    fields = [("索引号", index_no), ("发布机构", unit.full_name), ("生成日期", made.strftime("%Y年%m月%d日")),
              ("发布日期", doc.dt.strftime(meta_date)), ("文号", wenhao), ("公开方式", "主动公开")]
    if family == "trs" and unit.meta_box:
        pad = {"索引号": "索&ensp;引&ensp;号", "文号": "文&ensp;&ensp;&ensp;&ensp;号"}
        html += '<div class="index_box">\n  <ul class="trt-row">\n'
        html += "".join(f"    <li>{pad.get(k, k)}：<font>{v}</font></li>\n" for k, v in fields) + "  </ul>\n</div>\n"
    elif family == "trs":
        html += '<table class="xxgk-meta">\n'
        for j in range(0, len(fields), 2):
            (k1, v1), (k2, v2) = fields[j], fields[j + 1]
            html += f"  <tr><th>{k1}</th><td>{v1}</td><th>{k2}</th><td>{v2}</td></tr>\n"
        html += "</table>\n"
    else:
        html += '<table class="xxgk-info">\n'
        for j in range(0, len(fields), 2):
            (k1, v1), (k2, v2) = fields[j], fields[j + 1]
            html += f'  <tr><td class="t">{k1}：</td><td>{v1}</td><td class="t">{k2}：</td><td>{v2}</td></tr>\n'
        html += "</table>\n"
    html += f'<div class="article">\n<h1>{esc(doc.title)}</h1>\n'
    html += f'<div class="info">发布时间：{doc.dt.strftime("%Y-%m-%d %H:%M")}　信息来源：{unit.full_name}</div>\n'
    if family == "trs":
        box = "<div class=TRS_Editor>" if unit.editor_unquoted else '<div class="TRS_Editor">'
    else:
        box = '<div id="zoom">'
    html += f"{box}\n{body}\n</div>\n"
    if atts:
        html += '<div class="fj">\n  <p>附件：</p>\n  <ul>\n' + "".join(f"    <li>{a}</li>\n" for a in atts) + "  </ul>\n</div>\n"
    return html + "</div>\n" + FOOT


HANWEB_HOME = "/col/col1227000/index.html"
JPAGE = []  # {columnid, webid, unitid, records}


def hanweb_record(unit, doc):
    date = list_date(unit, doc)
    tag = "b" if unit.index % 3 == 2 else "span"
    a = f'<a href="{doc.path}" title="{esc(doc.title)}" target="_blank">{esc(shown_title(doc))}</a>'
    return f"<li>{a}" + (f"<{tag}>{date}</{tag}>" if date else "") + "</li>"


def hanweb_list_page(unit, col):
    title = f"{col.name}_{unit.portal_name}"
    head_ = f'  <h2 class="col-title">{col.name}</h2>\n'
    if col.empty not in (None, "ul", "暂无信息"):
        # A column the template shows as "under construction": no list script at all.
        return fam_page("hanweb", unit, title, head_ + f'  <div class="no-data"><p>{col.empty}</p></div>\n', col)
    records = [hanweb_record(unit, doc) for doc in col.docs]
    JPAGE.append(dict(columnid=col.hid, webid=WEBID, unitid=unit.unitid, records=records))
    div = unit.unitid % 10000
    per, group, total = unit.per_page, unit.group_size, len(records)
    webname_q = urllib.parse.quote(SITE_NAME)
    if unit.embedded:
        first = records[:per * group]
        nextgroup = (f'<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid={WEBID}&path=/&columnid={col.hid}'
                     f'&unitid={unit.unitid}&webname={webname_q}&permissiontype=0"></a>')
        store = ("<datastore><nextgroup><![CDATA[" + nextgroup + "]]></nextgroup><recordset>"
                 + "".join(f"\n<record><![CDATA[{r}]]></record>" for r in first) + "</recordset></datastore>")
        inner = f'<script type="text/xml">{store}</script>'
        script = (f"$(function(){{ $('#{div}').jpage({{ dataStore: dataStore, totalRecord: {total}, perPage: {per}, groupSize: {group}, "
                  f"barPosition: 'bottom', dataBefore: '<ul class=\"list\">', dataAfter: '</ul>' }}); }});")
    else:
        inner = ""
        script = (f"$(function(){{ $('#{div}').jpage({{ proxyUrl: '/module/web/jpage/dataproxy.jsp', perPage: {per}, groupSize: {group}, totalRecord: {total},\n"
                  f"  ajaxParam: {{ col: 1, appid: 1, webid: {WEBID}, path: '/', columnid: {col.hid}, sourceContentType: 1, unitid: {unit.unitid}, webname: '{SITE_NAME}', permissiontype: 0 }} }}); }});")
    body = f'  <div class="xxgk-list">\n    <div id="{div}">{inner}</div>\n  </div>\n'
    body += '  <script type="text/javascript" src="/module/web/jpage/jpage.js"></script>\n'
    body += f'  <script type="text/javascript">\n  {script}\n  </script>\n'
    if col.empty == "暂无信息":
        body += '  <div class="no-data">暂无信息</div>\n'
    return fam_page("hanweb", unit, title, head_ + body, col)


def fam_landing(family, unit):
    docs = sorted((dd for c in unit.cols() for dd in c.docs), key=lambda dd: dd.dt, reverse=True)[:6]
    base = posixpath.dirname(unit.landing)
    lis = "".join(f'    <li><a href="{rel(base, dd.path) if family == "trs" else dd.path}" title="{esc(dd.title)}">{esc(shown_title(dd))}</a></li>\n' for dd in docs)
    return fam_page(family, unit, f"{unit.portal_name}_政府信息公开", f'  <ul class="recent">\n{lis}  </ul>\n')


def fam_home(family, units):
    cls = "bmlist" if family == "trs" else "unit-list"

    def ul(us):
        return "\n".join(f'      <li><a href="{x.landing}" target="_blank">{x.portal_name}</a></li>' for x in us)

    town = [x for x in units if x.township]
    dept = [x for x in units if not x.township]
    return (head(f"政府信息公开_{SITE_NAME}") + f'<div class="header"><a href="/index.html">{SITE_NAME}</a></div>\n<div class="xxgk-home">\n'
            + f'  <h3>乡镇政府信息公开</h3>\n  <div class="{cls}">\n    <ul>\n{ul(town)}\n    </ul>\n  </div>\n'
            + f'  <h3>部门政府信息公开</h3>\n  <div class="{cls}">\n    <ul>\n{ul(dept)}\n    </ul>\n  </div>\n</div>\n'
            + '<div class="footer">主办：昌宁县人民政府办公室 网站标识码：5305240001</div>\n' + FOOT)


def build_family(units, family):
    """Returns (files, no_charset, dead) of the county in the family's markup."""
    assign_paths_family(units, family)
    files, no_charset, dead = {}, [], []

    def put(path, html, unit=None, gbk=False):
        gbk = gbk or (unit is not None and unit.gbk)
        files[path] = html.encode("gbk") if gbk else html.encode("utf-8")
        if gbk or (unit is not None and unit.no_charset_header):
            no_charset.append(path)

    home = "/zwgk/index.html" if family == "trs" else HANWEB_HOME
    files[home] = fam_home(family, units).encode("utf-8")
    files["/index.html"] = (head(SITE_NAME) + f'<div class="header"><a href="/index.html">{SITE_NAME}</a></div>\n<ul class="nav">\n  <li><a href="{home}">政府信息公开</a></li>\n  <li><a href="{BOARD["home"]}">咨询投诉</a></li>\n</ul>\n' + home_news() + home_links() + FOOT).encode("utf-8")
    files.update({p: h.encode("utf-8") for p, h in LINKED_PAGES.items()})
    dead.extend(PLANTED_DEAD)
    LINK_SOURCES.extend(["/index.html", home])
    for unit in units:
        put(unit.landing, fam_landing(family, unit), unit)
        for c in unit.cols():
            if c.dead:
                dead.append(c.path)
                continue
            if c.kind != "parent":  # the crawl reads a parent column's children, not its page
                LINK_SOURCES.append(c.path)
            if c.kind == "parent":
                put(c.path, fam_parent(family, unit, c), unit)
            elif c.kind == "article":
                put(c.path, fam_article(family, unit, c), unit)
            elif family == "trs":
                for path, html in trs_list_pages(unit, c):
                    put(path, html, unit)
            else:
                put(c.path, hanweb_list_page(unit, c), unit)
            for doc in c.docs:
                if doc.dead:
                    dead.append(doc.path)
                    continue
                put(doc.path, fam_detail(family, unit, c, doc, doc.serial), unit)
    for path, html, gbk in message_pages():
        put(path, html, None, gbk)
    return files, no_charset, dead


# --------------------------------------------------------------------------------------------
# main


# Columns and documents added for the `documents` items (issue 13): numbered after all the
# others, so that the paths of the earlier fixture (named by tests) stay as they were.
NEW_COLS = {"jyta", "qzqd", "ggfw", "bzml"}


def assign_paths(units):
    colid = 1001
    serial = 9230001
    later = []  # (unit, column or document)
    last = []  # documents of the text readings (items 4 / 4, 27 / 26, bonus 3), numbered last
    latest = []  # columns and documents of the indicators (issue 15), after those
    for unit in units:
        unit.landing = f"/bmym/{unit.code}/zfxxgkpt.htm"

        def rec(cols, prefix):
            nonlocal colid
            for c in cols:
                c.path = f"{prefix}/{c.code}.htm"
                if c.code in LATEST_COLS:
                    latest.append(c)
                elif c.code in NEW_COLS:
                    later.append(c)
                else:
                    c.colid = colid
                    colid += 1
                rec(c.children, f"{prefix}/{c.code}")

        rec(unit.tree, f"/bmym/{unit.code}/zfxxgkpt")
        for c in unit.cols():
            if not c.keep_order:
                c.docs.sort(key=lambda dd: dd.dt, reverse=True)
            for doc in c.docs:
                doc.col = c
                if doc.tag == "ind" or c.code in LATEST_COLS:
                    latest.append(doc)
                    continue
                if doc.tag == "text":
                    last.append(doc)
                    continue
                if c.code in NEW_COLS or doc.tag is not None:
                    later.append(doc)
                    continue
                doc.path = f"/info/{c.colid}/{serial}.htm"
                doc.serial = serial
                serial += 1
    for x in later + latest:
        if isinstance(x, Col):
            x.colid = colid
            colid += 1
    for x in later + last + latest:
        if isinstance(x, Doc):
            x.path = f"/info/{x.col.colid}/{serial}.htm"
            x.serial = serial
            serial += 1


def zip_bytes(name, inner):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for fname, text in inner:
            info = zipfile.ZipInfo(fname, date_time=(2020, 1, 1, 0, 0, 0))
            z.writestr(info, text)
    return buf.getvalue()


def toml_str(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    parser = argparse.ArgumentParser(description="Generates a fixture county portal of one CMS family.")
    parser.add_argument("--family", choices=["vsb", "trs", "hanweb"], default="vsb",
                        help="vsb: fixtures/portal (default); trs: fixtures/portal-trs; hanweb: fixtures/portal-hanweb")
    family = parser.parse_args().family
    out = OUT if family == "vsb" else ROOT / "fixtures" / f"portal-{family}"
    BOARD["family"] = family
    BOARD["home"] = "/hdjl/zxts.htm" if family == "vsb" else "/hdjl/index.html"
    truth = ROOT / "fixtures" / ("ground-truth.json" if family == "vsb" else f"ground-truth-{family}.json")

    units = [Unit(conf, i) for i, conf in enumerate(UNITS)]
    for unit in units:
        default_unit(unit)
    plant(units)
    plant_indicators(units, family)
    for unit in units:
        part_finding(unit, "信息发布量", "publication_count")

    if family == "vsb":
        files, no_charset, dead = build_vsb(units)
    else:
        files, no_charset, dead = build_family(units, family)

    if out.exists():
        shutil.rmtree(out)
    for path, data in files.items():
        p = out / path.lstrip("/")
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    (out / "_attach").mkdir(parents=True, exist_ok=True)
    (out / DOCX).write_bytes(zip_bytes("docx", [("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>")]))
    (out / XLSX).write_bytes(zip_bytes("xlsx", [("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")]))

    # behaviour file
    b = ["# Server behaviour of the fixture portal (generated by scripts/gen-fixture.py; do not edit).", ""]
    b.append('last_modified = "Tue, 15 Dec 2020 08:00:00 GMT"')
    if JPAGE:
        b.append("# The lists of the jpage data proxy (POST /module/web/jpage/dataproxy.jsp), per column.")
        b.append('jpage = "_jpage.json"')
    b.append("# Pages served as text/html without a charset (GBK pages and some UTF-8 ones).")
    b.append("no_charset = [\n" + "".join(f"  {toml_str(p)},\n" for p in no_charset) + "]")
    b.append("# Linked from the county but absent on purpose (404).")
    b.append("dead = [" + ", ".join(toml_str(p) for p in dead) + "]")
    b.append("")
    for fn, fails, retry_after in BEHAVIOUR["flaky"]:
        b.append(f"[[flaky]]\npath = {toml_str(fn())}\nfailures = {fails}\nretry_after = {'true' if retry_after else 'false'}\n")
    for fn, ms in BEHAVIOUR["slow"]:
        b.append(f"[[slow]]\npath = {toml_str(fn())}\ndelay_ms = {ms}\n")
    for fid in sorted(ATTACH):
        article, src, label = ATTACH[fid]
        b.append(f"[[downloads]]\nwbfileid = {fid}\narticle = {toml_str(article)}\nname = {toml_str(label)}")
        b.append(f"file = {toml_str(src)}\n" if src else "fail = true\n")
    for path, src, label in FILES:
        b.append(f"[[files]]\npath = {toml_str(path)}\nname = {toml_str(label)}")
        b.append(f"file = {toml_str(src)}\n" if src else "fail = true\n")
    (out / "_behaviour.toml").write_text("\n".join(b), "utf-8")
    if JPAGE:
        (out / "_jpage.json").write_text(json.dumps(JPAGE, ensure_ascii=False, indent=1) + "\n", "utf-8")

    # ground truth
    def keyof(o):
        if o is None:
            return ""
        if isinstance(o, str):
            return o
        return o["path"] if isinstance(o, dict) else o.path

    gt = []
    for f in FINDINGS:
        unit = f["unit"]
        row = dict(unit=unit.name, table=unit.table, section=f["section"], item=f["item"], points=f["points"],
                   kind=f["kind"], reason=f["reason"], key=keyof(f["key"]))
        if f["evidence"]:
            row["evidence_urls"] = [keyof(e) for e in f["evidence"]]
        elif f["key"] is not None and not isinstance(f["key"], str):
            row["evidence_urls"] = [keyof(f["key"])]
        gt.append(row)
    truth.write_text(json.dumps(gt, ensure_ascii=False, indent=2) + "\n", "utf-8")
    ind = ROOT / "fixtures" / ("indicators-truth.json" if family == "vsb" else f"indicators-truth-{family}.json")
    ind_truth = indicator_truth(units, family)
    ind_truth["links"] = link_truth(files, set(dead))
    ind.write_text(json.dumps(ind_truth, ensure_ascii=False, indent=1) + "\n", "utf-8")

    if family == "vsb":
        write_readme(units, files, gt)
    attachments = len(ATTACH) + len(FILES)
    print(f"{family}: {len(files)} pages, {attachments} attachments, {len(gt)} expected findings")


def build_vsb(units):
    """Returns (files, no_charset, dead) of the county in 博达 VSB markup."""
    assign_paths(units)
    files = {}  # path -> bytes
    no_charset = []
    dead = []

    def put(path, html, unit=None, gbk=False):
        gbk = gbk or (unit is not None and unit.gbk)
        files[path] = html.encode("gbk") if gbk else html.encode("utf-8")
        if gbk or (unit is not None and unit.no_charset_header):
            no_charset.append(path)

    files["/zfxxgkpt.htm"] = home_page(units).encode("utf-8")
    files["/index.htm"] = (head("昌宁县人民政府") + '<div class="header"><a href="/index.htm">昌宁县人民政府</a></div>\n<ul class="nav">\n  <li><a href="/zfxxgkpt.htm">政府信息公开平台</a></li>\n  <li><a href="/hdjl/zxts.htm">咨询投诉</a></li>\n</ul>\n' + home_news() + home_links() + FOOT).encode("utf-8")
    files.update({p: h.encode("utf-8") for p, h in LINKED_PAGES.items()})
    dead.extend(PLANTED_DEAD)
    LINK_SOURCES.extend(["/index.htm", "/zfxxgkpt.htm"])
    for unit in units:
        put(unit.landing, landing_page(unit), unit)
        for c in unit.cols():
            if c.dead:
                dead.append(c.path)
                continue
            if c.kind != "parent":  # the crawl reads a parent column's children, not its page
                LINK_SOURCES.append(c.path)
            if c.kind == "parent":
                put(c.path, parent_page(unit, c), unit)
            elif c.kind == "article":
                put(c.path, article_page(unit, c), unit)
            else:
                for path, html in list_pages(unit, c):
                    put(path, html, unit)
            for doc in c.docs:
                if doc.dead:
                    dead.append(doc.path)
                    continue
                put(doc.path, detail_page(unit, c, doc, doc.serial), unit)
    for path, html, gbk in message_pages():
        put(path, html, None, gbk)
    return files, no_charset, dead


def write_readme(units, files, gt):
    counts = {}
    for row in gt:
        counts[row["reason"]] = counts.get(row["reason"], 0) + 1
    lines = [
        "# The fixture county portal",
        "",
        "`portal/` is a small 博达 VSB county portal (49 units of `../selectors/fixture.toml`) with planted",
        "violations and near-misses. It is generated by `scripts/gen-fixture.py` (deterministic; run it",
        "from the repository root and commit the output) and served by `gongkai::fixture::FixtureServer`,",
        "whose behaviour (GBK pages without a charset header, the download script's Referer rule, 503s",
        "that a retry cures, slow pages, dead links) comes from `portal/_behaviour.toml`.",
        "",
        f"- {len(files)} HTML pages, {len(ATTACH)} attachments (PDFs in `pdfs/`, copied from the portal kit).",
        "- `ground-truth.json`: every finding a correct run (assessment year 2020, as-of 2020-12-15) drafts.",
        "  `key` is \"\" for one-per-unit findings, the document path for per-document ones and the",
        "  column path for `column_unreachable`, the part's name for the `documents` items (2020: 2, 3, 4,",
        "  5, 9 / 8, 11 / 10, 12 / 11, 14, 15 / 13, 16 / 14, 19–22 / 18–21, 25 / 24, 27 / 26), the document",
        "  path for the bonus 3 `document_bonus` suggestions; `evidence_urls` must appear among the",
        "  finding's evidence.",
        "- `documents` items: every unit gets the `publication_count` question (信息发布量, 0 points; its",
        "  detail is not compared). A clean unit publishes what every part wants: in 工作动态 the",
        "  政务公开 meeting, the year's 工作要点, the previous year's 落实情况 and one news per topic",
        "  (疫情防控, 六稳六保, 行政执法三项制度, 政府采购, 重大建设项目, 救助); a 六稳六保 解读; the",
        "  建议提案办理 column; 权责清单, 公共服务事项清单 and 政务公开事项标准目录 columns; a 政府信息公开制度",
        "  page naming the six systems of item 4 / 4 and a 依申请公开 page stating its 办理流程 (27 / 26,",
        "  read in their text). The generator cross-checks each planted miss against the rubric's word",
        "  lists (`missing(...)`, and `text_found(...)` for the parts that read text).",
        "- Item 7 cap: 统计局's guide lacks all 11 elements (5.5) and is outdated (1); the expected item-7",
        "  total is 5, recorded as one `guide_elements_missing` of 5 and no `guide_outdated`. A checker",
        "  that caps differently should be compared on the unit's item-7 sum.",
        "- `/bad/…` paths (not linked from the county) are served by the server itself for crawler tests:",
        "  `endless.htm` (streams forever), `huge.htm` (60 MiB, chunked), `loop1.htm` ⇄ `loop2.htm` (302),",
        "  `storm.htm` (always 503), `broken.htm` (unclosed tags, invalid bytes), `reset` (connection closed",
        "  with RST before any answer).",
        "- Guide elements are judged on the article body (`#vsb_content`) only: every page also carries the",
        "  column tree, whose 依申请公开 column name would otherwise count as an element.",
        "- `column_unreachable` is filed under the empty-columns item (13 / 12).",
        "",
        "Server API (`gongkai::fixture`): `FixtureServer::start(&root).await` (127.0.0.1:0), `base_url()`,",
        "`requests()` (method, path+query, referer, user-agent, if-none-match, if-modified-since, status,",
        "bytes, instant), `set_file(path, bytes)` / `remove_file(path)` (run-time overlay; removal answers",
        "404), `stop().await` or drop.",
        "",
        "Expected findings per reason: " + ", ".join(f"`{k}` {v}" for k, v in sorted(counts.items())) + ".",
        "",
        "| unit | planted | expected |",
        "|---|---|---|",
    ]
    for name, planted, expected in NOTES:
        lines.append(f"| {name} | {planted} | {expected} |")
    lines.append("")
    lines.append("Every other unit is clean: complete guide of 2020, budget/决算/三公/绩效 of the year, no empty")
    lines.append("column, marked policy PDFs, replies within 3 days, every `documents` part published (only the")
    lines.append("信息发布量 question).")
    (ROOT / "fixtures" / "README.md").write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main()
