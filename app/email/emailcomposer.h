#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace sd {

// One email as a person reads it: a plain-text part and a simple HTML part with the same words.
struct EmailContent
{
    QString fromName; // display name, e.g. the page name
    QString fromAddress;
    QString toAddress;
    QString subject;
    QString text;      // plain text, \n line ends
    QString html;      // a complete, simple HTML document
    QString messageId; // local part of Message-ID (the outbox id), so a resend is recognisably the same email
    QDateTime date;
};

// RFC 5322 / MIME bytes (CRLF line ends): From, To, Subject (RFC 2047 encoded when not ASCII), Date,
// Message-ID, MIME-Version and a multipart/alternative body with base64 UTF-8 parts (no line over 76).
namespace emailcomposer {
QByteArray compose(const EmailContent &email);
QByteArray encodedWord(const QString &text); // RFC 2047 "=?UTF-8?B?...?=" words, or the text when plain ASCII
QByteArray rfc5322Date(const QDateTime &t);
} // namespace emailcomposer

} // namespace sd
