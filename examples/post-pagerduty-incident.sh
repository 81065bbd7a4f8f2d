#!/usr/bin/env bash
# Posts the example incident in examples/pagerduty/ to a running postmortem-bridge, in order, the
# way a PagerDuty V3 webhook subscription would: one delivery per event, each with its own
# X-Webhook-Id, signed with PAGERDUTY_WEBHOOK_SECRET when that is set.
#
#   examples/post-pagerduty-incident.sh [base-url]      (default http://localhost:8080)
set -euo pipefail

base_url="${1:-http://localhost:8080}"
here="$(cd "$(dirname "$0")" && pwd)"

for body in "$here"/pagerduty/*.json; do
  headers=(-H "Content-Type: application/json" -H "X-Webhook-Id: example-$(basename "$body" .json)")
  if [[ -n "${PAGERDUTY_WEBHOOK_SECRET:-}" ]]; then
    signature=$(openssl dgst -sha256 -hmac "$PAGERDUTY_WEBHOOK_SECRET" -hex < "$body" | sed 's/^.* //')
    headers+=(-H "X-PagerDuty-Signature: v1=$signature")
  fi
  printf '%-36s ' "$(basename "$body")"
  curl -sS -X POST "${headers[@]}" --data-binary "@$body" -w ' (HTTP %{http_code})\n' "$base_url/webhooks/pagerduty"
done
