#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace sd {

// Writes a top-level JSON array one element at a time, byte for byte as QJsonDocument::toJson(Indented)
// writes the whole array, so a listing of any length never holds more than one element (issue 11).
class JsonArrayWriter final
{
public:
    explicit JsonArrayWriter(QTextStream &out);
    void append(const QJsonObject &element);
    void finish(); // the closing bracket; call once

private:
    QTextStream &m_out;
    bool m_any = false;
};

// The command line's table (the layout of cli::Context::printTable: columns as wide as their widest cell
// up to 60 characters, endpoints redacted, long cells cut) for rows that are read twice instead of kept:
// measure() every row on a first pass, then print() the header and each row on a second.
class TableWriter final
{
public:
    TableWriter(QTextStream &out, QStringList headers);
    void measure(const QStringList &cells);
    void printHeader();
    void print(const QStringList &cells);

private:
    QTextStream &m_out;
    QStringList m_headers;
    QList<int> m_widths;
};

} // namespace sd
