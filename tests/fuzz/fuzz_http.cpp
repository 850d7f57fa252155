// libFuzzer target for what a webhook receiver sends back: HttpResponseParser (status line, headers,
// Content-Length, chunked and close-delimited bodies) and HttpContentDecoder (gzip/deflate with the inflate
// limit). Receivers are untrusted, so besides crashes it checks what the client relies on: the same bytes
// give the same answer however the reads split them, a failure always has a reason, the header limits hold,
// and nothing inflates past its limit.
#include "app/delivery/httpcontentdecoder.h"
#include "app/delivery/httpresponseparser.h"

#include <cstdint>
#include <cstdlib>

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

struct Outcome
{
    sd::HttpResponseParser::State state;
    int status;
    QByteArray body;
    QString error;
};

// Feeds `bytes` in pieces of `step` bytes (0: all at once), then a close if the parser still reads.
Outcome parse(const QByteArray &bytes, int step, sd::HttpResponseParser::Limits limits)
{
    sd::HttpResponseParser parser(limits);
    QByteArray body;
    const qsizetype piece = step > 0 ? step : qMax<qsizetype>(bytes.size(), 1);
    for (qsizetype at = 0; at < bytes.size(); at += piece) {
        if (!parser.feed(bytes.constData() + at, qMin(piece, bytes.size() - at)))
            break;
        body += parser.takeBody();
    }
    if (parser.state() != sd::HttpResponseParser::State::Failed && !parser.done())
        parser.closeEndsResponse();
    body += parser.takeBody();
    check(parser.state() != sd::HttpResponseParser::State::Failed || !parser.error().isEmpty());
    check(parser.headers().size() <= limits.maxHeaders);
    return {parser.state(), parser.status(), body, parser.error()};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const int step = data[0] % 17; // how the reads split the answer
    const QByteArray bytes(reinterpret_cast<const char *>(data + 1), static_cast<qsizetype>(size - 1));
    sd::HttpResponseParser::Limits limits;
    limits.maxHeaderBytes = 2048; // small, so the fuzzer reaches them
    limits.maxHeaders = 8;

    const Outcome whole = parse(bytes, 0, limits);
    const Outcome pieces = parse(bytes, step, limits);
    check(whole.state == pieces.state);
    check(whole.status == pieces.status);
    check(whole.body == pieces.body);

    // A body whose first byte picks an encoding goes through the decoder with a small limit.
    if (!whole.body.isEmpty()) {
        static const QByteArray encodings[] = {"gzip", "deflate", "x-gzip", "identity"};
        sd::HttpContentDecoder decoder(encodings[static_cast<uint8_t>(whole.body.at(0)) % 4], 64 * 1024);
        const QByteArray compressed = whole.body.mid(1);
        QByteArray out;
        const bool ok = decoder.decode(compressed, &out) && decoder.finish();
        check(ok || !decoder.error().isEmpty());
        // Past the limit only at a ratio no bomb has (the decoder's rule: 40 times the compressed size).
        check(out.size() <= qMax<qsizetype>(64 * 1024, 40 * compressed.size()));
    }
    return 0;
}
