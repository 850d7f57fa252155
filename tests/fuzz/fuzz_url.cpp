// libFuzzer target for the endpoint URL rules: the normaliser, the redaction function and the target
// policy's host check. Besides crashes it checks what callers rely on: normalising is idempotent (one
// spelling per endpoint), redacting is idempotent, and a URL's password never survives redaction.
#include "models/endpointurl.h"
#include "models/targetpolicy.h"

#include <QUrl>
#include <cstdint>
#include <cstdlib>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString input =
        QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    using namespace sd;
    const QString normal = endpointurl::normalized(input);
    if (!normal.isEmpty()) {
        check(endpointurl::normalized(normal) == normal);
        const QUrl url(normal);
        // Whatever the password, the redacted URL parses without it.
        const QUrl shown(endpointurl::redacted(normal));
        check(url.password().isEmpty() || shown.password() == QLatin1String("***"));
        (void)targetpolicy::checkHost(url.host(), true);
        (void)targetpolicy::checkEndpoint(normal, false);
    }
    const QString redacted = endpointurl::redacted(input);
    check(endpointurl::redacted(redacted) == redacted);
    check(redacted.size() <= input.size() + 3 * (input.count(QLatin1String("://")) + 1));
    (void)targetpolicy::checkHost(input, false);
    return 0;
}
