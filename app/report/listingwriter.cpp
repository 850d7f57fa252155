#include "app/report/listingwriter.h"

#include "models/endpointurl.h"

#include <QJsonDocument>

namespace sd {

JsonArrayWriter::JsonArrayWriter(QTextStream &out)
    : m_out(out)
{
    m_out << "[\n";
}

void JsonArrayWriter::append(const QJsonObject &element)
{
    // One member per line with newlines inside strings escaped: indenting each line after the first by one
    // level gives the element's place in the array.
    QByteArray text = QJsonDocument(element).toJson(QJsonDocument::Indented);
    text.chop(1);
    text.replace("\n", "\n    ");
    m_out << (m_any ? ",\n    " : "    ") << QString::fromUtf8(text);
    m_any = true;
}

void JsonArrayWriter::finish()
{
    m_out << (m_any ? "\n]\n" : "]\n");
    m_out.flush();
}

TableWriter::TableWriter(QTextStream &out, QStringList headers)
    : m_out(out)
    , m_headers(std::move(headers))
{
    for (const QString &h : std::as_const(m_headers))
        m_widths << static_cast<int>(h.size());
}

void TableWriter::measure(const QStringList &cells)
{
    for (int i = 0; i < cells.size() && i < m_widths.size(); ++i)
        m_widths[i] = std::max(m_widths[i], std::min(60, static_cast<int>(cells.at(i).size())));
}

void TableWriter::printHeader()
{
    print(m_headers);
}

void TableWriter::print(const QStringList &cells)
{
    QString text;
    for (int i = 0; i < cells.size(); ++i) {
        // An endpoint's password never reaches the terminal.
        QString cell = endpointurl::redacted(cells.at(i));
        cell.replace(QLatin1Char('\n'), QLatin1Char(' '));
        if (cell.size() > 60)
            cell = cell.left(57) + QStringLiteral("...");
        text += i + 1 < cells.size() ? cell.leftJustified(m_widths.value(i) + 2) : cell;
    }
    m_out << text << '\n';
}

} // namespace sd
