#pragma once

#include "app/services/operatoridentity.h"
#include "models/database.h"
#include "models/result.h"

#include <QDateTime>
#include <QString>
#include <optional>
#include <vector>

namespace sd::api {

struct ApiKey
{
    QString id;
    QString name;
    QDateTime createdAt;
    QDateTime revokedAt; // invalid while the key works
};

struct CreatedApiKey
{
    ApiKey key;
    QString secret; // shown once; only its SHA-256 is stored
};

// API keys in the api_keys table. A key is "sdk_" + 32 base-36 characters (about 165 random bits); the
// table keeps only the SHA-256 hex of the whole key, so a copy of the database does not grant access.
class ApiKeyStore final
{
public:
    explicit ApiKeyStore(Database &db)
        : m_db(db)
    {}

    // Both write their audit_log row under `actor` in the same transaction as the key.
    Result<CreatedApiKey> create(const QString &name, const QString &actor = defaultOperator());
    std::vector<ApiKey> list();
    Result<ApiKey> revoke(const QString &id, const QString &actor = defaultOperator());
    // True when `presented` is a live key. Compares against every live hash without stopping early.
    bool verify(const QString &presented) { return verifiedKey(presented).has_value(); }
    // The live key `presented` is (its id and name, for the audit trail), compared as verify() does.
    std::optional<ApiKey> verifiedKey(const QString &presented);

    static QString hash(const QString &key);
    static bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

private:
    Database &m_db;
};

} // namespace sd::api
