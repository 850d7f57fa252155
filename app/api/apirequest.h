#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace sd::api {

// One HTTP request as the handlers see it: no sockets, so tests and the fuzz target can build one.
struct ApiRequest
{
    QByteArray method; // "GET", "POST", ...
    QString path;      // decoded path, e.g. /v1/pages/abc/subscribers
    QUrlQuery query;
    QByteArray authorization; // the Authorization header, verbatim
    QByteArray body;
    // Who sent it, as the server tells clients apart for its per-client limits: the peer's address (IPv6:
    // its /64), or behind a trusted reverse proxy the address its X-Forwarded-For names.
    QByteArray client;
};

struct ApiResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    int queuedMessages = 0; // webhooks this request queued or released: the server wakes delivery

    static ApiResponse json(int status, const QJsonValue &value);
    static ApiResponse error(int status, const QString &message);
    static ApiResponse noContent(); // 204, as Statuspage answers some DELETEs
};

} // namespace sd::api
