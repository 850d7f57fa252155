// The schema's one migration list (append-only) and the code that applies it: the version bookkeeping,
// the DDL translation for PostgreSQL and the one-off data fixes an upgrade makes. The dialect layer (opening,
// statements, transactions) is database.cpp.
#include "models/database.h"
#include "models/endpointurl.h"
#include "models/healthrepository.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QStringList>
#include <algorithm>
#include <vector>

namespace sd {
namespace {

// Each entry moves the schema one version forward; never edit a shipped entry, append a new one.
const char *const kMigrations[] = {
    // v1: the status page, subscribers and the outbox.
    R"SQL(
CREATE TABLE page (id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, time_zone TEXT NOT NULL,
  documentation_url TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE component_groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, position INTEGER NOT NULL);
CREATE TABLE components (id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL, position INTEGER NOT NULL, showcase INTEGER NOT NULL DEFAULT 1,
  group_id TEXT REFERENCES component_groups(id) ON DELETE SET NULL, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE component_updates (id TEXT PRIMARY KEY, component_id TEXT NOT NULL, old_status TEXT NOT NULL,
  new_status TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE incidents (id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, impact TEXT NOT NULL,
  impact_override TEXT, backfilled INTEGER NOT NULL DEFAULT 0, shortlink TEXT, created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL, started_at INTEGER, monitoring_at INTEGER, resolved_at INTEGER,
  scheduled_for INTEGER, scheduled_until INTEGER, scheduled_reminded_at INTEGER,
  scheduled_remind_prior INTEGER NOT NULL DEFAULT 0, scheduled_auto_transition INTEGER NOT NULL DEFAULT 0,
  postmortem_body TEXT, postmortem_body_last_updated_at INTEGER, postmortem_published_at INTEGER,
  postmortem_ignored INTEGER NOT NULL DEFAULT 0, postmortem_notified_subscribers INTEGER NOT NULL DEFAULT 0,
  postmortem_notified_twitter INTEGER NOT NULL DEFAULT 0, component_ids TEXT NOT NULL DEFAULT '[]');
CREATE TABLE incident_updates (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL REFERENCES incidents(id),
  status TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  display_at INTEGER NOT NULL, twitter_updated_at INTEGER, wants_twitter_update INTEGER NOT NULL DEFAULT 0,
  deliver_notifications INTEGER NOT NULL DEFAULT 1, affected_components TEXT NOT NULL DEFAULT '[]');
CREATE INDEX incident_updates_by_incident ON incident_updates(incident_id, created_at);
CREATE TABLE subscribers (id TEXT PRIMARY KEY, endpoint TEXT NOT NULL, email TEXT NOT NULL,
  component_ids TEXT NOT NULL DEFAULT '[]', secret TEXT, previous_secret TEXT, previous_secret_expires_at INTEGER,
  unsubscribe_token TEXT NOT NULL UNIQUE, state TEXT NOT NULL, created_at INTEGER NOT NULL,
  quarantined_at INTEGER, purge_at INTEGER, unsubscribed_at INTEGER);
CREATE UNIQUE INDEX subscribers_live_endpoint ON subscribers(endpoint) WHERE state != 'unsubscribed';
CREATE TABLE messages (id TEXT PRIMARY KEY, subscriber_id TEXT NOT NULL REFERENCES subscribers(id),
  kind TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT NOT NULL, event_id TEXT NOT NULL,
  body BLOB NOT NULL, created_at INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER, updated_at INTEGER NOT NULL, last_http_status INTEGER NOT NULL DEFAULT 0,
  last_error_class TEXT, last_error TEXT, last_duration_ms INTEGER, next_trigger TEXT NOT NULL DEFAULT 'automatic');
CREATE INDEX messages_due ON messages(state, next_attempt_at);
CREATE INDEX messages_by_subscriber ON messages(subscriber_id, state);
CREATE INDEX messages_by_time ON messages(created_at);
CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, message_id TEXT NOT NULL REFERENCES messages(id),
  subscriber_id TEXT NOT NULL, endpoint TEXT NOT NULL, attempt_number INTEGER NOT NULL, trigger TEXT NOT NULL,
  started_at INTEGER NOT NULL, ended_at INTEGER NOT NULL, duration_ms INTEGER NOT NULL,
  http_status INTEGER NOT NULL, error_class TEXT, error_text TEXT, request_headers BLOB, response_headers BLOB,
  response_body BLOB, next_attempt_at INTEGER);
CREATE INDEX attempts_by_message ON attempts(message_id, attempt_number);
CREATE INDEX attempts_by_subscriber_time ON attempts(subscriber_id, started_at);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE notices (id INTEGER PRIMARY KEY AUTOINCREMENT, created_at INTEGER NOT NULL, subscriber_id TEXT,
  kind TEXT NOT NULL, text TEXT NOT NULL, acknowledged INTEGER NOT NULL DEFAULT 0);
)SQL",
    // v2: API keys for the local HTTP API (stored as hashes only).
    R"SQL(
CREATE TABLE api_keys (id TEXT PRIMARY KEY, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, revoked_at INTEGER);
)SQL",
    // v3: bodies move to their own table. A delivery's state changes several times while its body never does;
    // with the body inline every state change rewrote ~1.5 KB and dirtied three times the pages. For the same
    // reason the per-subscriber index no longer carries the state (a subscriber has few messages to filter).
    R"SQL(
CREATE TABLE message_bodies (message_id TEXT PRIMARY KEY REFERENCES messages(id), body BLOB NOT NULL);
INSERT INTO message_bodies (message_id, body) SELECT id, body FROM messages;
ALTER TABLE messages DROP COLUMN body;
DROP INDEX messages_by_subscriber;
CREATE INDEX messages_by_subscriber ON messages(subscriber_id);
)SQL",
    // v4: many processes, one queue. A claim is a lease (owner + expiry) instead of a bare 'sending' state,
    // engines announce themselves with a heartbeat, and every change and manual resend names its operator.
    R"SQL(
ALTER TABLE messages ADD COLUMN lease_owner TEXT;
ALTER TABLE messages ADD COLUMN lease_expires_at INTEGER;
ALTER TABLE messages ADD COLUMN created_by TEXT;
ALTER TABLE messages ADD COLUMN next_actor TEXT;
-- No index on lease_owner: every lease query also asks for state 'sending', which messages_due finds, and
-- each claim and result would pay to keep one more index.
ALTER TABLE attempts ADD COLUMN actor TEXT;
ALTER TABLE component_updates ADD COLUMN actor TEXT;
ALTER TABLE incident_updates ADD COLUMN actor TEXT;
CREATE TABLE engines (id TEXT PRIMARY KEY, host TEXT NOT NULL, pid INTEGER NOT NULL, os_user TEXT NOT NULL,
  program TEXT NOT NULL, started_at INTEGER NOT NULL, heartbeat_at INTEGER NOT NULL);
CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL,
  action TEXT NOT NULL, subject_kind TEXT NOT NULL, subject_id TEXT, detail TEXT NOT NULL DEFAULT '');
CREATE INDEX audit_by_subject ON audit_log(subject_id, at);
CREATE INDEX audit_by_time ON audit_log(at);
)SQL",
    // v5 (issue 12): emails are outbox messages too (channel, and the address fixed when queued), and the
    // page's allow_webhook_subscribers switch (on by default, as before).
    R"SQL(
ALTER TABLE messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'webhook';
ALTER TABLE messages ADD COLUMN recipient TEXT;
ALTER TABLE page ADD COLUMN allow_webhook_subscribers INTEGER NOT NULL DEFAULT 1;
)SQL",
    // v6 (issue 10): Statuspage's component fields only_show_if_degraded and start_date, and a component
    // group's description and times, so the management API keeps what clients send.
    R"SQL(
ALTER TABLE components ADD COLUMN only_show_if_degraded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE components ADD COLUMN start_date TEXT;
ALTER TABLE component_groups ADD COLUMN description TEXT;
ALTER TABLE component_groups ADD COLUMN created_at INTEGER;
ALTER TABLE component_groups ADD COLUMN updated_at INTEGER;
)SQL",
    // v7 (issue 13): a manual resend is an extra attempt: the automatic schedule it interrupts
    // (resume_at) and how many manual attempts a message had, which the retry schedule does not count.
    R"SQL(
ALTER TABLE messages ADD COLUMN resume_at INTEGER;
ALTER TABLE messages ADD COLUMN manual_attempts INTEGER NOT NULL DEFAULT 0;
)SQL",
    // v8 (issue 13 item 3): fan-out progress per change counts one event's messages by state from the index
    // alone (FanoutQuery), a few times a second, without reading the rows.
    R"SQL(
CREATE INDEX messages_by_event ON messages(event_id, state);
)SQL",
    // v9 (issue 13 item 4): endpoint health as running aggregates that the delivery journal adds to in the
    // transaction that records the attempts (UPSERT), so the console reads one row per subscriber instead of
    // scanning attempts. b0..b31 count attempts by latency in fixed log-scale buckets (upper bounds 1, 2, 3,
    // 4, 6, 8, 11, 16 ... 32768, 65536 ms, x1.41 each; b31 is above 65536 ms), so percentiles come from
    // counts. Lifetime in endpoint_health, per UTC hour in endpoint_health_hourly (charts, the last 24 h).
    // Webhook attempts only (emails never count). Backfilled once from the attempts already stored.
    R"SQL(
CREATE TABLE endpoint_health (subscriber_id TEXT PRIMARY KEY, attempts INTEGER NOT NULL DEFAULT 0,
  successes INTEGER NOT NULL DEFAULT 0, latency_sum_ms INTEGER NOT NULL DEFAULT 0,
  latency_max_ms INTEGER NOT NULL DEFAULT 0, last_at INTEGER, last_http_status INTEGER NOT NULL DEFAULT 0,
  last_error_class TEXT, last_error TEXT, last_latency_ms INTEGER, updated_at INTEGER NOT NULL DEFAULT 0,
@LATENCY_BUCKET_COLUMNS@);
CREATE TABLE endpoint_health_hourly (subscriber_id TEXT NOT NULL, hour INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, successes INTEGER NOT NULL DEFAULT 0,
  latency_sum_ms INTEGER NOT NULL DEFAULT 0, latency_max_ms INTEGER NOT NULL DEFAULT 0,
@LATENCY_BUCKET_COLUMNS@,
  PRIMARY KEY (subscriber_id, hour));
INSERT INTO endpoint_health (subscriber_id, attempts, successes, latency_sum_ms, latency_max_ms, last_at,
  updated_at, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21,
  b22, b23, b24, b25, b26, b27, b28, b29, b30, b31)
SELECT subscriber_id, count(*),
  SUM(CASE WHEN error_class IS NULL AND http_status >= 200 AND http_status < 300 THEN 1 ELSE 0 END),
  SUM(duration_ms), MAX(duration_ms), MAX(started_at), MAX(started_at),
@LATENCY_BUCKET_COUNTS@
FROM attempts WHERE endpoint NOT LIKE 'mailto:%' GROUP BY subscriber_id;
UPDATE endpoint_health SET
  last_http_status = (SELECT a.http_status FROM attempts a WHERE a.subscriber_id = endpoint_health.subscriber_id AND a.endpoint NOT LIKE 'mailto:%' ORDER BY a.started_at DESC, a.id DESC LIMIT 1),
  last_error_class = (SELECT a.error_class FROM attempts a WHERE a.subscriber_id = endpoint_health.subscriber_id AND a.endpoint NOT LIKE 'mailto:%' ORDER BY a.started_at DESC, a.id DESC LIMIT 1),
  last_error = (SELECT a.error_text FROM attempts a WHERE a.subscriber_id = endpoint_health.subscriber_id AND a.endpoint NOT LIKE 'mailto:%' ORDER BY a.started_at DESC, a.id DESC LIMIT 1),
  last_latency_ms = (SELECT a.duration_ms FROM attempts a WHERE a.subscriber_id = endpoint_health.subscriber_id AND a.endpoint NOT LIKE 'mailto:%' ORDER BY a.started_at DESC, a.id DESC LIMIT 1);
INSERT INTO endpoint_health_hourly (subscriber_id, hour, attempts, successes, latency_sum_ms, latency_max_ms,
  b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16, b17, b18, b19, b20, b21,
  b22, b23, b24, b25, b26, b27, b28, b29, b30, b31)
SELECT subscriber_id, (started_at / 3600000) * 3600000, count(*),
  SUM(CASE WHEN error_class IS NULL AND http_status >= 200 AND http_status < 300 THEN 1 ELSE 0 END),
  SUM(duration_ms), MAX(duration_ms),
@LATENCY_BUCKET_COUNTS@
FROM attempts WHERE endpoint NOT LIKE 'mailto:%' GROUP BY subscriber_id, (started_at / 3600000) * 3600000;
)SQL",
    // v10 (issue 23): followed upstream pages (public Statuspage pages), with the poller's lease (one poller
    // per
    // page across processes and desks, like the outbox's), the changes they made (event_key unique per page:
    // a change is recorded once however many processes read it), which subscribers hear them, and local
    // incidents linked to upstream incidents. No foreign keys to subscribers or incidents: purging one must
    // not fail on these rows, and readers join.
    R"SQL(
CREATE TABLE upstreams (id TEXT PRIMARY KEY, url TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
  interval_ms INTEGER NOT NULL, created_at INTEGER NOT NULL, created_by TEXT, page_id TEXT, page_name TEXT,
  indicator TEXT, description TEXT, snapshot TEXT, snapshot_version INTEGER NOT NULL DEFAULT 0, etag TEXT,
  last_modified TEXT, last_checked_at INTEGER, last_success_at INTEGER, stale_since INTEGER, last_error TEXT,
  failures INTEGER NOT NULL DEFAULT 0, next_poll_at INTEGER NOT NULL, lease_owner TEXT, lease_host TEXT,
  lease_pid INTEGER, lease_expires_at INTEGER);
CREATE TABLE upstream_events (id TEXT PRIMARY KEY, upstream_id TEXT NOT NULL REFERENCES upstreams(id),
  event_key TEXT NOT NULL, kind TEXT NOT NULL, subject_id TEXT NOT NULL, subject_name TEXT NOT NULL,
  old_value TEXT, new_value TEXT, text TEXT NOT NULL, body TEXT, detected_at INTEGER NOT NULL,
  occurred_at INTEGER, messages INTEGER NOT NULL DEFAULT 0, seq INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX upstream_events_once ON upstream_events(upstream_id, event_key);
CREATE INDEX upstream_events_by_time ON upstream_events(detected_at);
CREATE TABLE subscriber_upstreams (subscriber_id TEXT NOT NULL,
  upstream_id TEXT NOT NULL REFERENCES upstreams(id), PRIMARY KEY (subscriber_id, upstream_id));
CREATE INDEX subscriber_upstreams_by_upstream ON subscriber_upstreams(upstream_id);
CREATE TABLE incident_upstream_links (incident_id TEXT NOT NULL, upstream_id TEXT NOT NULL,
  upstream_name TEXT NOT NULL, upstream_incident_id TEXT NOT NULL, upstream_incident_name TEXT NOT NULL,
  linked_at INTEGER NOT NULL, linked_by TEXT, PRIMARY KEY (incident_id, upstream_id, upstream_incident_id));
)SQL",
    // v11 (issue 23): which local row each row imported from Statuspage became, so importing the same page again
    // changes nothing (source: "statuspage:<page id>"; kind: page, group, component, incident, incident_update,
    // subscriber).
    R"SQL(
CREATE TABLE import_map (source TEXT NOT NULL, kind TEXT NOT NULL, source_id TEXT NOT NULL, local_id TEXT NOT NULL,
  imported_at INTEGER NOT NULL, PRIMARY KEY (source, kind, source_id));
)SQL",
    // v12 (issue 20 item 1): what PostgreSQL's NOTIFY says, for SQLite: each writer bumps its own row (process,
    // kind) in the transaction that makes the change; a console's ChangeWatcher reads the table when PRAGMA
    // data_version says another connection committed (models/changesignals.h). Unused on PostgreSQL.
    R"SQL(
CREATE TABLE change_signals (origin TEXT NOT NULL, kind TEXT NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (origin, kind));
)SQL",
    // v13 (issue 20 item 5): the fastest attempt beside the slowest, so a percentile placed within its latency
    // bucket is bounded on both sides (eleven attempts of 6,043 ms read p50 5,929 ms, the bucket's lower part).
    // NULL: not known. Backfilled from the attempts still stored.
    R"SQL(
ALTER TABLE endpoint_health ADD COLUMN latency_min_ms INTEGER;
ALTER TABLE endpoint_health_hourly ADD COLUMN latency_min_ms INTEGER;
UPDATE endpoint_health SET latency_min_ms = (SELECT MIN(a.duration_ms) FROM attempts a
  WHERE a.subscriber_id = endpoint_health.subscriber_id AND a.endpoint NOT LIKE 'mailto:%');
UPDATE endpoint_health_hourly SET latency_min_ms = (SELECT MIN(a.duration_ms) FROM attempts a
  WHERE a.subscriber_id = endpoint_health_hourly.subscriber_id AND a.started_at >= endpoint_health_hourly.hour
  AND a.started_at < endpoint_health_hourly.hour + 3600000 AND a.endpoint NOT LIKE 'mailto:%');
)SQL",
    // v14 (issue 22 item 1): incident templates (Statuspage's template fields, plus the status each listed
    // component is set to); names are unique so `incident create --template NAME` finds one.
    R"SQL(
CREATE TABLE incident_templates (id TEXT PRIMARY KEY, name TEXT NOT NULL, title TEXT NOT NULL,
  body TEXT NOT NULL, group_id TEXT, update_status TEXT NOT NULL, should_tweet INTEGER NOT NULL DEFAULT 0,
  should_send_notifications INTEGER NOT NULL DEFAULT 1, components TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE UNIQUE INDEX incident_templates_name ON incident_templates(name);
)SQL",
    // v15 (issue 22 item 2): uptime reads one component's status history in time order.
    R"SQL(
CREATE INDEX component_updates_by_component ON component_updates(component_id, created_at);
)SQL",
    // v16 (issue 22 item 3): a subscriber of one incident (Statuspage's incident subscribers) hears that
    // incident's updates only; page-wide subscribers have none.
    R"SQL(
ALTER TABLE subscribers ADD COLUMN incident_id TEXT;
CREATE INDEX subscribers_by_incident ON subscribers(incident_id) WHERE incident_id IS NOT NULL;
)SQL",
};

// One migration list for both dialects: written in SQLite's words and translated here for PostgreSQL. Times
// are integers of milliseconds (64-bit), bodies and headers are bytes.
// v9's tables have a column per LatencyHistogram bucket and its backfill counts the stored attempts into them:
// one SUM per bucket, written out from the bounds the journal counts with, so the two cannot drift apart. The
// text is what v9 always ran.
QString latencyBucketCounts()
{
    QStringList sums;
    for (int k = 0; k < LatencyHistogram::kBuckets; ++k) {
        const qint64 above = k == 0 ? -1 : LatencyHistogram::upperBound(k - 1);
        const qint64 upTo = LatencyHistogram::upperBound(k);
        QStringList when;
        if (above >= 0)
            when << QStringLiteral("duration_ms > %1").arg(above);
        if (upTo >= 0)
            when << QStringLiteral("duration_ms <= %1").arg(upTo);
        sums << QStringLiteral("  SUM(CASE WHEN %1 THEN 1 ELSE 0 END)")
                    .arg(when.join(QStringLiteral(" AND ")));
    }
    return sums.join(QStringLiteral(",\n"));
}

// "  b0 INTEGER NOT NULL DEFAULT 0, b1 …", three to a line, as v9 wrote its tables' bucket columns.
QString latencyBucketColumns()
{
    QStringList lines;
    for (int k = 0; k < LatencyHistogram::kBuckets; k += 3) {
        QStringList columns;
        for (int c = k; c < std::min(k + 3, LatencyHistogram::kBuckets); ++c)
            columns << QStringLiteral("b%1 INTEGER NOT NULL DEFAULT 0").arg(c);
        lines << QStringLiteral("  ") + columns.join(QStringLiteral(", "));
    }
    return lines.join(QStringLiteral(",\n"));
}

QString migrationText(int version)
{
    return QString::fromUtf8(kMigrations[version])
        .replace(QLatin1String("@LATENCY_BUCKET_COLUMNS@"), latencyBucketColumns())
        .replace(QLatin1String("@LATENCY_BUCKET_COUNTS@"), latencyBucketCounts());
}

QString translateDdl(const QString &ddl, Database::Backend backend)
{
    if (backend == Database::Backend::Sqlite)
        return ddl;
    QString out = ddl;
    out.replace(QStringLiteral("INTEGER PRIMARY KEY AUTOINCREMENT"), QStringLiteral("BIGSERIAL PRIMARY KEY"));
    out.replace(QRegularExpression(QStringLiteral("\\bBLOB\\b")), QStringLiteral("BYTEA"));
    out.replace(QRegularExpression(QStringLiteral("\\bINTEGER\\b")), QStringLiteral("BIGINT"));
    return out;
}

} // namespace

const int Database::kSchemaVersion = int(sizeof(kMigrations) / sizeof(kMigrations[0]));

int Database::schemaVersion()
{
    QSqlQuery q(connection());
    if (!isPostgres()) {
        if (!q.exec(QStringLiteral("PRAGMA user_version")) || !q.next())
            return -1;
        return q.value(0).toInt();
    }
    // PostgreSQL keeps the version in a table of ours; an empty schema is version 0, anything else foreign.
    if (!q.exec(QStringLiteral("SELECT to_regclass('statusdesk_schema') IS NOT NULL")) || !q.next())
        return -1;
    if (q.value(0).toBool()) {
        QSqlQuery v(connection());
        if (!v.exec(QStringLiteral("SELECT version FROM statusdesk_schema")) || !v.next())
            return -1;
        return v.value(0).toInt();
    }
    QSqlQuery tables(connection());
    if (!tables.exec(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE table_schema = "
                                    "current_schema()")) ||
        !tables.next())
        return -1;
    return tables.value(0).toInt() == 0 ? 0 : -1;
}

void Database::runMigration(int fromVersion)
{
    for (int v = fromVersion; v < kSchemaVersion; ++v) {
        const QStringList statements =
            translateDdl(migrationText(v), m_backend).split(QLatin1Char(';'), Qt::SkipEmptyParts);
        for (const QString &statement : statements) {
            if (!statement.trimmed().isEmpty())
                exec(statement);
        }
    }
}

namespace {

// Endpoints stored before they were normalised (issue 11) get their one spelling on the next upgrade, so the
// duplicate check and the unique index see every spelling of one receiver as one subscriber. A row whose
// normal form another live subscriber already holds keeps its spelling (nothing is merged or lost) and is
// named in the log.
void normalizeStoredEndpoints(const QSqlDatabase &db)
{
    QSqlQuery rows(db);
    rows.setForwardOnly(true);
    if (!rows.exec(QStringLiteral("SELECT id, endpoint, state FROM subscribers WHERE endpoint NOT LIKE "
                                  "'mailto:%'")))
        throw StoreError(rows.lastError().text());
    struct Row
    {
        QString id, endpoint, normal;
        bool live;
    };
    std::vector<Row> changed;
    while (rows.next()) {
        const QString endpoint = rows.value(1).toString();
        const QString normal = endpointurl::normalized(endpoint);
        if (!normal.isEmpty() && normal != endpoint)
            changed.push_back({rows.value(0).toString(), endpoint, normal,
                               rows.value(2).toString() != QLatin1String("unsubscribed")});
    }
    rows.finish();
    QSqlQuery taken(db);
    taken.prepare(QStringLiteral(
        "SELECT count(*) FROM subscribers WHERE endpoint = ? AND state != 'unsubscribed' AND id != ?"));
    QSqlQuery update(db);
    update.prepare(QStringLiteral("UPDATE subscribers SET endpoint = ? WHERE id = ?"));
    for (const Row &r : changed) {
        if (r.live) {
            taken.addBindValue(r.normal);
            taken.addBindValue(r.id);
            if (!taken.exec() || !taken.next())
                throw StoreError(taken.lastError().text());
            const bool clash = taken.value(0).toInt() > 0;
            taken.finish();
            if (clash) {
                qWarning("subscriber %s keeps its endpoint's spelling: another subscriber already has %s",
                         qPrintable(r.id), qPrintable(endpointurl::redacted(r.normal)));
                continue;
            }
        }
        update.addBindValue(r.normal);
        update.addBindValue(r.id);
        if (!update.exec())
            throw StoreError(update.lastError().text());
    }
}

} // namespace

bool Database::migrate(QString *error)
{
    const int from = schemaVersion();
    if (from == kSchemaVersion)
        return true;
    try {
        Transaction tx(*this);
        if (!isPostgres()) {
            runMigration(from);
            exec(QStringLiteral("PRAGMA user_version=%1").arg(kSchemaVersion));
        } else {
            // Under the writers' lock: a second process opening an empty database at the same moment waits,
            // then finds the schema made.
            exec(QStringLiteral("CREATE TABLE IF NOT EXISTS statusdesk_schema (version INTEGER NOT NULL)"));
            QSqlQuery q(connection());
            int current = 0;
            if (q.exec(QStringLiteral("SELECT version FROM statusdesk_schema")) && q.next())
                current = q.value(0).toInt();
            else
                exec(QStringLiteral("INSERT INTO statusdesk_schema (version) VALUES (0)"));
            q.finish();
            if (current == 0) {
                // SQLite's instr() keeps the repositories' substring filters in one dialect.
                exec(QStringLiteral(
                    "CREATE OR REPLACE FUNCTION instr(text, text) RETURNS integer LANGUAGE sql "
                    "IMMUTABLE AS 'SELECT strpos($1, $2)'"));
            }
            if (current < kSchemaVersion) {
                runMigration(current);
                if (current < 4) {
                    // SQLite's PRAGMA data_version tells an engine that someone changed subscribers; here a
                    // counter bumped by a statement trigger does.
                    exec(QStringLiteral(
                        "CREATE TABLE statusdesk_versions (name TEXT PRIMARY KEY, value BIGINT NOT "
                        "NULL)"));
                    exec(QStringLiteral("INSERT INTO statusdesk_versions VALUES ('subscribers', 0)"));
                    exec(QStringLiteral(
                        "CREATE FUNCTION statusdesk_bump_subscribers() RETURNS trigger LANGUAGE plpgsql AS "
                        "'BEGIN UPDATE statusdesk_versions SET value = value + 1 WHERE name = "
                        "''subscribers''; "
                        "RETURN NULL; END'"));
                    exec(QStringLiteral(
                        "CREATE TRIGGER subscribers_version AFTER INSERT OR UPDATE OR DELETE ON "
                        "subscribers FOR EACH STATEMENT EXECUTE FUNCTION "
                        "statusdesk_bump_subscribers()"));
                }
                exec(QStringLiteral("UPDATE statusdesk_schema SET version = %1").arg(kSchemaVersion));
            }
        }
        if (from > 0)
            normalizeStoredEndpoints(connection());
        tx.commit();
    } catch (const StoreError &e) {
        *error = QStringLiteral("cannot upgrade database %1 from schema %2: %3")
                     .arg(displayName())
                     .arg(from)
                     .arg(e.message());
        return false;
    }
    return true;
}

} // namespace sd
