#include "app/email/emailcomposer.h"

#include "models/ids.h"

#include <QLocale>

namespace sd::emailcomposer {
namespace {

bool isPrintableAscii(const QString &s)
{
    for (const QChar c : s) {
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    }
    return true;
}

// Header values never carry a line break: a name or subject with CR/LF must not start a header of its own
// (simplified() folds CR, LF and every other white space into single spaces).
QString oneLine(const QString &s)
{
    return s.simplified();
}

QByteArray base64Lines(const QByteArray &bytes)
{
    const QByteArray b64 = bytes.toBase64();
    QByteArray out;
    for (qsizetype i = 0; i < b64.size(); i += 76)
        out += b64.mid(i, 76) + "\r\n";
    return out;
}

QByteArray crlf(const QString &text)
{
    QString t = text;
    t.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    t.replace(QLatin1Char('\n'), QStringLiteral("\r\n"));
    return t.toUtf8();
}

QByteArray domainOf(const QString &address)
{
    const qsizetype at = address.lastIndexOf(QLatin1Char('@'));
    const QString domain = at >= 0 ? address.mid(at + 1) : QString();
    return domain.isEmpty() ? QByteArrayLiteral("statusdesk.invalid") : domain.toLatin1();
}

} // namespace

QByteArray encodedWord(const QString &text)
{
    const QString t = oneLine(text);
    if (isPrintableAscii(t))
        return t.toLatin1();
    // Encoded words are at most 75 characters; 39 bytes of UTF-8 (52 of base64, 64 with the wrapper) keep
    // even the first one, after "Subject: ", within a 78-character line, split between characters, never
    // inside one.
    QByteArrayList words;
    QByteArray chunk;
    for (qsizetype i = 0; i < t.size();) {
        const qsizetype len = t.at(i).isHighSurrogate() && i + 1 < t.size() ? 2 : 1;
        const QByteArray ch = t.mid(i, len).toUtf8();
        if (chunk.size() + ch.size() > 39) {
            words << "=?UTF-8?B?" + chunk.toBase64() + "?=";
            chunk.clear();
        }
        chunk += ch;
        i += len;
    }
    if (!chunk.isEmpty())
        words << "=?UTF-8?B?" + chunk.toBase64() + "?=";
    return words.join("\r\n ");
}

QByteArray rfc5322Date(const QDateTime &t)
{
    return QLocale::c().toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss")).toLatin1() +
           " +0000";
}

QByteArray compose(const EmailContent &email)
{
    const QByteArray boundary = "=_statusdesk_" + ids::randomBase36(24).toLatin1();
    QByteArray from;
    if (!email.fromName.isEmpty()) {
        const QString name = oneLine(email.fromName);
        // A plain name is quoted (it may hold commas or dots); anything else is an encoded word.
        if (isPrintableAscii(name)) {
            QString quoted = name;
            quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
            quoted.replace(QLatin1Char('"'), QStringLiteral("\\\""));
            from = '"' + quoted.toLatin1() + "\" ";
        } else {
            from = encodedWord(name) + "\r\n "; // folded: the words and the address on lines of their own
        }
    }
    from += '<' + oneLine(email.fromAddress).toLatin1() + '>';

    QByteArray out;
    out += "From: " + from + "\r\n";
    out += "To: <" + oneLine(email.toAddress).toLatin1() + ">\r\n";
    out += "Subject: " + encodedWord(email.subject) + "\r\n";
    out += "Date: " + rfc5322Date(email.date) + "\r\n";
    out += "Message-ID: <" + email.messageId.toLatin1() + '@' + domainOf(email.fromAddress) + ">\r\n";
    out += "Auto-Submitted: auto-generated\r\n"; // RFC 3834: no vacation replies to a robot
    out += "MIME-Version: 1.0\r\n";
    out += "Content-Type: multipart/alternative;\r\n boundary=\"" + boundary + "\"\r\n";
    out += "\r\n";
    out += "This is a MIME message; its text part says the same as its HTML part.\r\n";
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: text/plain; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64Lines(crlf(email.text));
    out += "\r\n--" + boundary + "\r\n";
    out += "Content-Type: text/html; charset=utf-8\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64Lines(crlf(email.html));
    out += "\r\n--" + boundary + "--\r\n";
    return out;
}

} // namespace sd::emailcomposer
