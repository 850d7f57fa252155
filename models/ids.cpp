#include "models/ids.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace sd::ids {
namespace {
constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
}

QString randomBase36(int length)
{
    QString out;
    out.reserve(length);
    auto *rng = QRandomGenerator::system();
    while (out.size() < length) {
        // 252 = 36 * 7: rejecting the top four byte values keeps every character equally likely.
        const quint32 word = rng->generate();
        for (int shift = 0; shift < 32 && out.size() < length; shift += 8) {
            const quint32 byte = (word >> shift) & 0xffU;
            if (byte < 252U)
                out.append(QLatin1Char(kAlphabet[byte % 36U]));
        }
    }
    return out;
}

QString newId() { return randomBase36(12); }
QString newToken() { return randomBase36(26); }

QString newSigningSecret()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QStringLiteral("whsec_") + QString::fromLatin1(bytes.toBase64());
}

bool isValidId(QStringView s)
{
    if (s.size() != 12)
        return false;
    for (QChar c : s) {
        if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9')) || (c >= QLatin1Char('a') && c <= QLatin1Char('z'))))
            return false;
    }
    return true;
}

bool isValidSigningSecret(QStringView s)
{
    if (!s.startsWith(QLatin1String("whsec_")))
        return false;
    const QByteArray raw = QByteArray::fromBase64(s.mid(6).toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    return raw.size() >= 24 && raw.size() <= 64;
}

} // namespace sd::ids
