#pragma once

#include "models/result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

// The public subscribe form's body (application/x-www-form-urlencoded, as a browser posts it), read into its
// fields or one sentence saying what is wrong. Pure, so the fuzz target (tests/fuzz/fuzz_api.cpp) calls it.
namespace sd::api {

struct SubscribeForm
{
    QString csrf;
    QString endpoint;
    QString email;
    QStringList componentIds;
};

constexpr qsizetype kMaxSubscribeFormBytes = 16 * 1024;

// Refuses a body over kMaxSubscribeFormBytes, text that is not valid UTF-8 once decoded, a field given twice
// (endpoint, email, csrf), more than 200 component fields, and control characters in a value; fields the form
// does not have are ignored, as a browser extension may add some.
Result<SubscribeForm> parseSubscribeForm(const QByteArray &body);

} // namespace sd::api
