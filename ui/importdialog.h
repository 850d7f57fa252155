#pragma once

#include <QDialog>
#include <memory>

class QCheckBox;
class QDialogButtonBox;
class QLineEdit;
class QPlainTextEdit;

namespace sd {

class Session;

namespace upstream {
class StatuspageClient;
class UpstreamHttp;
} // namespace upstream

// File → Import from Statuspage…: the page id, its API key (never stored or shown again: the field is a
// password field and is cleared when the import ends) and the API's address. Import reads the page in the
// background (QNetworkAccessManager) and writes it on the session's worker; the report (created, unchanged,
// conflicts) stays in the dialog. Nobody is notified.
class ImportDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportDialog)

public:
    explicit ImportDialog(Session &session, QWidget *parent = nullptr);
    ~ImportDialog() override;

    QLineEdit *pageEdit() const { return m_page; }
    QLineEdit *keyEdit() const { return m_key; }
    QLineEdit *apiEdit() const { return m_api; }
    QCheckBox *replaceBox() const { return m_replace; }
    QPlainTextEdit *report() const { return m_report; }
    void start(); // the Import button

Q_SIGNALS:
    void importFinished(bool changed); // the import ended (the report says how)

private:
    void setBusy(bool busy);

    Session &m_session;
    QLineEdit *m_page = nullptr;
    QLineEdit *m_key = nullptr;
    QLineEdit *m_api = nullptr;
    QCheckBox *m_replace = nullptr;
    QPlainTextEdit *m_report = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    upstream::UpstreamHttp *m_http = nullptr; // child
    std::unique_ptr<upstream::StatuspageClient> m_client;
};

} // namespace sd
