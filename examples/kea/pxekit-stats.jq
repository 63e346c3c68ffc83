# pxekit-stats.jq: the pxekit hook's statistics from Kea's own
# statistic-get-all answer (the control socket's object, or the list
# kea-ctrl-agent answers), as Prometheus text for node_exporter's
# textfile collector.  Each Kea statistic is [[value, "timestamp"], ...],
# newest first: the newest value is written.
#   pxekit.rule[N].matches  ->  pxekit_kea_rule_matches{rule="N"}
#   pxekit.ipxe-clients     ->  pxekit_kea_ipxe_clients
(if type == "array" then .[0] else . end)
| .arguments // {}
| to_entries[]
| select(.key | startswith("pxekit."))
| (.key | ltrimstr("pxekit.")) as $k
| (.value[0][0] // 0) as $v
| if ($k | test("^rule\\[[0-9]+\\]\\.matches$"))
  then "pxekit_kea_rule_matches{rule=\"\($k | capture("\\[(?<n>[0-9]+)\\]").n)\"} \($v)"
  else "pxekit_kea_\($k | gsub("[^A-Za-z0-9_]"; "_")) \($v)"
  end
