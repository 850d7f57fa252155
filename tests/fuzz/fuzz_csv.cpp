// libFuzzer target for csv::parse (subscriber import). Besides crashes it checks a round trip: a table that
// parsed cleanly, written back with csv::joinRow and parsed again, gives the same rows (formula-like cells
// with the single quote joinRow puts in front of them); and every first cell, the endpoint column of an
// import, goes through the endpoint URL rules as the import does (a stable normal form).
#include "app/formats/csv.h"
#include "models/endpointurl.h"

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const sd::csv::Table table = sd::csv::parse(input);
    if (!table.error.isEmpty()) {
        if (table.errorLine < 1)
            std::abort();
        return 0;
    }
    QStringList lines;
    QList<QStringList> expected;
    for (const QStringList &row : table.rows) {
        if (!row.isEmpty()) {
            const QString normal = sd::endpointurl::normalized(row.first());
            if (!normal.isEmpty() && sd::endpointurl::normalized(normal) != normal)
                std::abort();
        }
        lines << sd::csv::joinRow(row);
        QStringList cells;
        for (const QString &cell : row)
            cells << sd::csv::neutralized(cell);
        expected << cells;
    }
    const sd::csv::Table again = sd::csv::parse(lines.join(QLatin1Char('\n')).toUtf8());
    if (!again.error.isEmpty() || again.rows != expected)
        std::abort();
    return 0;
}
