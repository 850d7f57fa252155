#pragma once

#include <QString>

// Input checks shared by the command line, the console and the HTTP API. Each returns an empty string
// when the input is fine, else one sentence naming the problem.
namespace sd::validation {

constexpr int kMaxNameLength = 255;
constexpr int kMaxBodyLength = 25000;
constexpr int kMaxDescriptionLength = 2000;
constexpr int kMaxComponents = 1100;

// Also refuses targets the delivery policy never allows (see targetpolicy.h); private ones are the
// service's decision, which knows the setting.
QString checkEndpoint(const QString &endpoint);
QString checkEmail(const QString &email);
QString checkName(const QString &name, const QString &what);
QString checkBody(const QString &body);
QString checkPageUrl(const QString &url, const QString &what);
QString checkTimeZone(const QString &tz);
bool isIanaTimeZone(const QString &tz); // any zone or link name tzdata ships (Etc/UTC, US/Eastern, ...)
QString checkSigningSecret(const QString &secret);
// Text that cannot be stored faithfully: a NUL character, or invalid UTF-16 (a lone surrogate, which would be
// written as invalid UTF-8). `what` names the field ("email", "component name").
QString checkText(const QString &text, const QString &what);

} // namespace sd::validation
