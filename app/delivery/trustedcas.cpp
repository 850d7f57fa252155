#include "app/delivery/trustedcas.h"

#include <QFile>
#include <QSet>
#include <QSslConfiguration>

namespace sd::trustedcas {

Result<QList<QSslCertificate>> load(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{QStringLiteral("The CA file %1 cannot be read: %2").arg(path, file.errorString())};
    // A bundle is small; a larger file is not a CA bundle and is not worth holding in memory.
    constexpr qint64 kMaxBytes = 4 * 1024 * 1024;
    if (file.size() > kMaxBytes)
        return Error{
            QStringLiteral("The CA file %1 is larger than 4 MB; it should hold PEM certificates only")
                .arg(path)};
    const QList<QSslCertificate> certificates = QSslCertificate::fromData(file.readAll(), QSsl::Pem);
    if (certificates.isEmpty())
        return Error{
            QStringLiteral("The CA file %1 holds no PEM certificate (\"-----BEGIN CERTIFICATE-----\")")
                .arg(path)};
    return certificates;
}

void trustInThisProcess(const QList<QSslCertificate> &extra)
{
    // Left alone until a list is given, so Qt keeps loading the system store on demand (a process that
    // trusts nothing extra never reads it).
    static bool listGiven = false;
    if (extra.isEmpty() && !listGiven)
        return;
    listGiven = true;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    // Setting a CA list switches off Qt's on-demand loading of the system store, so the system's CAs are put
    // in the list explicitly: the extra ones are added, never substituted.
    // Each certificate once: Qt 6.4 reads Debian's store twice (every *.pem, then the same certificates in
    // ca-certificates.crt), and every new TLS connection puts the whole list into its own OpenSSL store.
    QList<QSslCertificate> cas;
    QSet<QSslCertificate> seen;
    for (const QList<QSslCertificate> &list : {QSslConfiguration::systemCaCertificates(), extra}) {
        for (const QSslCertificate &c : list) {
            if (!seen.contains(c)) {
                seen.insert(c);
                cas << c;
            }
        }
    }
    config.setCaCertificates(cas);
    QSslConfiguration::setDefaultConfiguration(config);
}

} // namespace sd::trustedcas
