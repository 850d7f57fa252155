#include "ui/deliverydetail.h"

#include "models/endpointurl.h"
#include "models/store.h"
#include "models/timeformat.h"
#include "models/values.h"

#include <QEvent>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScrollBar>

namespace sd {
namespace {

QString prettyJson(const QByteArray &bytes)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError || doc.isNull())
        return QString::fromUtf8(bytes);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

QString headerLines(const QByteArray &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    QString out;
    for (auto it = o.begin(); it != o.end(); ++it)
        out += it.key() + QStringLiteral(": ") + it.value().toString() + QLatin1Char('\n');
    return out;
}

// The block follows the palette (a fixed light grey stayed white on a dark one).
QString pre(const QString &text, const QPalette &palette)
{
    return QStringLiteral("<pre style=\"background:%2;color:%3;padding:4px\">%1</pre>")
        .arg(text.toHtmlEscaped(), palette.color(QPalette::AlternateBase).name(),
             palette.color(QPalette::Text).name());
}

const QUrl kToggleLink(QStringLiteral("statusdesk:toggle-pretty"));

} // namespace

DeliveryDetail::DeliveryDetail(Store &liveStore, QWidget *parent)
    : QTextBrowser(parent)
    , m_store(liveStore)
{
    setObjectName(QStringLiteral("deliveryDetail"));
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url == kToggleLink)
            setPrettyJson(!m_pretty);
    });
}

void DeliveryDetail::setPrettyJson(bool pretty)
{
    m_pretty = pretty;
    if (!m_id.isEmpty())
        showMessage(m_message);
}

void DeliveryDetail::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    // The header and body blocks carry the palette's colours in their HTML.
    if (event->type() == QEvent::PaletteChange && !m_id.isEmpty())
        showMessage(m_message);
}

QString DeliveryDetail::body(const QByteArray &bytes) const
{
    return pre(m_pretty ? prettyJson(bytes) : QString::fromUtf8(bytes), palette());
}

void DeliveryDetail::clearMessage()
{
    m_id.clear();
    clear();
}

void DeliveryDetail::showMessage(const Message &message)
{
    const QString id = message.id;
    // Scroll position survives the refresh that live updates trigger.
    const int scroll = id == m_id ? verticalScrollBar()->value() : 0;
    m_id = id;
    m_message = message;
    // Everything here is read on the live connection with complete reads (see Session::liveStore).
    std::optional<Message> full = message;
    std::vector<Attempt> attempts;
    try {
        QSqlQuery &q = m_store.db().run(
            QStringLiteral("SELECT b.body, m.created_by, m.next_actor, m.next_trigger FROM messages m JOIN "
                           "message_bodies b ON b.message_id = m.id WHERE m.id = ?"),
            {id});
        if (q.next()) {
            full->body = q.value(0).toByteArray();
            full->createdBy = q.value(1).toString();
            full->nextActor = q.value(2).toString();
            full->nextTrigger =
                parseAttemptTrigger(q.value(3).toString()).value_or(AttemptTrigger::Automatic);
        }
        q.finish();
        attempts = m_store.outbox.attempts(id);
    } catch (const StoreError &e) {
        setPlainText(e.message());
        return;
    }
    if (!full)
        return;
    const bool email = full->channel == Channel::Email;
    QString html =
        QStringLiteral("<h3>%1</h3><p>%6<br>%7 <code>%2</code> → %3<br>State: <b>%4</b>, %5 attempt(s)")
            .arg(full->subjectName.toHtmlEscaped(), full->id,
                 endpointurl::redacted(full->endpoint).toHtmlEscaped(), deliveryStateLabel(full->state))
            .arg(full->attempts)
            .arg(email ? tr("Channel: email (to the address on file)") : tr("Channel: webhook"),
                 email ? QStringLiteral("Message-ID") : QStringLiteral("webhook-id"));
    if (full->nextAttemptAt.isValid() &&
        (full->state == DeliveryState::Retrying || full->state == DeliveryState::Queued))
        html += tr(", next attempt %1").arg(timefmt::display(full->nextAttemptAt));
    // Who: the operator whose change queued it, and who asked for a resend not yet sent.
    if (!full->createdBy.isEmpty())
        html += QStringLiteral("<br>") + tr("Queued by %1").arg(full->createdBy.toHtmlEscaped());
    if (full->nextTrigger == AttemptTrigger::Manual && !full->nextActor.isEmpty())
        html += QStringLiteral("<br>") + tr("Resend requested by %1").arg(full->nextActor.toHtmlEscaped());
    html += QStringLiteral("</p><p><a href=\"%1\">%2</a></p>")
                .arg(kToggleLink.toString(),
                     m_pretty ? tr("Show bodies as sent and received") : tr("Show bodies as indented JSON"));
    if (attempts.empty())
        html += QStringLiteral("<p><i>%1</i></p><h4>%2</h4>%3")
                    .arg(tr("No attempt yet."), tr("Request body"), body(full->body));
    for (auto it = attempts.rbegin(); it != attempts.rend(); ++it) {
        const Attempt &a = *it;
        // An email's status is the mail server's reply code.
        const QString protocol = email ? QStringLiteral("SMTP %1") : QStringLiteral("HTTP %1");
        const QString result = a.errorClass.isEmpty()
                                   ? protocol.arg(a.httpStatus)
                                   : QStringLiteral("%1 %2 %3")
                                         .arg(a.httpStatus > 0 ? protocol.arg(a.httpStatus) : QString(),
                                              a.errorClass, a.errorText)
                                         .trimmed();
        // A manual attempt names who resent it.
        const QString trigger = a.trigger == AttemptTrigger::Manual && !a.actor.isEmpty()
                                    ? tr("resent by %1").arg(a.actor)
                                    : toString(a.trigger);
        html += QStringLiteral("<hr><h4>Attempt %1 (%2) — %3 at %4, %5 ms</h4>")
                    .arg(a.attemptNumber)
                    .arg(trigger.toHtmlEscaped(), result.toHtmlEscaped(), timefmt::display(a.startedAt))
                    .arg(a.durationMs);
        html += QStringLiteral("<b>%1</b>").arg(tr("Request headers")) +
                pre(headerLines(a.requestHeaders), palette());
        html += QStringLiteral("<b>%1</b>").arg(tr("Request body")) + body(full->body);
        html += QStringLiteral("<b>%1</b>").arg(tr("Response headers")) +
                pre(headerLines(a.responseHeaders), palette());
        html += QStringLiteral("<b>%1</b>").arg(tr("Response body")) + body(a.responseBody);
    }
    setHtml(html);
    verticalScrollBar()->setValue(scroll);
}

} // namespace sd
