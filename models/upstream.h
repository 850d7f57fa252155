#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

// What StatusDesk knows about the public Statuspage pages it follows (issue 23): the page, how it is read and
// what it said last, and the changes it made.
namespace sd {

// One followed page. `url` is the page's base URL (https://status.example.com); the poller reads
// url + /api/v2/summary.json.
struct Upstream
{
    QString id;
    QString url;
    QString name; // shown in the console and in relayed bodies' page.name
    qint64 intervalMs = 60'000;
    QDateTime createdAt;
    QString createdBy;
    // What the last good read said.
    QString pageId;
    QString pageName;
    QString indicator; // none, minor, major, critical, maintenance; empty before the first read
    QString description;
    QByteArray snapshot; // the summary.json body the next read is compared with (compact JSON)
    qint64 snapshotVersion = 0;
    QString etag;
    QString lastModified;
    // How reading it goes.
    QDateTime lastCheckedAt;
    QDateTime lastSuccessAt;
    QDateTime staleSince; // the first failed read since the last good one; invalid while fresh
    QString lastError;
    int failures = 0; // failed reads in a row
    QDateTime nextPollAt;
    // The poller that reads it now (one per upstream across processes and desks).
    QString leaseOwner;
    QString leaseHost;
    qint64 leasePid = 0;
    QDateTime leaseExpiresAt;

    QString summaryUrl() const { return url + QStringLiteral("/api/v2/summary.json"); }
    bool isStale() const { return staleSince.isValid(); }
};

// What changed on an upstream page: what the diff of two reads finds (upstream::Change) and what its event
// keeps.
struct UpstreamChange
{
    enum class Kind
    {
        Component,   // a component's status changed
        Incident,    // a new incident or incident update
        Maintenance, // a maintenance scheduled, started, updated or ended
        PageStatus   // the page's indicator changed (shown, never relayed)
    };
    QString eventKey; // what makes it the same change however many pollers see it
    Kind kind = Kind::Component;
    QString subjectId; // the upstream component or incident id; the page id for PageStatus
    QString subjectName;
    QString oldValue;     // status before (component, page); empty for a new incident
    QString newValue;     // status after
    QString text;         // one line for the timeline
    QDateTime occurredAt; // when the upstream says it happened, when it says so
};

// One change seen upstream, recorded once (event_key is unique per upstream) with the messages it queued.
struct UpstreamEvent : UpstreamChange
{
    QString id; // 12 base-36 characters; also component_update.id in a relayed component body
    QString upstreamId;
    QByteArray body; // the relayed event (without meta.unsubscribe); empty for PageStatus
    QDateTime detectedAt;
    int messages = 0; // webhooks queued for it
    int seq = 0;      // order among the events of one read
};

// "Caused by Vendor X: ...": a local incident linked to an upstream incident.
struct UpstreamLink
{
    QString incidentId; // local
    QString upstreamId;
    QString upstreamName; // kept: the link still reads well after the page is unfollowed
    QString upstreamIncidentId;
    QString upstreamIncidentName;
    QDateTime linkedAt;
    QString linkedBy;
};

QString toString(UpstreamEvent::Kind kind);
UpstreamEvent::Kind parseUpstreamEventKind(const QString &text);

} // namespace sd
