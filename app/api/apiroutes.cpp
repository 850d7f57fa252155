#include "app/api/apiroutes.h"

#include <QStringList>
#include <algorithm>

namespace sd::api {
namespace {

const QString &pagesPath()
{
    static const QString path = QStringLiteral("/v1/pages");
    return path;
}

const QString &pagePrefix()
{
    static const QString prefix = QStringLiteral("/v1/pages/{page_id}");
    return prefix;
}

bool isCapture(const QString &segment)
{
    return segment.startsWith(QLatin1Char('{')) && segment.endsWith(QLatin1Char('}'));
}

// The segments of a page route after its page id ("components/{id}" -> {"components", "{id}"}); false for
// a path outside /v1/pages/{page_id}.
bool pageSegments(const QString &path, QStringList *segments)
{
    if (path == pagePrefix()) {
        segments->clear();
        return true;
    }
    if (!path.startsWith(pagePrefix() + QLatin1Char('/')))
        return false;
    *segments = path.mid(pagePrefix().size() + 1).split(QLatin1Char('/'));
    return true;
}

bool segmentsMatch(const QStringList &pattern, const QStringList &segments, QStringList *ids)
{
    if (pattern.size() != segments.size())
        return false;
    QStringList captured;
    for (int i = 0; i < pattern.size(); ++i) {
        if (isCapture(pattern.at(i))) {
            if (segments.at(i).isEmpty())
                return false;
            captured << segments.at(i);
        } else if (pattern.at(i) != segments.at(i)) {
            return false;
        }
    }
    *ids = captured;
    return true;
}

// Of two patterns that match the same segments, the one with a literal where the other captures.
bool moreLiteral(const QStringList &a, const QStringList &b)
{
    for (int i = 0; i < a.size() && i < b.size(); ++i) {
        if (isCapture(a.at(i)) != isCapture(b.at(i)))
            return !isCapture(a.at(i));
    }
    return false;
}

void append(QByteArray &list, const QByteArray &method)
{
    const QList<QByteArray> present = list.split(',');
    for (const QByteArray &m : present) {
        if (m.trimmed() == method)
            return;
    }
    list += (list.isEmpty() ? QByteArray() : QByteArrayLiteral(", ")) + method;
}

// Found when a row of `pattern` takes `method`, else 405 with every method the path takes.
void decide(RouteMatch &out, const QList<RouteSpec> &table, const QString &pattern, const QByteArray &method)
{
    out.pattern = pattern;
    QByteArray documented;
    QByteArray extra;
    for (qsizetype row = 0; row < table.size(); ++row) {
        const RouteSpec &spec = table.at(row);
        if (spec.path != pattern)
            continue;
        if (spec.method == method && out.row < 0)
            out.row = row;
        append(spec.extra ? extra : documented, spec.method);
    }
    if (out.row >= 0) {
        out.outcome = RouteMatch::Outcome::Found;
        return;
    }
    out.outcome = RouteMatch::Outcome::MethodNotAllowed;
    out.allowedMethods = documented;
    if (!extra.isEmpty())
        out.allowedMethods += (documented.isEmpty() ? QByteArray() : QByteArrayLiteral(", ")) + extra;
}

} // namespace

QList<RouteInfo> routeInfo(const QList<RouteSpec> &table)
{
    QList<RouteInfo> out;
    for (const RouteSpec &spec : table) {
        auto it =
            std::find_if(out.begin(), out.end(), [&](const RouteInfo &r) { return r.path == spec.path; });
        if (it == out.end()) {
            out.append({spec.path, {}, {}});
            it = out.end() - 1;
        }
        QList<QByteArray> &methods = spec.extra ? it->extraMethods : it->methods;
        if (!methods.contains(spec.method))
            methods.append(spec.method);
    }
    return out;
}

bool isApiPath(const QString &path)
{
    return path == QLatin1String("/v1") || path.startsWith(QLatin1String("/v1/"));
}

RouteMatch matchRoute(const QList<RouteSpec> &table, const QByteArray &method, const QString &path,
                      const QString &pageId)
{
    RouteMatch out;
    QString rest = path;
    // Statuspage answers every path with a ".json" suffix too (/v1/pages/{page_id}/components.json).
    if (rest.endsWith(QLatin1String(".json")))
        rest.chop(5);
    if (rest.endsWith(QLatin1Char('/')))
        rest.chop(1);
    if (rest == pagesPath()) {
        for (const RouteSpec &spec : table) {
            if (spec.path == pagesPath()) {
                decide(out, table, pagesPath(), method);
                break;
            }
        }
        return out;
    }
    static const QString prefix = pagesPath() + QLatin1Char('/');
    if (!rest.startsWith(prefix))
        return out;
    QStringList segments = rest.mid(prefix.size()).split(QLatin1Char('/'));
    if (segments.isEmpty() || segments.first().isEmpty())
        return out;
    if (segments.takeFirst() != pageId) {
        out.outcome = RouteMatch::Outcome::WrongPage;
        return out;
    }
    QStringList best;
    QString bestPath;
    QStringList bestIds;
    for (const RouteSpec &spec : table) {
        QStringList pattern;
        QStringList ids;
        if (spec.path == bestPath || !pageSegments(spec.path, &pattern) ||
            !segmentsMatch(pattern, segments, &ids))
            continue;
        if (bestPath.isNull() || moreLiteral(pattern, best)) {
            best = pattern;
            bestPath = spec.path;
            bestIds = ids;
        }
    }
    if (bestPath.isNull())
        return out;
    out.id = bestIds.value(0);
    out.subId = bestIds.value(1);
    decide(out, table, bestPath, method);
    return out;
}

} // namespace sd::api
