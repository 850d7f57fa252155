#include "app/delivery/smtpsender.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <curl/curl.h>
#include <mutex>

namespace sd {
namespace {

constexpr qsizetype kMaxTranscript = 20'000; // like a webhook's answer: enough to read, bounded

struct Upload
{
    const QByteArray *bytes;
    qsizetype offset = 0;
};

size_t readBody(char *buffer, size_t size, size_t count, void *userdata)
{
    auto *u = static_cast<Upload *>(userdata);
    const qsizetype room = static_cast<qsizetype>(size * count);
    const qsizetype n = std::min(room, u->bytes->size() - u->offset);
    memcpy(buffer, u->bytes->constData() + u->offset, static_cast<size_t>(n));
    u->offset += n;
    return static_cast<size_t>(n);
}

// Only the server's replies are kept: what the client sends includes the AUTH exchange.
int debugCallback(CURL *, curl_infotype type, char *data, size_t size, void *userdata)
{
    auto *transcript = static_cast<QByteArray *>(userdata);
    if (type == CURLINFO_HEADER_IN && transcript->size() < kMaxTranscript)
        transcript->append(data, static_cast<qsizetype>(std::min<size_t>(size, kMaxTranscript)));
    return 0;
}

int progressCallback(void *userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    const auto *abort = static_cast<const std::atomic_bool *>(userdata);
    return abort && abort->load() ? 1 : 0;
}

QString errorClassOf(CURLcode code, long reply)
{
    switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
        return QStringLiteral("dns");
    case CURLE_COULDNT_CONNECT:
        return QStringLiteral("refused");
    case CURLE_OPERATION_TIMEDOUT:
        return QStringLiteral("timeout");
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
        return QStringLiteral("tls");
    case CURLE_LOGIN_DENIED:
        return QStringLiteral("auth");
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        if (reply == 0)
            return QStringLiteral("reset");
        break;
    default:
        break;
    }
    if (reply >= 500)
        return QStringLiteral("smtp_5xx");
    if (reply >= 400)
        return QStringLiteral("smtp_4xx");
    return QStringLiteral("smtp");
}

void globalInit()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

Attempt sendEmailNow(const EmailJob &job, const std::atomic_bool *abort)
{
    globalInit();
    Attempt a;
    a.messageId = job.messageId;
    a.subscriberId = job.subscriberId;
    a.endpoint = QStringLiteral("mailto:") + job.recipient;
    a.attemptNumber = job.attemptNumber;
    a.trigger = job.trigger;
    a.actor = job.actor;
    a.startedAt = QDateTime::currentDateTimeUtc();
    // The envelope, as the detail pane shows it (never the password).
    a.requestHeaders = QJsonDocument(QJsonObject{{QStringLiteral("server"), job.smtp.url},
                                                 {QStringLiteral("MAIL FROM"), job.smtp.from},
                                                 {QStringLiteral("RCPT TO"), job.recipient},
                                                 {QStringLiteral("AUTH user"), job.smtp.user}})
                           .toJson(QJsonDocument::Compact);

    if (!job.smtp.configured()) {
        a.endedAt = a.startedAt;
        a.errorClass = QStringLiteral("smtp");
        a.errorText =
            QStringLiteral("no SMTP server is set (statusdesk-cli settings --smtp-url ... --smtp-from ...)");
        return a;
    }
    CURL *curl = curl_easy_init();
    if (!curl) {
        a.endedAt = QDateTime::currentDateTimeUtc();
        a.errorClass = QStringLiteral("smtp");
        a.errorText = QStringLiteral("could not start libcurl");
        return a;
    }
    char error[CURL_ERROR_SIZE] = {};
    QByteArray transcript;
    Upload upload{&job.bytes};
    const QByteArray url = job.smtp.url.toUtf8();
    const QByteArray from = '<' + job.smtp.from.toUtf8() + '>';
    const QByteArray to = '<' + job.recipient.toUtf8() + '>';
    const QByteArray user = job.smtp.user.toUtf8();
    const QByteArray password = job.smtp.password.toUtf8();
    const QByteArray caFile = job.smtp.caFile.toUtf8();
    curl_slist *recipients = curl_slist_append(nullptr, to.constData());

    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // a worker thread: timeouts must not use signals
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.constData());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, readBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(job.bytes.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(job.smtp.timeoutMs));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(job.smtp.timeoutMs));
    // With a user set, STARTTLS is required (curl then stops before AUTH when the server does not offer it);
    // only the operator's explicit --smtp-starttls never sends AUTH over a plain connection.
    if (!job.smtp.implicitTls())
        curl_easy_setopt(curl, CURLOPT_USE_SSL,
                         job.smtp.mustStartTls() ? static_cast<long>(CURLUSESSL_ALL)
                         : job.smtp.startTls == SmtpSettings::StartTls::Never
                             ? static_cast<long>(CURLUSESSL_NONE)
                             : static_cast<long>(CURLUSESSL_TRY));
    if (!caFile.isEmpty())
        curl_easy_setopt(curl, CURLOPT_CAINFO, caFile.constData());
    if (!user.isEmpty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, user.constData());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, password.constData());
        curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS,
                         "AUTH=*"); // PLAIN or LOGIN, whichever the server offers
    }
    curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L); // feeds debugCallback; nothing is printed
    curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, debugCallback);
    curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &transcript);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progressCallback);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, const_cast<std::atomic_bool *>(abort));

    const CURLcode code = curl_easy_perform(curl);
    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);

    a.endedAt = QDateTime::currentDateTimeUtc();
    a.durationMs = a.startedAt.msecsTo(a.endedAt);
    a.httpStatus = static_cast<int>(reply);
    a.responseBody = transcript;
    if (code != CURLE_OK) {
        a.errorClass = errorClassOf(code, reply);
        QString text = QString::fromUtf8(error).trimmed();
        if (text.isEmpty())
            text = QString::fromUtf8(curl_easy_strerror(code));
        // Never the URL's user info (there is none: checked when set) nor the password: curl does not echo
        // it.
        a.errorText = text.left(500);
        // curl stops before AUTH and says "STARTTLS not supported." (not in EHLO) or "STARTTLS denied, code
        // N".
        if (code == CURLE_USE_SSL_FAILED && job.smtp.mustStartTls()) {
            const QString what = text.contains(QLatin1String("denied"))
                                     ? QStringLiteral("refused STARTTLS (%1)").arg(text)
                                     : QStringLiteral("offered no STARTTLS");
            a.errorText =
                job.smtp.user.isEmpty()
                    ? QStringLiteral("the mail server %1, and STARTTLS is required").arg(what)
                    : QStringLiteral("the mail server %1; refusing to send the password in cleartext")
                          .arg(what);
        }
        if (reply == 0 && a.httpStatus == 0 && a.errorClass.startsWith(QLatin1String("smtp_")))
            a.errorClass = QStringLiteral("smtp");
    }
    return a;
}

class SmtpWorker final : public QObject
{
public:
    explicit SmtpWorker(std::shared_ptr<std::atomic_bool> abort)
        : m_abort(std::move(abort))
    {}
    Attempt run(const EmailJob &job) { return sendEmailNow(job, m_abort.get()); }

private:
    std::shared_ptr<std::atomic_bool> m_abort;
};

SmtpSender::SmtpSender(QObject *parent)
    : QObject(parent)
    , m_abort(std::make_shared<std::atomic_bool>(false))
{
    m_thread.setObjectName(QStringLiteral("smtp"));
    m_worker = new SmtpWorker(m_abort);
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

SmtpSender::~SmtpSender()
{
    m_abort->store(true);
    m_thread.quit();
    m_thread.wait();
}

void SmtpSender::send(const EmailJob &job)
{
    ++m_inFlight;
    SmtpWorker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [this, worker, job]() {
        const Attempt a = worker->run(job);
        // Back in the sender's thread; dropped if the sender is gone by then.
        QMetaObject::invokeMethod(this, [this, a]() {
            --m_inFlight;
            Q_EMIT finished(a);
        });
    });
}

} // namespace sd
