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
    QList<int> lines;       // per row: the line it starts on (1-based; a quoted line break counts)
    QList<int> badEncoding; // per row: 0, or the first 1-based column whose bytes are not valid text in the
                            // file's encoding (that row's cells are then not to be trusted: U+FFFD in them)
    QString error;          // non-empty when the text is not valid CSV (e.g. an unterminated quote)
    int errorLine = 0;
};

// The structure is read from the bytes (comma, quote and line breaks are ASCII), each cell is then decoded
// on its own, so one row's invalid bytes are named on that row and never silently become U+FFFD in a stored
// value. `encoding`: UTF-8 (the default) or another ASCII-compatible encoding Qt can decode, e.g. ISO-8859-1.
Table parse(const QByteArray &bytes, const QByteArray &encoding = QByteArrayLiteral("UTF-8"));
// One sentence when `encoding` cannot be used for CSV (unknown, or not ASCII-compatible like UTF-16), else
// empty.
QString checkEncoding(const QByteArray &encoding);
QString quote(const QString &field); // for writing
// A cell a spreadsheet would run as a formula (it starts with = + - @ |, a tab or a CR; `|` starts a DDE call
// in older Excel and LibreOffice) gets a leading single quote, as OWASP's CSV-injection advice says; anything
// else is returned as it is.
QString neutralized(const QString &field);
// One CSV line: every field neutralized, then quoted. Every CSV StatusDesk writes goes through here.
QString joinRow(const QStringList &fields);

} // namespace sd::csv
