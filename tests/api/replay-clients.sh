#!/usr/bin/env bash
# Replays, with curl, the management-API calls two Statuspage clients make, against a real `statusdesk-cli serve`
# on loopback. Neither client can run here (no PyPI, no Go module proxy), so their calls are read from their source
# and sent as they send them:
#   - atlassian-python-api, atlassian/statuspage.py (class StatusPage), commit 4a025e87bfd1 (2026-08-18):
#     "Authorization: Bearer <token>", JSON bodies, requests' query strings;
#   - yannh/statuspage-go-sdk, commit 2638993701ef (2024-12-05): "Authorization: OAuth <token>", JSON bodies of
#     its structs (empty strings for unset incident fields, omitempty on component fields).
# Each line: the client's method, the request, what the client needs (the documented status) and the answer.
# Calls to endpoints StatusDesk does not serve (page access, metrics, status embed, organizations, ...)
# must answer 404, never 5xx; they are counted apart. Exit status 0 when every served call was answered as
# documented. Usage: replay-clients.sh /path/to/statusdesk-cli
set -u
cli=${1:?usage: replay-clients.sh /path/to/statusdesk-cli}
work=$(mktemp -d)
serve_pid=
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
db=$work/replay.sqlite
key=$("$cli" --db "$db" api-key create --name replay | grep -o 'sdk_[a-z0-9]*' | head -n1)
[ -n "$key" ] || { echo "no API key"; exit 1; }
"$cli" --db "$db" serve --listen 127.0.0.1:0 >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do
    grep -q 'listening on' "$work/serve.log" 2>/dev/null && break
    sleep 0.1
done
base=$(sed -n 's/.*listening on \(http[^ ]*\)\/ (page \([a-z0-9]*\)).*/\1/p' "$work/serve.log")
page=$(sed -n 's/.*listening on \(http[^ ]*\)\/ (page \([a-z0-9]*\)).*/\2/p' "$work/serve.log")
[ -n "$base" ] && [ -n "$page" ] || { echo "serve did not start:"; cat "$work/serve.log"; exit 1; }
P=/v1/pages/$page

declare -A served_ok served_all gaps
failures=0
last=$work/last.json

# call CLIENT NAME EXPECTED METHOD PATH [BODY]   (EXPECTED "gap" = an endpoint StatusDesk does not serve)
call() {
    local client=$1 name=$2 expected=$3 method=$4 path=$5 body=${6-}
    local auth="Authorization: OAuth $key"
    [ "$client" = python ] && auth="Authorization: Bearer $key"
    local args=(-s -o "$last" -w '%{http_code}' -X "$method" -H "$auth" -H 'Content-Type: application/json')
    [ -n "$body" ] && args+=(--data-binary "$body")
    local status
    status=$(curl "${args[@]}" "$base$path")
    if [ "$expected" = gap ]; then
        gaps[$client]=$((${gaps[$client]:-0} + 1))
        if [ "$status" = 404 ] || [ "$status" = 405 ]; then
            printf 'not served  %-6s %-40s %s %s -> %s\n' "$client" "$name" "$method" "$path" "$status"
        else
            printf 'FAIL        %-6s %-40s %s %s -> %s (an unserved endpoint must answer 404)\n' "$client" "$name" \
                "$method" "$path" "$status"
            failures=$((failures + 1))
        fi
        return
    fi
    # "(documented) ..." rows are not the client's own calls: the documented request beside a client's wrong path.
    local counter=$client
    [[ "$name" == "("* ]] && counter=$client-documented
    served_all[$counter]=$((${served_all[$counter]:-0} + 1))
    if [[ "|$expected|" == *"|$status|"* ]]; then
        served_ok[$counter]=$((${served_ok[$counter]:-0} + 1))
        printf 'ok          %-6s %-40s %s %s -> %s\n' "$client" "$name" "$method" "$path" "$status"
    else
        printf 'FAIL        %-6s %-40s %s %s -> %s, expected %s: %s\n' "$client" "$name" "$method" "$path" "$status" \
            "$expected" "$(head -c 300 "$last")"
        failures=$((failures + 1))
    fi
}

# Reads a field of the last answer: jget id, jget '[0].id', jget incident_updates.0.id
jget() {
    python3 - "$last" "$1" <<'EOF'
import json, sys
v = json.load(open(sys.argv[1]))
for part in sys.argv[2].replace('[', '.').replace(']', '').split('.'):
    if part == '':
        continue
    v = v[int(part)] if isinstance(v, list) else v[part]
print(v)
EOF
}

# ---- atlassian-python-api StatusPage ----
call python page_list_pages 200 GET "/v1/pages"
call python get_page 200 GET "$P"
call python page_update 200 PATCH "$P" '{"page": {"name": "Replayed status", "url": "https://status.example.com/", "time_zone": "UTC", "hidden_from_search": false}}'
call python page_create_component 201 POST "$P/components" '{"component": {"name": "API", "description": "Public API", "status": "operational", "showcase": true}}'
c1=$(jget id)
call python page_create_component 201 POST "$P/components" '{"component": {"name": "Database", "status": "operational"}}'
c2=$(jget id)
call python page_get_components 200 GET "$P/components?per_page=100&page=1"
call python page_get_component 200 GET "$P/components/$c1"
call python page_update_component 200 PATCH "$P/components/$c1" '{"component": {"status": "degraded_performance", "only_show_if_degraded": false}}'
call python "page_create_component_group (client sends components_group)" 400 POST "$P/component-groups" "{\"description\": \"Core\", \"components_group\": {\"name\": \"Core\", \"components\": [\"$c2\"]}}"
# ^ the client sends "components_group"; Statuspage documents "component_group" (required): refused with one sentence
call go CreateComponentGroup 201 POST "$P/component-groups" "{\"component_group\": {\"name\": \"Core\", \"description\": \"Core\", \"components\": [\"$c2\"]}}"
g1=$(jget id)
call python page_get_list_of_component_groups 200 GET "$P/component-groups?per_page=100&page=1"
call python page_get_component_group 200 GET "$P/component-groups/$g1"
call python page_update_component_group 200 PATCH "$P/component-groups/$g1" "{\"description\": \"Core services\", \"component_group\": {\"name\": \"Core\", \"components\": [\"$c2\", \"$c1\"]}}"
call python page_get_uptime_for_component_group 200 GET "$P/component-groups/$g1/uptime"
call python page_get_uptime_for_component_group 200 GET "$P/component-groups/$g1/uptime?start=$(date -u +%Y-%m)"
call python page_get_uptime_component 200 GET "$P/components/$c1/uptime"
call python page_get_uptime_component 200 GET "$P/components/$c1/uptime?start=$(date -u +%Y-%m-%d)&end=$(date -u +%Y)"
call python page_add_access_users_to_component gap POST "$P/components/$c1/page_access_users" '{"page_access_user_ids": ["x"]}'
call python page_create_subscriber 201 POST "$P/subscribers" "{\"subscriber\": {\"endpoint\": \"http://127.0.0.1:9/replay-a\", \"email\": \"ops@example.com\", \"component_ids\": [\"$c1\"], \"skip_confirmation_notification\": true}}"
s1=$(jget id)
call python page_create_subscriber 201 POST "$P/subscribers" '{"subscriber": {"endpoint": "http://127.0.0.1:9/replay-b", "email": "ops@example.com"}}'
s2=$(jget id)
call python page_get_subscribers 200 GET "$P/subscribers?q=replay&type=webhook&state=active&sort_field=primary&sort_direction=asc&page=0&per_page=100"
call python page_get_subscriber 200 GET "$P/subscribers/$s1"
call python page_update_subscriber 200 PATCH "$P/subscribers/$s1" "{\"component_ids\": [\"$c2\"]}"
call python page_count_subscribers_by_type 200 GET "$P/subscribers/count?type=webhook&state=active"
call python page_reactivate_subscribers 201 POST "$P/subscribers/reactivate" "{\"subscribers\": \"$s1\", \"type\": \"webhook\"}"
call python page_unsubscribe_subscriber 200 DELETE "$P/subscribers/$s2?skip_unsubscription_notifications=False"
call python page_get_list_unsubscribed gap GET "$P/unsubscribed?page=1&per_page=100"
# ^ the client's path lacks "subscribers/"; the documented one:
call python "(documented) subscribers/unsubscribed" 200 GET "$P/subscribers/unsubscribed?page=1&per_page=100"
call python page_get_histogram_of_subscribers gap GET "$P/subscribers/histogram"
# ^ the client's path lacks "_by_state"; the documented one:
call python "(documented) subscribers/histogram_by_state" 200 GET "$P/subscribers/histogram_by_state"
call python page_resend_confirmation_subscribers gap POST "$P/subscribers/$s1/resend_confirmation"
call python page_resend_confirmations_to_subscribers gap POST "$P/subscribers/resend_confirmation" "{\"subscribers\": \"$s1\"}"
call python page_create_incident 201 POST "$P/incidents" "{\"incident\": {\"name\": \"Elevated errors\", \"status\": \"investigating\", \"impact_override\": \"minor\", \"body\": \"Looking\", \"component_ids\": [\"$c1\"], \"components\": {\"$c1\": \"partial_outage\"}, \"deliver_notifications\": true, \"metadata\": {}}}"
i1=$(jget id)
u1=$(jget incident_updates.0.id)
call python page_create_incident 201 POST "$P/incidents" '{"incident": {"name": "Database upgrade", "status": "scheduled", "scheduled_for": "2099-01-01T10:00:00Z", "scheduled_until": "2099-01-01T12:00:00Z", "body": "Planned", "scheduled_remind_prior": true, "auto_transition_to_maintenance_state": true}}'
call python page_list_incidents 200 GET "$P/incidents?q=errors&page=1&per_page=100"
call python page_list_active_maintenances 200 GET "$P/incidents/active_maintenance?page=1&per_page=100"
call python page_list_upcoming_incidents 200 GET "$P/incidents/upcoming?page=1&per_page=100"
call python page_list_scheduled_incidents 200 GET "$P/incidents/scheduled?page=1&per_page=100"
call python page_list_unresolved_incidents 200 GET "$P/incidents/unresolved?page=1&per_page=100"
call python page_get_incident 200 GET "$P/incidents/$i1"
call python page_update_incident 200 PATCH "$P/incidents/$i1" '{"incident": {"status": "identified", "body": "Found it"}}'
call python page_update_incident_updates gap PATCH "$P/incidents/$i1/incidents_update/$u1" '{"incident_update": {"body": "Looking (edited)"}}'
# ^ the client's path says "incidents_update"; the documented one:
call python "(documented) incident_updates PATCH" 200 PATCH "$P/incidents/$i1/incident_updates/$u1" '{"incident_update": {"body": "Looking (edited)"}}'
call python page_create_postmortem 200 POST "$P/incidents/$i1/postmortem" '{"postmortem": {"body_draft": "What happened"}}'
call python page_get_postmortem 200 GET "$P/incidents/$i1/postmortem"
call python page_publish_postmortem 200 POST "$P/incidents/$i1/postmortem/publish" '{"postmortem": {"notify_twitter": false, "notify_subscribers": false, "custom_tweet": ""}}'
call python page_revert_postmortem 200 POST "$P/incidents/$i1/postmortem/revert"
call python page_delete_postmortem 204 DELETE "$P/incidents/$i1/postmortem"
call python "page_create_incident_subscriber (email only)" 400 POST "$P/incidents/$i1/subscribers" '{"subscriber": {"email": "a@example.com"}}'
# ^ an email subscriber: StatusDesk keeps webhook subscribers, so one with an endpoint:
call python page_create_incident_subscriber 201 POST "$P/incidents/$i1/subscribers" '{"subscriber": {"endpoint": "http://127.0.0.1:9/replay-incident", "email": "a@example.com"}}'
is1=$(jget id)
call python page_list_incident_subscribers 200 GET "$P/incidents/$i1/subscribers?page=1&per_page=100"
call python page_get_incident_subscriber 200 GET "$P/incidents/$i1/subscribers/$is1"
call python page_unsubscribe_incident_subscriber 200 DELETE "$P/incidents/$i1/subscribers/$is1"
call python page_unsubscribe_subscribers 201 POST "$P/subscribers/unsubscribe" "{\"subscribers\": \"$s1\", \"type\": \"webhook\", \"skip_unsubscription_notification\": false}"
call python page_delete_incident 200 DELETE "$P/incidents/$i1"
call python page_delete_component_group 200 DELETE "$P/component-groups/$g1"
call python page_delete_component 204 DELETE "$P/components/$c2"
call python page_create_template 201 POST "$P/incident_templates" "{\"template\": {\"name\": \"Replayed template\", \"title\": \"Elevated errors\", \"body\": \"We are investigating.\", \"component_ids\": [\"$c1\"], \"update_status\": \"investigating\", \"should_send_notifications\": true}}"
call python page_get_templates 200 GET "$P/incident_templates?page=1&per_page=100"
call python page_get_list_of_metrics gap GET "$P/metrics?per_page=100&page=1"
call python page_list_metric_providers gap GET "$P/metrics_providers"
call python page_access_users_list gap GET "$P/page_access_users?email=a%40example.com&page=1&per_page=100"
call python page_get_access_groups gap GET "$P/page_access_groups?page=1&per_page=100"
call python page_get_embed_config_settings gap GET "$P/status_embed_config"
call python organization_get_users gap GET "/v1/organizations/org1/users?page=1&per_page=100"

# ---- yannh/statuspage-go-sdk ----
call go CreateComponent 201 POST "$P/components" '{"component": {"name": "Go API", "description": "d", "showcase": true, "status": "operational", "only_show_if_degraded": false, "start_date": "2024-01-01"}}'
gc=$(jget id)
call go GetComponent 200 GET "$P/components/$gc"
call go UpdateComponent 200 PATCH "$P/components/$gc" '{"component": {"name": "Go API", "status": "major_outage", "group_id": ""}}'
call go CreateComponentGroup 201 POST "$P/component-groups" "{\"component_group\": {\"name\": \"Go group\", \"description\": \"g\", \"components\": [\"$gc\"]}}"
gg=$(jget id)
call go GetComponentGroup 200 GET "$P/component-groups/$gg"
call go UpdateComponentGroup 200 PATCH "$P/component-groups/$gg" "{\"component_group\": {\"name\": \"Go group 2\", \"components\": [\"$gc\", \"$c1\"]}}"
call go CreateIncident 201 POST "$P/incidents" '{"incident": {"name": "Go incident", "status": "", "impact_override": "", "scheduled_for": "", "scheduled_until": "", "body": "", "component_ids": null, "components": null}}'
gi=$(jget id)
call go GetIncident 200 GET "$P/incidents/$gi"
call go UpdateIncident 200 PATCH "$P/incidents/$gi" "{\"incident\": {\"name\": \"Go incident (renamed)\", \"status\": \"\", \"impact_override\": \"\", \"scheduled_for\": \"\", \"scheduled_until\": \"\", \"body\": \"\", \"component_ids\": [\"$gc\"], \"components\": null}}"
call go UpdateIncident 200 PATCH "$P/incidents/$gi" '{"incident": {"name": "Go incident (renamed)", "status": "resolved", "impact_override": "", "scheduled_for": "", "scheduled_until": "", "body": "Fixed", "component_ids": null, "components": null}}'
call go CreateIncident 201 POST "$P/incidents" '{"incident": {"name": "Go maintenance", "status": "scheduled", "impact_override": "maintenance", "scheduled_for": "2099-02-01T10:00:00Z", "scheduled_until": "2099-02-01T11:00:00Z", "body": "Planned", "component_ids": null, "components": null}}'
call go DeleteIncident "200|204" DELETE "$P/incidents/$gi"
call go GetIncident "404" GET "$P/incidents/$gi"
call go DeleteComponentGroup "200|204" DELETE "$P/component-groups/$gg"
call go DeleteComponent "200|204" DELETE "$P/components/$gc"
call go GetComponent "404" GET "$P/components/$gc"
call go CreateIncidentTemplate 201 POST "$P/incident_templates" '{"template": {"name": "t", "title": "t", "body": "b"}}'
call go CreateMetricsProvider gap POST "$P/metrics_providers" '{"metrics_provider": {"type": "Self"}}'

for client in python go; do
    echo "$client client: ${served_ok[$client]:-0}/${served_all[$client]:-0} of its calls to served endpoints answered as documented; ${gaps[$client]:-0} calls to paths StatusDesk does not serve (404)"
done
echo "documented requests beside the python client's wrong paths: ${served_ok[python-documented]:-0}/${served_all[python-documented]:-0}"
[ "$failures" = 0 ] && echo "replay: all calls answered as expected" || echo "replay: $failures call(s) failed"
[ "$failures" = 0 ]
