#include "app/formats/csv.h"

#include <QStringDecoder>

namespace sd::csv {

namespace {

bool asciiCompatible(QStringConverter::Encoding e)
{
    return e == QStringConverter::Utf8 || e == QStringConverter::Latin1 || e == QStringConverter::System;
}

} // namespace

QString checkEncoding(const QByteArray &encoding)
{
    const auto known = QStringConverter::encodingForName(encoding.constData());
    if (!known)
        return QStringLiteral("unknown encoding \"%1\"; use UTF-8 or ISO-8859-1 (Latin-1)")
            .arg(QString::fromLatin1(encoding));
    if (!asciiCompatible(*known))
        return QStringLiteral("a CSV file in %1 cannot be read; save it as UTF-8")
            .arg(QString::fromLatin1(encoding));
    return {};
}

Table parse(const QByteArray &bytes, const QByteArray &encoding)
{
    Table table;
    if (const QString err = checkEncoding(encoding); !err.isEmpty()) {
        table.error = err;
        table.errorLine = 1;
        return table;
    }
    const auto enc = *QStringConverter::encodingForName(encoding.constData());
    const char *data = bytes.constData();
    const qsizetype size = bytes.size();
    qsizetype at = 0;
    // A UTF-8 byte order mark (spreadsheets write one) is not part of the first cell.
    if (enc == QStringConverter::Utf8 && bytes.startsWith("\xEF\xBB\xBF"))
        at = 3;
    QStringList row;
    int badColumn = 0;
    QByteArray field;
    bool inQuotes = false;
    bool fieldStarted = false;
    int line = 1;
    int rowLine = 1;
    int quoteLine = 0;
    auto endField = [&] {
        // Stateless: every cell judged on its own bytes; a BOM inside a cell is kept as it is.
        QStringDecoder decode(enc,
                              QStringConverter::Flag::Stateless | QStringConverter::Flag::ConvertInitialBom);
        QString text = decode(field);
        if (decode.hasError() && badColumn == 0)
            badColumn = static_cast<int>(row.size()) + 1;
        row << std::move(text);
        field.clear();
        fieldStarted = false;
    };
    auto endRow = [&] {
        endField();
        if (!(row.size() == 1 && row.first().isEmpty())) {
            table.rows << row;
            table.lines << rowLine;
            table.badEncoding << badColumn;
        }
        row.clear();
        badColumn = 0;
    };
    for (qsizetype i = at; i < size; ++i) {
        const char c = data[i];
        if (inQuotes) {
            if (c == '"') {
                if (i + 1 < size && data[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    inQuotes = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == '"' && !fieldStarted) {
            inQuotes = true;
            fieldStarted = true;
            quoteLine = line;
        } else if (c == ',') {
            endField();
        } else if (c == '\r') {
            // part of CRLF; a lone CR is ignored
        } else if (c == '\n') {
            endRow();
            ++line;
            rowLine = line;
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
    case '|':
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
