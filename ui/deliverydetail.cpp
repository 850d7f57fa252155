#include "ui/deliverydetail.h"

#include "models/endpointurl.h"
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

DeliveryDetail::DeliveryDetail(QString databaseLocation, QWidget *parent)
    : QTextBrowser(parent)
    , m_reader(new MessageDetailReader(std::move(databaseLocation), this))
{
    setObjectName(QStringLiteral("deliveryDetail"));
    setOpenLinks(false);
    connect(this, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url == kToggleLink)
            setPrettyJson(!m_pretty);
    });
    connect(m_reader, &MessageDetailReader::ready, this, &DeliveryDetail::onRead);
}

void DeliveryDetail::setPrettyJson(bool pretty)
{
    m_pretty = pretty;
    if (!m_id.isEmpty() && m_detail.message.id == m_id)
        render(true);
}

void DeliveryDetail::changeEvent(QEvent *event)
{
    QTextBrowser::changeEvent(event);
    // The header and body blocks carry the palette's colours in their HTML: drawn again from what was read.
    if (event->type() == QEvent::PaletteChange && !m_id.isEmpty() && m_detail.message.id == m_id)
        render(true);
}

QString DeliveryDetail::body(const QByteArray &bytes) const
{
    return pre(m_pretty ? prettyJson(bytes) : QString::fromUtf8(bytes), palette());
}

void DeliveryDetail::clearMessage()
{
    m_id.clear();
    m_detail = {};
    clear();
}

void DeliveryDetail::showMessage(const Message &message)
{
    m_id = message.id;
    m_reader->read(message);
}

void DeliveryDetail::onRead(const MessageDetail &detail)
{
    if (detail.message.id != m_id)
        return; // read for a row no longer selected
    // Scroll position survives the refresh that live updates trigger.
    const bool same = m_detail.message.id == detail.message.id;
    m_detail = detail;
    render(same);
    Q_EMIT shown(m_id);
}

void DeliveryDetail::render(bool keepScroll)
{
    const int scroll = keepScroll ? verticalScrollBar()->value() : 0;
    if (!m_detail.error.isEmpty()) {
        setPlainText(m_detail.error);
        return;
    }
    const Message *full = &m_detail.message;
    const std::vector<Attempt> &attempts = m_detail.attempts;
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
