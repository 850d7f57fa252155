#pragma once

#include <QByteArray>
#include <QString>
#include <memory>

namespace sd {

// Undoes a response's Content-Encoding (gzip, x-gzip, deflate) with zlib, chunk by chunk as the body
// arrives, and stops a decompression bomb: past `limit` bytes at more than 40 times the compressed size it
// fails instead of inflating further. Other codings (and none) pass through unchanged.
class HttpContentDecoder final
{
public:
    static constexpr qint64 kDefaultLimit = 10 * 1024 * 1024;

    explicit HttpContentDecoder(const QByteArray &contentEncoding, qint64 limit = kDefaultLimit);
    ~HttpContentDecoder();
    HttpContentDecoder(const HttpContentDecoder &) = delete;
    HttpContentDecoder &operator=(const HttpContentDecoder &) = delete;

    // Appends the decoded form of `input` to `out`; false with error() set when it cannot be decoded.
    bool decode(const QByteArray &input, QByteArray *out);
    // The body ended: false when a compressed stream stopped before its end.
    bool finish();
    // Without the "decompression failed: " prefix the attempt record puts in front.
    const QString &error() const { return m_error; }

private:
    struct Stream;
    bool fail(const QString &why);

    std::unique_ptr<Stream> m_stream; // null: passthrough
    qint64 m_limit;
    qint64 m_in = 0;
    qint64 m_out = 0;
    bool m_deflate = false; // "deflate": zlib-wrapped, or raw as some servers send it
    bool m_ended = false;
    QString m_error;
};

} // namespace sd
