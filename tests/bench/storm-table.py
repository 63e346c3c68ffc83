#!/usr/bin/python3
"""storm-table: the JSONs of tests/bench/storm-all.sh as the Markdown table
of docs/benchmarks.md (rows) and, on stderr, each run's ratios, fault,
answered_by and builds."""
import json, sys, os
R = sys.argv[1]
def row(name, key, x):
    t, d = x["ttlb_s"] or {}, x["dhcp_s"] or {}
    cpu = x["cpu_s"]
    servers = ", ".join("%s %.2f" % (k, v) for k, v in cpu.items() if k not in ("clients", "clients_sys", "loadavg_1m"))
    ob = x["origin_bytes"]
    copies = "/".join("%.2f" % (v / x["file_bytes"]) for v in ob.values()) if x["file_bytes"] and any(ob.values()) else "-"
    fails = ", ".join("%s %d" % kv for kv in x["failures"].items()) or "-"
    return "| %s | %s | %d/%d | %s | %.3f / %.3f | %.3f / %.3f / %.3f | %s | %d | %s | %.1f (%.1f sys) | %s |" % (
        name, key, x["booted"], x["clients"], fails, d.get("p50", -1), d.get("p99", -1),
        t.get("p50", -1), t.get("p99", -1), t.get("max", -1), copies, x["dhcp_retransmits"],
        servers, cpu.get("clients", 0), cpu.get("clients_sys", 0), cpu.get("loadavg_1m"))
print("| run | row | booted | failed | DHCP p50 / p99 s | TTLB p50 / p99 / max s | origin copies per edge | DHCP resends | server CPU s | clients CPU s | load 1m (start, end) |")
print("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- | ---: | --- |")
for f in sorted((n for n in os.listdir(R) if n.endswith(".json")), key=lambda n: (int(n.split("-")[0][1:]), n)):
    if not f.endswith(".json"):
        continue
    name = f[:-5]
    r = json.load(open(os.path.join(R, f)))
    print(row(name, "pxekit", r))
    for k, lab in (("baseline_static", "static"), ("baseline", "tftp")):
        if r.get(k):
            print(row(name, lab, r[k]))
    extra = []
    if r.get("ratios"):
        extra.append("ratios " + ", ".join("%s %s" % (k, v) for k, v in r["ratios"].items()))
    if r.get("fault"):
        extra.append("fault " + json.dumps(r["fault"]))
    if r.get("answered_by"):
        extra.append("answered_by " + json.dumps(r["answered_by"]))
    if r.get("builds") and len(r["builds"]) > 1:
        extra.append("builds " + json.dumps(r["builds"]))
    if extra:
        print("<!-- %s: %s -->" % (name, "; ".join(extra)), file=sys.stderr)
