#include "app/api/apikeystore.h"

#include "models/auditrepository.h"
#include "models/ids.h"

#include <QCryptographicHash>

namespace sd::api {
namespace {

constexpr int kKeyLength = 32; // base-36 characters: 32 * log2(36) ~ 165 bits
constexpr int kMaxNameLength = 100;

ApiKey keyFrom(QSqlQuery &q)
{
    ApiKey k;
    k.id = q.value(0).toString();
    k.name = q.value(1).toString();
    k.createdAt = dateFromDb(q.value(2));
    k.revokedAt = dateFromDb(q.value(3));
    return k;
}

} // namespace

QString ApiKeyStore::hash(const QString &key)
{
    return QString::fromLatin1(QCryptographicHash::hash(key.toUtf8(), QCryptographicHash::Sha256).toHex());
}

bool ApiKeyStore::constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    // Both sides are fixed-length hex digests; the length check leaks nothing secret.
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return diff == 0;
}

Result<CreatedApiKey> ApiKeyStore::create(const QString &name, const QString &actor)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty())
        return Error{QStringLiteral("an API key needs a name (--name)")};
    if (trimmed.size() > kMaxNameLength)
        return Error{QStringLiteral("API key name is %1 characters; the limit is %2")
                         .arg(trimmed.size())
                         .arg(kMaxNameLength)};
    CreatedApiKey out;
    out.secret = QStringLiteral("sdk_") + ids::randomBase36(kKeyLength);
    out.key.id = ids::newId();
    out.key.name = trimmed;
    out.key.createdAt = QDateTime::currentDateTimeUtc();
    try {
        Transaction tx(m_db);
        m_db.run(QStringLiteral("INSERT INTO api_keys (id, name, key_hash, created_at, revoked_at) "
                                "VALUES (?, ?, ?, ?, NULL)"),
                 {out.key.id, out.key.name, hash(out.secret), toDb(out.key.createdAt)});
        AuditRepository(m_db).add({0, out.key.createdAt, actor, QStringLiteral("api-key.create"),
                                   QStringLiteral("api_key"), out.key.id,
                                   QStringLiteral("API key \"%1\" created").arg(out.key.name)});
        tx.commit();
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
    return out;
}

std::vector<ApiKey> ApiKeyStore::list()
{
    std::vector<ApiKey> out;
    QSqlQuery &q = m_db.run(
        QStringLiteral("SELECT id, name, created_at, revoked_at FROM api_keys ORDER BY created_at, id"));
    while (q.next())
        out.push_back(keyFrom(q));
    q.finish();
    return out;
}

Result<ApiKey> ApiKeyStore::revoke(const QString &id, const QString &actor)
{
    try {
        Transaction tx(m_db);
        QSqlQuery &q = m_db.run(
            QStringLiteral("SELECT id, name, created_at, revoked_at FROM api_keys WHERE id = ?"), {id});
        const bool found = q.next();
        ApiKey k = found ? keyFrom(q) : ApiKey();
        q.finish();
        if (!found)
            return Error{QStringLiteral("unknown API key id \"%1\"").arg(id)};
        if (k.revokedAt.isValid())
            return k; // revoking twice is harmless
        k.revokedAt = QDateTime::currentDateTimeUtc();
        m_db.run(QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE id = ?"), {toDb(k.revokedAt), id});
        AuditRepository(m_db).add({0, k.revokedAt, actor, QStringLiteral("api-key.revoke"),
                                   QStringLiteral("api_key"), k.id,
                                   QStringLiteral("API key \"%1\" revoked").arg(k.name)});
        tx.commit();
        return k;
    } catch (const StoreError &e) {
        return Error{QStringLiteral("database error: %1").arg(e.message())};
    }
}

std::optional<ApiKey> ApiKeyStore::verifiedKey(const QString &presented)
{
    if (presented.isEmpty())
        return std::nullopt;
    const QByteArray wanted = hash(presented).toLatin1();
    std::optional<ApiKey> match;
    try {
        QSqlQuery &q = m_db.run(QStringLiteral(
            "SELECT id, name, created_at, revoked_at, key_hash FROM api_keys WHERE revoked_at IS NULL"));
        while (q.next()) {
            // No early exit: the time taken does not depend on which key (if any) matched.
            if (constantTimeEquals(q.value(4).toString().toLatin1(), wanted))
                match = keyFrom(q);
        }
        q.finish();
    } catch (const StoreError &) {
        return std::nullopt;
    }
    return match;
}

} // namespace sd::api
