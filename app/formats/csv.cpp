#include "app/formats/csv.h"

namespace sd::csv {

Table parse(const QByteArray &utf8)
{
    Table table;
    const QString text = QString::fromUtf8(utf8);
    QStringList row;
    QString field;
    bool inQuotes = false;
    bool fieldStarted = false;
    int line = 1;
    int quoteLine = 0;
    auto endField = [&] {
        row << field;
        field.clear();
        fieldStarted = false;
    };
    auto endRow = [&] {
        endField();
        if (!(row.size() == 1 && row.first().isEmpty()))
            table.rows << row;
        row.clear();
    };
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (inQuotes) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field += QLatin1Char('"');
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == QLatin1Char('"') && !fieldStarted) {
            inQuotes = true;
            fieldStarted = true;
            quoteLine = line;
        } else if (c == QLatin1Char(',')) {
            endField();
        } else if (c == QLatin1Char('\r')) {
            // part of CRLF; a lone CR is ignored
        } else if (c == QLatin1Char('\n')) {
            endRow();
            ++line;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (inQuotes) {
        table.error = QStringLiteral("unterminated quoted field starting on line %1").arg(quoteLine);
        table.errorLine = quoteLine;
        return table;
    }
    if (fieldStarted || !field.isEmpty() || !row.isEmpty())
        endRow();
    return table;
}

QString quote(const QString &field)
{
    if (!field.contains(QLatin1Char(',')) && !field.contains(QLatin1Char('"')) &&
        !field.contains(QLatin1Char('\n')) && !field.contains(QLatin1Char('\r')))
        return field;
    QString out = field;
    out.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

namespace {
// What a spreadsheet would read as the start of a formula (OWASP's CSV-injection list).
bool startsFormula(const QString &field)
{
    if (field.isEmpty())
        return false;
    switch (field.front().unicode()) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r':
        return true;
    default:
        return false;
    }
}
} // namespace

QString neutralized(const QString &field)
{
    return startsFormula(field) ? QLatin1Char('\'') + field : field;
}

QString joinRow(const QStringList &fields)
{
    // quote(neutralized(f)) for each field, written straight into one string: a streamed report calls this
    // once per row, a million times, and the list of copies and the join were most of its cost.
    qsizetype size = fields.size();
    for (const QString &f : fields)
        size += f.size() + 3;
    QString out;
    out.reserve(size);
    for (qsizetype i = 0; i < fields.size(); ++i) {
        const QString &f = fields.at(i);
        if (i > 0)
            out += QLatin1Char(',');
        const bool formula = startsFormula(f);
        bool quoted = false;
        for (const QChar c : f) {
            const char16_t u = c.unicode();
            if (u == ',' || u == '"' || u == '\n' || u == '\r') {
                quoted = true;
                break;
            }
        }
        if (quoted)
            out += QLatin1Char('"');
        if (formula)
            out += QLatin1Char('\'');
        if (!quoted) {
            out += f;
            continue;
        }
        qsizetype from = 0;
        for (qsizetype q = f.indexOf(QLatin1Char('"')); q >= 0; q = f.indexOf(QLatin1Char('"'), from)) {
            out += QStringView(f).mid(from, q + 1 - from);
            out += QLatin1Char('"');
            from = q + 1;
        }
        out += QStringView(f).mid(from);
        out += QLatin1Char('"');
    }
    return out;
}

} // namespace sd::csv
