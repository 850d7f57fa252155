#include "app/api/subscribeform.h"

#include <QStringDecoder>
#include <optional>

namespace sd::api {
namespace {

constexpr int kMaxComponents = 200;

// '+' is a space and %XX a byte; the bytes are then UTF-8 (what the page's <meta charset> asks browsers for).
std::optional<QString> decode(QByteArray raw)
{
    raw.replace('+', ' ');
    const QByteArray bytes = QByteArray::fromPercentEncoding(raw);
    QStringDecoder utf8(QStringConverter::Utf8, QStringConverter::Flag::Stateless);
    QString text = utf8(bytes);
    if (utf8.hasError())
        return std::nullopt;
    return text;
}

bool hasControl(const QString &value)
{
    for (const QChar c : value) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return true;
    }
    return false;
}

} // namespace

Result<SubscribeForm> parseSubscribeForm(const QByteArray &body)
{
    if (body.size() > kMaxSubscribeFormBytes)
        return Error{QStringLiteral("the form is too large")};
    SubscribeForm form;
    bool seenCsrf = false, seenEndpoint = false, seenEmail = false;
    for (const QByteArray &pair : body.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const auto name = decode(eq < 0 ? pair : pair.left(eq));
        const auto value = decode(eq < 0 ? QByteArray() : pair.mid(eq + 1));
        if (!name || !value)
            return Error{QStringLiteral("the form is not valid UTF-8 text")};
        const auto take = [&](bool &seen, QString &field) -> QString {
            if (seen)
                return QStringLiteral("the form has the field \"%1\" twice").arg(*name);
            if (hasControl(*value))
                return QStringLiteral("the field \"%1\" has a control character in it").arg(*name);
            seen = true;
            field = value->trimmed();
            return {};
        };
        QString err;
        if (*name == QLatin1String("csrf"))
            err = take(seenCsrf, form.csrf);
        else if (*name == QLatin1String("endpoint"))
            err = take(seenEndpoint, form.endpoint);
        else if (*name == QLatin1String("email"))
            err = take(seenEmail, form.email);
        else if (*name == QLatin1String("component")) {
            if (form.componentIds.size() >= kMaxComponents)
                err = QStringLiteral("the form names more than %1 components").arg(kMaxComponents);
            else if (hasControl(*value))
                err = QStringLiteral("the field \"component\" has a control character in it");
            else if (!value->trimmed().isEmpty())
                form.componentIds << value->trimmed();
        }
        if (!err.isEmpty())
            return Error{err};
    }
    return form;
}

} // namespace sd::api
