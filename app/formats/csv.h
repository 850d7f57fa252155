#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Small on purpose; also a fuzz target.
namespace sd::csv {

struct Table
{
    QList<QStringList> rows;
    QString error; // non-empty when the text is not valid CSV (e.g. an unterminated quote)
    int errorLine = 0;
};

Table parse(const QByteArray &utf8);
QString quote(const QString &field); // for writing
// A cell a spreadsheet would run as a formula (it starts with = + - @, a tab or a CR) gets a leading single
// quote, as OWASP's CSV-injection advice says; anything else is returned as it is.
QString neutralized(const QString &field);
// One CSV line: every field neutralized, then quoted. Every CSV StatusDesk writes goes through here.
QString joinRow(const QStringList &fields);

} // namespace sd::csv
