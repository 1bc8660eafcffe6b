# Summarizes the etcd_prefix changes of a saved plan, one line per
# resource, and lists the keys each one adds, changes and deletes:
#   terraform plan -out=tfplan
#   terraform show -json tfplan | jq -r -f plan-summary.jq
# (tofu works the same). Values are never printed.
def prefix_keys: if . == null then {}
  else (.keys // .keys_base64 // (if .keys_json then .keys_json | fromjson else {} end)) // {} end;
.resource_changes[]
| select(.type == "etcd_prefix" and .change.actions != ["no-op"] and .change.actions != ["read"])
| (.change.before | prefix_keys) as $b
| (.change.after | prefix_keys) as $a
| ([$a | keys[] | select(. as $k | $b | has($k) | not)]) as $add
| ([$a | keys[] | select(. as $k | ($b | has($k)) and $b[$k] != $a[$k])]) as $change
| ([$b | keys[] | select(. as $k | $a | has($k) | not)]) as $delete
| "\(.address) (\(.change.actions | join(", "))): \($add | length) keys to add, \($change | length) to change, \($delete | length) to delete (of \(($b + $a) | length))",
  ($add[] | "  + \(.)"), ($change[] | "  ~ \(.)"), ($delete[] | "  - \(.)")
