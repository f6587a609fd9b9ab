#!/usr/bin/env python3
"""Checks mailaudit's report formats, as tests/formats/validate.sh made them.

usage: validate.py SCHEMADIR OUTDIR

OUTDIR holds scan.json (a real scan; given.json too when the scan was
given), report.{json,jsonl,sarif,junit,html,
text} (re-rendered from it by `mailaudit report`), optionally direct.jsonl
(straight from `mailaudit scan --format jsonl`), regated.json and diff.json.

- json, jsonl and the diff are validated against the JSON Schemas in
  SCHEMADIR, and their counts are recomputed from the endpoints;
- SARIF is validated against sarif-2.1.0-subset.schema.json (written from
  the SARIF 2.1.0 specification: the official schema is not available
  offline) and its key required properties are checked by hand;
- JUnit is parsed with xml.etree and its structure and counts checked;
- HTML is parsed with html.parser: the sections, four inline SVG charts,
  no script, no external resource, balanced elements; the findings-by-
  check section and chart are recomputed from scan.json (order, hosts,
  ports).
Exits 1 with one line per problem, 0 when everything holds.
"""
import html
import html.parser
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

import jsonschema

SEVERITIES = ["critical", "high", "medium", "low", "info"]
LEVEL = {"critical": "error", "high": "error", "medium": "warning",
         "low": "note", "info": "note"}
UNASSESSED = {"unresolved", "timeout", "protocol-error", "tls-error",
              "throttled", "internal-error"}

problems = []
checked = []


def problem(where, msg):
    problems.append(f"{where}: {msg}")


def expect(cond, where, msg):
    if not cond:
        problem(where, msg)
    return cond


# ---- schemas -------------------------------------------------------------

def load_schemas(schemadir):
    store = {}
    for name in os.listdir(schemadir):
        if name.endswith(".schema.json"):
            with open(os.path.join(schemadir, name), encoding="utf-8") as f:
                s = json.load(f)
            jsonschema.Draft7Validator.check_schema(s)
            store[name] = s
    return store


def validator(store, name):
    """A Draft 7 validator for store[name] that resolves references to the
    other schema files locally (never over the network), with the API of
    jsonschema 4.18+ (referencing) or of older versions (RefResolver)."""
    schema = store[name]
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT7
        registry = Registry().with_resources(
            (s["$id"], Resource(contents=s, specification=DRAFT7))
            for s in store.values())
        return jsonschema.Draft7Validator(
            schema, registry=registry,
            format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    except ImportError:
        resolver = jsonschema.RefResolver.from_schema(
            schema, store={s["$id"]: s for s in store.values()})
        return jsonschema.Draft7Validator(
            schema, resolver=resolver,
            format_checker=jsonschema.draft7_format_checker)


def schema_check(v, doc, where):
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:10]:
        path = "/".join(str(p) for p in e.absolute_path)
        problem(where, f"schema: at /{path}: {e.message[:300]}")
    return not errors


# ---- json ----------------------------------------------------------------

def check_json_doc(doc, where):
    """Counts recomputed from the endpoints must match the summary."""
    s = doc["summary"]
    eps = doc["endpoints"]
    expect(s["endpoints"] == len(eps), where, "summary.endpoints")
    expect(s["hosts"] == len({e["host"] for e in eps}), where,
           "summary.hosts")
    for st, n in s["status"].items():
        expect(n == sum(e["status"] == st for e in eps), where,
               f"summary.status.{st}")
    findings = [f for e in eps for f in e["findings"]]
    expect(s["findings"]["total"] == len(findings), where, "findings.total")
    for sev in SEVERITIES:
        expect(s["findings"][sev] == sum(f["severity"] == sev
                                         for f in findings),
               where, f"findings.{sev}")
    fails = sum(f["gate_fail"] for f in findings)
    expect(s["gate_failures"] == fails, where, "gate_failures")
    expect(s["waived"] == sum(f["waived"] for f in findings), where,
           "waived")
    expect(s["unassessed"] == sum(e["status"] in UNASSESSED for e in eps),
           where, "unassessed")
    expect(s["incomplete"] <= s["unassessed"], where, "incomplete")
    code = doc["exit_code"]
    if fails:
        expect(code == 1, where, f"exit_code {code} with gate failures")
    elif s["incomplete"] and not doc.get("allow_incomplete"):
        expect(code == 3, where, f"exit_code {code}: should fail closed")
    else:
        expect(code == 0, where, f"exit_code {code} without failures")
    for e in eps:
        keys = [(f["severity"], f["check"]) for f in e["findings"]]
        order = sorted(keys, key=lambda k: (SEVERITIES.index(k[0]), k[1]))
        expect(keys == order, where,
               f"{e['host']}:{e['port']}: findings not worst first")
        expect(len({f["check"] for f in e["findings"]}) == len(keys), where,
               f"{e['host']}:{e['port']}: a check twice")
        # issue #12: every finding says what to change
        for f in e["findings"]:
            rem = f.get("remediation") or {}
            w = f"{e['host']}:{e['port']} {f['check']}"
            expect(rem.get("text") and rem.get("generic"), where,
                   f"{w}: no remediation")
            if rem.get("product") is None:
                expect(rem.get("text") == rem.get("generic") and
                       rem.get("cite") is None, where,
                       f"{w}: generic remediation with a product part")
            else:
                expect(bool(rem.get("cite")), where,
                       f"{w}: product remediation without a source")


def check_json(store, out):
    v = validator(store, "mailaudit-1.schema.json")
    docs = {}
    for name in ("given.json", "scan.json", "report.json", "regated.json"):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        if schema_check(v, doc, name):
            check_json_doc(doc, name)
        if name != "given.json":
            expect("profiles" in doc, name, "no gate information")
        docs[name] = doc
        checked.append(name)
    return docs


# ---- jsonl ---------------------------------------------------------------

def check_jsonl(store, out, scan):
    v = validator(store, "mailaudit-jsonl-1.schema.json")
    for name in ("report.jsonl", "direct.jsonl"):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            continue
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        expect(lines[-1] == "", name, "does not end in a newline")
        recs = []
        for i, line in enumerate(lines[:-1]):
            try:
                rec = json.loads(line)
            except ValueError as e:
                problem(name, f"line {i + 1} is not JSON: {e}")
                continue
            schema_check(v, rec, f"{name} line {i + 1}")
            recs.append(rec)
        types = [r.get("type") for r in recs]
        expect(types and types[-1] == "summary" and
               types.count("summary") == 1, name,
               "exactly one summary record, last")
        eps = [r for r in recs if r.get("type") == "endpoint"]
        summ = recs[-1] if recs else {}
        expect(summ.get("summary", {}).get("endpoints") == len(eps), name,
               "summary.endpoints != endpoint records")
        if name == "report.jsonl" and scan:
            # the same data as the json document it was rendered from
            strip = [{k: x for k, x in r.items()
                      if k not in ("type", "schema")} for r in eps]
            expect(strip == scan["endpoints"], name,
                   "endpoint records differ from scan.json's endpoints")
            hosts = [{k: x for k, x in r.items()
                      if k not in ("type", "schema")}
                     for r in recs if r.get("type") == "host"]
            expect(hosts == scan.get("hosts"), name,
                   "host records differ from scan.json's hosts")
            top = {k: x for k, x in scan.items()
                   if k not in ("endpoints", "hosts")}
            top["schema"] = "mailaudit-jsonl/1"
            got = {k: x for k, x in summ.items() if k != "type"}
            expect(got == top, name, "summary record differs from scan.json")
        checked.append(name)


# ---- SARIF ---------------------------------------------------------------

def check_sarif(store, out, scan):
    name = "report.sarif"
    path = os.path.join(out, name)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    schema_check(validator(store, "sarif-2.1.0-subset.schema.json"), doc,
                 name)
    # the required properties, by hand
    expect(doc.get("version") == "2.1.0", name, "version != 2.1.0")
    runs = doc.get("runs") or []
    if not expect(len(runs) == 1, name, "one run expected"):
        return
    run = runs[0]
    driver = run.get("tool", {}).get("driver", {})
    expect(driver.get("name") == "mailaudit", name, "tool.driver.name")
    rules = driver.get("rules", [])
    ids = [r.get("id") for r in rules]
    expect(all(ids) and len(set(ids)) == len(ids), name,
           "rules need unique ids")
    for r in rules:
        # SARIF1001: a friendly name beside the readable id, not a copy
        expect(r.get("name") and r["name"] != r.get("id"), name,
               f"rule {r.get('id')}: name missing or equal to the id")
        for key in ("shortDescription", "fullDescription", "help"):
            expect(isinstance(r.get(key, {}).get("text"), str) and
                   r[key]["text"], name, f"rule {r.get('id')}: {key}.text")
        # issue #12: the fix is part of every rule's help
        help = r.get("help", {})
        expect("\n\nRemediation: " in help.get("text", ""), name,
               f"rule {r.get('id')}: no remediation in help.text")
        expect("**Remediation**" in help.get("markdown", ""), name,
               f"rule {r.get('id')}: no remediation in help.markdown")
    results = run.get("results", [])
    nfind = sum(len(e["findings"]) for e in scan["endpoints"])
    expect(len(results) == nfind, name,
           f"{len(results)} results for {nfind} findings")
    waived = 0
    for i, r in enumerate(results):
        w = f"{name} results[{i}]"
        expect(isinstance(r.get("message", {}).get("text"), str), w,
               "message.text")
        idx = r.get("ruleIndex")
        if expect(isinstance(idx, int) and 0 <= idx < len(rules), w,
                  "ruleIndex out of range"):
            expect(rules[idx]["id"] == r.get("ruleId"), w,
                   "ruleId does not match rules[ruleIndex]")
        sev = r.get("properties", {}).get("severity")
        expect(r.get("level") == LEVEL.get(sev), w,
               f"level {r.get('level')} for severity {sev}")
        locs = r.get("locations", [])
        if expect(len(locs) == 1, w, "one location"):
            # a repository-relative path (code scanning accepts no other
            # scheme), and the endpoint URI as the logical location
            path = locs[0]["physicalLocation"]["artifactLocation"]["uri"]
            # code scanning shows a result only with region.startLine
            expect(locs[0]["physicalLocation"].get("region") ==
                   {"startLine": 1, "endLine": 1}, w, "one-line region")
            parts = path.split("/")
            expect(len(parts) == 4 and parts[0] == "mail" and
                   parts[1] in ("imap", "imaps", "pop3", "pop3s") and
                   parts[3].isdigit(), w, f"artifact path {path}")
            uri = locs[0]["logicalLocations"][0]["fullyQualifiedName"]
            u = urllib.parse.urlsplit(uri)
            expect(u.scheme == parts[1] and u.port == int(parts[3]) and
                   u.hostname, w, f"logical location {uri}")
        sup = r.get("suppressions")
        if r.get("properties", {}).get("waived"):
            waived += 1
            expect(sup and sup[0].get("kind") == "external" and
                   sup[0].get("justification"), w,
                   "waived but no external suppression with justification")
        else:
            expect(sup == [], w, "not waived: suppressions must be []")
    expect(waived == scan["summary"]["waived"], name,
           "suppressed results != waived findings")
    inv = run.get("invocations", [{}])[0]
    expect(inv.get("exitCode") == scan["exit_code"], name,
           "invocation exitCode")
    notes = inv.get("toolExecutionNotifications", [])
    expect(sum(n["descriptor"]["id"] == "ENDPOINT-NOT-ASSESSED"
               for n in notes) == scan["summary"]["unassessed"], name,
           "one notification per unassessed endpoint")
    expect(sum(n["descriptor"]["id"] == "WAIVER-EXPIRED" for n in notes) ==
           len(scan["waivers"]["expired"]), name,
           "one notification per expired waiver")
    checked.append(name)


# ---- JUnit ---------------------------------------------------------------

def check_junit(out, scan):
    name = "report.junit"
    try:
        root = ET.parse(os.path.join(out, name)).getroot()
    except ET.ParseError as e:
        problem(name, f"not well-formed XML: {e}")
        return
    expect(root.tag == "testsuites", name, "root is not <testsuites>")
    hosts = []
    totals = {"tests": 0, "failures": 0, "skipped": 0, "errors": 0}
    for suite in root:
        w = f"{name} testsuite {suite.get('name')}"
        if not expect(suite.tag == "testsuite", name,
                      f"unexpected <{suite.tag}>"):
            continue
        hosts.append(suite.get("name"))
        cases = suite.findall("testcase")
        expect(all(c.tag in ("testcase", "properties") for c in suite), w,
               "unexpected child")
        fails = sum(len(c.findall("failure")) for c in cases)
        skips = sum(len(c.findall("skipped")) for c in cases)
        for key, n in (("tests", len(cases)), ("failures", fails),
                       ("skipped", skips), ("errors", 0)):
            expect(int(suite.get(key, -1)) == n, w, f"{key} attribute")
            totals[key] += n
        for c in cases:
            expect(c.get("classname") and c.get("name"), w,
                   "testcase without classname or name")
            expect(len(c.findall("failure")) + len(c.findall("skipped"))
                   <= 1, w, f"{c.get('name')}: failure and skipped")
            for fl in c.findall("failure"):
                expect(fl.get("message") and fl.get("type") in SEVERITIES,
                       w, "failure without message or severity type")
        float(suite.get("time", "x"))
    for key, n in totals.items():
        expect(int(root.get(key, -1)) == n, name, f"total {key}")
    expect(hosts == list(dict.fromkeys(e["host"] for e in scan["endpoints"])),
           name, "one testsuite per host, in scan order")
    expect(totals["failures"] == scan["summary"]["gate_failures"], name,
           "failures != gate failures")
    unassessed = {(e["service"], e["host"], e["port"])
                  for e in scan["endpoints"] if e["status"] in UNASSESSED}
    for suite in root.findall("testsuite"):
        for c in suite.findall("testcase"):
            u = urllib.parse.urlsplit(c.get("classname").split(" ")[0])
            if (u.scheme, u.hostname, u.port) in unassessed and \
                    c.find("failure") is None:
                expect(c.find("skipped") is not None, name,
                       f"{c.get('classname')} {c.get('name')}: an "
                       "unassessed endpoint must be skipped, not passed")
    checked.append(name)


# ---- HTML ----------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
SVG_LEAVES = {"rect", "line", "circle", "path", "polyline", "polygon"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids, self.stack, self.errors = set(), [], []
        self.count = {}
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"duplicate id {a['id']}")
            self.ids.add(a["id"])
        for k, val in attrs:
            if k.startswith("on"):
                self.errors.append(f"event handler {k} on <{tag}>")
            if k in ("src", "href", "action", "srcset", "poster") and val \
                    and not val.startswith("#"):
                self.errors.append(f"external reference {k}={val}")
        if tag in ("script", "iframe", "object", "embed", "link", "img"):
            self.errors.append(f"<{tag}> not allowed")
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close "
                               f"<{self.stack[-1] if self.stack else '-'}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(out, scan):
    name = "report.html"
    with open(os.path.join(out, name), encoding="utf-8") as f:
        text = f.read()
    expect(text.startswith("<!DOCTYPE html>"), name, "no doctype")
    p = Page()
    p.feed(text)
    p.close()
    for e in p.errors[:10]:
        problem(name, e)
    expect(not p.stack, name, f"unclosed elements {p.stack[-5:]}")
    for want in ("summary", "verdict", "findings", "charts", "chart-severity",
                 "chart-checks", "chart-matrix", "chart-expiry", "waivers",
                 "hosts", "parameters"):
        expect(want in p.ids, name, f"no section id={want}")
    expect(p.count.get("svg") == 4, name, "four inline SVG charts")
    expect(p.count.get("style") == 1, name, "one inline stylesheet")
    expect("url(" not in text and "@import" not in text, name,
           "CSS loads something")
    body = "".join(p.text)
    for e in scan["endpoints"]:
        expect(e["host"] in body, name, f"host {e['host']} missing")
        for fnd in e["findings"]:
            expect(fnd["check"] in body, name,
                   f"finding {fnd['check']} missing")
    expect(p.count.get("article") == len({e["host"]
                                          for e in scan["endpoints"]}),
           name, "one article per host")
    check_html_findings(text, scan, name)
    nfind = sum(len(e["findings"]) for e in scan["endpoints"])
    expect(text.count('<p class="fix">') == nfind, name,
           "one fix line per finding (issue #12)")
    checked.append(name)


def check_html_findings(text, scan, name):
    """The "Findings by check" section (issue #14): one box per check of
    the scan, worst first (then most endpoints, then id), informational
    ones after the others, each naming every host that has it with its
    ports; the by-check chart in the same order."""
    per = {}
    for e in scan["endpoints"]:
        for f in e["findings"]:
            c = per.setdefault(f["check"], {"worst": 4, "eps": []})
            c["worst"] = min(c["worst"], SEVERITIES.index(f["severity"]))
            c["eps"].append((e["host"], e["port"]))
    want = sorted(per, key=lambda k: (per[k]["worst"], -len(per[k]["eps"]), k))
    m = re.search(r'<section id="findings">(.*?)</section>', text, re.S)
    if not expect(m, name, "no findings-by-check section"):
        return
    sec = m.group(1)
    got = re.findall(r'<div class="finding sev-(\w+) bycheck" '
                     r'id="check-([A-Z0-9.-]+)">', sec)
    expect([c for _, c in got] == want, name,
           f"findings by check not worst first: {[c for _, c in got][:8]}")
    for sev, c in got:
        if c in per:
            expect(sev == SEVERITIES[per[c]["worst"]], name,
                   f"box {c}: severity {sev}")
    info = sec.find('id="findings-info"')
    first_info = next((i for i, c in enumerate(want)
                       if per[c]["worst"] == 4), None)
    if first_info is not None:
        expect(info >= 0 and
               sec.find(f'id="check-{want[first_info]}"') > info and
               (first_info == 0 or
                sec.find(f'id="check-{want[first_info - 1]}"') < info),
               name, "informational findings are not apart, after the rest")
    for c in want:
        b = sec.find(f'id="check-{c}"')
        box = sec[b:sec.find('<div class="finding', b + 1)
                  if sec.find('<div class="finding', b + 1) > 0 else None]
        body = html.unescape(re.sub(r"<[^>]+>", "", box))
        n = len(per[c]["eps"])
        hosts = {h for h, _ in per[c]["eps"]}
        expect(f"{n} endpoint(s) on {len(hosts)} host(s)" in body, name,
               f"box {c}: endpoint count")
        for hname in hosts:
            ports = sorted(p for h, p in per[c]["eps"] if h == hname)
            listed = re.search(re.escape(hname) + r":([0-9, (waived)]+)",
                               body)
            expect(listed and [int(x) for x in
                               re.findall(r"\d+", listed.group(1))] == ports,
                   name, f"box {c}: {hname} not listed with ports {ports}")
    fig = re.search(r'<figure id="chart-checks">(.*?)</figure>', text, re.S)
    if expect(fig, name, "no chart-checks"):
        labels = re.findall(r'font-family="monospace">([^<]+)</text>',
                            fig.group(1))
        expect(labels == want, name,
               f"chart-checks not in the findings' order: {labels[:8]}")


# ---- diff ----------------------------------------------------------------

def check_diff(store, out):
    name = "diff.json"
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    schema_check(validator(store, "mailaudit-diff-1.schema.json"), doc, name)
    for kind in ("new", "resolved", "unverified", "unchanged"):
        expect(doc["summary"][kind] == sum(len(h[kind])
                                           for h in doc["hosts"]),
               name, f"summary.{kind}")
    fails = sum(i["fails"] for h in doc["hosts"]
                for k in ("new", "unchanged") for i in h[k])
    expect(doc["summary"]["failing"] == fails, name, "summary.failing")
    expect(doc["exit_code"] == (1 if fails else 0), name, "exit_code")
    checked.append(name)


def main():
    if len(sys.argv) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    store = load_schemas(sys.argv[1])
    out = sys.argv[2]
    docs = check_json(store, out)
    scan = docs.get("scan.json")
    if scan is None:
        print("validate: no scan.json", file=sys.stderr)
        return 1
    check_jsonl(store, out, scan)
    check_sarif(store, out, scan)
    check_junit(out, scan)
    check_html(out, scan)
    check_diff(store, out)
    for p in problems:
        print("FAIL", p)
    print(f"validate: {len(checked)} file(s) checked "
          f"({', '.join(checked)}); {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
