#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

// Plain value types for what a status page holds. Field names follow Statuspage's API so the payload
// builder and the HTTP API map them one to one.
namespace sd {

enum class ComponentStatus { Operational, UnderMaintenance, DegradedPerformance, PartialOutage, MajorOutage };
enum class IncidentStatus {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Scheduled,
    InProgress,
    Verifying,
    Completed
};
enum class Impact { None, Maintenance, Minor, Major, Critical };
enum class SubscriberState { Active, Quarantined, Unsubscribed };
enum class DeliveryState { Queued, Sending, Delivered, Retrying, Failed, Held, Cancelled };
enum class EventKind { Component, Incident, Test, Email };
// How a message travels: a webhook POST to the subscriber's endpoint, or an email to the address on file.
enum class Channel { Webhook, Email };
enum class AttemptTrigger { Automatic, Retry, Manual };

struct Page
{
    QString id;
    QString name;
    QString url;              // public page URL; meta.unsubscribe is built from it
    QString timeZone;         // IANA name; incident timestamps carry its offset
    QString documentationUrl; // meta.documentation
    bool allowWebhookSubscribers = true; // Statuspage's allow_webhook_subscribers: the API and form accept them
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct ComponentGroup
{
    QString id;
    QString name;
    int position = 0;
    QString description;
    QDateTime createdAt; // unset for groups made before schema v6
    QDateTime updatedAt;
};

struct Component
{
    QString id;
    QString pageId;
    QString name;
    QString description;
    ComponentStatus status = ComponentStatus::Operational;
    int position = 0;
    bool showcase = true;
    QString groupId; // empty: not in a group
    bool onlyShowIfDegraded = false;
    QDate startDate; // the date it started being used; unset: unknown
    QDateTime createdAt;
    QDateTime updatedAt;
};

// One status change of a component; its id is component_update.id in the webhook.
struct ComponentUpdate
{
    QString id;
    QString componentId;
    ComponentStatus oldStatus = ComponentStatus::Operational;
    ComponentStatus newStatus = ComponentStatus::Operational;
    QDateTime createdAt;
    QString actor; // the operator who changed it; not part of the webhook
};

struct AffectedComponent
{
    QString code; // component id
    QString name;
    ComponentStatus oldStatus = ComponentStatus::Operational;
    ComponentStatus newStatus = ComponentStatus::Operational;
};

struct IncidentUpdate
{
    QString id;
    QString incidentId;
    IncidentStatus status = IncidentStatus::Investigating;
    QString body;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime displayAt;
    QDateTime twitterUpdatedAt;
    bool wantsTwitterUpdate = false;
    bool deliverNotifications = true;
    std::vector<AffectedComponent> affectedComponents;
    QString actor; // the operator who posted it; not part of the webhook
};

struct Incident
{
    QString id;
    QString pageId;
    QString name;
    IncidentStatus status = IncidentStatus::Investigating;
    Impact impact = Impact::None; // effective impact: override when set, else computed
    std::optional<Impact> impactOverride;
    bool backfilled = false;
    QString shortlink;
    QDateTime createdAt;
    QDateTime updatedAt;
    QDateTime startedAt;
    QDateTime monitoringAt;
    QDateTime resolvedAt;
    QDateTime scheduledFor;
    QDateTime scheduledUntil;
    QDateTime scheduledRemindedAt;
    bool scheduledRemindPrior = false;
    bool scheduledAutoTransition = false;
    QString postmortemBody;
    QDateTime postmortemBodyLastUpdatedAt;
    QDateTime postmortemPublishedAt;
    bool postmortemIgnored = false;
    bool postmortemNotifiedSubscribers = false;
    bool postmortemNotifiedTwitter = false;
    QStringList componentIds;            // components this incident affects
    std::vector<IncidentUpdate> updates; // newest first
};

// A component an incident template lists, and the status it sets it to (Statuspage's templates list only
// ids; StatusDesk keeps the status too, so an incident from a template changes the components in one go).
// No status: the component is affected at whatever status it has when the incident is made.
struct TemplateComponent
{
    QString componentId;
    std::optional<ComponentStatus> status;
};

// Statuspage's incident template: what a new incident (or update) starts from.
struct IncidentTemplate
{
    QString id;
    QString name;  // how operators pick it (unique)
    QString title; // the incident's name
    QString body;  // the first update's text
    QString groupId;
    IncidentStatus updateStatus = IncidentStatus::Investigating;
    bool shouldTweet = false;
    bool shouldSendNotifications = true;
    std::vector<TemplateComponent> components;
    QDateTime createdAt;
    QDateTime updatedAt;
};

struct Subscriber
{
    QString id;
    QString endpoint;
    QString email;
    QStringList componentIds; // empty: hears about everything
    QString secret;           // whsec_...; empty: unsigned
    QString previousSecret;   // still signed with during a rotation
    QDateTime previousSecretExpiresAt;
    QString unsubscribeToken;
    SubscriberState state = SubscriberState::Active;
    QDateTime createdAt;
    QDateTime quarantinedAt;
    QDateTime purgeAt;
    QDateTime unsubscribedAt;
    QString incidentId; // set: hears that one incident's updates only, until it is resolved
};

// One webhook for one subscriber: the outbox row. Its id is the webhook-id header on every attempt.
struct Message
{
    QString id;
    QString subscriberId;
    EventKind kind = EventKind::Component;
    QString subjectId;   // component or incident id
    QString subjectName; // for display and reports
    QString eventId;     // component_update or incident_update id
    QByteArray body;     // fixed when the message is created
    QDateTime createdAt;
    DeliveryState state = DeliveryState::Queued;
    int attempts = 0;
    QDateTime nextAttemptAt;
    QDateTime updatedAt;
    int lastHttpStatus = 0;
    QString lastErrorClass;
    QString lastError;
    qint64 lastDurationMs = -1;
    QString endpoint; // joined from the subscriber for listings
    AttemptTrigger nextTrigger = AttemptTrigger::Automatic; // manual after an operator's resend
    QString createdBy; // the operator whose change queued it
    QString nextActor; // the operator who asked for the next (manual) attempt
    int manualAttempts = 0; // of `attempts`, those an operator asked for (the retry schedule skips them)
    QDateTime resumeAt; // the automatic attempt a pending manual one came before; kept if it fails
    QString leaseOwner; // the engine sending it now (state sending)
    QDateTime leaseExpiresAt;
    Channel channel = Channel::Webhook;
    QString recipient; // email channel: the address it goes to (fixed when queued; endpoint shows mailto:)
};

struct Attempt
{
    qint64 id = 0;
    QString messageId;
    QString subscriberId;
    QString endpoint;
    int attemptNumber = 0;
    AttemptTrigger trigger = AttemptTrigger::Automatic;
    QDateTime startedAt;
    QDateTime endedAt;
    qint64 durationMs = 0;
    int httpStatus = 0;
    QString errorClass; // empty on success; dns, refused, reset, tls, timeout, http_3xx, ...
    QString errorText;
    QByteArray requestHeaders;  // JSON object
    QByteArray responseHeaders; // JSON object
    QByteArray responseBody;    // capped
    QDateTime nextAttemptAt;
    QString actor; // who asked for a manual attempt; empty for the engine's own
};

struct Notice
{
    qint64 id = 0;
    QDateTime createdAt;
    QString subscriberId;
    QString kind;
    QString text;
    bool acknowledged = false;
};

} // namespace sd
