#pragma once

#include <QString>
#include <QStringView>

// The one escaping helper of the public status page and its feeds: every interpolated value goes through
// it. Escapes & < > " ' so a value is safe in HTML and XML text and in a double- or single-quoted attribute.
namespace sd::web {

QString escape(QStringView text);

} // namespace sd::web
