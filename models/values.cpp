#include "models/values.h"

#include <array>

namespace sd {
namespace {

constexpr std::array<const char *, 5> kComponentStatus{"operational", "under_maintenance", "degraded_performance",
                                                      "partial_outage", "major_outage"};
constexpr std::array<const char *, 8> kIncidentStatus{"investigating", "identified", "monitoring", "resolved",
                                                     "scheduled",     "in_progress", "verifying", "completed"};
constexpr std::array<const char *, 5> kImpact{"none", "maintenance", "minor", "major", "critical"};
constexpr std::array<const char *, 3> kSubscriberState{"active", "quarantined", "unsubscribed"};
constexpr std::array<const char *, 7> kDeliveryState{"queued", "sending", "delivered", "retrying",
                                                    "failed", "held",    "cancelled"};
constexpr std::array<const char *, 4> kEventKind{"component", "incident", "test", "email"};
constexpr std::array<const char *, 3> kTrigger{"automatic", "retry", "manual"};

template<typename E, std::size_t N> QString nameOf(E v, const std::array<const char *, N> &table)
{
    const auto i = static_cast<std::size_t>(v);
    return i < N ? QString::fromLatin1(table[i]) : QString();
}

template<typename E, std::size_t N> std::optional<E> parse(QStringView s, const std::array<const char *, N> &table)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (s == QLatin1String(table[i]))
            return static_cast<E>(i);
    }
    return std::nullopt;
}

template<std::size_t N> QStringList names(const std::array<const char *, N> &table)
{
    QStringList out;
    for (const char *n : table)
        out << QString::fromLatin1(n);
    return out;
}

} // namespace

QString toString(ComponentStatus v) { return nameOf(v, kComponentStatus); }
QString toString(IncidentStatus v) { return nameOf(v, kIncidentStatus); }
QString toString(Impact v) { return nameOf(v, kImpact); }
QString toString(SubscriberState v) { return nameOf(v, kSubscriberState); }
QString toString(DeliveryState v) { return nameOf(v, kDeliveryState); }
QString toString(EventKind v) { return nameOf(v, kEventKind); }
QString toString(AttemptTrigger v) { return nameOf(v, kTrigger); }

std::optional<ComponentStatus> parseComponentStatus(QStringView s)
{
    return parse<ComponentStatus>(s, kComponentStatus);
}
std::optional<IncidentStatus> parseIncidentStatus(QStringView s) { return parse<IncidentStatus>(s, kIncidentStatus); }
std::optional<Impact> parseImpact(QStringView s) { return parse<Impact>(s, kImpact); }
std::optional<SubscriberState> parseSubscriberState(QStringView s)
{
    return parse<SubscriberState>(s, kSubscriberState);
}
std::optional<DeliveryState> parseDeliveryState(QStringView s) { return parse<DeliveryState>(s, kDeliveryState); }
std::optional<EventKind> parseEventKind(QStringView s) { return parse<EventKind>(s, kEventKind); }
std::optional<AttemptTrigger> parseAttemptTrigger(QStringView s) { return parse<AttemptTrigger>(s, kTrigger); }

QStringList componentStatusNames() { return names(kComponentStatus); }
QStringList incidentStatusNames() { return names(kIncidentStatus); }
QStringList impactNames() { return names(kImpact); }
QStringList subscriberStateNames() { return names(kSubscriberState); }
QStringList deliveryStateNames() { return names(kDeliveryState); }

QString componentStatusLabel(ComponentStatus v)
{
    switch (v) {
    case ComponentStatus::Operational:
        return QStringLiteral("Operational");
    case ComponentStatus::UnderMaintenance:
        return QStringLiteral("Under maintenance");
    case ComponentStatus::DegradedPerformance:
        return QStringLiteral("Degraded performance");
    case ComponentStatus::PartialOutage:
        return QStringLiteral("Partial outage");
    case ComponentStatus::MajorOutage:
        return QStringLiteral("Major outage");
    }
    return {};
}

QString deliveryStateLabel(DeliveryState v)
{
    QString s = toString(v);
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

namespace {
// "in_progress" → "In progress": the wire names are already the words, lower case with underscores.
QString sentenceCase(QString s)
{
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}
} // namespace

QString incidentStatusLabel(IncidentStatus v)
{
    return sentenceCase(toString(v));
}

QString impactLabel(Impact v)
{
    return sentenceCase(toString(v));
}

bool isScheduledMaintenance(IncidentStatus s)
{
    return s == IncidentStatus::Scheduled || s == IncidentStatus::InProgress || s == IncidentStatus::Verifying ||
           s == IncidentStatus::Completed;
}

bool isClosed(IncidentStatus s) { return s == IncidentStatus::Resolved || s == IncidentStatus::Completed; }

} // namespace sd
