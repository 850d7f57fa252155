#include "models/secretarguments.h"

#include <cstring>
#include <strings.h>

namespace sd::secretargs {

Span passwordIn(const char *argument)
{
    const char *url = nullptr;
    for (const char *p = argument; *p && !url; ++p) {
        for (const char *scheme : {"postgresql://", "postgres://"}) {
            if (strncasecmp(p, scheme, std::strlen(scheme)) == 0) {
                url = p + std::strlen(scheme);
                break;
            }
        }
    }
    if (!url)
        return {};
    // The authority ends at the path, query or fragment; the user info at its last '@' (as
    // Database::redacted reads it).
    const size_t authority = std::strcspn(url, "/?#");
    const char *at = nullptr;
    for (const char *p = url; p < url + authority; ++p) {
        if (*p == '@')
            at = p;
    }
    if (!at)
        return {};
    const char *colon = static_cast<const char *>(std::memchr(url, ':', static_cast<size_t>(at - url)));
    if (!colon || colon + 1 == at)
        return {};
    return {static_cast<qsizetype>(colon + 1 - argument), static_cast<qsizetype>(at - colon - 1)};
}

QStringList scrub(int argc, char **argv)
{
    QStringList warnings;
    for (int i = 1; i < argc; ++i) {
        char *arg = argv[i];
        const Span span = passwordIn(arg);
        if (span.length == 0)
            continue;
        const size_t size = std::strlen(arg);
        char *password = arg + span.start;
        if (span.length >= 3) {
            // "***" in its place, the rest of the argument moved up, the freed tail zeroed (never longer).
            std::memcpy(password, "***", 3);
            std::memmove(password + 3, password + span.length,
                         size - static_cast<size_t>(span.start + span.length));
            std::memset(arg + size - (span.length - 3), 0, static_cast<size_t>(span.length - 3));
        } else {
            std::memset(password, '*', static_cast<size_t>(span.length));
        }
        warnings << QStringLiteral(
            "warning: a password on the command line can be read by other local users; it was removed from "
            "this process's arguments, but pass it with ~/.pgpass, PGPASSFILE, PGPASSWORD or STATUSDESK_DB "
            "instead");
    }
    return warnings;
}

} // namespace sd::secretargs
