#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace sd {

// Frames one HTTP/1.x response from the bytes a connection reads: status line, headers, then a body delimited
// by Content-Length, chunked transfer coding or the end of the connection. It never touches a socket, so
// every malformed answer can be named precisely (the `protocol` error class) instead of looking like a closed
// connection.
class HttpResponseParser final
{
public:
    enum class State
    {
        StatusLine,
        Headers,
        Body,
        Done,
        Failed
    };
    struct Limits
    {
        int maxHeaderBytes = 64 * 1024; // status line, headers and chunk trailers together
        int maxHeaders = 100;
    };
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    HttpResponseParser();
    explicit HttpResponseParser(Limits limits);

    // Takes the next bytes from the wire; false once the answer is malformed (see error()). Bytes after a
    // complete response are ignored (the caller does not pipeline). Body bytes, with chunking removed, are
    // appended to what takeBody() returns.
    bool feed(const char *data, qsizetype size);
    // The peer closed the connection: true when that completes the response (a close-delimited body).
    bool closeEndsResponse();

    State state() const { return m_state; }
    bool headersComplete() const { return m_state == State::Body || m_state == State::Done; }
    bool done() const { return m_state == State::Done; }
    // Something that starts like a status line has arrived (an interim 1xx counts).
    bool started() const { return m_started; }
    const QString &error() const { return m_error; }
    int status() const { return m_status; }
    const QByteArray &reasonPhrase() const { return m_reason; }
    // Names as received; a repeated name is folded into its first occurrence (", "-joined).
    const Headers &headers() const { return m_headers; }
    QByteArray header(const QByteArray &name) const;
    // The connection may carry another request after this response.
    bool keepAlive() const;
    QByteArray takeBody();

private:
    enum class BodyKind
    {
        None,
        Length,
        Chunked,
        UntilClose
    };
    enum class ChunkState
    {
        Size,
        Data,
        DataEnd,
        Trailer
    };
    bool fail(const QString &why);
    bool takeLine(const char *&p, const char *end, QByteArray *line);
    bool parseStatusLine(const QByteArray &line);
    bool parseHeaderLine(const QByteArray &line);
    bool headersEnded();
    bool feedBody(const char *&p, const char *end);
    bool feedChunked(const char *&p, const char *end);

    Limits m_limits;
    State m_state = State::StatusLine;
    QString m_error;
    QByteArray m_line; // a line not yet complete
    QByteArray m_firstBytes;
    qsizetype m_headerBytes = 0;
    int m_headerCount = 0;
    bool m_started = false;
    int m_minor = 1;
    int m_status = 0;
    QByteArray m_reason;
    Headers m_headers;
    BodyKind m_bodyKind = BodyKind::None;
    ChunkState m_chunkState = ChunkState::Size;
    qint64 m_remaining = 0;
    QByteArray m_body;
};

// A short, printable quotation of what arrived, for a reason text: at most `max` bytes, control and non-ASCII
// bytes escaped as \xNN (\r and \n as such).
QString quotedPrefix(const QByteArray &bytes, int max = 40);

} // namespace sd
