// libFuzzer target over the HTTP API's pure request layer: body parsers (JSON and form-encoded), query
// parsing, routing, the unsubscribe token reader and the public subscribe form's parser, with the endpoint
// URL rules applied to every endpoint a body carries, as the service does (and the form's strict public
// target policy to the form's endpoint). The first byte picks the entry point; the rest is its input. Besides
// crashes and sanitizer reports it checks the promises callers rely on (ranges, non-empty lists, an
// endpoint's normal form being stable and its redaction hiding the password).
#include "app/api/apirequestparser.h"
#include "app/api/apiroutes.h"
#include "app/api/featurerequests.h"
#include "app/api/incidentrequests.h"
#include "app/api/subscribeform.h"
#include "models/endpointurl.h"
#include "models/targetpolicy.h"

#include <QUrl>
#include <QUrlQuery>
#include <cstdint>
#include <cstdlib>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

// What the subscriber service does with an endpoint from a request: one normal form, stable when applied
// again, and a shown form with no password in it.
void checkEndpoint(const QString &endpoint)
{
    using namespace sd::endpointurl;
    const QString normal = normalized(endpoint);
    if (!normal.isEmpty())
        check(normalized(normal) == normal);
    const QString shown = redacted(endpoint);
    check(redacted(shown) == shown);
}

// The shapes of the API's routing table (app/api/*routes.cpp, whose handlers need the whole core): a list
// beside the page, literal segments beside captures, nested captures, an extra method.
const QList<sd::api::RouteSpec> &routeShapes()
{
    using sd::api::RouteSpec;
    static const QList<RouteSpec> table{
        {"GET", QStringLiteral("/v1/pages")},
        {"GET", QStringLiteral("/v1/pages/{page_id}")},
        {"PATCH", QStringLiteral("/v1/pages/{page_id}")},
        {"GET", QStringLiteral("/v1/pages/{page_id}/subscribers")},
        {"POST", QStringLiteral("/v1/pages/{page_id}/subscribers/reactivate")},
        {"GET", QStringLiteral("/v1/pages/{page_id}/subscribers/{id}")},
        {"DELETE", QStringLiteral("/v1/pages/{page_id}/subscribers/{id}")},
        {"PATCH", QStringLiteral("/v1/pages/{page_id}/incidents/{id}/incident_updates/{update_id}")},
        {"PUT", QStringLiteral("/v1/pages/{page_id}/incidents/{id}/postmortem")},
        {"POST", QStringLiteral("/v1/pages/{page_id}/incidents/{id}/postmortem"), true},
        {"GET", QStringLiteral("/v1/pages/{page_id}/incidents/unresolved")},
    };
    return table;
}

template<typename T> void checkError(const sd::Result<T> &r)
{
    if (!r.ok())
        check(!r.error().isEmpty());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data + 1), static_cast<qsizetype>(size - 1));
    using namespace sd::api;
    switch (data[0] % 21) {
    case 0: {
        auto r = parseSubscriber(input);
        if (r.ok()) {
            check(!r.value().endpoint.isNull() && !r.value().email.isNull());
            checkEndpoint(r.value().endpoint);
        } else {
            check(!r.error().isEmpty());
        }
        break;
    }
    case 1: {
        auto r = parseReactivate(input);
        if (r.ok()) {
            check(!r.value().isEmpty());
            for (const QString &id : r.value())
                check(!id.isEmpty() && id == id.trimmed());
        }
        break;
    }
    case 2: {
        auto r = parseComponentPatch(input);
        if (r.ok())
            check(true); // a patch names at least one documented field
        break;
    }
    case 3: {
        auto r = parseIncidentCreate(input);
        if (r.ok())
            check(r.value().name.has_value());
        break;
    }
    case 4:
        (void)parseIncidentUpdate(input);
        break;
    case 5: {
        auto r = parseSubscriberQuery(QUrlQuery(QString::fromUtf8(input)));
        if (r.ok()) {
            check(r.value().page >= 0 && r.value().perPage >= 1 && r.value().perPage <= kMaxPerPage);
            check(static_cast<qint64>(r.value().page) * r.value().perPage < INT32_MAX);
        }
        break;
    }
    case 6: {
        const qsizetype nl = input.indexOf('\n');
        const QByteArray method = nl < 0 ? QByteArrayLiteral("GET") : input.left(nl);
        const QString path = QString::fromUtf8(nl < 0 ? input : input.mid(nl + 1));
        const QList<RouteSpec> &table = routeShapes();
        const RouteMatch m = matchRoute(table, method, path, QStringLiteral("pageid123456"));
        if (m.outcome == RouteMatch::Outcome::MethodNotAllowed)
            check(!m.allowedMethods.isEmpty() && m.row < 0);
        if (m.outcome == RouteMatch::Outcome::Found)
            check(m.row >= 0 && m.row < table.size() && table.at(m.row).method == method &&
                  table.at(m.row).path == m.pattern);
        (void)isApiPath(path);
        break;
    }
    case 7: {
        // The anonymous form: fields without control characters, a bounded component list, and an endpoint
        // that the strict policy judges the same by host and by address (every spelling of a literal).
        auto r = parseSubscribeForm(input);
        checkError(r);
        if (r.ok()) {
            check(r.value().componentIds.size() <= 200);
            for (const QString &field : {r.value().csrf, r.value().endpoint, r.value().email})
                for (const QChar c : field)
                    check(c.unicode() >= 0x20 && c.unicode() != 0x7f);
            checkEndpoint(r.value().endpoint);
            const QString normal = sd::endpointurl::normalized(r.value().endpoint);
            if (!normal.isEmpty()) {
                const QString host = QUrl(normal).host();
                const QHostAddress literal = sd::targetpolicy::literalAddress(host);
                if (sd::targetpolicy::checkPublicHost(host).isEmpty() && !literal.isNull())
                    check(sd::targetpolicy::checkPublicAddress(literal).isEmpty());
                if (!literal.isNull() && !sd::targetpolicy::checkPublicAddress(literal).isEmpty())
                    check(!sd::targetpolicy::checkPublicHost(host).isEmpty());
            }
        }
        break;
    }
    case 8:
        checkError(readBody(input));
        break;
    case 9:
        checkError(parseSubscriberPatch(input));
        break;
    case 10: {
        auto r = parseBulkSubscribers(input, (size & 1) != 0);
        if (r.ok() && !r.value().all) {
            check(!r.value().ids.isEmpty());
            for (const QString &id : r.value().ids)
                check(!id.isEmpty() && id == id.trimmed());
        }
        checkError(r);
        break;
    }
    case 11:
        checkError(parsePagePatch(input));
        break;
    case 12:
        checkError(parseComponentCreate(input));
        break;
    case 13:
        checkError(parseGroup(input, (size & 1) != 0));
        break;
    case 14:
        checkError(parseIncidentUpdateEdit(input));
        break;
    case 15:
        checkError(parsePostmortem(input));
        checkError(parsePostmortemPublish(input));
        break;
    case 16: {
        auto r = parsePaging(QUrlQuery(QString::fromUtf8(input)), (size & 1) != 0);
        if (r.ok()) {
            check(r.value().page >= 1 && r.value().perPage >= 1 && r.value().perPage <= kMaxPerPage);
            check(static_cast<qint64>(r.value().page - 1) * r.value().perPage < INT32_MAX);
        }
        checkError(r);
        break;
    }
    case 17: {
        auto r = parseTemplate(input, (size & 1) != 0);
        if (r.ok() && (size & 1) != 0)
            check(r.value().name && r.value().title && r.value().body); // a new template names all three
        checkError(r);
        break;
    }
    case 18: {
        auto r = parseIncidentSubscriber(input);
        if (r.ok()) {
            check(!r.value().endpoint.trimmed().isEmpty());
            checkEndpoint(r.value().endpoint);
        }
        checkError(r);
        break;
    }
    case 19: {
        auto r = parseUptimeQuery(QUrlQuery(QString::fromUtf8(input)));
        if (r.ok()) {
            for (const QString &d : {r.value().start, r.value().end})
                check(d.isEmpty() || d.size() == 4 || d.size() == 7 || d.size() == 10);
        }
        checkError(r);
        break;
    }
    default: {
        const qsizetype nl = input.indexOf('\n');
        (void)unsubscribeToken(QUrlQuery(QString::fromUtf8(input.left(nl < 0 ? input.size() : nl))),
                               nl < 0 ? QByteArray() : input.mid(nl + 1));
        break;
    }
    }
    return 0;
}
