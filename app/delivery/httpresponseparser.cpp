#include "app/delivery/httpresponseparser.h"

#include <cstring>

namespace sd {
namespace {

constexpr qsizetype kMaxChunkLine = 4096; // a chunk-size line with extensions; real ones are a few bytes

bool isToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || std::strchr("\"(),/:;<=>?@[\\]{}", c))
            return false;
    }
    return true;
}

bool hasToken(const QByteArray &list, const char *token)
{
    for (const QByteArray &part : list.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

QString quotedPrefix(const QByteArray &bytes, int max)
{
    static const char hex[] = "0123456789abcdef";
    QString out;
    const qsizetype n = std::min<qsizetype>(bytes.size(), max);
    for (qsizetype i = 0; i < n; ++i) {
        const auto u = static_cast<unsigned char>(bytes.at(i));
        if (u == '\r')
            out += QLatin1String("\\r");
        else if (u == '\n')
            out += QLatin1String("\\n");
        else if (u == '\\' || u == '"')
            out += QLatin1Char('\\') + QLatin1Char(char(u));
        else if (u < 0x20 || u >= 0x7f)
            out += QLatin1String("\\x") + QLatin1Char(hex[u >> 4]) + QLatin1Char(hex[u & 0xf]);
        else
            out += QLatin1Char(char(u));
    }
    if (bytes.size() > n)
        out += QStringLiteral("…");
    return QLatin1Char('"') + out + QLatin1Char('"');
}

HttpResponseParser::HttpResponseParser()
    : HttpResponseParser(Limits{})
{}

HttpResponseParser::HttpResponseParser(Limits limits)
    : m_limits(limits)
{}

bool HttpResponseParser::fail(const QString &why)
{
    m_state = State::Failed;
    m_error = why;
    return false;
}

// Collects bytes up to and including '\n' into `line` (without the line end); false while incomplete.
bool HttpResponseParser::takeLine(const char *&p, const char *end, QByteArray *line)
{
    const char *nl = static_cast<const char *>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (!nl) {
        m_line.append(p, end - p);
        p = end;
        return false;
    }
    m_line.append(p, nl - p);
    p = nl + 1;
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    *line = std::move(m_line);
    m_line = QByteArray();
    return true;
}

bool HttpResponseParser::feed(const char *data, qsizetype size)
{
    const char *p = data;
    const char *end = data + size;
    if (m_firstBytes.size() < 64) // what an error reason quotes when the answer is not HTTP at all
        m_firstBytes.append(data, std::min<qsizetype>(size, 64 - m_firstBytes.size()));
    while (p < end) {
        switch (m_state) {
        case State::StatusLine:
        case State::Headers: {
            const qsizetype before = m_line.size();
            QByteArray line;
            const char *start = p;
            const bool complete = takeLine(p, end, &line);
            m_headerBytes += (p - start);
            if (m_headerBytes > m_limits.maxHeaderBytes)
                return fail(
                    QStringLiteral("the response headers exceed %1 KiB").arg(m_limits.maxHeaderBytes / 1024));
            if (m_state == State::StatusLine) {
                // A pending line that so far holds only the CR of a line end is not yet anything: the same
                // bytes must be judged alike however the reads split them (found by tests/fuzz/fuzz_http).
                QByteArray seen = complete ? line : m_line;
                if (!complete && seen.endsWith('\r'))
                    seen.chop(1);
                if (!seen.isEmpty() || before > 0)
                    m_started = true;
                // Anything that cannot become "HTTP/1." is refused at once, without waiting for a line end.
                static const QByteArray prefix("HTTP/1.");
                const qsizetype n = std::min(seen.size(), prefix.size());
                if (std::memcmp(seen.constData(), prefix.constData(), static_cast<size_t>(n)) != 0)
                    return fail(QStringLiteral("the answer is not HTTP: it starts with %1")
                                    .arg(quotedPrefix(m_firstBytes)));
                if (!complete)
                    break;
                if (line.isEmpty()) { // a stray line end before the status line is tolerated
                    m_started = false;
                    break;
                }
                if (!parseStatusLine(line))
                    return false;
                m_state = State::Headers;
            } else {
                if (!complete)
                    break;
                if (line.isEmpty()) {
                    if (!headersEnded())
                        return false;
                } else if (!parseHeaderLine(line)) {
                    return false;
                }
            }
            break;
        }
        case State::Body:
            if (!feedBody(p, end))
                return false;
            break;
        case State::Done:
        case State::Failed:
            return m_state == State::Done;
        }
    }
    return m_state != State::Failed;
}

bool HttpResponseParser::parseStatusLine(const QByteArray &line)
{
    // HTTP/1.x SP 3DIGIT [SP reason-phrase]
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    const bool ok = line.size() >= 12 && line.startsWith("HTTP/1.") && digit(line.at(7)) &&
                    line.at(8) == ' ' && digit(line.at(9)) && digit(line.at(10)) && digit(line.at(11)) &&
                    (line.size() == 12 || line.at(12) == ' ');
    if (!ok)
        return fail(QStringLiteral("invalid status line %1").arg(quotedPrefix(line)));
    m_minor = line.at(7) - '0';
    m_status = line.mid(9, 3).toInt();
    if (m_status < 100)
        return fail(QStringLiteral("invalid status line %1").arg(quotedPrefix(line)));
    m_reason = line.mid(13);
    return true;
}

bool HttpResponseParser::parseHeaderLine(const QByteArray &line)
{
    if (line.at(0) == ' ' || line.at(0) == '\t') { // obsolete line folding: part of the previous value
        if (m_headers.isEmpty())
            return fail(QStringLiteral("invalid header line %1").arg(quotedPrefix(line)));
        m_headers.last().second += ' ' + line.trimmed();
        return true;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray name = colon > 0 ? line.left(colon) : QByteArray();
    if (!isToken(name))
        return fail(QStringLiteral("invalid header line %1").arg(quotedPrefix(line)));
    if (++m_headerCount > m_limits.maxHeaders)
        return fail(QStringLiteral("more than %1 response headers").arg(m_limits.maxHeaders));
    const QByteArray value = line.mid(colon + 1).trimmed();
    for (auto &[existing, folded] : m_headers) {
        if (existing.compare(name, Qt::CaseInsensitive) == 0) {
            // As Qt did: repeated headers become one, Set-Cookie lines joined by a line end.
            folded +=
                name.compare("set-cookie", Qt::CaseInsensitive) == 0 ? QByteArray("\n") : QByteArray(", ");
            folded += value;
            return true;
        }
    }
    m_headers.append({name, value});
    return true;
}

bool HttpResponseParser::headersEnded()
{
    if (m_status == 101)
        return fail(QStringLiteral("the receiver switched protocols (HTTP 101) in answer to a POST"));
    if (m_status < 200) { // interim answer (100 Continue, 103 Early Hints): the real one follows
        m_headers.clear();
        m_headerCount = 0;
        m_state = State::StatusLine;
        return true;
    }
    m_state = State::Body;
    const QByteArray te = header("transfer-encoding");
    const QByteArray cl = header("content-length");
    if (m_status == 204 || m_status == 304) {
        m_bodyKind = BodyKind::None;
    } else if (!te.isEmpty()) {
        const QList<QByteArray> codings = te.split(',');
        m_bodyKind = codings.last().trimmed().compare("chunked", Qt::CaseInsensitive) == 0
                         ? BodyKind::Chunked
                         : BodyKind::UntilClose;
    } else if (!cl.isNull()) {
        // Repeated (folded) values must agree.
        qint64 length = -1;
        for (const QByteArray &part : cl.split(',')) {
            bool ok = false;
            const QByteArray digits = part.trimmed();
            const qint64 v = digits.toLongLong(&ok);
            if (!ok || v < 0 || digits.startsWith('+') || (length >= 0 && v != length))
                return fail(QStringLiteral("invalid Content-Length %1").arg(quotedPrefix(cl)));
            length = v;
        }
        m_bodyKind = BodyKind::Length;
        m_remaining = length;
    } else {
        m_bodyKind = BodyKind::UntilClose;
    }
    if (m_bodyKind == BodyKind::None || (m_bodyKind == BodyKind::Length && m_remaining == 0))
        m_state = State::Done;
    return true;
}

bool HttpResponseParser::feedBody(const char *&p, const char *end)
{
    switch (m_bodyKind) {
    case BodyKind::None:
        m_state = State::Done;
        return true;
    case BodyKind::UntilClose:
        m_body.append(p, end - p);
        p = end;
        return true;
    case BodyKind::Length: {
        const qint64 n = std::min<qint64>(m_remaining, end - p);
        m_body.append(p, n);
        p += n;
        m_remaining -= n;
        if (m_remaining == 0)
            m_state = State::Done;
        return true;
    }
    case BodyKind::Chunked:
        return feedChunked(p, end);
    }
    return true;
}

bool HttpResponseParser::feedChunked(const char *&p, const char *end)
{
    while (p < end && m_state == State::Body) {
        switch (m_chunkState) {
        case ChunkState::Size: {
            QByteArray line;
            if (!takeLine(p, end, &line)) {
                if (m_line.size() > kMaxChunkLine)
                    return fail(QStringLiteral("a chunk-size line longer than %1 bytes").arg(kMaxChunkLine));
                return true;
            }
            qsizetype stop = 0;
            while (stop < line.size() && line.at(stop) != ';' && line.at(stop) != ' ' &&
                   line.at(stop) != '\t')
                ++stop;
            bool ok = false;
            const QByteArray hex = line.left(stop);
            const qint64 size = hex.size() <= 15 ? hex.toLongLong(&ok, 16) : -1;
            if (!ok || size < 0 || hex.startsWith('+') || hex.startsWith('-'))
                return fail(QStringLiteral("invalid chunk size %1").arg(quotedPrefix(line)));
            m_remaining = size;
            m_chunkState = size == 0 ? ChunkState::Trailer : ChunkState::Data;
            break;
        }
        case ChunkState::Data: {
            const qint64 n = std::min<qint64>(m_remaining, end - p);
            m_body.append(p, n);
            p += n;
            m_remaining -= n;
            if (m_remaining == 0)
                m_chunkState = ChunkState::DataEnd;
            break;
        }
        case ChunkState::DataEnd: {
            QByteArray line;
            if (!takeLine(p, end, &line)) {
                if (!m_line.isEmpty() && m_line != "\r")
                    return fail(QStringLiteral("chunk data longer than its size"));
                return true;
            }
            if (!line.isEmpty())
                return fail(QStringLiteral("chunk data longer than its size"));
            m_chunkState = ChunkState::Size;
            break;
        }
        case ChunkState::Trailer: {
            QByteArray line;
            const char *start = p;
            const bool complete = takeLine(p, end, &line);
            m_headerBytes += p - start;
            if (m_headerBytes > m_limits.maxHeaderBytes)
                return fail(
                    QStringLiteral("the response headers exceed %1 KiB").arg(m_limits.maxHeaderBytes / 1024));
            if (complete && line.isEmpty())
                m_state = State::Done; // trailer fields are read and dropped
            break;
        }
        }
    }
    return true;
}

bool HttpResponseParser::closeEndsResponse()
{
    if (m_state == State::Body && m_bodyKind == BodyKind::UntilClose)
        m_state = State::Done;
    return m_state == State::Done;
}

QByteArray HttpResponseParser::header(const QByteArray &name) const
{
    for (const auto &[n, v] : m_headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

bool HttpResponseParser::keepAlive() const
{
    if (m_state != State::Done || m_bodyKind == BodyKind::UntilClose)
        return false;
    const QByteArray connection = header("connection");
    if (hasToken(connection, "close"))
        return false;
    return m_minor >= 1 || hasToken(connection, "keep-alive");
}

QByteArray HttpResponseParser::takeBody()
{
    QByteArray out;
    out.swap(m_body);
    return out;
}

} // namespace sd
