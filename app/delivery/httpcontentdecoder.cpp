#include "app/delivery/httpcontentdecoder.h"

#include <zlib.h>

namespace sd {
namespace {
constexpr qint64 kBombRatio = 40; // as Qt's safety check: only a suspicious ratio counts as a bomb
constexpr int kOutChunk = 64 * 1024;
} // namespace

struct HttpContentDecoder::Stream
{
    z_stream z{};
    bool open = false;
    bool init(int windowBits)
    {
        if (open)
            inflateEnd(&z);
        z = z_stream{};
        open = inflateInit2(&z, windowBits) == Z_OK;
        return open;
    }
    ~Stream()
    {
        if (open)
            inflateEnd(&z);
    }
};

HttpContentDecoder::HttpContentDecoder(const QByteArray &contentEncoding, qint64 limit)
    : m_limit(limit)
{
    const QByteArray coding = contentEncoding.trimmed().toLower();
    if (coding == "gzip" || coding == "x-gzip") {
        m_stream = std::make_unique<Stream>();
        m_stream->init(15 + 16);
    } else if (coding == "deflate") {
        m_stream = std::make_unique<Stream>();
        m_deflate = true;
        m_stream->init(15); // zlib wrapper as RFC 9110 says; raw deflate tried if that header is missing
    }
}

HttpContentDecoder::~HttpContentDecoder() = default;

bool HttpContentDecoder::fail(const QString &why)
{
    m_error = why;
    m_stream.reset();
    return false;
}

bool HttpContentDecoder::decode(const QByteArray &input, QByteArray *out)
{
    if (!m_error.isEmpty())
        return false;
    if (!m_stream) {
        out->append(input);
        return true;
    }
    if (!m_stream->open)
        return fail(QStringLiteral("zlib could not start"));
    if (m_ended) // bytes after the end of the compressed stream are dropped, as zlib users commonly do
        return true;
    m_in += input.size();
    z_stream &z = m_stream->z;
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(input.constData()));
    z.avail_in = static_cast<uInt>(input.size());
    char buffer[kOutChunk];
    while (z.avail_in > 0 || z.avail_out == 0) {
        z.next_out = reinterpret_cast<Bytef *>(buffer);
        z.avail_out = kOutChunk;
        int rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_DATA_ERROR && m_deflate && z.total_in <= 2 && m_out == 0) {
            // "deflate" without the zlib header: start again as a raw stream.
            const QByteArray again = input;
            m_stream->init(-15);
            m_deflate = false;
            m_in = 0;
            return decode(again, out);
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return fail(QStringLiteral("the compressed answer is corrupt or not in its declared encoding "
                                       "(zlib: %1)")
                            .arg(z.msg ? QString::fromLatin1(z.msg) : QString::number(rc)));
        const qint64 produced = kOutChunk - z.avail_out;
        m_out += produced;
        if (m_out > m_limit && m_out > kBombRatio * m_in)
            return fail(QStringLiteral("the answer inflates past %1 MiB at more than %2 times its compressed "
                                       "size (a decompression bomb); reading stopped there")
                            .arg(m_limit / (1024 * 1024))
                            .arg(kBombRatio));
        out->append(buffer, produced);
        if (rc == Z_STREAM_END) {
            m_ended = true;
            break;
        }
        if (rc == Z_BUF_ERROR || (produced == 0 && z.avail_in == 0))
            break;
    }
    return true;
}

bool HttpContentDecoder::finish()
{
    if (!m_error.isEmpty())
        return false;
    if (m_stream && !m_ended && m_in > 0)
        return fail(QStringLiteral("the compressed answer ends before its compressed stream does"));
    return true;
}

} // namespace sd
