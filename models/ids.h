#pragma once

#include <QString>

// Identifiers and secrets, all drawn from the operating system's cryptographic source
// (QRandomGenerator::system()).
namespace sd::ids {

// 12 lowercase base-36 characters, like Statuspage's ids (about 62 bits).
QString newId();
// 26 base-36 characters (about 134 bits): unguessable, and unrelated to any id.
QString newToken();
// "whsec_" + base64 of 32 random bytes, as the Standard Webhooks spec describes.
QString newSigningSecret();
// A random string of `length` lowercase base-36 characters, unbiased.
QString randomBase36(int length);

bool isValidId(QStringView s);
bool isValidSigningSecret(QStringView s);

} // namespace sd::ids
