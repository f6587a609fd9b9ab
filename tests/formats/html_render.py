#!/usr/bin/env python3
"""html_render.py — checks what tests/formats/html_render.sh rendered.

  html_render.py canary DOM NETLOG
      the canary page: its script must not have run (JavaScript is off)
      and its <img> request must show in the net log (the net-log check
      sees page requests, so "no request" below means something)
  html_render.py report SOURCE DOM PNG WIDTH HEIGHT NETLOG...
      the report: the page Chromium built (DOM) has the sections, four
      SVG charts, one article per host, every finding with evidence
      and references, the findings grouped by check (worst first,
      informational apart, the by-check chart in the same order), the
      parameters; neither SOURCE nor DOM loads or
      runs anything; the net log has no request from the page; the PNG
      is a real screenshot (size, colours, the verdict banner and the
      severity colours of the chart painted)

Prints one line per problem and exits 1 if there is any.
"""
import html.parser
import json
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import png  # noqa: E402  (tests/formats/png.py)

problems = []


def problem(msg):
    problems.append(msg)


def expect(cond, msg):
    if not cond:
        problem(msg)
    return cond


# ---- DOM -----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
# elements that load or run something; none belongs in the report
FORBIDDEN = {"script", "iframe", "frame", "object", "embed", "applet", "link",
             "img", "image", "picture", "source", "video", "audio", "track",
             "base", "form", "portal", "foreignobject", "feimage"}
URL_ATTRS = {"src", "srcset", "poster", "data", "action", "formaction",
             "background", "codebase", "cite", "ping", "manifest"}


class Node:
    __slots__ = ("tag", "attrs", "children", "parent", "text")

    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children, self.text = [], []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find_all(self, tag=None, cls=None, id_=None):
        return [n for n in self.walk()
                if (tag is None or n.tag == tag)
                and (cls is None or cls in n.classes())
                and (id_ is None or n.attrs.get("id") == id_)]

    def find(self, **kw):
        r = self.find_all(**kw)
        return r[0] if r else None

    def all_text(self):
        return "".join(t for n in self.walk() for t in n.text)


class Tree(html.parser.HTMLParser):
    """A forgiving tree builder (the DOM Chromium dumps is well formed),
    which also collects everything that could load or run something."""

    def __init__(self, what):
        super().__init__(convert_charrefs=True)
        self.what = what
        self.root = Node("#root", {}, None)
        self.cur = self.root
        self.ids = {}
        self.loads = []     # (what, detail): forbidden
        self.anchors = []   # external <a href>: allowed, listed
        self.styles = []

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        a = {k.lower(): (v or "") for k, v in attrs}
        node = Node(tag, a, self.cur)
        self.cur.children.append(node)
        if "id" in a:
            self.ids[a["id"]] = self.ids.get(a["id"], 0) + 1
        if tag in FORBIDDEN:
            self.loads.append(f"<{tag}> element")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.loads.append("<meta http-equiv=refresh>")
        for k, v in a.items():
            if k.startswith("on"):
                self.loads.append(f"event handler {k}= on <{tag}>")
            if k in URL_ATTRS and v.strip():
                self.loads.append(f"<{tag} {k}={v[:80]!r}>")
            if k in ("href", "xlink:href"):
                v = v.strip()
                if v.lower().startswith("javascript:"):
                    self.loads.append(f"<{tag} {k}={v[:80]!r}>")
                elif v.startswith("#") or not v:
                    pass
                elif tag == "a":
                    self.anchors.append(v)
                else:
                    self.loads.append(f"<{tag} {k}={v[:80]!r}>")
            if k == "style":
                self.styles.append(v)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() not in VOID:
            self.cur = self.cur.parent

    def handle_endtag(self, tag):
        tag = tag.lower()
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)
        if self.cur.tag == "style":
            self.styles.append(data)


def parse(path, what):
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    t = Tree(what)
    t.feed(text)
    t.close()
    return text, t


def check_self_contained(t, what):
    for load in t.loads[:10]:
        problem(f"{what}: loads or runs something: {load}")
    if len(t.loads) > 10:
        problem(f"{what}: ... and {len(t.loads) - 10} more")
    for s in t.styles:
        low = s.lower()
        if "url(" in low or "@import" in low or "expression(" in low:
            problem(f"{what}: CSS that loads something: {s[:80]!r}")
    csp = [n for n in t.root.find_all(tag="meta")
           if n.attrs.get("http-equiv", "").lower()
           == "content-security-policy"]
    expect(csp and "default-src 'none'" in csp[0].attrs.get("content", ""),
           f"{what}: no Content-Security-Policy with default-src 'none'")


def count_of(table, label):
    """The number in the row of a key/value table whose <th> is label."""
    for tr in table.find_all(tag="tr"):
        th, td = tr.find(tag="th"), tr.find(tag="td")
        if th and td and th.all_text().strip() == label:
            try:
                return int(td.all_text().strip())
            except ValueError:
                return None
    return None


def check_dom(t):
    root = t.root
    dup = [i for i, n in t.ids.items() if n > 1]
    expect(not dup, f"DOM: duplicate ids {dup[:5]}")

    # summary: the gate's verdict and the counts
    summary = root.find(tag="section", id_="summary")
    hosts_n = findings_n = None
    verdict = None
    if expect(summary is not None, "DOM: no <section id=summary>"):
        verdict = summary.find(id_="verdict")
        expect(verdict is not None and
               re.search(r"Gate: (PASS|FAIL|INCOMPLETE|ERROR) \(exit code \d\)",
                         verdict.all_text()),
               "DOM: summary has no gate verdict")
        kv = summary.find(tag="table", cls="kv")
        if expect(kv is not None, "DOM: summary has no counts table"):
            hosts_n = count_of(kv, "Hosts")
            findings_n = count_of(kv, "Findings")
            expect(hosts_n is not None, "DOM: summary has no host count")
            expect(findings_n is not None,
                   "DOM: summary has no finding count")
        sev = summary.find(tag="table", cls="severity")
        expect(sev is not None, "DOM: summary has no severity table")

    # the four charts, each one inline <svg> with something drawn in it
    charts = root.find(tag="section", id_="charts")
    if expect(charts is not None, "DOM: no <section id=charts>"):
        svgs = charts.find_all(tag="svg")
        expect(len(svgs) == 4, f"DOM: {len(svgs)} inline SVG charts, want 4")
        for cid, what in (("chart-severity", "findings by severity"),
                          ("chart-checks", "findings by check"),
                          ("chart-matrix", "host x check matrix"),
                          ("chart-expiry", "certificate expiry timeline")):
            fig = charts.find(id_=cid)
            if not expect(fig is not None, f"DOM: no chart {cid} ({what})"):
                continue
            svg = fig.find(tag="svg")
            if not expect(svg is not None, f"DOM: {cid} has no inline <svg>"):
                continue
            shapes = [n for n in svg.walk()
                      if n.tag in ("rect", "circle", "line", "polygon",
                                   "path", "polyline")]
            texts = svg.find_all(tag="text")
            expect(texts, f"DOM: {cid}: no text (labels) in the chart")
            expect(svg.attrs.get("viewbox") or svg.attrs.get("viewBox"),
                   f"DOM: {cid}: <svg> without viewBox (cannot scale)")
            expect(fig.find(tag="figcaption") is not None,
                   f"DOM: {cid}: no caption")
            if cid == "chart-severity":
                bars = [n for n in svg.find_all(tag="rect")]
                expect(len(bars) == 5,
                       f"DOM: {cid}: {len(bars)} bars, want 5 severities")
            elif findings_n:
                expect(shapes, f"DOM: {cid}: nothing drawn although there "
                               "are findings")
        matrix = charts.find(id_="chart-matrix")
        if matrix is not None and findings_n:
            links = [a.attrs.get("href", "") for a in matrix.find_all(tag="a")]
            expect(all(h.startswith("#host-") for h in links),
                   "DOM: matrix links that are not to a host section")

    # one <article class=host> per host, each finding with evidence and
    # references
    hosts = root.find(tag="section", id_="hosts")
    if expect(hosts is not None, "DOM: no <section id=hosts>"):
        arts = hosts.find_all(tag="article", cls="host")
        if hosts_n is not None:
            expect(len(arts) == hosts_n,
                   f"DOM: {len(arts)} host sections, summary says "
                   f"{hosts_n} hosts")
        for a in arts:
            name = a.find(tag="h3")
            expect(name is not None and name.all_text().strip(),
                   f"DOM: host section {a.attrs.get('id')} has no name")
            expect(a.find(tag="table", cls="endpoints") is not None,
                   f"DOM: host section {a.attrs.get('id')} has no "
                   "endpoint table")
        fnd = hosts.find_all(tag="div", cls="finding")
        if findings_n is not None:
            expect(len(fnd) == findings_n,
                   f"DOM: {len(fnd)} findings in the host sections, "
                   f"summary says {findings_n}")
        bad_ref = bad_id = bad_ev = 0
        for f in fnd:
            code = f.find(tag="code")
            if not (code and re.fullmatch(r"[A-Z0-9][A-Z0-9.-]+",
                                          code.all_text().strip())
                    and f.find(tag="span", cls="badge")):
                bad_id += 1
            paras = [p.all_text().strip() for p in f.find_all(tag="p")]
            if not any(p.startswith("References: ") and len(p) > 14
                       for p in paras):
                bad_ref += 1
            if "Evidence:" in paras and f.find(tag="pre") is None:
                bad_ev += 1
        expect(not bad_id, f"DOM: {bad_id} finding(s) without severity "
                           "badge and check id")
        expect(not bad_ref, f"DOM: {bad_ref} finding(s) without references")
        expect(not bad_ev, f"DOM: {bad_ev} finding(s) with an empty evidence")
        if fnd:
            expect(any(f.find(tag="pre") for f in fnd),
                   "DOM: no finding shows evidence")

    check_findings_view(root, hosts)

    # the scan's parameters
    par = root.find(tag="section", id_="parameters")
    if expect(par is not None, "DOM: no <section id=parameters>"):
        kv = par.find(tag="table")
        heads = {th.all_text().strip() for th in par.find_all(tag="th")}
        for want in ("Scanner", "Started", "Finished", "Profiles",
                     "Exit code", "Command-line parameters"):
            expect(want in heads, f"DOM: parameters table has no {want!r}")
        expect(kv is not None, "DOM: parameters section has no table")
    return verdict, summary


SEV_ORDER = ["critical", "high", "medium", "low", "info"]


def check_findings_view(root, hosts):
    """The "Findings by check" section (issue #14) as Chromium built it:
    one box per check that the host sections show, worst first, the
    informational ones in their own group after the others, each with
    its meaning, its endpoints linked to host sections of the page and
    its references; the by-check chart lists the checks in that order."""
    sec = root.find(tag="section", id_="findings")
    if not expect(sec is not None, "DOM: no <section id=findings>"):
        return
    boxes = sec.find_all(tag="div", cls="bycheck")
    ids = [b.attrs.get("id", "")[len("check-"):] for b in boxes]
    sevs = []
    for b in boxes:
        badge = b.find(tag="span", cls="badge")
        sevs.append(badge.all_text().strip() if badge else "?")
    expect(all(s in SEV_ORDER for s in sevs),
           f"DOM: findings boxes without a severity badge: {sevs[:5]}")
    ranks = [SEV_ORDER.index(s) if s in SEV_ORDER else 9 for s in sevs]
    expect(ranks == sorted(ranks),
           f"DOM: findings by check not worst first: {sevs}")
    info = sec.find(id_="findings-info")
    in_info = {b.attrs.get("id") for b in info.find_all(tag="div",
                                                        cls="bycheck")} \
        if info is not None else set()
    for b, s in zip(boxes, sevs):
        expect((s == "info") == (b.attrs.get("id") in in_info),
               f"DOM: {b.attrs.get('id')} ({s}) in the wrong group")
    if hosts is not None:
        found = set()
        for f in hosts.find_all(tag="div", cls="finding"):
            code = f.find(tag="code")
            if code is not None:
                found.add(code.all_text().strip())
        expect(set(ids) == found,
               f"DOM: boxes {sorted(set(ids) ^ found)[:5]} differ from "
               "the checks in the host sections")
    host_ids = {a.attrs.get("id") for a in root.find_all(tag="article")}
    for b in boxes:
        w = f"DOM: box {b.attrs.get('id')}"
        paras = [p.all_text().strip() for p in b.find_all(tag="p")]
        expect(any(re.match(r"\d+ endpoint\(s\) on \d+ host\(s\)", p)
                   for p in paras), f"{w}: no endpoint count")
        expect(any(p.startswith("Endpoints: ") for p in paras),
               f"{w}: no endpoint list")
        expect(any(p.startswith("References: ") for p in paras),
               f"{w}: no references")
        links = [a.attrs.get("href", "")[1:] for a in b.find_all(tag="a")]
        expect(links and all(x in host_ids for x in links),
               f"{w}: endpoint links {links[:3]} to no host section")
    chart = root.find(id_="chart-checks")
    if chart is not None:
        labels = [t.all_text().strip() for t in chart.find_all(tag="text")
                  if t.attrs.get("font-family") == "monospace"]
        expect(labels == ids, "DOM: chart-checks is not in the order of "
                              f"the findings: {labels[:5]} vs {ids[:5]}")


# ---- net log ---------------------------------------------------------------

def page_requests(path):
    """URLs the page asked for, from Chromium's --log-net-log. A request
    made for a page loaded from file:// carries file:// in its network
    isolation key; Chromium's own background requests do not."""
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    try:
        doc = json.loads(text)
    except ValueError:
        # the log of a browser that did not exit cleanly lacks its end
        doc = json.loads(text.rstrip().rstrip(",") + "]}")
    names = {v: k for k, v in doc["constants"]["logEventTypes"].items()}
    urls = []
    for e in doc.get("events", []):
        if names.get(e.get("type")) != "URL_REQUEST_START_JOB":
            continue
        p = e.get("params") or {}
        url = p.get("url", "")
        if url.startswith(("file:", "data:", "about:", "chrome:")):
            continue
        if "file://" in p.get("network_isolation_key", "") or \
                "file://" in p.get("site_for_cookies", ""):
            urls.append(url)
    return urls


# ---- PNG -------------------------------------------------------------------

def hexrgb(s):
    s = s.lstrip("#")
    return bytes(int(s[i:i + 2], 16) for i in (0, 2, 4))


VERDICT_BG = {"pass": "#dcfce7", "fail": "#fee2e2", "incomplete": "#fef3c7"}
SEV_COLOR = {"critical": "#7f1d1d", "high": "#dc2626", "medium": "#f59e0b",
             "low": "#0ea5e9", "info": "#9ca3af"}


def check_png(path, want_w, want_h, verdict, summary):
    size = os.path.getsize(path)
    try:
        w, h, rows = png.read(path)
    except (png.PNGError, OSError, ValueError) as e:
        problem(f"PNG: {path}: not a valid PNG: {e}")
        return
    expect((w, h) == (want_w, want_h),
           f"PNG: {w}x{h}, want the window size {want_w}x{want_h}")
    expect(size > 20000, f"PNG: only {size} bytes: nothing rendered?")
    cols = png.colours(rows)
    top = max(cols.values()) if cols else 0
    expect(len(cols) > 64,
           f"PNG: {len(cols)} distinct colours: blank or nearly blank")
    expect(top < 0.95 * w * h,
           f"PNG: one colour covers {100.0 * top / (w * h):.0f}% of it")
    # the verdict banner and each severity that has findings (the bars
    # of the severity chart, the badges) are painted in their colours
    if verdict is not None:
        cls = [c for c in verdict.classes() if c in VERDICT_BG]
        if cls:
            n = cols.get(hexrgb(VERDICT_BG[cls[0]]), 0)
            expect(n > 5000, f"PNG: the {cls[0]} verdict banner "
                             f"({VERDICT_BG[cls[0]]}) is not painted "
                             f"({n} pixels)")
    if summary is not None:
        sev = summary.find(tag="table", cls="severity")
        if sev is not None:
            names = [th.all_text().strip() for th in sev.find_all(tag="th")]
            nums = [td.all_text().strip() for td in sev.find_all(tag="td")]
            for name, num in zip(names, nums):
                if name in SEV_COLOR and num.isdigit() and int(num) > 0:
                    n = cols.get(hexrgb(SEV_COLOR[name]), 0)
                    expect(n > 200, f"PNG: no {name} bar/badge painted "
                                    f"({SEV_COLOR[name]}: {n} pixels)")
    print(f"html_render: PNG {w}x{h}, {size} bytes, {len(cols)} colours")


def main(argv):
    if len(argv) == 3 and argv[0] == "canary":
        _, dom, netlog = argv
        text = open(dom, encoding="utf-8", errors="replace").read()
        expect('<p id="c">CANARY-STATIC</p>' in text
               and "CANARY-SCRIPT-RAN" not in text,
               "canary: JavaScript ran although it was disabled "
               "(the rendering would not prove the page works without it)")
        reqs = page_requests(netlog)
        expect(any("canary.invalid" in u for u in reqs),
               "canary: the net log does not show the canary's <img> "
               f"request (saw {reqs[:3]}): the request check is blind")
    elif len(argv) >= 7 and argv[0] == "report":
        _, source, dom, pngfile, w, h = argv[:6]
        netlogs = argv[6:]
        text, t = parse(source, "HTML")
        check_self_contained(t, "HTML")
        dtext, dt = parse(dom, "DOM")
        if expect(len(dtext) > 1000, f"DOM: {dom} is (nearly) empty"):
            check_self_contained(dt, "DOM")
            verdict, summary = check_dom(dt)
        else:
            verdict = summary = None
        for netlog in netlogs:
            for u in page_requests(netlog)[:5]:
                problem(f"network: the page requested {u} "
                        f"({os.path.basename(netlog)})")
        check_png(pngfile, int(w), int(h), verdict, summary)
        if t.anchors:
            print(f"html_render: {len(t.anchors)} external link(s) "
                  "(anchors, not loaded)")
    else:
        sys.stderr.write(__doc__)
        return 2
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
